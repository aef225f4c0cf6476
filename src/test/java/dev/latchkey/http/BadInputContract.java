package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every endpoint against every bad input that applies to it: the exact LoginRadius ErrorCode and HTTP status,
 * a JSON error body of the documented shape, and never a 5xx.
 */
abstract class BadInputContract extends ServerContract {
    TestTenant t;
    TestTenant other;
    TestTenant expired;
    String uid;
    String otherUid;
    List<String> codes;
    List<String> otherCodes;
    String access;

    @BeforeAll
    void seed() {
        // Every factor offered, codes by SMS and email included: the matrix is about credentials and input, not the switches.
        String everyFactor = "{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,\"IsSmsOTPAuthenticator\":true,"
                + "\"IsEmailOTPAuthenticator\":true,\"IsSecurityQuestionAuthenticator\":true},"
                + "\"Passwordless\":{\"EmailLink\":true,\"SmsCode\":true,\"SmartLogin\":true,\"OneTouchLogin\":true}}";
        t = s.tenant(everyFactor);
        other = s.tenant(everyFactor);
        uid = t.account("bad@example.com", "bad-password");
        otherUid = t.account("other@example.com", "other-password");
        codes = t.backupCodes(uid);
        otherCodes = t.backupCodes(otherUid);
        access = t.redeem(t.secondFactorToken("bad@example.com", "bad-password"), codes.get(9)).text("access_token");
        other.backupCodes(other.account("bad@example.com", "bad-password"));
        expired = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true},\"Plan\":{\"Name\":\"trial\",\"ExpiresAt\":\""
                + Instant.now().minus(1, ChronoUnit.DAYS) + "\"}}");
    }

    /** An endpoint, its method and path (with {uid} filled), a good body, and which credential it takes. */
    record Api(String name, String method, String path, String body, Cred cred) {}

    enum Cred { NONE, TWO_FA, ACCESS, SECRET }

    record Case(String name, Function<Api, Reply> call, int status, int code, String description) {}

    private List<Api> apis() {
        return List.of(
                new Api("login/2fa", "POST", "/identity/v2/auth/login/2fa", "{\"email\":\"bad@example.com\",\"password\":\"bad-password\"}", Cred.NONE),
                new Api("login", "POST", "/identity/v2/auth/login", "{\"email\":\"bad@example.com\",\"password\":\"bad-password\"}", Cred.NONE),
                new Api("seed backupcode", "PUT", "/identity/v2/auth/login/2fa/backupcode", "{\"backupcode\":\"" + codes.get(1) + "\"}", Cred.TWO_FA),
                new Api("sdk backupcode", "PUT", "/identity/v2/auth/login/2fa/verification/backupcode", "{\"backupcode\":\"" + codes.get(1) + "\"}", Cred.TWO_FA),
                new Api("legacy backupcode", "GET", "/identity/v2/auth/login/2fa/backupcode?backupcode=" + codes.get(1), null, Cred.TWO_FA),
                new Api("authenticator code", "PUT", "/identity/v2/auth/login/2fa/verification/authenticatorcode", "{\"authenticatorcode\":\"123456\"}", Cred.TWO_FA),
                new Api("google authenticator code", "PUT", "/identity/v2/auth/login/2fa/verification/googleauthenticatorcode", "{\"googleauthenticatorcode\":\"123456\"}", Cred.TWO_FA),
                new Api("sms otp", "PUT", "/identity/v2/auth/login/2fa/verification/otp", "{\"otp\":\"123456\"}", Cred.TWO_FA),
                new Api("sms phone during login", "PUT", "/identity/v2/auth/login/2fa", "{\"phoneno2fa\":\"+15555550100\"}", Cred.TWO_FA),
                new Api("sms resend", "GET", "/identity/v2/auth/login/2fa/resend", null, Cred.TWO_FA),
                new Api("email code send", "POST", "/identity/v2/auth/login/2fa/otp/email", "{\"emailid\":\"bad@example.com\"}", Cred.TWO_FA),
                new Api("email code send (email)", "POST", "/identity/v2/auth/login/2fa/email", "{\"email\":\"bad@example.com\"}", Cred.TWO_FA),
                new Api("security questions", "POST", "/identity/v2/auth/login/2fa/verification/securityquestionanswer", "{\"securityquestionanswer\":[{\"QuestionId\":\"x\",\"Answer\":\"y\"}]}", Cred.TWO_FA),
                new Api("security questions during login", "PUT", "/identity/v2/auth/login/2fa/securityquestionanswer", "{\"securityquestionanswer\":[{\"QuestionId\":\"x\",\"Answer\":\"y\"}]}", Cred.TWO_FA),
                new Api("questions by email", "GET", "/identity/v2/auth/securityquestion/email?email=bad@example.com", null, Cred.NONE),
                new Api("questions by session", "GET", "/identity/v2/auth/securityquestion/accesstoken", null, Cred.ACCESS),
                new Api("email code", "PUT", "/identity/v2/auth/login/2fa/verification/otp/email", "{\"emailid\":\"bad@example.com\",\"Otp\":\"123456\"}", Cred.TWO_FA),
                new Api("one-click verify", "GET", "/identity/v2/auth/login/oneclickverify?verificationtoken=" + UUID.randomUUID(), null, Cred.NONE),
                new Api("account", "GET", "/identity/v2/auth/account", null, Cred.ACCESS),
                new Api("account 2fa", "GET", "/identity/v2/auth/account/2fa", null, Cred.ACCESS),
                new Api("user backupcode", "GET", "/identity/v2/auth/account/2fa/backupcode", null, Cred.ACCESS),
                new Api("user backupcode reset", "GET", "/identity/v2/auth/account/2fa/backupcode/reset", null, Cred.ACCESS),
                new Api("user authenticator enable", "PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode", "{\"authenticatorcode\":\"123456\"}", Cred.ACCESS),
                new Api("user google authenticator enable", "PUT", "/identity/v2/auth/account/2fa/verification/googleauthenticatorcode", "{\"googleauthenticatorcode\":\"123456\"}", Cred.ACCESS),
                new Api("user sms phone", "PUT", "/identity/v2/auth/account/2fa", "{\"phoneno2fa\":\"+15555550100\"}", Cred.ACCESS),
                new Api("user sms enable", "PUT", "/identity/v2/auth/account/2fa/verification/otp", "{\"otp\":\"123456\"}", Cred.ACCESS),
                new Api("user email code send", "GET", "/identity/v2/auth/account/2fa/otp/email?emailid=bad@example.com", null, Cred.ACCESS),
                new Api("user email code enable", "PUT", "/identity/v2/auth/account/2fa/verification/otp/email", "{\"EmailId\":\"bad@example.com\",\"Otp\":\"123456\"}", Cred.ACCESS),
                new Api("user email code reset", "DELETE", "/identity/v2/auth/account/2fa/authenticator/otp/email", "{}", Cred.ACCESS),
                new Api("user security questions", "PUT", "/identity/v2/auth/account/2fa/securityquestionanswer", "{\"securityquestionanswer\":[{\"QuestionId\":\"x\",\"Answer\":\"y\"}]}", Cred.ACCESS),
                new Api("user security questions reset", "DELETE", "/identity/v2/auth/account/2fa/authenticator/securityquestionanswer", "{}", Cred.ACCESS),
                new Api("user authenticator reset", "DELETE", "/identity/v2/auth/account/2fa/authenticator", "{\"authenticator\":true}", Cred.ACCESS),
                new Api("reauth factors", "GET", "/identity/v2/auth/account/reauth/2fa", null, Cred.ACCESS),
                new Api("reauth otp", "PUT", "/identity/v2/auth/account/reauth/2fa/otp", "{\"otp\":\"123456\"}", Cred.ACCESS),
                new Api("reauth email send", "GET", "/identity/v2/auth/account/reauth/2fa/otp/email?emailid=bad@example.com", null, Cred.ACCESS),
                new Api("reauth email verify", "PUT", "/identity/v2/auth/account/reauth/2fa/otp/email/verify", "{\"EmailId\":\"bad@example.com\",\"Otp\":\"123456\"}", Cred.ACCESS),
                new Api("reauth security questions", "POST", "/identity/v2/auth/account/reauth/2fa/securityquestionanswer/verify", "{\"securityquestionanswer\":[{\"QuestionId\":\"x\",\"Answer\":\"y\"}]}", Cred.ACCESS),
                new Api("verify email", "GET", "/identity/v2/auth/email?verificationtoken=" + UUID.randomUUID(), null, Cred.NONE),
                new Api("resend verification", "PUT", "/identity/v2/auth/register", "{\"email\":\"nobody@example.com\"}", Cred.NONE),
                new Api("forgot password", "POST", "/identity/v2/auth/password", "{\"email\":\"nobody@example.com\"}", Cred.NONE),
                new Api("reset password", "PUT", "/identity/v2/auth/password/reset", "{\"resettoken\":\"" + UUID.randomUUID() + "\",\"password\":\"bad-password\"}", Cred.NONE),
                new Api("password change", "PUT", "/identity/v2/auth/password/change", "{\"oldpassword\":\"bad-password\",\"newpassword\":\"bad-password\"}", Cred.ACCESS),
                new Api("remembered devices", "GET", "/identity/v2/auth/account/2fa/remembereddevices", null, Cred.ACCESS),
                new Api("remembered devices forget all", "DELETE", "/identity/v2/auth/account/2fa/remembereddevices", "{}", Cred.ACCESS),
                new Api("remembered device forget", "DELETE", "/identity/v2/auth/account/2fa/remembereddevices/" + UUID.randomUUID(), "{}", Cred.ACCESS),
                new Api("reauth passkey begin", "GET", "/identity/v2/auth/account/reauth/2fa/passkey/begin", null, Cred.ACCESS),
                new Api("reauth passkey finish", "POST", "/identity/v2/auth/account/reauth/2fa/passkey/finish", "{\"PasskeyCredential\":{}}", Cred.ACCESS),
                new Api("reauth backupcode", "PUT", "/identity/v2/auth/account/reauth/2fa/backupcode", "{\"backupcode\":\"abcde-fghij\"}", Cred.ACCESS),
                new Api("reauth authenticatorcode", "PUT", "/identity/v2/auth/account/reauth/2fa/authenticatorcode", "{\"authenticatorcode\":\"123456\"}", Cred.ACCESS),
                new Api("reauth googleauthenticatorcode", "PUT", "/identity/v2/auth/account/reauth/2fa/googleauthenticatorcode", "{\"googleauthenticatorcode\":\"123456\"}", Cred.ACCESS),
                new Api("reauth password", "PUT", "/identity/v2/auth/account/reauth/password", "{\"password\":\"bad-password\"}", Cred.ACCESS),
                new Api("validate", "GET", "/identity/v2/auth/access_token/validate", null, Cred.ACCESS),
                new Api("invalidate", "GET", "/identity/v2/auth/access_token/invalidate", null, Cred.ACCESS),
                new Api("manage create", "POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"n" + UUID.randomUUID() + "@example.com\"}]}", Cred.SECRET),
                new Api("manage get", "GET", "/identity/v2/manage/account/" + uid, null, Cred.SECRET),
                new Api("manage update", "PUT", "/identity/v2/manage/account/" + uid, "{\"LastName\":\"X\"}", Cred.SECRET),
                new Api("manage delete", "DELETE", "/identity/v2/manage/account/" + UUID.randomUUID(), "{}", Cred.SECRET),
                new Api("manage by email", "GET", "/identity/v2/manage/account?email=bad@example.com", null, Cred.SECRET),
                new Api("manage by username", "GET", "/identity/v2/manage/account?username=bad", null, Cred.SECRET),
                new Api("manage by phone", "GET", "/identity/v2/manage/account?phone=%2B15005550006", null, Cred.SECRET),
                new Api("admin backupcode", "GET", "/identity/v2/manage/account/2fa/backupcode?uid=" + uid, null, Cred.SECRET),
                new Api("admin backupcode reset", "GET", "/identity/v2/manage/account/2fa/backupcode/reset?uid=" + uid, null, Cred.SECRET),
                new Api("admin email code reset", "DELETE", "/identity/v2/manage/account/2fa/authenticator/otp/email?uid=" + uid, "{}", Cred.SECRET),
                new Api("admin security questions reset", "DELETE", "/identity/v2/manage/account/2fa/authenticator/securityquestionanswer?uid=" + uid, "{}", Cred.SECRET),
                new Api("sott", "GET", "/identity/v2/manage/account/sott", null, Cred.SECRET),
                new Api("admin password set", "PUT", "/identity/v2/manage/account/" + uid + "/password", "{\"password\":\"bad-password\"}", Cred.SECRET),
                new Api("admin password hash", "GET", "/identity/v2/manage/account/" + uid + "/password", null, Cred.SECRET),
                new Api("admin remembered devices", "GET", "/identity/v2/manage/account/2fa/remembereddevices?uid=" + uid, null, Cred.SECRET),
                new Api("admin remembered devices forget all", "DELETE", "/identity/v2/manage/account/2fa/remembereddevices?uid=" + uid, "{}", Cred.SECRET),
                new Api("admin authenticator reset", "DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"authenticator\":true}", Cred.SECRET),
                new Api("reauth check 2fa", "POST", "/identity/v2/manage/account/" + uid + "/reauth/2fa", "{\"SecondFactorValidationToken\":\"" + UUID.randomUUID() + "\"}", Cred.SECRET),
                new Api("reauth check password", "POST", "/identity/v2/manage/account/" + uid + "/reauth/password", "{\"SecondFactorValidationToken\":\"" + UUID.randomUUID() + "\"}", Cred.SECRET),
                new Api("refresh", "GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + UUID.randomUUID(), null, Cred.SECRET),
                new Api("revoke", "GET", "/identity/v2/manage/account/access_token/refresh/revoke?refresh_token=" + UUID.randomUUID(), null, Cred.SECRET),
                new Api("revoke all", "DELETE", "/identity/v2/manage/account/" + uid + "/access_token/refresh/revoke", null, Cred.SECRET),
                new Api("update profile", "PUT", "/identity/v2/auth/account", "{\"FirstName\":\"X\"}", Cred.ACCESS),
                new Api("verify email by otp", "PUT", "/identity/v2/auth/email", "{\"email\":\"bad@example.com\",\"otp\":\"123456\"}", Cred.NONE),
                new Api("send welcome", "GET", "/identity/v2/auth/account/sendwelcomeemail", null, Cred.ACCESS),
                new Api("delete request", "DELETE", "/identity/v2/auth/account", "{}", Cred.ACCESS),
                new Api("delete confirm", "GET", "/identity/v2/auth/account/delete?deletetoken=" + UUID.randomUUID(), null, Cred.NONE),
                new Api("add email", "POST", "/identity/v2/auth/email", "{\"email\":\"n" + UUID.randomUUID() + "@example.com\",\"type\":\"Secondary\"}", Cred.ACCESS),
                new Api("remove email", "DELETE", "/identity/v2/auth/email", "{\"email\":\"nobody@example.com\"}", Cred.ACCESS),
                new Api("set username", "PUT", "/identity/v2/auth/username", "{\"username\":\"bad\"}", Cred.ACCESS),
                new Api("email availability", "GET", "/identity/v2/auth/email?email=bad@example.com", null, Cred.NONE),
                new Api("username availability", "GET", "/identity/v2/auth/username?username=bad", null, Cred.NONE),
                new Api("token info", "GET", "/identity/v2/auth/access_token", null, Cred.ACCESS),
                new Api("manage token by uid", "GET", "/identity/v2/manage/account/access_token?uid=" + uid, null, Cred.SECRET),
                new Api("manage identities", "GET", "/identity/v2/manage/account/identities?email=bad@example.com", null, Cred.SECRET),
                new Api("manage uid change", "PUT", "/identity/v2/manage/account/uid?uid=" + UUID.randomUUID(), "{\"NewUid\":\"new_uid\"}", Cred.SECRET),
                new Api("manage upsert email", "PUT", "/identity/v2/manage/account/" + uid + "/email", "{\"Email\":[{\"Type\":\"Secondary\",\"Value\":\"bad2@example.com\"}]}", Cred.SECRET),
                new Api("manage remove email", "DELETE", "/identity/v2/manage/account/" + UUID.randomUUID() + "/email", "{\"email\":\"x@example.com\"}", Cred.SECRET),
                new Api("manage phoneid", "PUT", "/identity/v2/manage/account/" + UUID.randomUUID() + "/phoneid", "{\"phone\":\"+15550100\"}", Cred.SECRET),
                new Api("manage invalidate email", "PUT", "/identity/v2/manage/account/" + UUID.randomUUID() + "/invalidateemail", "{}", Cred.SECRET),
                new Api("manage delete by email", "DELETE", "/identity/v2/manage/account?email=nobody@example.com", "{}", Cred.SECRET),
                new Api("manage forgot token", "POST", "/identity/v2/manage/account/forgot/token", "{\"email\":\"nobody@example.com\"}", Cred.SECRET),
                new Api("manage verification token", "POST", "/identity/v2/manage/account/verify/token", "{\"email\":\"nobody@example.com\"}", Cred.SECRET),
                new Api("phone verify", "PUT", "/identity/v2/auth/phone/otp?otp=123456", "{\"phone\":\"+15550100\"}", Cred.NONE),
                new Api("phone resend", "POST", "/identity/v2/auth/phone/otp", "{\"phone\":\"+15550100\"}", Cred.NONE),
                new Api("phone change", "PUT", "/identity/v2/auth/phone", "{\"phone\":\"+15550101\"}", Cred.ACCESS),
                new Api("phone remove", "DELETE", "/identity/v2/auth/phone", "{}", Cred.ACCESS),
                new Api("phone availability", "GET", "/identity/v2/auth/phone?phone=%2B15550100", null, Cred.NONE),
                new Api("forgot by sms", "POST", "/identity/v2/auth/password/otp", "{\"phone\":\"+15550100\"}", Cred.NONE),
                new Api("reset by sms", "PUT", "/identity/v2/auth/password/otp", "{\"phone\":\"+15550100\",\"otp\":\"123456\",\"password\":\"a new horse 22\"}", Cred.NONE),
                new Api("passwordless email", "GET", "/identity/v2/auth/login/passwordlesslogin/email?email=bad@example.com", null, Cred.NONE),
                new Api("passwordless verify", "GET", "/identity/v2/auth/login/passwordlesslogin/email/verify?verificationtoken=" + UUID.randomUUID(), null, Cred.NONE),
                new Api("passwordless email code", "POST", "/identity/v2/auth/login/passwordlesslogin/email/verifyotp", "{\"email\":\"bad@example.com\",\"otp\":\"123456\"}", Cred.NONE),
                new Api("passwordless username code", "POST", "/identity/v2/auth/login/passwordlesslogin/username/verifyotp", "{\"username\":\"bad\",\"otp\":\"123456\"}", Cred.NONE),
                new Api("passwordless sms", "GET", "/identity/v2/auth/login/passwordlesslogin/otp?phone=%2B15550100", null, Cred.NONE),
                new Api("passwordless sms verify", "PUT", "/identity/v2/auth/login/passwordlesslogin/otp/verify", "{\"phone\":\"+15550100\",\"otp\":\"123456\"}", Cred.NONE),
                new Api("smart login", "GET", "/identity/v2/auth/login/smartlogin?email=bad@example.com&clientguid=" + UUID.randomUUID(), null, Cred.NONE),
                new Api("smart login ping", "GET", "/identity/v2/auth/login/smartlogin/ping?clientguid=" + UUID.randomUUID(), null, Cred.NONE),
                new Api("smart login link", "GET", "/identity/v2/auth/email/smartlogin?verificationtoken=" + UUID.randomUUID(), null, Cred.NONE),
                new Api("one-touch link", "GET", "/identity/v2/auth/email/onetouchlogin?verificationtoken=" + UUID.randomUUID(), null, Cred.NONE),
                new Api("one-touch email", "POST", "/identity/v2/auth/onetouchlogin/email", "{\"clientguid\":\"" + UUID.randomUUID() + "\",\"email\":\"bad@example.com\"}", Cred.NONE),
                new Api("one-touch phone", "POST", "/identity/v2/auth/onetouchlogin/phone", "{\"phone\":\"+15550100\"}", Cred.NONE),
                new Api("one-touch phone verify", "PUT", "/identity/v2/auth/onetouchlogin/phone/verify?otp=123456", "{\"phone\":\"+15550100\"}", Cred.NONE));
    }

    private static String join(String path, String query) {
        return path + (path.contains("?") ? "&" : "?") + query;
    }

    /** Calls the endpoint as a well-formed client would, with the given apikey and credential overrides. */
    private Reply call(Api api, String apiKey, String credential, String body) {
        String path = api.path();
        if (apiKey != null) {
            path = join(path, "apikey=" + apiKey);
        }
        List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
        switch (api.cred()) {
            case TWO_FA -> {
                if (credential != null) {
                    path = join(path, "secondfactorauthenticationtoken=" + credential);
                }
            }
            case ACCESS -> {
                if (credential != null) {
                    headers.addAll(List.of("Authorization", "Bearer " + credential));
                }
            }
            case SECRET -> {
                if (credential != null) {
                    headers.addAll(List.of("X-LoginRadius-ApiSecret", credential));
                }
            }
            default -> { }
        }
        return s.send(api.method(), path, body, headers.toArray(String[]::new));
    }

    private String goodCredential(Api api, TestTenant tenant) {
        return switch (api.cred()) {
            case TWO_FA -> tenant.secondFactorToken("bad@example.com", "bad-password");
            case ACCESS -> access;
            case SECRET -> tenant.apiSecret();
            default -> null;
        };
    }

    private static void assertError(Reply r, int status, int code, String description) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        JsonNode j = r.json();
        assertThat(j).as(r.raw()).isNotNull();
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as(r.raw()).startsWith("Description", "ErrorCode", "Message", "IsProviderError", "ProviderErrorResponse");
        assertThat(j.get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
        if (description != null) {
            assertThat(j.get("Description").asText()).isEqualTo(description);
        }
    }

    @TestFactory
    List<DynamicTest> everyEndpointRefusesBadTenantCredentials() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Api api : apis()) {
            tests.add(DynamicTest.dynamicTest(api.name() + ": missing apikey → 908", () ->
                    assertError(call(api, null, goodCredential(api, t), api.body()), 403, 908, "The apikey is a required parameter.")));
            tests.add(DynamicTest.dynamicTest(api.name() + ": unknown apikey → 901", () ->
                    assertError(call(api, UUID.randomUUID().toString(), goodCredential(api, t), api.body()), 403, 901, null)));
            tests.add(DynamicTest.dynamicTest(api.name() + ": malformed apikey → 901", () ->
                    assertError(call(api, "not-a-key'--", goodCredential(api, t), api.body()), 403, 901, null)));
            tests.add(DynamicTest.dynamicTest(api.name() + ": expired plan → 6003", () ->
                    assertError(call(api, expired.apiKey(), api.cred() == Cred.SECRET ? expired.apiSecret() : null, api.body()), 403, 6003,
                            "The trial plan has expired. To continue using the service, please contact support.")));
            switch (api.cred()) {
                case SECRET -> {
                    tests.add(DynamicTest.dynamicTest(api.name() + ": missing apisecret → 923", () ->
                            assertError(call(api, t.apiKey(), null, api.body()), 400, 923, null)));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": wrong apisecret → 902", () ->
                            assertError(call(api, t.apiKey(), UUID.randomUUID().toString(), api.body()), 401, 902, null)));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": another tenant's apisecret → 902", () ->
                            assertError(call(api, t.apiKey(), other.apiSecret(), api.body()), 401, 902, null)));
                }
                case ACCESS -> {
                    tests.add(DynamicTest.dynamicTest(api.name() + ": missing access token → 1060", () ->
                            assertError(call(api, t.apiKey(), null, api.body()), 400, 1060, null)));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": unknown access token → 905", () ->
                            assertError(call(api, t.apiKey(), UUID.randomUUID().toString(), api.body()), 403, 905, null)));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": malformed access token → 905", () ->
                            assertError(call(api, t.apiKey(), "abc", api.body()), 403, 905, null)));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": another tenant's access token → 905", () ->
                            assertError(call(api, other.apiKey(), access, api.body()), 403, 905, null)));
                }
                case TWO_FA -> {
                    tests.add(DynamicTest.dynamicTest(api.name() + ": missing 2FA token → 908", () ->
                            assertError(call(api, t.apiKey(), null, api.body()), 403, 908, "The secondfactorauthenticationtoken is a required parameter.")));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": malformed 2FA token → 1103", () ->
                            assertError(call(api, t.apiKey(), "4asdf575-5678-4065-b717-fa0n7i5ca81a", api.body()), 403, 1103, null)));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": unknown 2FA token → 1103", () ->
                            assertError(call(api, t.apiKey(), UUID.randomUUID().toString(), api.body()), 403, 1103, null)));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": another tenant's 2FA token → 1103", () ->
                            assertError(call(api, t.apiKey(), other.secondFactorToken("bad@example.com", "bad-password"), api.body()), 403, 1103, null)));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": used 2FA token → 1103", () -> {
                        String token = t.secondFactorToken("bad@example.com", "bad-password");
                        List<String> fresh = t.backupCodes(uid);
                        codes = fresh;
                        assertThat(t.redeem(token, fresh.get(8)).status()).isEqualTo(200);
                        assertError(call(api, t.apiKey(), token, api.body()), 403, 1103, null);
                    }));
                    tests.add(DynamicTest.dynamicTest(api.name() + ": expired 2FA token → 1104", () -> {
                        String token = t.secondFactorToken("bad@example.com", "bad-password");
                        s.clock.advance(java.time.Duration.ofMinutes(11));
                        try {
                            assertError(call(api, t.apiKey(), token, api.body()), 403, 1104, null);
                        } finally {
                            s.clock.advance(java.time.Duration.ofMinutes(-11));
                        }
                    }));
                }
                default -> { }
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> bodiesThatAreNotJsonObjects() {
        List<DynamicTest> tests = new ArrayList<>();
        String huge = "{\"backupcode\":\"" + "x".repeat(200_000) + "\"}";
        for (Api api : apis()) {
            if (api.body() == null) {
                continue;
            }
            int code = switch (api.method()) {
                case "PUT" -> 1079;
                case "DELETE" -> 1084;
                default -> 965;
            };
            for (String[] bad : new String[][] {{"malformed JSON", "{\"backupcode\": "}, {"a JSON array", "[1,2]"},
                    {"a JSON string", "\"text\""}, {"a 200 KB body", huge}, {"trailing garbage", "{} {}"}}) {
                tests.add(DynamicTest.dynamicTest(api.name() + ": " + bad[0] + " → " + code, () ->
                        assertError(call(api, t.apiKey(), goodCredential(api, t), bad[1]), 400, code, null)));
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> riskChallengeAnswers() {
        String otp = "/identity/v2/auth/login/2fa/verification/otp?apikey=";
        String oneClick = "/identity/v2/auth/login/oneclickverify?apikey=";
        return List.of(
                DynamicTest.dynamicTest("otp on a login no code was sent for → 1100", () -> assertError(s.send("PUT",
                        otp + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(apis().get(2), t), "{\"otp\":\"123456\"}"),
                        403, 1100, null)),
                DynamicTest.dynamicTest("otp missing → 908", () -> assertError(s.send("PUT",
                        otp + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(apis().get(2), t), "{}"),
                        403, 908, "The otp is a required parameter.")),
                DynamicTest.dynamicTest("otp of the wrong type → 1134", () -> assertError(s.send("PUT",
                        otp + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(apis().get(2), t), "{\"otp\":123456}"),
                        403, 1134, null)),
                DynamicTest.dynamicTest("one-click without a verification token → 908", () -> assertError(s.get(oneClick + t.apiKey()),
                        403, 908, "The verificationtoken is a required parameter.")),
                DynamicTest.dynamicTest("one-click with a malformed token → 1063", () -> assertError(s.get(oneClick + t.apiKey()
                        + "&verificationtoken=abc'--"), 403, 1063, null)),
                DynamicTest.dynamicTest("one-click with an unknown token → 1063", () -> assertError(s.get(oneClick + t.apiKey()
                        + "&verificationtoken=" + UUID.randomUUID()), 403, 1063, null)),
                DynamicTest.dynamicTest("one-click with a 2FA token instead of a link's → 1063", () -> assertError(s.get(oneClick + t.apiKey()
                        + "&verificationtoken=" + goodCredential(apis().get(2), t)), 403, 1063, null)));
    }

    @TestFactory
    List<DynamicTest> wrongAnswersToTheSecondFactor() {
        Api seed = apis().get(2);
        Api sdk = apis().get(3);
        Api legacy = apis().get(4);
        return List.of(
                DynamicTest.dynamicTest("wrong code → 1129", () -> assertError(s.send("PUT",
                        join(seed.path(), "apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(seed, t)),
                        "{\"backupcode\":\"zzzzz-zzzzz\"}"), 403, 1129, null)),
                DynamicTest.dynamicTest("another user's code → 1129", () -> assertError(s.send("PUT",
                        join(sdk.path(), "apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(sdk, t)),
                        "{\"BackupCode\":\"" + otherCodes.get(0) + "\"}"), 403, 1129, null)),
                DynamicTest.dynamicTest("used code → 1129", () -> {
                    List<String> fresh = t.backupCodes(uid);
                    codes = fresh;
                    assertThat(t.redeem(t.secondFactorToken("bad@example.com", "bad-password"), fresh.get(0)).status()).isEqualTo(200);
                    assertError(t.redeem(t.secondFactorToken("bad@example.com", "bad-password"), fresh.get(0)), 403, 1129, null);
                }),
                DynamicTest.dynamicTest("missing code → 908", () -> assertError(s.send("PUT",
                        join(seed.path(), "apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(seed, t)), "{}"),
                        403, 908, "The backupcode is a required parameter.")),
                DynamicTest.dynamicTest("no body at all → 908", () -> assertError(s.send("PUT",
                        join(seed.path(), "apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(seed, t)), null),
                        403, 908, "The backupcode is a required parameter.")),
                DynamicTest.dynamicTest("legacy path without the code → 908", () -> assertError(s.get(
                        "/identity/v2/auth/login/2fa/backupcode?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(legacy, t)),
                        403, 908, "The backupcode is a required parameter.")),
                DynamicTest.dynamicTest("code of the wrong type → 1134 naming the field", () -> {
                    Reply r = s.send("PUT", join(seed.path(), "apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(seed, t)),
                            "{\"backupcode\": 12345}");
                    assertError(r, 403, 1134, null);
                    assertThat(r.json().get("Errors")).isEqualTo(Json.parse("[{\"FieldName\":\"backupcode\",\"ErrorMessage\":\"The backupcode field must be a string.\"}]"));
                }),
                DynamicTest.dynamicTest("prevent_webhook not a boolean → 908", () -> assertError(s.send("PUT",
                        join(seed.path(), "apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(seed, t) + "&prevent_webhook=maybe"),
                        "{\"backupcode\":\"" + codes.get(2) + "\"}"), 403, 908, "The prevent_webhook parameter must be true or false.")),
                DynamicTest.dynamicTest("X-PreventWebhook not a boolean → 908, even with a valid query value", () -> assertError(s.send("PUT",
                        join(seed.path(), "apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(seed, t) + "&prevent_webhook=true"),
                        "{\"backupcode\":\"" + codes.get(2) + "\"}", "X-PreventWebhook", "yes"), 403, 908, "The X-PreventWebhook parameter must be true or false.")),
                DynamicTest.dynamicTest("malformed fields → 908", () -> assertError(s.send("PUT",
                        join(seed.path(), "apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + goodCredential(seed, t) + "&fields=Email(Value"),
                        "{\"backupcode\":\"" + codes.get(2) + "\"}"), 403, 908, "The fields parameter is not formatted correctly.")));
    }

    /** The phone and passwordless endpoints' own fields: missing, of the wrong type, huge, with NUL or look-alike digits. */
    @TestFactory
    List<DynamicTest> phoneAndPasswordlessFields() {
        String k = "?apikey=";
        String pwl = "/identity/v2/auth/login/passwordlesslogin";
        String nul = "+1555\\u00000100";
        String arabic = "+\u0661\u0665\u0665\u0665\u0660\u0661\u0660\u0660"; // Arabic-Indic digits
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] path : new String[][] {{"POST", "/identity/v2/auth/phone/otp"}, {"POST", "/identity/v2/auth/password/otp"},
                {"PUT", "/identity/v2/auth/phone/otp", "&otp=123456"}, {"PUT", pwl + "/otp/verify"}, {"POST", "/identity/v2/auth/onetouchlogin/phone"}}) {
            String url = path[1] + k + t.apiKey() + (path.length > 2 ? path[2] : "");
            String otp = path[1].endsWith("/verify") ? ",\"otp\":\"123456\"" : "";
            tests.add(DynamicTest.dynamicTest(path[1] + ": phone missing → 1076", () -> assertError(s.send(path[0], url, "{" + otp.replaceFirst(",", "") + "}"), 400, 1076, null)));
            tests.add(DynamicTest.dynamicTest(path[1] + ": phone a number → 1134", () -> assertError(s.send(path[0], url, "{\"phone\":15550100" + otp + "}"), 403, 1134, null)));
            tests.add(DynamicTest.dynamicTest(path[1] + ": phone with NUL → 1134", () -> assertError(s.send(path[0], url, "{\"phone\":\"" + nul + "\"" + otp + "}"), 403, 1134, null)));
            tests.add(DynamicTest.dynamicTest(path[1] + ": phone in Arabic-Indic digits → 1096", () -> assertError(s.send(path[0], url, "{\"phone\":\"" + arabic + "\"" + otp + "}"), 400, 1096, null)));
            tests.add(DynamicTest.dynamicTest(path[1] + ": phone of 10 000 digits → 1096", () -> assertError(s.send(path[0], url, "{\"phone\":\"+" + "1".repeat(10_000) + "\"" + otp + "}"), 400, 1096, null)));
        }
        tests.add(DynamicTest.dynamicTest("sms sign-in: otp a number → 1134", () -> assertError(s.send("PUT", pwl + "/otp/verify" + k + t.apiKey(),
                "{\"phone\":\"+15550100\",\"otp\":123456}"), 403, 1134, null)));
        tests.add(DynamicTest.dynamicTest("sms sign-in: otp missing → 908", () -> assertError(s.send("PUT", pwl + "/otp/verify" + k + t.apiKey(),
                "{\"phone\":\"+15550100\"}"), 403, 908, "The otp is a required parameter.")));
        tests.add(DynamicTest.dynamicTest("phone verification: otp missing → 908", () -> assertError(s.send("PUT", "/identity/v2/auth/phone/otp" + k + t.apiKey(),
                "{\"phone\":\"+15550100\"}"), 403, 908, "The otp is a required parameter.")));
        tests.add(DynamicTest.dynamicTest("email code: otp of 10 000 digits → 1185", () -> assertError(s.send("POST", pwl + "/email/verifyotp" + k + t.apiKey(),
                "{\"email\":\"bad@example.com\",\"otp\":\"" + "1".repeat(10_000) + "\"}"), 403, 1185, null)));
        tests.add(DynamicTest.dynamicTest("email code: NUL in the address → 1134", () -> assertError(s.send("POST", pwl + "/email/verifyotp" + k + t.apiKey(),
                "{\"email\":\"bad\\u0000@example.com\",\"otp\":\"123456\"}"), 403, 1134, null)));
        tests.add(DynamicTest.dynamicTest("email code: not an address → 1038", () -> assertError(s.send("POST", pwl + "/email/verifyotp" + k + t.apiKey(),
                "{\"email\":\"bad.example.com\",\"otp\":\"123456\"}"), 400, 1038, null)));
        tests.add(DynamicTest.dynamicTest("email link: neither email nor username → 1141", () -> assertError(s.get(pwl + "/email" + k + t.apiKey()), 400, 1141, null)));
        tests.add(DynamicTest.dynamicTest("email link: foreign verificationurl → 908", () -> assertError(s.get(pwl + "/email" + k + t.apiKey()
                + "&email=bad@example.com&verificationurl=https://evil.example/x"), 403, 908, null)));
        tests.add(DynamicTest.dynamicTest("email link: verify without a token → 908", () -> assertError(s.get(pwl + "/email/verify" + k + t.apiKey()), 403, 908, null)));
        tests.add(DynamicTest.dynamicTest("smart login: clientguid missing → 1140", () -> assertError(s.get("/identity/v2/auth/login/smartlogin" + k + t.apiKey()
                + "&email=bad@example.com"), 403, 1140, null)));
        tests.add(DynamicTest.dynamicTest("smart login: clientguid with NUL → 908", () -> assertError(s.get("/identity/v2/auth/login/smartlogin" + k + t.apiKey()
                + "&email=bad@example.com&clientguid=0123456789abcdef%00"), 403, 908, null)));
        tests.add(DynamicTest.dynamicTest("smart login: clientguid of 200 characters → 1140", () -> assertError(s.get("/identity/v2/auth/login/smartlogin/ping" + k + t.apiKey()
                + "&clientguid=" + "a".repeat(200)), 403, 1140, null)));
        tests.add(DynamicTest.dynamicTest("smart login: clientguid with a quote → 1140", () -> assertError(s.get("/identity/v2/auth/login/smartlogin/ping" + k + t.apiKey()
                + "&clientguid=0123456789abcdef'--"), 403, 1140, null)));
        tests.add(DynamicTest.dynamicTest("smart login: link token malformed → 1063", () -> assertError(s.get("/identity/v2/auth/email/smartlogin" + k + t.apiKey()
                + "&verificationtoken=abc'--"), 403, 1063, null)));
        tests.add(DynamicTest.dynamicTest("one-touch: name with control characters → 908", () -> assertError(s.send("POST", "/identity/v2/auth/onetouchlogin/email" + k + t.apiKey(),
                "{\"clientguid\":\"" + UUID.randomUUID() + "\",\"email\":\"bad@example.com\",\"name\":\"a\\u0007b\"}"), 403, 908, null)));
        tests.add(DynamicTest.dynamicTest("one-touch: clientguid a number → 1134", () -> assertError(s.send("POST", "/identity/v2/auth/onetouchlogin/email" + k + t.apiKey(),
                "{\"clientguid\":1234567890123456789,\"email\":\"bad@example.com\"}"), 403, 1134, null)));
        tests.add(DynamicTest.dynamicTest("phone reset: password missing → 908", () -> assertError(s.send("PUT", "/identity/v2/auth/password/otp" + k + t.apiKey(),
                "{\"phone\":\"+15550100\",\"otp\":\"123456\"}"), 403, 908, "The password is a required parameter.")));
        return tests;
    }

    @TestFactory
    List<DynamicTest> loginAndAccountBodies() {
        String login = "/identity/v2/auth/login/2fa?apikey=";
        return List.of(
                DynamicTest.dynamicTest("login without password → 1089", () ->
                        assertError(s.send("POST", login + t.apiKey(), "{\"email\":\"bad@example.com\"}"), 400, 1089, null)),
                DynamicTest.dynamicTest("login without identifier → 1141", () ->
                        assertError(s.send("POST", login + t.apiKey(), "{\"password\":\"x\"}"), 400, 1141, null)),
                DynamicTest.dynamicTest("login with a non-string email → 1134", () ->
                        assertError(s.send("POST", login + t.apiKey(), "{\"email\":[\"a\"],\"password\":\"x\"}"), 403, 1134, null)),
                DynamicTest.dynamicTest("create with an invalid email → 1134", () ->
                        assertError(t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"not-an-email\"}]}"), 403, 1134, null)),
                DynamicTest.dynamicTest("create with a short password → 1134", () ->
                        assertError(t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"shorty\",\"Password\":\"abc\"}"), 403, 1134, null)),
                DynamicTest.dynamicTest("create with NoOfLogins as text → ignored, server-maintained", () ->
                        assertThat(t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"counter\",\"NoOfLogins\":\"many\"}").json().get("NoOfLogins").asInt()).isZero()),
                DynamicTest.dynamicTest("create with FirstName as a number → 1134", () -> {
                    Reply r = t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"numbers\",\"FirstName\":42}");
                    assertError(r, 403, 1134, null);
                    assertThat(r.json().get("Errors").get(0).get("FieldName").asText()).isEqualTo("FirstName");
                }),
                DynamicTest.dynamicTest("create without any identifier → 1134", () ->
                        assertError(t.manage("POST", "/identity/v2/manage/account", "{\"FirstName\":\"Nobody\"}"), 403, 1134, null)),
                DynamicTest.dynamicTest("create with a taken username → 1017", () -> {
                    t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"Taken\"}");
                    assertError(t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"taken\"}"), 403, 1017, null);
                }),
                DynamicTest.dynamicTest("unknown uid → 938", () ->
                        assertError(t.manage("GET", "/identity/v2/manage/account/" + UUID.randomUUID(), null), 403, 938, null)),
                DynamicTest.dynamicTest("backup codes without uid → 908", () ->
                        assertError(t.manage("GET", "/identity/v2/manage/account/2fa/backupcode", null), 403, 908, "The uid is a required parameter.")),
                DynamicTest.dynamicTest("another tenant's uid → 938", () ->
                        assertError(other.manage("GET", "/identity/v2/manage/account/" + uid, null), 403, 938, null)),
                DynamicTest.dynamicTest("unknown path → 404 JSON", () -> assertError(s.get("/identity/v2/auth/nothing"), 404, 404, null)),
                DynamicTest.dynamicTest("wrong method → 405 JSON", () -> assertError(s.send("DELETE", "/identity/v2/auth/login/2fa", "{}"), 405, 405, null)));
    }
}

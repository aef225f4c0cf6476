package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole MFA login with backup codes, as LoginRadius documents it: admin creates a tenant, the Management API
 * creates an account, codes are generated, step 1 answers a SecondFactorAuthenticationToken, each of the three
 * backup-code paths finishes the login, the tokens work, and logout ends them. Runs on H2 and on PostgreSQL.
 */
abstract class MfaLoginFlowContract extends ServerContract {
    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern ISO = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");


    private static List<String> seedProfileKeys() throws Exception {
        try (InputStream in = MfaLoginFlowContract.class.getResourceAsStream("/profile-schema.json")) {
            List<String> keys = new ArrayList<>();
            Json.MAPPER.readTree(in).fieldNames().forEachRemaining(keys::add);
            return keys;
        }
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void wholeFlowWithEachBackupCodePath() throws Exception {
        TestTenant t = s.mfaTenant(false);
        String email = "Ann." + UUID.randomUUID() + "@Example.com";
        String uid = t.account(email, "correct horse 1");

        // Optional MFA and no factor yet: step 1 is a complete login.
        Reply first = t.login(email.toLowerCase(), "correct horse 1");
        assertThat(first.status()).isEqualTo(200);
        assertThat(keys(first.json())).containsExactly("Profile", "access_token", "refresh_token", "expires_in");
        assertThat(first.json().get("Profile").get("Uid").asText()).isEqualTo(uid);
        assertThat(first.json().get("Profile").get("NoOfLogins").asInt()).isEqualTo(1);
        assertThat(first.json().get("Profile").get("FirstLogin").asBoolean()).isTrue();
        String firstAccess = first.text("access_token");

        // The user generates codes with the access token; a second generation is refused: this session proved only the
        // password, and the account has a second factor now (1193); one that just passed a second factor gets 1127 below.
        Reply gen = s.get("/identity/v2/auth/account/2fa/backupcode?apikey=" + t.apiKey(), "Authorization", "Bearer " + firstAccess);
        assertThat(gen.status()).isEqualTo(200);
        assertThat(keys(gen.json())).containsExactly("BackUpCodes");
        List<String> codes = new ArrayList<>();
        gen.json().get("BackUpCodes").forEach(c -> codes.add(c.asText()));
        assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(c -> c.matches("[a-z0-9]{5}-[a-z0-9]{5}"));
        Reply again = s.get("/identity/v2/auth/account/2fa/backupcode?apikey=" + t.apiKey(), "Authorization", "Bearer " + firstAccess);
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.json().get("ErrorCode").asInt()).isEqualTo(1193);

        // Step 1 now asks for a second factor, with the documented shape.
        Reply step1 = t.login(email, "correct horse 1");
        assertThat(step1.status()).isEqualTo(200);
        JsonNode sfa = step1.json().get("SecondFactorAuthentication");
        assertThat(keys(step1.json())).containsExactly("SecondFactorAuthentication", "Profile", "access_token", "expires_in");
        assertThat(step1.json().get("Profile").isNull()).isTrue();
        assertThat(step1.text("access_token")).isEqualTo("00000000-0000-0000-0000-000000000000");
        assertThat(step1.text("expires_in")).isEqualTo("0001-01-01T00:00:00");
        assertThat(keys(sfa)).containsExactly("SecondFactorAuthenticationToken", "ExpireIn", "QRCode", "ManualEntryCode",
                "IsGoogleAuthenticatorVerified", "IsAuthenticatorVerified", "IsEmailOtpAuthenticatorVerified",
                "IsOTPAuthenticatorVerified", "OTPPhoneNo", "OTPStatus", "Email", "EmailOTPStatus",
                "IsSecurityQuestionAuthenticatorVerified", "SecurityQuestions", "IsPasskeyAuthenticatorVerified");
        assertThat(sfa.get("SecondFactorAuthenticationToken").asText()).matches(GUID);
        assertThat(sfa.get("ExpireIn").asText()).matches(ISO);
        assertThat(sfa.get("IsPasskeyAuthenticatorVerified").asBoolean()).isFalse();

        // Path 1, the seed: PUT /login/2fa/backupcode with every seed parameter and header; code upper-cased.
        String seedQuery = "&prevent_webhook=true&fields=Email,username"
                + "&rbabrowseremailtemplate=RBA-Browser-Email-Template&rbacityemailtemplate=RBA-City-Email-Template"
                + "&rbacountryemailtemplate=RBA-Country-Email-Template&rbaipemailtemplate=RBA-IP-Email-Template"
                + "&rbadeviceemailtemplate=RBA-Device-Email-Template&rbabrowsersmstemplate=RBA-Browser-SMS-Template"
                + "&rbacitysmstemplate=RBA-City-SMS-Template&rbacountrysmstemplate=RBA-Country-SMS-Template"
                + "&rbaipsmstemplate=RBA-IP-SMS-Template&rbadevicesmstemplate=RBA-Device-SMS-Template";
        Reply seed = s.send("PUT", "/identity/v2/auth/login/2fa/backupcode?apikey=" + t.apiKey()
                        + "&secondfactorauthenticationtoken=" + sfa.get("SecondFactorAuthenticationToken").asText() + seedQuery,
                "{ \"backupcode\": \"" + codes.get(0).toUpperCase() + "\" }", "X-PreventWebhook", "true", "Content-Type", "application/json");
        assertThat(seed.status()).isEqualTo(200);
        assertThat(keys(seed.json())).containsExactly("Profile", "access_token", "refresh_token", "expires_in");
        assertThat(seed.json().get("Profile")).isEqualTo(Json.parse(
                "{\"UserName\":null,\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}]}"));
        assertThat(seed.text("access_token")).matches(GUID);
        assertThat(seed.text("refresh_token")).matches(GUID).isNotEqualTo(seed.text("access_token"));
        assertThat(seed.text("expires_in")).matches(ISO);

        // Path 2, the SDKs': PUT /login/2fa/verification/backupcode, Java SDK's key case, code without its hyphen.
        String token2 = t.secondFactorToken(email, "correct horse 1");
        Reply sdk = s.send("PUT", "/identity/v2/auth/login/2FA/Verification/BackupCode?apiKey=" + t.apiKey()
                + "&secondFactorAuthenticationToken=" + token2, "{\"BackupCode\":\"" + codes.get(1).replace("-", "") + "\"}",
                "Content-Type", "application/json");
        assertThat(sdk.status()).isEqualTo(200);
        JsonNode profile = sdk.json().get("Profile");
        assertThat(keys(profile)).containsExactlyElementsOf(seedProfileKeys());
        assertThat(profile.get("Uid").asText()).isEqualTo(uid);
        assertThat(profile.get("ID").asText()).isEqualTo(uid.replace("-", ""));
        assertThat(profile.get("NoOfLogins").asInt()).isEqualTo(3);
        assertThat(profile.get("FirstLogin").asBoolean()).isFalse();
        assertThat(profile.get("Password").asText()).isEqualTo("********");
        assertThat(profile.get("IsActive").asBoolean()).isTrue();
        assertThat(profile.get("LoginLockedType").asText()).isEqualTo("None");
        assertThat(profile.get("FirstName").asText()).isEqualTo("Test");
        assertThat(profile.get("LastLoginDate").asText()).matches(ISO);
        assertThat(profile.get("Email")).isEqualTo(Json.parse("[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}]"));
        assertThat(sdk.raw()).doesNotContainIgnoringCase("description");

        // Path 3, the legacy GET with the code in the query.
        String token3 = t.secondFactorToken(email, "correct horse 1");
        Reply legacy = s.get("/identity/v2/auth/login/2fa/backupcode?apikey=" + t.apiKey() + "&SecondFactorAuthenticationToken="
                + token3 + "&backupcode=" + codes.get(2));
        assertThat(legacy.status()).isEqualTo(200);
        String access = legacy.text("access_token");

        // A used code fails on every path (1129), and the used token is gone (1103).
        String token4 = t.secondFactorToken(email, "correct horse 1");
        Reply used = t.redeem(token4, codes.get(0));
        assertThat(used.status()).isEqualTo(403);
        assertThat(used.json()).isEqualTo(Json.parse("""
                {"Description":"The two factor authentication backup code is not valid or has already been used, please use a valid two factor authentication backup code for login.",
                 "ErrorCode":1129,"Message":"Two factor authentication backup code is not valid or has already been used",
                 "IsProviderError":false,"ProviderErrorResponse":null}"""));
        Reply usedToken = t.redeem(token2, codes.get(3));
        assertThat(usedToken.json().get("ErrorCode").asInt()).isEqualTo(1103);

        // The tokens work: validate, profile by token (Bearer and query), MFA settings.
        Reply validate = s.get("/identity/v2/auth/access_token/Validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        assertThat(validate.status()).isEqualTo(200);
        assertThat(keys(validate.json())).containsExactly("access_token", "refresh_token", "expires_in");
        assertThat(validate.text("access_token")).isEqualTo(access);
        Reply me = s.get("/identity/v2/auth/account?apikey=" + t.apiKey() + "&access_token=" + access + "&fields=Uid,Email/Value");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json()).isEqualTo(Json.parse("{\"Uid\":\"" + uid + "\",\"Email\":[{\"Value\":\"" + email + "\"}]}"));
        Reply settings = s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        assertThat(settings.status()).isEqualTo(200);
        assertThat(settings.json().get("IsPasskeyAuthenticatorVerified").asBoolean()).isFalse();
        // This session passed a second factor: asking for codes again is refused only because they exist (1127).
        Reply exists = s.get("/identity/v2/auth/account/2fa/backupcode?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        assertThat(exists.status()).isEqualTo(403);
        assertThat(exists.json().get("ErrorCode").asInt()).isEqualTo(1127);

        // Logout: the token stops working (905), on validate and on the profile.
        Reply out = s.get("/identity/v2/auth/access_token/InValidate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        assertThat(out.status()).isEqualTo(200);
        assertThat(out.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access)
                .json().get("ErrorCode").asInt()).isEqualTo(905);
        assertThat(s.get("/identity/v2/auth/account?apikey=" + t.apiKey(), "Authorization", "Bearer " + access)
                .json().get("ErrorCode").asInt()).isEqualTo(905);
    }

    @Test
    void theWebhookHeaderWinsOverTheQueryParameter() {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("hook@example.com", "hook-password");
        List<String> codes = t.backupCodes(uid);
        String token = t.secondFactorToken("hook@example.com", "hook-password");
        // The query value alone would be refused (908); the header, given too, decides.
        Reply r = s.send("PUT", "/identity/v2/auth/login/2fa/backupcode?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + token + "&prevent_webhook=maybe", "{\"backupcode\":\"" + codes.get(0) + "\"}", "X-PreventWebhook", "False");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        Reply q = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey() + "&prevent_webhook=TRUE",
                "{\"email\":\"hook@example.com\",\"password\":\"hook-password\"}");
        assertThat(q.status()).isEqualTo(200);
    }

    @Test
    void plainLoginRefusesAnAccountThatNeedsASecondFactor() {
        TestTenant t = s.mfaTenant(true);
        t.account("bob@example.com", "bobs-password");
        Reply r = s.send("POST", "/identity/v2/auth/login?apikey=" + t.apiKey(), "{\"email\":\"bob@example.com\",\"password\":\"bobs-password\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1176);
        // Required MFA: step 1 asks for a second factor even before any is set up.
        assertThat(t.secondFactorToken("bob@example.com", "bobs-password")).matches(GUID);
    }

    @Test
    void plainLoginWorksWhenMfaIsOff() {
        TestTenant t = s.tenant("{}");
        String uid = t.account("carol@example.com", "carols-password");
        Reply r = s.send("POST", "/identity/v2/auth/login?apikey=" + t.apiKey() + "&fields=Uid",
                "{\"Email\":\"CAROL@example.com\",\"Password\":\"carols-password\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("Profile")).isEqualTo(Json.parse("{\"Uid\":\"" + uid + "\"}"));
        // MFA off: backup codes cannot be generated (1097).
        Reply gen = t.manage("GET", "/identity/v2/manage/account/2fa/backupcode?uid=" + uid, null);
        assertThat(gen.json().get("ErrorCode").asInt()).isEqualTo(1097);
    }

    @Test
    void usernameAndPhoneLogins() {
        TestTenant t = s.mfaTenant(false);
        Reply created = t.manage("POST", "/identity/v2/manage/account",
                "{\"UserName\":\"Dave_1\",\"PhoneId\":\"+15551234567\",\"Password\":\"daves-password\"}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"username\":\"dave_1\",\"password\":\"daves-password\"}")
                .status()).isEqualTo(200);
        assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"phone\":\"+15551234567\",\"password\":\"daves-password\"}")
                .status()).isEqualTo(200);
    }

    @Test
    void adminBackupCodesByUidAndTheRefreshToken() {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("erin@example.com", "erins-password");
        Reply gen = s.get("/identity/v2/manage/account/2fa/backupcode?apikey=" + t.apiKey() + "&uid=" + uid,
                "X-LoginRadius-ApiSecret", t.apiSecret());
        assertThat(gen.status()).isEqualTo(200);
        assertThat(gen.json().get("BackUpCodes")).hasSize(10);
        Reply dup = t.manage("GET", "/identity/v2/manage/account/2fa/backupcode?uid=" + uid, null);
        assertThat(dup.json().get("ErrorCode").asInt()).isEqualTo(1127);
        List<String> reset = t.backupCodes(uid);
        assertThat(reset).doesNotContainAnyElementsOf(List.of(gen.json().get("BackUpCodes").get(0).asText()));
        // An old code of the replaced set no longer works; a new one does.
        String token = t.secondFactorToken("erin@example.com", "erins-password");
        assertThat(t.redeem(token, gen.json().get("BackUpCodes").get(0).asText()).json().get("ErrorCode").asInt()).isEqualTo(1129);
        Reply ok = t.redeem(token, reset.get(5));
        assertThat(ok.status()).isEqualTo(200);

        // Refresh: single use; the new pair works; revoke ends a refresh token (its access token lives on, as LoginRadius).
        String refresh = ok.text("refresh_token");
        Reply refreshed = t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_Token=" + refresh, null);
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(keys(refreshed.json())).containsExactly("access_token", "refresh_token", "expires_in");
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + refreshed.text("access_token"))
                .status()).isEqualTo(200);
        Reply revoke = t.manage("GET", "/identity/v2/manage/account/access_token/refresh/revoke?refresh_token=" + refreshed.text("refresh_token"), null);
        assertThat(revoke.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + refreshed.text("refresh_token"), null)
                .json().get("ErrorCode").asInt()).isEqualTo(1217);
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + refreshed.text("access_token"))
                .status()).isEqualTo(200);
        // The first refresh token presented again after its use: it was copied, so its session ends, access token included.
        Reply twice = t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + refresh, null);
        assertThat(twice.status()).isEqualTo(403);
        assertThat(twice.json().get("ErrorCode").asInt()).isEqualTo(1217);
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + refreshed.text("access_token"))
                .json().get("ErrorCode").asInt()).isEqualTo(905);
    }

    @Test
    void manageAccountCrudAndBlocking() {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("frank@example.com", "franks-password");
        Reply got = t.manage("GET", "/identity/v2/manage/account/" + uid + "?fields=Uid,FirstName", null);
        assertThat(got.json()).isEqualTo(Json.parse("{\"FirstName\":\"Test\",\"Uid\":\"" + uid + "\"}"));
        Reply dup = t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"FRANK@example.com\"}]}");
        assertThat(dup.status()).isEqualTo(403);
        assertThat(dup.json().get("ErrorCode").asInt()).isEqualTo(936);

        Reply blocked = t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"IsActive\":false,\"LastName\":\"Block\"}");
        assertThat(blocked.status()).isEqualTo(200);
        assertThat(blocked.json().get("IsActive").asBoolean()).isFalse();
        assertThat(blocked.json().get("LastName").asText()).isEqualTo("Block");
        Reply login = t.login("frank@example.com", "franks-password");
        assertThat(login.status()).isEqualTo(403);
        assertThat(login.json().get("ErrorCode").asInt()).isEqualTo(991);
        // A blocked account's wrong password still answers the generic 966: no account-state oracle.
        assertThat(t.login("frank@example.com", "wrong-password").json().get("ErrorCode").asInt()).isEqualTo(966);
        t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"IsActive\":true}");
        assertThat(t.login("frank@example.com", "franks-password").status()).isEqualTo(200);

        Reply del = s.send("DELETE", "/identity/v2/manage/account/" + uid + "?apikey=" + t.apiKey() + "&apisecret=" + t.apiSecret(), "{}");
        assertThat(del.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("ErrorCode").asInt()).isEqualTo(938);
        assertThat(t.login("frank@example.com", "franks-password").json().get("ErrorCode").asInt()).isEqualTo(966);
    }
}

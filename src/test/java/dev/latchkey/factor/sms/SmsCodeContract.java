package dev.latchkey.factor.sms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The SMS code factor (reference §2.2, §3.3) as an app on LoginRadius calls it: the phone set up from the account and
 * during a login that must set up MFA, the code sent at step 1, on resend and at step-up, login with every seed
 * parameter, single use in sequence and in parallel, lockout, the hourly send limits, reset by user and admin, and bad
 * input. The SMS provider is a local Twilio-compatible receiver. Runs on H2 and PostgreSQL.
 */
abstract class SmsCodeContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";
    private static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
    private static final String SEED_QUERY = "&prevent_webhook=true&fields=Email,Uid"
            + "&rbabrowseremailtemplate=a&rbacityemailtemplate=b&rbacountryemailtemplate=c&rbaipemailtemplate=d"
            + "&rbadeviceemailtemplate=e&rbabrowsersmstemplate=f&rbacitysmstemplate=g&rbacountrysmstemplate=h"
            + "&rbaipsmstemplate=i&rbadevicesmstemplate=j&smstemplate2fa=k";
    /** Generous send limits, for tests that are not about them. */
    private static final String LIMITS = "\"IsSmsOTPAuthenticator\":true,\"SmsCodesPerPhonePerHour\":100,\"SmsCodesPerAccountPerHour\":100";

    private final SmsReceiver sms = new SmsReceiver();

    @Override
    protected TestServer.Options options() {
        return new TestServer.Options(new ServerConfig.Messaging(null, ServerConfig.Messaging.NONE.smtp(),
                new DeliverySettings.Sms(sms.baseUrl(), SID, "sms-token", "+15550000000"), 100, 60_000, null), ServerConfig.Risk.NONE);
    }

    @AfterAll
    void stopSms() {
        sms.close();
    }

    private TestTenant tenant(boolean required, String more) {
        return s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":" + required + "," + LIMITS + more + "}}");
    }

    private static String email() {
        return "sms." + UUID.randomUUID() + "@example.com";
    }

    /** A phone number of this test's own, so that the per-phone limit of one test does not reach another. */
    private static String phone() {
        return "+1555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    /** The code of the {@code n}th text to {@code phone} (the built-in template starts with it). */
    private String code(String phone, int n) {
        List<SmsReceiver.Request> got = sms.await(phone, n);
        assertThat(got).as("texts to " + phone).hasSizeGreaterThanOrEqualTo(n);
        String body = got.get(n - 1).form().get("Body");
        assertThat(body).matches("[0-9]{6} is your Acme sign-in code\\. It expires in [0-9]+ minutes?\\..*");
        return body.substring(0, 6);
    }

    private Reply mfaSettings(TestTenant t, String access) {
        return s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
    }

    private Reply setPhoneFromAccount(TestTenant t, String access, String body, String query) {
        return s.send("PUT", "/identity/v2/auth/account/2fa?apikey=" + t.apiKey() + query, body, "Authorization", "Bearer " + access,
                "Content-Type", "application/json");
    }

    private Reply enable(TestTenant t, String access, String code) {
        return s.send("PUT", "/identity/v2/auth/account/2fa/verification/otp?apikey=" + t.apiKey(), "{\"otp\":\"" + code + "\"}",
                "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    private Reply setPhoneDuringLogin(TestTenant t, String token, String body, String query) {
        return s.send("PUT", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token + query, body,
                "Content-Type", "application/json");
    }

    private Reply resend(TestTenant t, String token) {
        return s.get("/identity/v2/auth/login/2fa/resend?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token);
    }

    private Reply verify(TestTenant t, String token, String code, String query) {
        return s.send("PUT", "/identity/v2/auth/login/2fa/verification/otp?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + token + query, "{\"otp\":\"" + code + "\"}", "Content-Type", "application/json");
    }

    private Reply verify(TestTenant t, String token, String code) {
        return verify(t, token, code, "");
    }

    private Reply reset(TestTenant t, String access, String body) {
        return s.send("DELETE", "/identity/v2/auth/account/2fa/authenticator?apikey=" + t.apiKey(), body,
                "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    private static void assertSent(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().get("AccountSid").asText()).isEqualTo(SID);
        assertThat(r.json().get("Sid").asText()).matches("[0-9a-f-]{36}");
        assertThat(r.json().size()).isEqualTo(2);
    }

    private static String masked(String phone) {
        return "*".repeat(phone.length() - 4) + phone.substring(phone.length() - 4);
    }

    /** An optional-MFA account with {@code phone} set up from the account; returns the session that set it up. */
    private String enrolledFromAccount(TestTenant t, String email, String phone) {
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        assertSent(setPhoneFromAccount(t, access, "{\"phoneno2fa\":\"" + phone + "\"}", ""));
        assertThat(enable(t, access, code(phone, 1)).status()).isEqualTo(200);
        return access;
    }

    @Test
    void setUpFromTheAccountThenLogInWithTheCodeSentAtStepOne() {
        TestTenant t = tenant(false, "");
        String email = email();
        String phone = phone();
        String uid = t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token"); // optional MFA, no factor: a complete login
        JsonNode before = mfaSettings(t, access).json();
        assertThat(before.get("IsOTPAuthenticatorVerified").asBoolean()).isFalse();
        assertThat(before.get("OTPPhoneNo").isNull()).isTrue();

        // The SDKs send phoneNo2FA; spaces, dashes and brackets are not part of the number.
        String spaced = phone.substring(0, 2) + " (" + phone.substring(2, 5) + ") " + phone.substring(5, 8) + "-" + phone.substring(8);
        assertSent(setPhoneFromAccount(t, access, "{\"phoneNo2FA\":\"" + spaced + "\"}", ""));
        String code = code(phone, 1);
        SmsReceiver.Request text = sms.to(phone).get(0);
        assertThat(text.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(text.form().get("From")).isEqualTo("+15550000000");

        assertError(enable(t, access, code.equals("000000") ? "111111" : "000000"), 403, 1067);
        Reply enabled = enable(t, access, code);
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);
        assertThat(enabled.json().get("Uid").asText()).isEqualTo(uid);
        assertError(enable(t, access, code), 403, 1193); // set up now: changing it needs a recent second factor
        JsonNode after = mfaSettings(t, access).json();
        assertThat(after.get("IsOTPAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(after.get("OTPPhoneNo").asText()).isEqualTo(masked(phone));
        assertThat(sms.to(phone)).hasSize(1); // reading the settings sends nothing

        // Step 1 now asks for the second factor and has sent a code to the phone.
        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(sfa.get("IsOTPAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(sfa.get("OTPPhoneNo").asText()).isEqualTo(masked(phone));
        assertThat(sfa.get("OTPStatus").get("AccountSid").asText()).isEqualTo(SID);
        assertThat(sfa.get("OTPStatus").get("Sid").asText()).matches("[0-9a-f-]{36}");
        String token = sfa.get("SecondFactorAuthenticationToken").asText();
        assertError(verify(t, token, code), 403, 1067); // the code that set the phone up is spent
        Reply login = verify(t, token, code(phone, 2), SEED_QUERY);
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.json().get("Profile")).isEqualTo(Json.parse("{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email
                + "\"}],\"Uid\":\"" + uid + "\"}"));
        assertThat(login.text("access_token")).matches("[0-9a-f-]{36}");
        assertThat(login.text("refresh_token")).matches("[0-9a-f-]{36}");
    }

    @Test
    void theNumberAndTheCodesAreNotStoredInTheClear() {
        TestTenant t = tenant(false, "");
        String email = email();
        String phone = phone();
        enrolledFromAccount(t, email, phone);
        t.login(email, PASSWORD);
        String code = code(phone, 2);
        String digits = phone.substring(1);
        List<String> stored = s.server.jdbi().withHandle(h -> {
            List<String> all = new ArrayList<>(h.createQuery("SELECT phone FROM sms_factors").mapTo(String.class).list());
            all.addAll(h.createQuery("SELECT code_hash FROM factor_codes").mapTo(String.class).list());
            return all;
        });
        assertThat(stored).isNotEmpty().noneMatch(v -> v.contains(digits) || v.contains(code));
    }

    @Test
    void aLoginThatMustSetUpMfaSetsThePhoneWithResendAndItsCode() {
        TestTenant t = tenant(true, "");
        String email = email();
        String phone = phone();
        String uid = t.account(email, PASSWORD);
        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(sfa.get("IsOTPAuthenticatorVerified").asBoolean()).isFalse();
        assertThat(sfa.get("OTPPhoneNo").isNull()).isTrue();
        assertThat(sfa.get("OTPStatus").isNull()).isTrue();
        String token = sfa.get("SecondFactorAuthenticationToken").asText();
        assertError(resend(t, token), 403, 1100); // no phone yet

        assertSent(setPhoneDuringLogin(t, token, "{\"phoneno2fa\":\"" + phone + "\"}", "&smstemplate2fa=no-such-template"));
        code(phone, 1);
        assertSent(resend(t, token));
        String second = code(phone, 2);
        // A code for this login does not work for another login of the same account.
        String other = t.secondFactorToken(email, PASSWORD);
        assertError(verify(t, other, second), 403, 1067);
        Reply login = verify(t, token, second);
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.json().get("Profile").get("Uid").asText()).isEqualTo(uid);

        // Set up: the next login sends a code to it, and the phone cannot be changed from a login any more.
        JsonNode next = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(next.get("IsOTPAuthenticatorVerified").asBoolean()).isTrue();
        String nextToken = next.get("SecondFactorAuthenticationToken").asText();
        assertError(setPhoneDuringLogin(t, nextToken, "{\"phoneno2fa\":\"" + phone() + "\"}", ""), 403, 1250);
        assertSent(resend(t, nextToken)); // the verified phone
        assertThat(verify(t, nextToken, code(phone, 4)).status()).isEqualTo(200);
    }

    @Test
    void anAccountWithAnotherFactorCannotSetAPhoneDuringALogin() {
        TestTenant t = tenant(true, "");
        String email = email();
        String uid = t.account(email, PASSWORD);
        t.backupCodes(uid);
        String token = t.secondFactorToken(email, PASSWORD);
        assertError(setPhoneDuringLogin(t, token, "{\"phoneno2fa\":\"" + phone() + "\"}", ""), 403, 1250);
        assertError(verify(t, token, "123456"), 403, 1100);
    }

    @Test
    void aCodeWorksOnceAndOnlyForItsLoginInSequenceAndInParallel() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false," + LIMITS + "},"
                + "\"Security\":{\"MaxSecondFactorAttempts\":100}}");
        String email = email();
        String phone = phone();
        enrolledFromAccount(t, email, phone);
        String token = t.secondFactorToken(email, PASSWORD);
        String code = code(phone, 2);
        // A code works only for the login it was sent for: another pending login of the account refuses it.
        String otherLogin = t.secondFactorToken(email, PASSWORD);
        String otherCode = code(phone, 3);
        assertError(verify(t, otherLogin, code), 403, 1067);
        assertError(verify(t, token, otherCode), 403, 1067);
        assertThat(verify(t, token, code).status()).isEqualTo(200);
        assertError(verify(t, t.secondFactorToken(email, PASSWORD), code), 403, 1067);
        code(phone, 4);

        // The same right code in 20 parallel requests: one login; the others find the code spent or the login ended.
        String last = t.secondFactorToken(email, PASSWORD);
        String lastCode = code(phone, 5);
        List<Reply> replies = Parallel.times(20, () -> verify(t, last, lastCode));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(replies.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isIn(1067, 1103));
    }

    @Test
    void wrongCodesCountTowardTheOneLockout() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false," + LIMITS + "},"
                + "\"Security\":{\"MaxSecondFactorAttemptsPerToken\":2,\"MaxSecondFactorAttempts\":3}}");
        String email = email();
        String phone = phone();
        enrolledFromAccount(t, email, phone);
        String token = t.secondFactorToken(email, PASSWORD);
        String right = code(phone, 2);
        String wrong = right.equals("000000") ? "111111" : "000000";
        assertError(verify(t, token, wrong), 403, 1067);
        assertError(verify(t, token, wrong), 403, 1067);
        assertError(verify(t, token, right), 403, 1103); // the token died after its two wrong answers
        String token2 = t.secondFactorToken(email, PASSWORD);
        code(phone, 3); // texts are sent in parallel: each is awaited before the next is caused, so the nth is the nth sent
        assertError(verify(t, token2, wrong), 403, 1067); // third: locks
        assertError(t.login(email, PASSWORD), 403, 1198);
        s.clock.advance(Duration.ofSeconds(901));
        String token3 = t.secondFactorToken(email, PASSWORD);
        Reply after = verify(t, token3, code(phone, 4));
        assertThat(after.status()).as(after.raw()).isEqualTo(200);
    }

    @Test
    void codesExpire() {
        TestTenant t = tenant(false, ",\"CodeLifetimeSeconds\":60");
        String email = email();
        String phone = phone();
        enrolledFromAccount(t, email, phone);
        String token = t.secondFactorToken(email, PASSWORD);
        String code = code(phone, 2);
        s.clock.advance(Duration.ofSeconds(61));
        assertError(verify(t, token, code), 403, 1067);
    }

    @Test
    void sendsAreLimitedPerPhoneAndPerAccountEachHour() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,"
                + "\"IsSmsOTPAuthenticator\":true,\"SmsCodesPerPhonePerHour\":3,\"SmsCodesPerAccountPerHour\":100}}");
        String email = email();
        String phone = phone();
        enrolledFromAccount(t, email, phone); // 1
        String token = t.secondFactorToken(email, PASSWORD); // 2
        assertSent(resend(t, token)); // 3
        assertError(resend(t, token), 403, 1123);
        // Step 1 still answers, without sending.
        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(sfa.get("OTPStatus").isNull()).isTrue();
        // Another account of the tenant cannot send to that phone either.
        String otherEmail = email();
        t.account(otherEmail, PASSWORD);
        String access = t.login(otherEmail, PASSWORD).text("access_token");
        assertError(setPhoneFromAccount(t, access, "{\"phoneno2fa\":\"" + phone + "\"}", ""), 403, 1123);
        s.clock.advance(Duration.ofMinutes(61));
        assertSent(resend(t, t.secondFactorToken(email, PASSWORD)));

        TestTenant perAccount = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,"
                + "\"IsSmsOTPAuthenticator\":true,\"SmsCodesPerPhonePerHour\":100,\"SmsCodesPerAccountPerHour\":2}}");
        String e2 = email();
        perAccount.account(e2, PASSWORD);
        String a2 = perAccount.login(e2, PASSWORD).text("access_token");
        assertSent(setPhoneFromAccount(perAccount, a2, "{\"phoneno2fa\":\"" + phone() + "\"}", ""));
        assertSent(setPhoneFromAccount(perAccount, a2, "{\"phoneno2fa\":\"" + phone() + "\"}", ""));
        assertError(setPhoneFromAccount(perAccount, a2, "{\"phoneno2fa\":\"" + phone() + "\"}", ""), 403, 1123);
    }

    @Test
    void twentyParallelSendsKeepToTheLimit() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,"
                + "\"IsSmsOTPAuthenticator\":true,\"SmsCodesPerPhonePerHour\":100,\"SmsCodesPerAccountPerHour\":3}}");
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        String phone = phone();
        List<Reply> replies = Parallel.times(20, () -> setPhoneFromAccount(t, access, "{\"phoneno2fa\":\"" + phone + "\"}", ""));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(3);
        assertThat(replies.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(1123));
        assertThat(sms.await(phone, 3)).hasSize(3);
    }

    /**
     * Twenty parallel step 1s of an account whose code is texted at step 1 keep to its hourly limit: on PostgreSQL step 1
     * opens its 2FA token in a statement of its own, and the sends still take the account's row one at a time.
     */
    @Test
    void twentyParallelStepOnesKeepToTheAccountsSendLimit() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"MaxPasswordAttempts\":100},\"TwoFactorAuthentication\":"
                + "{\"IsEnabled\":true,\"IsRequired\":false,\"IsSmsOTPAuthenticator\":true,\"SmsCodesPerPhonePerHour\":100,"
                + "\"SmsCodesPerAccountPerHour\":4}}");
        String email = email();
        String phone = phone();
        enrolledFromAccount(t, email, phone); // the first text of four
        List<Reply> replies = Parallel.times(20, () -> t.login(email, PASSWORD));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.raw()).isIn(200, 429));
        List<Reply> answered = replies.stream().filter(r -> r.status() == 200).toList();
        assertThat(answered).hasSizeGreaterThanOrEqualTo(4);
        assertThat(answered).allSatisfy(r -> assertThat(r.json().at("/SecondFactorAuthentication/SecondFactorAuthenticationToken").asText())
                .matches("[0-9a-f-]{36}"));
        long sent = answered.stream().filter(r -> !r.json().at("/SecondFactorAuthentication/OTPStatus").isNull()).count();
        assertThat(sent).isEqualTo(3);
        assertThat(sms.await(phone, 4)).hasSize(4);
        Thread.sleep(500);
        assertThat(sms.await(phone, 4)).hasSize(4);
    }

    @Test
    void theUserResetsWithARecentSecondFactorAndTheAdminByUid() {
        TestTenant t = tenant(false, "");
        String email = email();
        String phone = phone();
        String passwordOnly = enrolledFromAccount(t, email, phone);
        // The session that proved only the password can neither remove it nor move it to another phone.
        assertError(reset(t, passwordOnly, "{\"otpauthenticator\":true}"), 403, 1193);
        String next = phone();
        assertSent(setPhoneFromAccount(t, passwordOnly, "{\"phoneno2fa\":\"" + next + "\"}", ""));
        assertError(enable(t, passwordOnly, code(next, 1)), 403, 1193);

        String access = verify(t, t.secondFactorToken(email, PASSWORD), code(phone, 2)).text("access_token");
        for (String wrong : new String[] {"{}", "{\"otpauthenticator\":false}", "{\"otpauthenticator\":\"yes\"}",
                "{\"otpauthenticator\":true,\"authenticator\":true}"}) {
            assertError(reset(t, access, wrong), 403, 1121);
        }
        Reply deleted = reset(t, access, "{\"otpauthenticator\":true}");
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertError(reset(t, access, "{\"otpauthenticator\":true}"), 403, 1100);
        assertThat(t.login(email, PASSWORD).json().has("SecondFactorAuthentication")).isFalse();

        // The admin: set up again, removed by uid; another tenant's secret cannot reach it.
        String again = phone();
        assertSent(setPhoneFromAccount(t, access, "{\"phoneno2fa\":\"" + again + "\"}", ""));
        assertThat(enable(t, access, code(again, 1)).status()).isEqualTo(200);
        String uid = t.manage("GET", "/identity/v2/manage/account?email=" + email, null).text("Uid");
        assertError(s.mfaTenant(false).manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid,
                "{\"otpauthenticator\":true}"), 403, 938);
        Reply byAdmin = t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"otpauthenticator\":true}");
        assertThat(byAdmin.status()).as(byAdmin.raw()).isEqualTo(200);
        assertThat(mfaSettings(t, access).json().get("IsOTPAuthenticatorVerified").asBoolean()).isFalse();
    }

    @Test
    void stepUpSendsACodeAndTheCodeProvesIt() {
        TestTenant t = tenant(false, "");
        String email = email();
        String phone = phone();
        String access = enrolledFromAccount(t, email, phone);
        String uid = t.manage("GET", "/identity/v2/manage/account?email=" + email, null).text("Uid");
        Reply start = s.get("/identity/v2/auth/account/reauth/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        assertThat(start.status()).as(start.raw()).isEqualTo(200);
        assertThat(start.json().get("IsOTPAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(start.json().get("OTPStatus").get("Sid").asText()).matches("[0-9a-f-]{36}");
        String code = code(phone, 2);
        Reply wrong = s.send("PUT", "/identity/v2/auth/account/reauth/2fa/otp?apikey=" + t.apiKey(),
                "{\"otp\":\"" + (code.equals("000000") ? "111111" : "000000") + "\"}", "Authorization", "Bearer " + access,
                "Content-Type", "application/json");
        assertError(wrong, 403, 1067);
        Reply proof = s.send("PUT", "/identity/v2/auth/account/reauth/2fa/otp?apikey=" + t.apiKey(), "{\"otp\":\"" + code + "\"}",
                "Authorization", "Bearer " + access, "Content-Type", "application/json");
        assertThat(proof.status()).as(proof.raw()).isEqualTo(200);
        String validation = proof.text("SecondFactorValidationToken");
        assertThat(validation).matches("[0-9a-f-]{36}");
        Reply valid = t.manage("POST", "/identity/v2/manage/account/" + uid + "/reauth/2fa",
                "{\"SecondFactorValidationToken\":\"" + validation + "\"}");
        assertThat(valid.json()).isEqualTo(Json.parse("{\"IsValid\":true}"));
        // With the proof, the session that proved only the password may now remove the phone.
        assertThat(reset(t, access, "{\"otpauthenticator\":true}").status()).isEqualTo(200);
    }

    @Test
    void badInputsAreAnsweredInLoginRadiusShape() {
        TestTenant t = tenant(true, "");
        String email = email();
        t.account(email, PASSWORD);
        String token = t.secondFactorToken(email, PASSWORD);
        assertError(setPhoneDuringLogin(t, token, "{}", ""), 403, 908);
        assertError(setPhoneDuringLogin(t, token, "{\"phoneno2fa\":15555550100}", ""), 403, 1134);
        assertError(setPhoneDuringLogin(t, token, "{\"phoneno2fa\":\"call me\"}", ""), 400, 1096);
        assertError(setPhoneDuringLogin(t, token, "{\"phoneno2fa\":\"+1555\\u00005550100\"}", ""), 403, 1134);
        assertError(setPhoneDuringLogin(t, token, "{\"phoneno2fa\":\"+" + "1".repeat(100_000) + "\"}", ""), 400, 1096);
        assertError(setPhoneDuringLogin(t, token, "{\"phoneno2fa\":\"+\u0661\u0662\u0663\u0664\u0665\u0666\u0667\"}", ""), 400, 1096);
        assertError(setPhoneDuringLogin(t, token, "{\"phoneno2fa\":\"" + phone() + "\"}", "&isvoiceotp=true"), 403, 1281);
        assertError(setPhoneDuringLogin(t, UUID.randomUUID().toString(), "{\"phoneno2fa\":\"" + phone() + "\"}", ""), 403, 1103);
        assertError(s.send("PUT", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"phoneno2fa\":\"" + phone() + "\"}",
                "Content-Type", "application/json"), 403, 908);
        assertError(verify(t, token, ""), 403, 908);
        assertError(verify(t, token, "9".repeat(100_000)), 403, 1067);
        assertError(resend(t, UUID.randomUUID().toString()), 403, 1103);
        // Another tenant's 2FA token is unknown here.
        assertError(setPhoneDuringLogin(tenant(true, ""), token, "{\"phoneno2fa\":\"" + phone() + "\"}", ""), 403, 1103);
        // Step 1 with isvoiceotp=true: the same clear answer.
        Reply voice = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey() + "&isvoiceotp=true",
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", "Content-Type", "application/json");
        assertError(voice, 403, 1281);
    }

    @Test
    void aTenantThatTurnsSmsOffNeitherSendsNorAcceptsIt() {
        TestTenant t = tenant(false, "");
        String email = email();
        String phone = phone();
        String access = enrolledFromAccount(t, email, phone);
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"TwoFactorAuthentication\":{\"IsSmsOTPAuthenticator\":false}}").status())
                .isEqualTo(200);
        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication"); // it had a factor: still asked
        assertThat(sfa.get("IsOTPAuthenticatorVerified").asBoolean()).isFalse();
        assertThat(sfa.get("OTPStatus").isNull()).isTrue();
        assertThat(sms.to(phone)).hasSize(1);
        String token = sfa.get("SecondFactorAuthenticationToken").asText();
        assertError(verify(t, token, "123456"), 403, 1100);
        assertError(resend(t, token), 403, 1100);
        assertError(setPhoneFromAccount(t, access, "{\"phoneno2fa\":\"" + phone() + "\"}", ""), 403, 1100);
    }

    @Test
    void smsIsNotOfferedUnlessTheTenantTurnsItOn() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true}}");
        String email = email();
        t.account(email, PASSWORD);
        String token = t.secondFactorToken(email, PASSWORD);
        assertError(setPhoneDuringLogin(t, token, "{\"phoneno2fa\":\"" + phone() + "\"}", ""), 403, 1100);
        assertError(resend(t, token), 403, 1100);
        assertError(verify(t, token, "123456"), 403, 1100);
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey(), null).json().get("TwoFactorAuthentication")
                .get("IsSmsOTPAuthenticator").asBoolean()).isFalse();
    }

    @Test
    void theWebhookEventsCanBeSubscribedTo() {
        TestTenant t = tenant(false, "");
        List<String> names = new ArrayList<>();
        t.manage("GET", "/v2/manage/webhook/events", null).json().get("Data").forEach(e -> names.add(e.asText()));
        assertThat(names).contains("SmsAuthenticatorAdded", "SmsAuthenticatorRemoved");
    }
}

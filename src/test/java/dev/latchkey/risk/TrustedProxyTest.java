package dev.latchkey.risk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import dev.latchkey.json.Json;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client that is not a trusted proxy cannot choose where its login comes from: its X-Forwarded-For and X-Origin-IP
 * are ignored, so a spoofed foreign address neither fires (nor hides) a risk signal. Behind a trusted proxy the same
 * headers count, the right-most address the proxies did not add themselves winning.
 */
class TrustedProxyTest {
    static TestServer node(Mailbox mail, String trusted) {
        return new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging(null,
                new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "no-reply@latchkey.test"),
                ServerConfig.Messaging.NONE.sms(), 100, 60_000, null), new ServerConfig.Risk(TestServer.Options.geoipTestDb(), trusted)));
    }

    static Reply login(TestServer s, TestTenant t, String email, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\",\"password\":\"proxy-pass-1\"}", all);
    }

    static final String COUNTRY_BLOCKED = "{\"Name\":\"Acme\",\"RiskBasedAuthentication\":{\"Country\":{\"IsEnabled\":true,\"Action\":\"Block\"},"
            + "\"IP\":{\"IsEnabled\":true}}}";

    @Test
    void aSpoofedForwardedForFromAnUntrustedClientIsIgnored() {
        try (Mailbox mail = new Mailbox(); TestServer s = node(mail, null)) {
            TestTenant t = s.tenant(COUNTRY_BLOCKED);
            String email = "proxy-" + UUID.randomUUID() + "@example.com";
            t.account(email, "proxy-pass-1");
            assertThat(login(s, t, email, "X-Forwarded-For", "81.2.69.142").status()).isEqualTo(200);
            // Claims of Sweden (blocked) from the same untrusted connection change nothing: the address is 127.0.0.1.
            for (String[] spoof : new String[][] {{"X-Forwarded-For", "89.160.20.112"}, {"X-Origin-IP", "89.160.20.112"},
                    {"X-Forwarded-For", "81.2.69.142, 89.160.20.112"}}) {
                Reply r = login(s, t, email, spoof);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                assertThat(r.json().has("access_token")).isTrue();
            }
            assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/risk-events", null).json()).isEqualTo(Json.parse("{\"Data\":[]}"));
            assertThat(mail.awaitExactly(email, 0)).isEmpty();
        }
    }

    @Test
    void behindATrustedProxyTheForwardedAddressCounts() {
        try (Mailbox mail = new Mailbox(); TestServer s = node(mail, "127.0.0.1/32, 10.0.0.0/8")) {
            TestTenant t = s.tenant(COUNTRY_BLOCKED);
            String email = "proxy-" + UUID.randomUUID() + "@example.com";
            t.account(email, "proxy-pass-1");
            assertThat(login(s, t, email, "X-Forwarded-For", "81.2.69.142").status()).isEqualTo(200);
            // The client wrote 81.2.69.142 itself; the proxies added 89.160.20.112 (their client) and 10.0.0.7 (one of them).
            Reply r = login(s, t, email, "X-Forwarded-For", "81.2.69.142, 89.160.20.112, 10.0.0.7");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1164);
            // X-Origin-IP (an application's backend speaking for its user) comes first.
            assertThat(login(s, t, email, "X-Origin-IP", "89.160.20.112", "X-Forwarded-For", "81.2.69.142").json().get("ErrorCode").asInt())
                    .isEqualTo(1164);
            assertThat(login(s, t, email, "X-Origin-IP", "81.2.69.142", "X-Forwarded-For", "89.160.20.112").status()).isEqualTo(200);
            var events = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/risk-events", null).json().get("Data");
            assertThat(events).hasSize(2);
            events.forEach(e -> assertThat(e.get("IP").asText()).isEqualTo("89.160.20.112"));
        }
    }
}

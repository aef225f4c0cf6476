package dev.latchkey.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.support.Backend;
import dev.latchkey.support.SilentServer;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A tenant whose webhook receiver accepts connections and never answers does not hold up another tenant's events: each
 * attempt to it holds one of the node's 16 slots for the 5 s timeout, and its backlog sorts ahead of every newer event.
 * Before, another tenant's event waited for the whole backlog, 16 attempts per 5 s; now the dead subscription's rows
 * wait once its first attempts have timed out.
 */
class WebhookFairnessTest {
    static final int BACKLOG = 100;

    @Test
    void anotherTenantsEventGoesOnceTheDeadReceiversFirstAttemptsHaveTimedOut() throws Exception {
        AtomicLong receivedAt = new AtomicLong();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            receivedAt.compareAndSet(0, System.currentTimeMillis());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        try (SilentServer hung = new SilentServer(); TestServer s = new TestServer(Backend.H2)) {
            TestTenant dead = s.mfaTenant(false);
            assertThat(dead.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:" + hung.port()
                    + "/events\"}").status()).isEqualTo(200);
            // The backlog a busy tenant's logins leave for it, written as the logins write it.
            s.server.jdbi().useHandle(h -> {
                long tenant = h.createQuery("SELECT id FROM tenants WHERE api_key = :k").bind("k", dead.apiKey()).mapTo(Long.class).one();
                String hook = h.createQuery("SELECT id FROM webhooks WHERE tenant_id = :t").bind("t", tenant).mapTo(String.class).one();
                var batch = h.prepareBatch("""
                        INSERT INTO webhook_outbox (id, tenant_id, webhook_id, event, payload, status, next_attempt_at, created_at)
                        VALUES (:id, :t, :w, 'Login', '{}', 'pending', :now, :now)""");
                long now = s.clock.millis();
                for (int i = 0; i < BACKLOG; i++) {
                    batch.bind("id", "dead-" + i).bind("t", tenant).bind("w", hook).bind("now", now - BACKLOG + i).add();
                }
                batch.execute();
            });
            TestTenant alive = s.mfaTenant(false);
            assertThat(alive.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/events\"}").status()).isEqualTo(200);
            alive.account("alive@example.com", "alive-password");
            assertThat(alive.login("alive@example.com", "alive-password").status()).isEqualTo(200);
            long queued = System.currentTimeMillis();

            // Before: behind 100 rows at 16 per 5 s, about 30 s. Now: one round of timeouts (5 s), then it goes.
            while (receivedAt.get() == 0 && System.currentTimeMillis() - queued < 20_000) {
                Thread.sleep(50);
            }
            assertThat(receivedAt.get()).as("the other tenant's event was delivered").isPositive();
            assertThat(receivedAt.get() - queued).isLessThan(9_000);
            // One round of attempts (and up to two more, from slots freed before the third timeout opened the breaker).
            int firstRound = WebhookDispatcher.MAX_IN_FLIGHT + 2;
            assertThat(hung.accepted()).isLessThanOrEqualTo(firstRound);
            int waiting = s.server.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM webhook_outbox WHERE status = 'pending' AND attempts = 0 AND last_error IS NULL")
                    .mapTo(Integer.class).one());
            assertThat(waiting).isGreaterThanOrEqualTo(BACKLOG - firstRound);
            assertThat(s.admin("GET", "/admin/v1/metrics", null).json().get("latchkey.webhook.deliveries.waiting.targets").asDouble())
                    .as("subscriptions waiting").isEqualTo(1.0);
        } finally {
            receiver.stop(0);
        }
    }
}

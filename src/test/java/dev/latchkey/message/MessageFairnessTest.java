package dev.latchkey.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.SilentServer;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A tenant whose own SMTP server accepts connections and never answers does not hold up another tenant's mail (a one-time
 * code or a sign-in link, say): every message of every tenant shares the node's 16 delivery slots, and each attempt to
 * the dead server holds its slot for the 10 s timeout. Before, another tenant's message waited behind the whole backlog,
 * 16 attempts per 10 s; now the dead route's rows wait once its first attempts have timed out.
 */
class MessageFairnessTest {
    static final int BACKLOG = 60;

    @Test
    void anotherTenantsMailGoesOnceTheDeadServersFirstAttemptsHaveTimedOut() throws Exception {
        try (SilentServer hung = new SilentServer(); Mailbox mail = new Mailbox();
             TestServer s = new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging(null,
                     new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "no-reply@latchkey.test"),
                     ServerConfig.Messaging.NONE.sms(), 100, 60_000, null), new ServerConfig.Risk(null, "127.0.0.1/32")))) {
            TestTenant dead = s.tenant(MessageDeliveryTest.RISKY);
            Reply own = s.admin("PATCH", "/admin/v1/tenants/" + dead.apiKey(), "{\"Email\":{\"SmtpHost\":\"127.0.0.1\",\"SmtpPort\":"
                    + hung.port() + ",\"Security\":\"none\",\"From\":\"no-reply@dead.test\"}}");
            assertThat(own.status()).as(own.raw()).isEqualTo(200);
            // Queued faster than 16 attempts per 10 s drain it: eight at a time.
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<?>> logins = new ArrayList<>();
            for (int i = 0; i < BACKLOG; i++) {
                int n = i % 50 + 1;
                logins.add(clients.submit(() -> MessageDeliveryTest.riskyLogin(s, dead, MessageDeliveryTest.account(dead, false), false, n)));
            }
            for (var login : logins) {
                login.get();
            }
            clients.shutdown();
            TestTenant alive = s.tenant(MessageDeliveryTest.RISKY);
            String user = MessageDeliveryTest.account(alive, false);
            MessageDeliveryTest.riskyLogin(s, alive, user, false, 1);
            long queued = System.currentTimeMillis();

            // Before: behind 60 rows at 16 per 10 s, about 30 s. Now: one round of timeouts (10 s), then it goes.
            while (mail.to(user).isEmpty() && System.currentTimeMillis() - queued < 25_000) {
                Thread.sleep(50);
            }
            long waited = System.currentTimeMillis() - queued;
            assertThat(mail.to(user)).as("the other tenant's mail, after %d ms", waited).hasSize(1);
            assertThat(waited).isLessThan(16_000);
            // The dead server was tried by one round of attempts, not by the backlog: 16, and up to two more taken by slots
            // that the first timeouts freed before the third opened the breaker.
            int firstRound = MessageDispatcher.MAX_IN_FLIGHT + 2;
            assertThat(hung.accepted()).isLessThanOrEqualTo(firstRound);
            int waiting = s.server.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM message_outbox WHERE status = 'pending' AND attempts = 0 AND last_error IS NULL")
                    .mapTo(Integer.class).one());
            assertThat(waiting).isGreaterThanOrEqualTo(BACKLOG - firstRound);
            assertThat(s.admin("GET", "/admin/v1/metrics", null).json().get("latchkey.messages.deliveries.waiting.targets").asDouble())
                    .as("mail routes waiting").isEqualTo(1.0);
        }
    }
}

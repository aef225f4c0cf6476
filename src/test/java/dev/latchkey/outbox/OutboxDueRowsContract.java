package dev.latchkey.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.store.Database;
import dev.latchkey.store.Purge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backlog (thousands of rows queued for receivers that do not answer) costs each poll what it claims, not what waits:
 * the due-row query reads the first entries of the {@code (status, next_attempt_at)} index in order and stops, on both
 * stores, and a dispatcher whose every slot is taken does not query at all. (On H2 the query read and sorted every
 * pending row until its order named the index's leading column: 10,000 rows, 35 to 43 ms a poll.)
 */
abstract class OutboxDueRowsContract {
    static final int PENDING = 3_000;
    static final long NOW = 1_800_000_000_000L;

    protected Database db;

    protected abstract Database open();

    /** The plan of {@code dueRows} over the backlog from its oldest row ({@code :from} 0), with what it read. */
    protected abstract void assertReadsTheIndexInOrder(String table, String sql);

    @BeforeEach
    void backlog() {
        db = open();
        db.jdbi().useHandle(h -> {
            long t = h.createUpdate("""
                    INSERT INTO tenants (api_key, api_secret_hash, api_secret_enc, name, settings, created_at, modified_at)
                    VALUES ('due', 'h', 'e', 'due', '{}', 0, 0)""").executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            var hooks = h.prepareBatch("""
                    INSERT INTO webhook_outbox (id, tenant_id, webhook_id, event, payload, status, next_attempt_at, claimed_until, created_at)
                    VALUES (:id, :t, 'w', 'Login', :payload, :status, :next, :claimed, 0)""");
            var messages = h.prepareBatch("""
                    INSERT INTO message_outbox (id, tenant_id, channel, purpose, template, recipient, content, status, next_attempt_at,
                                                claimed_until, created_at)
                    VALUES (:id, :t, 'email', 'risk-notice', 't', 'r@example.com', :payload, :status, :next, :claimed, 0)""");
            String payload = "p".repeat(2_000);
            for (int i = 0; i < PENDING * 2; i++) {
                // Every other row delivered; of the pending ones, the first ten held by a node (an attempt in flight).
                boolean pending = i % 2 == 0;
                Long claimed = pending && i < 20 ? NOW + 60_000 : null;
                for (var batch : List.of(hooks, messages)) {
                    batch.bind("id", String.format("row-%05d", i)).bind("t", t).bind("payload", payload)
                            .bind("status", pending ? "pending" : "delivered").bind("next", NOW - 100_000 + i).bind("claimed", claimed).add();
                }
            }
            hooks.execute();
            messages.execute();
        });
    }

    /** How many index entries and rows {@code select} read (its {@code :before} already written in). */
    protected abstract long rowsRead(String select);

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theDueRowsAreTheLongestDueThatNoNodeHolds() {
        for (String table : List.of("webhook_outbox", "message_outbox")) {
            // From the oldest, and from where a poll passed over rows of targets that wait (row 1,000's due time on).
            for (int first : new int[] {20, 1_000}) {
                long from = first == 20 ? Long.MIN_VALUE : NOW - 100_000 + first;
                List<String> due = db.jdbi().withHandle(h -> h.createQuery(OutboxDispatcher.dueRows(table, "tenant_id"))
                        .bind("from", from).bind("now", NOW).mapTo(String.class).list());
                List<String> expected = new ArrayList<>();
                for (int i = first; expected.size() < OutboxDispatcher.POLL_ROWS; i += 2) {
                    expected.add(String.format("row-%05d", i));
                }
                assertThat(due).as(table + " from row " + first).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void aPollReadsTheFirstEntriesOfTheIndexNotTheBacklog() {
        for (String table : List.of("webhook_outbox", "message_outbox")) {
            assertReadsTheIndexInOrder(table, OutboxDispatcher.dueRows(table, "tenant_id"));
        }
    }

    @Test
    void thePurgeDeletesTheRowsDeliveredAWeekAgoAndReadsNoOthers() {
        long before = NOW - Purge.KEEP_DELIVERED_MILLIS;
        int old = 1_200; // more than one batch of the purge (1,000)
        for (String table : List.of("webhook_outbox", "message_outbox")) {
            // Beside the backlog: rows delivered before the week's bound (each due a little before it was sent), and as
            // many delivered since, some of them due before the bound (retried for days) but sent after it.
            db.jdbi().useHandle(h -> {
                long t = h.createQuery("SELECT id FROM tenants WHERE api_key = 'due'").mapTo(Long.class).one();
                var rows = h.prepareBatch("INSERT INTO " + table + " (id, tenant_id, " + (table.equals("webhook_outbox")
                        ? "webhook_id, event, payload" : "channel, purpose, template, recipient")
                        + ", status, attempts, next_attempt_at, created_at, delivered_at) VALUES (:id, :t, 'x', 'x', 'x'"
                        + (table.equals("webhook_outbox") ? "" : ", 'x'") + ", 'delivered', 1, :next, :next, :sent)");
                for (int i = 0; i < old * 2; i++) {
                    long sent = i < old ? before - 10_000 + i : before + 1 + i;
                    rows.bind("id", String.format("sent-%05d", i)).bind("t", t).bind("next", sent - (i % 3 == 0 ? 86_400_000L : 5)).bind("sent", sent).add();
                }
                rows.execute();
            });
            Purge purge = new Purge(db.jdbi(), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), 30L * 86_400_000, 365L * 86_400_000);
            assertThat(purge.run().get(table)).as(table).isEqualTo(old);
            List<String> left = db.jdbi().withHandle(h -> h.createQuery("SELECT id FROM " + table + " WHERE id LIKE 'sent-%' ORDER BY id")
                    .mapTo(String.class).list());
            assertThat(left).as(table).hasSize(old).first().isEqualTo(String.format("sent-%05d", old));
            int rowsLeft = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Integer.class).one());
            assertThat(rowsLeft).as(table + ": the backlog and its delivered rows stay").isEqualTo(PENDING * 2 + old);
            // Each purge then finds nothing, and reads next to nothing: not the week of delivered rows kept.
            assertThat(purge.run().get(table)).isZero();
            String select = Purge.batchOf(table, "id", Purge.DELIVERED).replace(":now", String.valueOf(before));
            assertThat(rowsRead(select)).as(table + ": rows read by a purge with nothing to delete").isLessThanOrEqualTo(old / 3 + 1);
        }
    }

    @Test
    void aDispatcherWithEverySlotTakenDoesNotLook() {
        AtomicInteger queries = new AtomicInteger();
        Jdbi counted = db.jdbi().setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext context) {
                if (context.getRenderedSql().startsWith("SELECT id, ")) {
                    queries.incrementAndGet();
                }
            }
        });
        List<CompletableFuture<OutboxDispatcher.Outcome>> hanging = new ArrayList<>();
        OutboxDispatcher d = new OutboxDispatcher("webhook_outbox", "webhook_id", "test-due-rows", counted,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), 1_000, 3_600_000, 4, new SimpleMeterRegistry(), "test.due.rows") {
            @Override
            protected CompletableFuture<Outcome> deliver(String id) {
                CompletableFuture<Outcome> never = new CompletableFuture<>();
                hanging.add(never);
                return never;
            }
        };
        d.poll();
        assertThat(hanging).hasSize(4);
        assertThat(queries.get()).isEqualTo(1);
        d.poll();
        d.poll();
        assertThat(queries.get()).as("polls with every slot taken").isEqualTo(1);
        assertThat(hanging).hasSize(4);
        hanging.get(0).complete(OutboxDispatcher.Outcome.retry("timed out"));
        d.poll();
        assertThat(queries.get()).isEqualTo(2);
        assertThat(hanging).hasSize(5);
        d.close();
    }
}

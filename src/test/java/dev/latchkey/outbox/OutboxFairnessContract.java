package dev.latchkey.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.store.Database;
import dev.latchkey.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One tenant's receiver that holds every attempt until it times out does not hold up another tenant's deliveries: after
 * a few attempts that failed slowly, its rows wait (moved later, not attempted, not counted as attempts), the other
 * tenant's row goes in the next poll, and the dead target gets one trial at a time until it answers. Before, a
 * backlog for such a target went ahead of every newer row, one timeout per slot at a time (an hour for 10,000 rows).
 *
 * <p>The dispatcher's "timeout" here is {@link #SLOW} ms and the breaker counts attempts that took 50 ms or more.
 */
abstract class OutboxFairnessContract {
    static final int BACKLOG = 300;
    static final int SLOTS = 4;
    static final long SLOW = 80;
    static final long OPEN = 60_000;

    protected Database db;
    final MutableClock clock = new MutableClock();
    final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor();
    final List<String> attempted = new CopyOnWriteArrayList<>();
    final Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
    /** Whether the dead tenant's receiver answers again. */
    final AtomicBoolean deadAnswers = new AtomicBoolean();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    /** The statements the dispatcher ran. */
    final List<String> statements = new CopyOnWriteArrayList<>();
    /** Whether the database fails the dispatcher's claims. */
    final AtomicBoolean claimsFail = new AtomicBoolean();
    OutboxDispatcher dispatcher;
    long start;

    protected abstract Database open();

    @BeforeEach
    void backlog() {
        db = open();
        start = clock.millis();
        db.jdbi().useHandle(h -> {
            tenant(h, "dead");
            tenant(h, "alive");
            var batch = h.prepareBatch(ROW);
            for (int i = 0; i < BACKLOG; i++) {
                batch.bind("id", String.format("dead-%04d", i)).bind("tenant", "dead").bind("w", "hook-dead")
                        .bind("next", start - 100_000 + i).add();
            }
            // Newer than the whole backlog: behind it in the due order.
            batch.bind("id", "alive-0").bind("tenant", "alive").bind("w", "hook-alive").bind("next", start - 10).add();
            batch.execute();
        });
        dispatcher = new OutboxDispatcher("webhook_outbox", "webhook_id", new TargetBreakers(50, OPEN, 4 * OPEN), "test-fairness",
                counted(), clock, 1_000, 3_600_000, SLOTS, metrics, "test.fairness") {
            @Override
            protected CompletableFuture<Outcome> deliver(String id) {
                attempted.add(id);
                if (id.startsWith("alive") || deadAnswers.get()) {
                    deliveredAt.put(id, System.currentTimeMillis());
                    return CompletableFuture.completedFuture(Outcome.DELIVERED);
                }
                CompletableFuture<Outcome> timedOut = new CompletableFuture<>();
                timeouts.schedule(() -> timedOut.complete(Outcome.retry("TimeoutException")), SLOW, TimeUnit.MILLISECONDS);
                return timedOut;
            }
        };
    }

    /** A pending delivery as a login writes it; binds {@code id}, {@code tenant} (its API key), {@code w}, {@code next}. */
    static final String ROW = """
            INSERT INTO webhook_outbox (id, tenant_id, webhook_id, event, payload, status, next_attempt_at, created_at)
            VALUES (:id, (SELECT id FROM tenants WHERE api_key = :tenant), :w, 'Login', '{}', 'pending', :next, :next)""";

    /** A row of the live tenant's, written after the backlog. */
    private void insert(String id, String hook, long due) {
        db.jdbi().useHandle(h -> h.createUpdate(ROW).bind("id", id).bind("tenant", "alive").bind("w", hook).bind("next", due).execute());
    }

    private static void tenant(org.jdbi.v3.core.Handle h, String name) {
        h.createUpdate("""
                INSERT INTO tenants (api_key, api_secret_hash, api_secret_enc, name, settings, created_at, modified_at)
                VALUES (:k, 'h', 'e', :k, '{}', 0, 0)""").bind("k", name).execute();
    }

    private Jdbi counted() {
        return db.jdbi().setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                if (claimsFail.get() && context.getRenderedSql().startsWith("UPDATE webhook_outbox SET claimed_until")) {
                    throw new IllegalStateException("the database went away");
                }
            }

            @Override
            public void logAfterExecution(StatementContext context) {
                statements.add(context.getRenderedSql());
            }
        });
    }

    @AfterEach
    void close() {
        dispatcher.close();
        timeouts.shutdownNow();
        db.close();
    }

    /** Polls as the dispatcher's own loop does (every 20 ms here) until {@code id} is delivered or 3 s have passed. */
    private long pollUntilDelivered(String id) throws InterruptedException {
        long began = System.currentTimeMillis();
        while (!deliveredAt.containsKey(id) && System.currentTimeMillis() - began < 3_000) {
            dispatcher.poll();
            Thread.sleep(20);
        }
        assertThat(deliveredAt).as("delivered within 3 s, behind %d rows for a target that times out", BACKLOG).containsKey(id);
        return deliveredAt.get(id) - began;
    }

    private List<Map<String, Object>> deadRows() {
        return db.jdbi().withHandle(h -> h.createQuery("""
                SELECT attempts, next_attempt_at, last_error FROM webhook_outbox WHERE webhook_id = 'hook-dead' ORDER BY id""")
                .mapToMap().list());
    }

    @Test
    void anotherTenantsRowGoesOnceTheDeadTargetsFirstAttemptsHaveTimedOut() throws Exception {
        // Before: 300 rows, 4 slots, 80 ms each: 6 s. Now: one round of timeouts, then the backlog waits.
        assertThat(pollUntilDelivered("alive-0")).isLessThan(1_500);
        // The first round; a slot freed by a timeout before the third one opened the breaker may take one more or two.
        long deadAttempts = attempted.stream().filter(id -> id.startsWith("dead")).count();
        Thread.sleep(SLOW * 2); // the last of them recorded
        assertThat(deadAttempts).as("the dead target's attempts").isBetween((long) SLOTS, (long) SLOTS + TargetBreakers.SLOW_FAILURES_TO_OPEN - 1);

        List<Map<String, Object>> rows = deadRows();
        List<Map<String, Object>> tried = rows.stream().filter(r -> ((Number) r.get("attempts")).intValue() == 1).toList();
        List<Map<String, Object>> waiting = rows.stream().filter(r -> ((Number) r.get("attempts")).intValue() == 0).toList();
        assertThat(tried).hasSize((int) deadAttempts).allMatch(r -> "TimeoutException".equals(r.get("last_error")));
        // Passed over, not written: neither attempted nor moved.
        assertThat(waiting).hasSize(BACKLOG - (int) deadAttempts).allSatisfy(r -> {
            assertThat(((Number) r.get("next_attempt_at")).longValue()).isLessThan(start);
            assertThat(r.get("last_error")).isNull();
        });
        assertThat(metrics.counter("test.fairness", "outcome", "retried").count()).isEqualTo(deadAttempts);

        // And while it waits, the backlog is not read again (its 300 rows are five pages) and nothing is written: one
        // query a poll.
        statements.clear();
        for (int i = 0; i < 10; i++) {
            dispatcher.poll();
        }
        assertThat(statements).hasSize(10).allMatch(sql -> sql.startsWith("SELECT id, "));
    }

    @Test
    void aRowWrittenJustBeforeTheRowsPassedOverIsFoundAndAnOlderOneAtTheNextRescan() throws Exception {
        pollUntilDelivered("alive-0");
        // A transaction that took 300 ms before committing (within SETTLE_MILLIS, 500 ms), and a node whose clock is 10 s
        // behind (found when the poll reads from the oldest row again, within RESCAN_MILLIS, 30 s).
        insert("alive-late", "hook-alive", clock.millis() - 300);
        insert("alive-skewed", "hook-alive", clock.millis() - 10_000);
        pollUntilDelivered("alive-late");
        for (int i = 0; i < 10; i++) {
            dispatcher.poll();
        }
        assertThat(deliveredAt).doesNotContainKey("alive-skewed");
        clock.advance(Duration.ofSeconds(30));
        pollUntilDelivered("alive-skewed");
    }

    /** Polls as the dispatcher's loop does while its claims fail (that loop logs the failure and goes on). */
    private void pollWhileClaimsFail(int polls) {
        claimsFail.set(true);
        for (int i = 0; i < polls; i++) {
            try {
                dispatcher.poll();
            } catch (IllegalStateException expected) {
                // the round ends; the next one tries again
            }
        }
        claimsFail.set(false);
    }

    @Test
    void aClaimTheDatabaseFailsLosesNeitherItsSlotNorTheTrial() throws Exception {
        pollWhileClaimsFail(SLOTS + 2); // each kept its slot before: none left, nothing sent again
        pollUntilDelivered("alive-0");

        clock.advance(Duration.ofMillis(OPEN * 5 / 4 + 1_000));
        pollWhileClaimsFail(1); // the trial's claim: kept, the target would wait for good
        attempted.clear();
        for (int i = 0; i < 10; i++) {
            dispatcher.poll();
            Thread.sleep(20);
        }
        assertThat(attempted).as("the trial, once the database is back").hasSize(1);
    }

    @Test
    void theDeadTargetGetsOneTrialAtATimeAndItsRowsGoOnceItAnswers() throws Exception {
        pollUntilDelivered("alive-0");
        attempted.clear();

        // Its wait is over: one trial, which times out again; the rows due meanwhile wait for it, then longer.
        clock.advance(Duration.ofMillis(OPEN * 5 / 4 + 1_000));
        for (int i = 0; i < 10; i++) {
            dispatcher.poll();
            Thread.sleep(20);
        }
        Thread.sleep(SLOW * 2);
        assertThat(attempted).as("one trial while the wait is over").hasSize(1);

        // The next wait is twice as long: nothing goes after the first one's length.
        attempted.clear();
        clock.advance(Duration.ofMillis(OPEN * 5 / 4 + 1_000));
        for (int i = 0; i < 5; i++) {
            dispatcher.poll();
            Thread.sleep(20);
        }
        assertThat(attempted).as("within the doubled wait").isEmpty();

        // It answers again: the trial goes through and closes the breaker; the backlog is delivered as it comes due.
        deadAnswers.set(true);
        clock.advance(Duration.ofMillis(OPEN * 5));
        long began = System.currentTimeMillis();
        while (deliveredAt.size() < BACKLOG + 1 && System.currentTimeMillis() - began < 10_000) {
            dispatcher.poll();
            Thread.sleep(20);
        }
        assertThat(deliveredAt).hasSize(BACKLOG + 1);
        long undelivered = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM webhook_outbox WHERE status <> 'delivered'")
                .mapTo(Long.class).one());
        assertThat(undelivered).isZero();
    }
}

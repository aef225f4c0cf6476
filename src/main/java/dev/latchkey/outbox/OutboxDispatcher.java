package dev.latchkey.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a durable outbox table (webhook events, email and SMS messages), on every node at once. Rows are written in
 * the transaction of the change that causes them; this loop claims a due row with one conditional UPDATE (so two nodes
 * never send the same attempt), hands it to {@link #deliver} (asynchronous, bounded by a number of slots: a slow
 * receiver never holds a request thread and never slows a login), and records the outcome: delivered, or retried with
 * exponential backoff and jitter until {@code retryFor} has passed since the row was written, then failed. The purge
 * ({@code store.Purge}) removes delivered rows after a week and failed ones after the retention.
 * A node that dies mid-attempt releases its claims by themselves ({@link #CLAIM_MILLIS}), so nothing queued is lost.
 * A target whose attempts keep failing only when they time out has its rows passed over instead of its attempts taking
 * every slot from the other tenants ({@link TargetBreakers}).
 *
 * <p>Every outbox table has the same bookkeeping columns: {@code id, status ('pending'|'delivered'|'failed'), attempts,
 * next_attempt_at, claimed_until, last_error, created_at, delivered_at}.
 */
public abstract class OutboxDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
    /** A claim outlives the longest attempt, so a node that dies mid-attempt releases its rows by themselves. */
    public static final long CLAIM_MILLIS = 60_000;
    /** The most due rows one poll asks for. */
    static final int POLL_ROWS = 64;
    /** The most pages one poll reads while it passes over rows of targets that wait (a backlog for an open breaker). */
    static final int MAX_PAGES = 32;
    /**
     * The poll never passes this close to now: a row is written with its transaction's time and may commit a moment
     * later, behind rows already passed over (one that commits later still is found at the next rescan). Each poll reads
     * the rows of this last moment again, so it is short: with 2 s, a dead target's new rows (300 a second in the bench's
     * hanging-target row) were each read ten times, 0.5–0.8 ms of H2's CPU per login.
     */
    static final long SETTLE_MILLIS = 500;
    /** The longest a poll goes on from where it passed over rows before it reads from the oldest due row again. */
    static final long RESCAN_MILLIS = 30_000;

    /** What one attempt came to. {@code permanent}: do not retry (the target is gone, the recipient refused for good). */
    public record Outcome(boolean ok, String error, boolean permanent) {
        public static final Outcome DELIVERED = new Outcome(true, null, false);

        public static Outcome retry(String error) {
            return new Outcome(false, error, false);
        }

        public static Outcome fail(String error) {
            return new Outcome(false, error, true);
        }
    }

    protected final Jdbi jdbi;
    protected final Clock clock;
    private final String table;
    private final String target;
    private final TargetBreakers breakers;
    private final long backoffMillis;
    private final long retryForMillis;
    private final Semaphore slots;
    private final ScheduledExecutorService poller;
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;
    /**
     * While some target waits, where the next page starts (the poller's thread only): every due row before it belongs to
     * a waiting target. {@link Long#MIN_VALUE}: from the oldest due row.
     */
    private long from = Long.MIN_VALUE;
    private long fromSince;
    private long fromClosings;

    /**
     * {@code target}: an SQL expression over the table's columns naming where a row goes (a webhook subscription, a
     * tenant's mail route): one breaker each.
     */
    protected OutboxDispatcher(String table, String target, String threadName, Jdbi jdbi, Clock clock, long backoffMillis,
                               long retryForMillis, int maxInFlight, MeterRegistry metrics, String meterName) {
        this(table, target, new TargetBreakers(), threadName, jdbi, clock, backoffMillis, retryForMillis, maxInFlight, metrics, meterName);
    }

    OutboxDispatcher(String table, String target, TargetBreakers breakers, String threadName, Jdbi jdbi, Clock clock,
                     long backoffMillis, long retryForMillis, int maxInFlight, MeterRegistry metrics, String meterName) {
        this.table = table;
        this.target = target;
        this.breakers = breakers;
        this.jdbi = jdbi;
        this.clock = clock;
        this.backoffMillis = backoffMillis;
        this.retryForMillis = retryForMillis;
        this.slots = new Semaphore(maxInFlight);
        this.delivered = metrics.counter(meterName, "outcome", "delivered");
        this.retried = metrics.counter(meterName, "outcome", "retried");
        this.failed = metrics.counter(meterName, "outcome", "failed");
        Gauge.builder(meterName + ".waiting.targets", breakers, TargetBreakers::open)
                .description("Targets whose attempts failed only when they timed out, their deliveries waiting for a trial")
                .register(metrics);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends the claimed row {@code id} (this attempt already counted in its {@code attempts}). Must not block for long:
     * the outcome completes the future, from any thread. A row that no longer exists completes with null.
     */
    protected abstract CompletableFuture<Outcome> deliver(String id);

    /** Extra assignments when a row is marked delivered (e.g. erasing content that must not outlive its delivery). */
    protected String onDeliveredSet() {
        return "";
    }

    /** Extra assignments when a row is marked failed for good. */
    protected String onFailedSet() {
        return "";
    }

    public OutboxDispatcher start() {
        poller.scheduleWithFixedDelay(this::pollSafely, 200, 200, TimeUnit.MILLISECONDS);
        return this;
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("{} dispatch round failed: {}", table, e.toString());
        }
    }

    /**
     * The ids, targets and due times of up to {@link #POLL_ROWS} due rows from {@code :from} on that no node holds, the
     * longest due first. The order names the index's leading column ({@code status, next_attempt_at}), although every row
     * it returns has the same status: ordered by {@code next_attempt_at} alone, H2 (2.3.232) does not see that the index
     * already gives that order, so it read every pending row and sorted them for each poll: 10,000 rows queued for
     * receivers that never answered (the bench's two hanging-target rows) were 35 to 43 ms a query at five polls a second
     * per table, about half a core, in every request's way for as long as they waited (issue 16). Ordered this way it
     * reads the first rows of the index and stops. PostgreSQL walks the index in order either way
     * ({@code OutboxDueRowsContract}).
     */
    static String dueRows(String table, String target) {
        return "SELECT id, " + target + ", next_attempt_at FROM " + table
                + " WHERE status = 'pending' AND next_attempt_at >= :from AND next_attempt_at <= :now"
                + " AND (claimed_until IS NULL OR claimed_until < :now)"
                + " ORDER BY status, next_attempt_at LIMIT " + POLL_ROWS;
    }

    private record Due(String id, String target, long at) {}

    /**
     * One round: claim what is due (as many as there are free slots) and send it, passing over the rows of targets that
     * wait ({@link TargetBreakers}) without a write. A page of such rows is passed for good while they wait: the next
     * page, and the next poll, start after them ({@link #from}), so that a backlog for a dead target is read once, not
     * at every poll, and costs nothing while it waits. It is read again from its start when a target's wait ends or its
     * breaker closes, and every {@link #RESCAN_MILLIS} (rows whose claims a dead node left). With every slot taken
     * (receivers that answer slowly or not at all), it does not look: nothing it found could be sent.
     */
    public void poll() {
        for (int page = 0; page < MAX_PAGES && slots.availablePermits() > 0; page++) {
            if (!pollPage()) {
                return;
            }
        }
    }

    /** One page of {@link #poll}; true when it passed over rows of waiting targets and the next page may hold more. */
    private boolean pollPage() {
        long now = clock.millis();
        if (from != Long.MIN_VALUE && (!breakers.anyOpen() || breakers.closings() != fromClosings
                || breakers.trialDue(fromSince, now) || now - fromSince >= RESCAN_MILLIS)) {
            from = Long.MIN_VALUE;
        }
        if (from == Long.MIN_VALUE) {
            fromSince = now;
            fromClosings = breakers.closings();
        }
        long start = from;
        List<Due> due = jdbi.withHandle(h -> h.createQuery(dueRows(table, target)).bind("from", start).bind("now", now)
                .map((rs, c) -> new Due(rs.getString(1), rs.getString(2), rs.getLong(3))).list());
        boolean passedOver = false;
        long next = due.size() < POLL_ROWS ? now : due.get(due.size() - 1).at();
        for (Due row : due) {
            if (!breakers.mayAttempt(row.target(), now)) {
                passedOver = true;
                continue;
            }
            if (!slots.tryAcquire()) {
                breakers.abandon(row.target());
                passedOver = false; // stopped short: nothing more to read now
                break;
            }
            attempt(row, now);
        }
        if (!passedOver) {
            return false;
        }
        // Rows due at the page's last instant are read again (>=), unless the whole page is one instant: then past it.
        boolean oneInstant = due.size() == POLL_ROWS && due.get(0).at() == next;
        next = Math.min(oneInstant ? next + 1 : next, now - SETTLE_MILLIS);
        if (next <= from) {
            return false;
        }
        from = next;
        return due.size() == POLL_ROWS;
    }

    /**
     * Claims a row (its slot taken) and sends it. A row another node claimed first, or a claim the database failed, gives
     * its slot back and, if it was the target's trial, the trial too: either kept would be lost for good (16 lost slots
     * stop the dispatcher; a lost trial leaves its target waiting until the node restarts).
     */
    private void attempt(Due row, long now) {
        boolean claimed = false;
        try {
            claimed = jdbi.withHandle(h -> h.createUpdate("UPDATE " + table + " SET claimed_until = :until, attempts = attempts + 1"
                            + " WHERE id = :id AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < :now)")
                    .bind("until", now + CLAIM_MILLIS).bind("id", row.id()).bind("now", now).execute() == 1);
        } finally {
            if (!claimed) {
                breakers.abandon(row.target());
                slots.release();
            }
        }
        if (!claimed) {
            return;
        }
        long started = System.nanoTime();
        CompletableFuture<Outcome> attempt;
        try {
            attempt = deliver(row.id());
        } catch (RuntimeException e) {
            attempt = CompletableFuture.completedFuture(Outcome.retry(e.toString()));
        }
        attempt.whenComplete((outcome, e) -> {
            Outcome o = e != null ? Outcome.retry(e.toString()) : outcome;
            try {
                if (o == null) {
                    breakers.abandon(row.target());
                } else {
                    breakers.record(row.target(), o, (System.nanoTime() - started) / 1_000_000, clock.millis());
                }
            } finally {
                finish(row.id(), o);
            }
        });
    }

    /** Marks the attempt's outcome (only while the row is still pending, so a late duplicate changes nothing). */
    private void finish(String id, Outcome o) {
        try {
            if (o == null) {
                return; // the row is gone
            }
            long now = clock.millis();
            String error = o.error() == null ? null : o.error().length() > 900 ? o.error().substring(0, 900) : o.error();
            jdbi.useHandle(h -> {
                if (o.ok()) {
                    h.createUpdate("UPDATE " + table + " SET status = 'delivered', delivered_at = :now, claimed_until = NULL, last_error = NULL"
                            + onDeliveredSet() + " WHERE id = :id AND status = 'pending'").bind("now", now).bind("id", id).execute();
                    delivered.increment();
                    return;
                }
                var row = h.createQuery("SELECT attempts, created_at FROM " + table + " WHERE id = :id").bind("id", id)
                        .map((rs, c) -> new long[] {rs.getLong(1), rs.getLong(2)}).findOne().orElse(null);
                if (row == null) {
                    return;
                }
                if (o.permanent() || now - row[1] >= retryForMillis) {
                    h.createUpdate("UPDATE " + table + " SET status = 'failed', claimed_until = NULL, last_error = :err" + onFailedSet()
                                    + " WHERE id = :id AND status = 'pending'")
                            .bind("err", error).bind("id", id).execute();
                    failed.increment();
                } else {
                    h.createUpdate("UPDATE " + table + " SET next_attempt_at = :next, claimed_until = NULL, last_error = :err WHERE id = :id AND status = 'pending'")
                            .bind("next", now + backoff((int) row[0])).bind("err", error).bind("id", id).execute();
                    retried.increment();
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("recording the outcome of {} {} failed (the claim expires and it is tried again): {}", table, id, e.toString());
        } finally {
            slots.release();
        }
    }

    /** Exponential (base × 2^(attempt-1), at most an hour) with ±25% jitter, so receivers coming back are not stampeded. */
    public long backoff(int attempts) {
        long base = backoffMillis * (1L << Math.min(Math.max(attempts - 1, 0), 20));
        long capped = Math.min(base, 3_600_000L);
        double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Math.max(1, (long) (capped * jitter));
    }

    @Override
    public void close() {
        dev.latchkey.store.Background.stop(poller, "the " + table + " poller");
    }
}

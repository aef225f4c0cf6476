package dev.latchkey.outbox;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One circuit breaker per delivery target (a webhook subscription; a tenant's mail or SMS route), so that a target which
 * holds its attempts until they time out cannot take every delivery slot of the node from the other tenants.
 *
 * <p>Why: the slots and the due order are shared by all tenants. A receiver that accepts connections and never answers
 * (a host behind a firewall that drops packets, a hung server) keeps each attempt in its slot for the whole timeout (5 s
 * for webhooks, 10 s for SMTP): 16 slots then make about three attempts a second, and a tenant with a backlog for it
 * sorts ahead of every newer row, another tenant's one-time code included, for as long as the backlog lasts (an hour for
 * 10,000 rows). Here, after {@link #SLOW_FAILURES_TO_OPEN} attempts in a row that failed after {@link #SLOW_MILLIS} or
 * more, the target's rows wait ({@link OutboxDispatcher} moves them later without attempting them, and without counting
 * an attempt) until one trial attempt may go: {@link #FIRST_OPEN_MILLIS} after it opened, doubling with every trial that
 * fails slowly up to {@link #MAX_OPEN_MILLIS}. Any attempt that ends otherwise (delivered, refused for good, or failed
 * quickly: a refused connection, an HTTP 500) closes it: such a target costs its slots little, and the rows' own
 * backoff spaces its retries as before.
 *
 * <p>The state is the node's own view, in memory: each node learns a target's health from its own attempts, and a node
 * that restarts forgets it and learns it again from at most a few attempts. Nothing queued depends on it.
 */
final class TargetBreakers {
    /** An attempt that failed after this long held its slot: counted towards opening. */
    static final long SLOW_MILLIS = 2_000;
    static final int SLOW_FAILURES_TO_OPEN = 3;
    static final long FIRST_OPEN_MILLIS = 15_000;
    static final long MAX_OPEN_MILLIS = 300_000;
    /** Targets failing at once that are tracked; past it a new one is not (it goes on as if closed). */
    static final int MAX_TRACKED = 10_000;

    private static final class State {
        int slowFailures;
        /** 0 while counting; then when the next trial may go. */
        long openUntil;
        long period;
        boolean trialInFlight;
    }

    private final long slowMillis;
    private final long firstOpenMillis;
    private final long maxOpenMillis;
    private final Map<String, State> states = new HashMap<>(); // guarded by this

    TargetBreakers() {
        this(SLOW_MILLIS, FIRST_OPEN_MILLIS, MAX_OPEN_MILLIS);
    }

    TargetBreakers(long slowMillis, long firstOpenMillis, long maxOpenMillis) {
        this.slowMillis = slowMillis;
        this.firstOpenMillis = firstOpenMillis;
        this.maxOpenMillis = maxOpenMillis;
    }

    /**
     * 0 when a row of {@code target} may be attempted now (the one trial of a breaker whose wait is over included: the
     * caller then owes a {@link #record} or an {@link #abandon}); otherwise the time until which the row should wait.
     */
    synchronized long deferUntil(String target, long now) {
        State s = states.get(target);
        if (s == null || s.openUntil == 0) {
            return 0;
        }
        if (now < s.openUntil) {
            return s.openUntil;
        }
        if (!s.trialInFlight) {
            s.trialInFlight = true;
            return 0;
        }
        return now + s.period; // the trial decides meanwhile; the rows come back after it
    }

    /** What an attempt to {@code target} came to, and how long it held its slot. */
    synchronized void record(String target, OutboxDispatcher.Outcome outcome, long elapsedMillis, long now) {
        boolean slowFailure = !outcome.ok() && !outcome.permanent() && elapsedMillis >= slowMillis;
        if (!slowFailure) {
            states.remove(target);
            return;
        }
        State s = states.get(target);
        if (s == null) {
            if (states.size() >= MAX_TRACKED) {
                return;
            }
            s = new State();
            states.put(target, s);
        }
        if (s.openUntil == 0) {
            if (++s.slowFailures >= SLOW_FAILURES_TO_OPEN) {
                open(s, firstOpenMillis, now);
            }
        } else if (s.trialInFlight || now >= s.openUntil) {
            open(s, Math.min(maxOpenMillis, s.period * 2), now);
        }
        // else: an attempt that was already in flight when it opened; it says nothing new
    }

    /** A trial granted by {@link #deferUntil} that did not go (another node had claimed the row). */
    synchronized void abandon(String target) {
        State s = states.get(target);
        if (s != null) {
            s.trialInFlight = false;
        }
    }

    private static void open(State s, long period, long now) {
        s.period = period;
        // Up to a quarter later, so that the nodes' trials (and the rows coming back) do not all fall at one instant.
        s.openUntil = now + period + ThreadLocalRandom.current().nextLong(period / 4 + 1);
        s.trialInFlight = false;
    }

    synchronized int tracked() {
        return states.size();
    }
}

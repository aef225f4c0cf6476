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
 * more, the target's rows wait ({@link OutboxDispatcher} passes over them, neither attempting nor writing them) until
 * one trial attempt may go: {@link #FIRST_OPEN_MILLIS} after it opened, doubling with every trial that fails slowly up
 * to {@link #MAX_OPEN_MILLIS}. Any attempt that ends otherwise (delivered, refused for good, or failed quickly: a
 * refused connection, an HTTP 500) closes it: such a target costs its slots little, and the rows' own backoff spaces
 * its retries as before.
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
    private long closings; // guarded by this

    TargetBreakers() {
        this(SLOW_MILLIS, FIRST_OPEN_MILLIS, MAX_OPEN_MILLIS);
    }

    TargetBreakers(long slowMillis, long firstOpenMillis, long maxOpenMillis) {
        this.slowMillis = slowMillis;
        this.firstOpenMillis = firstOpenMillis;
        this.maxOpenMillis = maxOpenMillis;
    }

    /**
     * Whether a row of {@code target} may be attempted now: its breaker is closed, or its wait is over and this is its one
     * trial (the caller then owes a {@link #record}, or an {@link #abandon} when the trial does not go).
     */
    synchronized boolean mayAttempt(String target, long now) {
        State s = states.get(target);
        if (s == null || s.openUntil == 0) {
            return true;
        }
        if (now < s.openUntil || s.trialInFlight) {
            return false;
        }
        s.trialInFlight = true;
        return true;
    }

    /** Whether any target's rows are being passed over. */
    synchronized boolean anyOpen() {
        return open() > 0;
    }

    /** The targets whose rows are being passed over. */
    synchronized int open() {
        int open = 0;
        for (State s : states.values()) {
            open += s.openUntil != 0 ? 1 : 0;
        }
        return open;
    }

    /** Whether some open target's wait ended after {@code since} and by {@code now}: its rows passed over may go again. */
    synchronized boolean trialDue(long since, long now) {
        for (State s : states.values()) {
            if (s.openUntil != 0 && !s.trialInFlight && s.openUntil > since && s.openUntil <= now) {
                return true;
            }
        }
        return false;
    }

    /** Counts the breakers that closed: their targets' rows passed over go again. */
    synchronized long closings() {
        return closings;
    }

    /** What an attempt to {@code target} came to, and how long it held its slot. */
    synchronized void record(String target, OutboxDispatcher.Outcome outcome, long elapsedMillis, long now) {
        boolean slowFailure = !outcome.ok() && !outcome.permanent() && elapsedMillis >= slowMillis;
        if (!slowFailure) {
            State closed = states.remove(target);
            if (closed != null && closed.openUntil != 0) {
                closings++;
            }
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

    /** A trial granted by {@link #mayAttempt} that did not go (no free slot, or another node had claimed the row). */
    synchronized void abandon(String target) {
        State s = states.get(target);
        if (s != null) {
            s.trialInFlight = false;
        }
    }

    private static void open(State s, long period, long now) {
        s.period = period;
        // Up to a quarter later, so that the nodes' trials do not all fall at one instant.
        s.openUntil = now + period + ThreadLocalRandom.current().nextLong(period / 4 + 1);
        s.trialInFlight = false;
    }

    synchronized int tracked() {
        return states.size();
    }
}

package dev.latchkey.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.outbox.OutboxDispatcher.Outcome;
import org.junit.jupiter.api.Test;

/** The breaker's arithmetic: what opens it, how long it waits, one trial at a time, what closes it. */
class TargetBreakersTest {
    static final long SLOW = 2_000;
    static final long OPEN = 15_000;
    static final Outcome TIMED_OUT = Outcome.retry("TimeoutException");
    final TargetBreakers b = new TargetBreakers(SLOW, OPEN, 8 * OPEN);

    private void slowFailures(String target, int n, long now) {
        for (int i = 0; i < n; i++) {
            b.record(target, TIMED_OUT, SLOW, now);
        }
    }

    @Test
    void threeSlowFailuresInARowOpenItForItsFirstWaitAndAQuarterAtMost() {
        slowFailures("t", 2, 0);
        assertThat(b.deferUntil("t", 0)).isZero();
        slowFailures("t", 1, 1_000);
        long until = b.deferUntil("t", 1_000);
        assertThat(until).isBetween(1_000 + OPEN, 1_000 + OPEN * 5 / 4);
        assertThat(b.deferUntil("t", until - 1)).isEqualTo(until);
        assertThat(b.deferUntil("other", 1_000)).as("another target").isZero();
    }

    @Test
    void aFailureThatCameQuicklyOrAnAnswerBreaksTheRun() {
        slowFailures("t", 2, 0);
        b.record("t", TIMED_OUT, SLOW - 1, 0); // a refused connection: its slot was free at once
        slowFailures("t", 2, 0);
        assertThat(b.deferUntil("t", 0)).isZero();
        b.record("t", Outcome.fail("HTTP 400"), SLOW * 2, 0); // refused for good, after a while: the target answered
        slowFailures("t", 2, 0);
        assertThat(b.deferUntil("t", 0)).isZero();
        b.record("t", Outcome.DELIVERED, SLOW * 2, 0);
        assertThat(b.tracked()).isZero();
    }

    @Test
    void oneTrialAtATimeEachSlowFailureDoublingTheWaitUpToItsMost() {
        slowFailures("t", 3, 0);
        // Attempts that were in flight when it opened say nothing new.
        slowFailures("t", 13, 100);
        long until = b.deferUntil("t", 0);
        assertThat(until).isLessThanOrEqualTo(OPEN * 5 / 4);
        long period = OPEN;
        long now = until;
        for (int trial = 0; trial < 6; trial++) {
            assertThat(b.deferUntil("t", now)).as("trial " + trial).isZero();
            assertThat(b.deferUntil("t", now)).as("while the trial is out").isEqualTo(now + period);
            b.record("t", TIMED_OUT, SLOW, now + 5_000);
            period = Math.min(period * 2, 8 * OPEN);
            until = b.deferUntil("t", now + 5_000);
            assertThat(until).isBetween(now + 5_000 + period, now + 5_000 + period * 5 / 4);
            now = until;
        }
        assertThat(b.deferUntil("t", now)).isZero();
        b.record("t", Outcome.DELIVERED, 10, now + 10);
        assertThat(b.deferUntil("t", now + 10)).as("closed by an answer").isZero();
        assertThat(b.deferUntil("t", now + 10)).isZero();
    }

    @Test
    void aTrialThatDidNotGoIsGivenAgain() {
        slowFailures("t", 3, 0);
        long until = b.deferUntil("t", 0);
        assertThat(b.deferUntil("t", until)).isZero();
        b.abandon("t"); // another node had claimed the row
        assertThat(b.deferUntil("t", until)).isZero();
    }

    @Test
    void theTargetsTrackedAreBounded() {
        for (int i = 0; i < TargetBreakers.MAX_TRACKED + 50; i++) {
            slowFailures("t" + i, 3, 0);
        }
        assertThat(b.tracked()).isEqualTo(TargetBreakers.MAX_TRACKED);
        assertThat(b.deferUntil("t" + (TargetBreakers.MAX_TRACKED + 10), 0)).as("not tracked: goes as if closed").isZero();
        assertThat(b.deferUntil("t0", 0)).isPositive();
    }
}

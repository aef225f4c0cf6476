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

    /** The first instant from {@code from} on at which {@code target} may be tried (checking grants the trial). */
    private long waitEnds(String target, long from) {
        long t = from;
        while (!b.mayAttempt(target, t)) {
            t += 10;
        }
        return t;
    }

    @Test
    void threeSlowFailuresInARowOpenItForItsFirstWaitAndAQuarterAtMost() {
        slowFailures("t", 2, 0);
        assertThat(b.mayAttempt("t", 0)).isTrue();
        assertThat(b.anyOpen()).isFalse();
        slowFailures("t", 1, 1_000);
        assertThat(b.anyOpen()).isTrue();
        assertThat(b.mayAttempt("t", 1_000)).isFalse();
        assertThat(b.mayAttempt("other", 1_000)).as("another target").isTrue();
        assertThat(b.trialDue(1_000, 1_000 + OPEN - 1)).isFalse();
        assertThat(b.trialDue(1_000, 1_000 + OPEN * 5 / 4)).isTrue();
        long ends = waitEnds("t", 1_000);
        assertThat(ends).isBetween(1_000 + OPEN, 1_000 + OPEN * 5 / 4);
        assertThat(b.trialDue(1_000, ends)).as("its trial is out").isFalse();
    }

    @Test
    void aFailureThatCameQuicklyOrAnAnswerBreaksTheRun() {
        slowFailures("t", 2, 0);
        b.record("t", TIMED_OUT, SLOW - 1, 0); // a refused connection: its slot was free at once
        slowFailures("t", 2, 0);
        assertThat(b.mayAttempt("t", 0)).isTrue();
        b.record("t", Outcome.fail("HTTP 400"), SLOW * 2, 0); // refused for good, after a while: the target answered
        slowFailures("t", 2, 0);
        assertThat(b.mayAttempt("t", 0)).isTrue();
        b.record("t", Outcome.DELIVERED, SLOW * 2, 0);
        assertThat(b.tracked()).isZero();
        assertThat(b.closings()).as("none of them was open").isZero();
    }

    @Test
    void oneTrialAtATimeEachSlowFailureDoublingTheWaitUpToItsMost() {
        slowFailures("t", 3, 0);
        // Attempts that were in flight when it opened say nothing new.
        slowFailures("t", 13, 100);
        long now = waitEnds("t", 0);
        assertThat(now).isLessThanOrEqualTo(OPEN * 5 / 4);
        long period = OPEN;
        for (int trial = 0; trial < 6; trial++) {
            assertThat(b.mayAttempt("t", now + 1_000)).as("while trial " + trial + " is out").isFalse();
            b.record("t", TIMED_OUT, SLOW, now + 5_000);
            period = Math.min(period * 2, 8 * OPEN);
            long ends = waitEnds("t", now + 5_000);
            assertThat(ends).as("trial " + (trial + 1)).isBetween(now + 5_000 + period, now + 5_000 + period * 5 / 4);
            now = ends;
        }
        assertThat(b.closings()).isZero();
        b.record("t", Outcome.DELIVERED, 10, now + 10);
        assertThat(b.closings()).isOne();
        assertThat(b.anyOpen()).isFalse();
        assertThat(b.mayAttempt("t", now + 10)).as("closed by an answer").isTrue();
        assertThat(b.mayAttempt("t", now + 10)).isTrue();
    }

    @Test
    void aTrialThatDidNotGoIsGivenAgain() {
        slowFailures("t", 3, 0);
        long ends = waitEnds("t", 0);
        assertThat(b.mayAttempt("t", ends)).isFalse();
        b.abandon("t"); // no free slot, or another node had claimed the row
        assertThat(b.mayAttempt("t", ends)).isTrue();
    }

    @Test
    void theTargetsTrackedAreBounded() {
        for (int i = 0; i < TargetBreakers.MAX_TRACKED + 50; i++) {
            slowFailures("t" + i, 3, 0);
        }
        assertThat(b.tracked()).isEqualTo(TargetBreakers.MAX_TRACKED);
        assertThat(b.mayAttempt("t" + (TargetBreakers.MAX_TRACKED + 10), 0)).as("not tracked: goes as if closed").isTrue();
        assertThat(b.mayAttempt("t0", 0)).isFalse();
    }
}

package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The idle node's one collection keeps little free heap, and leaves the JVM's heap ratios as they were; its trims, one
 * at every look while it stays idle, give the C heap's free memory back.
 */
class IdleMemoryTest {
    private static final HotSpotDiagnosticMXBean VM = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void theCollectionShrinksTheHeapAndPutsTheRatiosBack() {
        String min = VM.getVMOption("MinHeapFreeRatio").getValue();
        String max = VM.getVMOption("MaxHeapFreeRatio").getValue();
        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[1 << 20]; // 64 MiB the heap grows for, then garbage
        }
        garbage = null;
        LatchkeyServer.collectAndShrink();
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        // At most 10% free after it, give or take the heap's region granularity and what other tests keep alive.
        assertThat(rt.totalMemory()).isLessThan(Math.max(used * 2, 64L << 20));
        assertThat(VM.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(min);
        assertThat(VM.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(max);
    }

    @Test
    void anIdleNodeIsCollectedOncePerIdlePeriodAndTrimmedAtEveryLook() {
        long[] state = {-1, 0};
        int[] collected = {0};
        int[] trimmed = {0};
        long big = 256L << 20;
        Runnable collect = () -> collected[0]++;
        Runnable trim = () -> trimmed[0]++;
        LatchkeyServer.idleTick(5, state, big, collect, trim); // requests since the last look: busy
        assertThat(collected[0]).isZero();
        assertThat(trimmed[0]).isZero();
        LatchkeyServer.idleTick(5, state, big, collect, trim); // 10 s without a request
        assertThat(collected[0]).isEqualTo(1);
        assertThat(trimmed[0]).isEqualTo(1);
        LatchkeyServer.idleTick(5, state, big, collect, trim); // still idle: the JIT's freed memory trimmed again
        LatchkeyServer.idleTick(5, state, big, collect, trim);
        assertThat(collected[0]).isEqualTo(1);
        assertThat(trimmed[0]).isEqualTo(3);
        LatchkeyServer.idleTick(9, state, big, collect, trim); // served again: nothing while requests arrive
        assertThat(collected[0]).isEqualTo(1);
        assertThat(trimmed[0]).isEqualTo(3);
        LatchkeyServer.idleTick(9, state, 64L << 20, collect, trim); // idle again, a small heap: trimmed, not collected
        assertThat(collected[0]).isEqualTo(1);
        assertThat(trimmed[0]).isEqualTo(4);
        LatchkeyServer.idleTick(9, state, big, collect, trim);
        assertThat(collected[0]).isEqualTo(1); // the period's one collection was the look above's to make
        assertThat(trimmed[0]).isEqualTo(5);
    }

    @Test
    void theIdleNodeGivesTheCHeapsFreeMemoryBack() {
        // This JDK (17.0.15, glibc) has the command; the answer is the JVM's own report of RSS before and after.
        assertThat(LatchkeyServer.trimNativeHeap()).startsWith("Trim native heap: RSS+Swap: ");
    }
}

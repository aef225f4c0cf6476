package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-ups a node runs after start-up: each in turn, whatever one of them throws, and none once the node is stopping. */
class WarmUpTest {
    @Test
    void eachRunsInTurnAndOneThatFailsStopsNoOther() {
        List<String> ran = new ArrayList<>();
        LatchkeyServer.warmUp(List.of(() -> ran.add("a"), () -> {
            throw new IllegalStateException("a library that cannot load");
        }, () -> ran.add("c")));
        assertThat(ran).containsExactly("a", "c");
    }

    @Test
    void aStoppingNodeRunsNoMore() {
        List<String> ran = new ArrayList<>();
        LatchkeyServer.warmUp(List.of(() -> {
            ran.add("a");
            Thread.currentThread().interrupt(); // the node's stop interrupts its timer's thread
        }, () -> ran.add("b")));
        boolean interrupted = Thread.interrupted(); // and clears it for the next test
        assertThat(ran).containsExactly("a");
        assertThat(interrupted).isTrue();
    }
}

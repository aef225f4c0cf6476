package dev.latchkey.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RefusalTallyTest {
    private static final Audit.Origin FROM = new Audit.Origin(Audit.Actor.USER, "192.0.2.7", "Flood/1.0");

    private static Audit.Event busy(String identifier) {
        return new Audit.Event(Audit.LOGIN_REFUSED, Audit.Outcome.REFUSED, null, identifier, 429, "password hashing saturated");
    }

    @Test
    void everyRefusalIsCountedExactlyOnceWhileFlushesRunAlongside() throws Exception {
        RefusalTally tally = new RefusalTally();
        List<RefusalTally.Entry> written = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(21);
        List<Future<?>> adders = new ArrayList<>();
        for (int thread = 0; thread < 20; thread++) {
            int n = thread;
            adders.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 2_000; i++) {
                    tally.add(1L, new Audit.Origin(Audit.Actor.USER, "192.0.2." + (n % 4), null), busy("x" + i), i);
                }
                return null;
            }));
        }
        Future<?> flusher = pool.submit(() -> {
            start.await();
            while (!done.get()) {
                written.addAll(tally.drain());
            }
            return null;
        });
        start.countDown();
        for (Future<?> f : adders) {
            f.get();
        }
        done.set(true);
        flusher.get();
        written.addAll(tally.drain());
        pool.shutdown();
        assertThat(written.stream().mapToLong(RefusalTally.Entry::count).sum()).isEqualTo(40_000);
        assertThat(written).allMatch(e -> e.origin().ip().startsWith("192.0.2."));
    }

    @Test
    void oneEntryPerAddressAndReasonAndASingleRefusalKeepsItsIdentifier() {
        RefusalTally tally = new RefusalTally();
        for (int i = 0; i < 3; i++) {
            tally.add(1L, FROM, busy("same@example.com"), 1_000 + i);
        }
        tally.add(1L, new Audit.Origin(Audit.Actor.USER, "192.0.2.8", "Other/1.0"), busy("alone@example.com"), 2_000);
        tally.add(2L, FROM, busy("same@example.com"), 3_000);
        List<RefusalTally.Entry> entries = tally.drain();
        assertThat(entries).hasSize(3);
        RefusalTally.Entry three = entries.stream().filter(e -> e.count() == 3).findFirst().orElseThrow();
        assertThat(three.event().identifier()).isEqualTo("same@example.com");
        assertThat(three.event().details())
                .isEqualTo("password hashing saturated (3 refused, 1970-01-01T00:00:01Z to 1970-01-01T00:00:01.002Z)");
        assertThat(three.at()).isEqualTo(1_002);
        RefusalTally.Entry alone = entries.stream().filter(e -> "192.0.2.8".equals(e.origin().ip())).findFirst().orElseThrow();
        assertThat(alone.event().details()).isEqualTo("password hashing saturated");
        assertThat(alone.origin().userAgent()).isEqualTo("Other/1.0");
        assertThat(tally.drain()).isEmpty();
    }

    @Test
    void beyondTheKeyLimitRefusalsAreCountedWithoutTheirAddress() {
        RefusalTally tally = new RefusalTally();
        for (int i = 0; i < RefusalTally.MAX_KEYS + 50; i++) {
            tally.add(1L, new Audit.Origin(Audit.Actor.USER, "10.0." + (i >> 8 & 0xFF) + "." + (i & 0xFF) + "/" + i, null), busy("x"), 5);
        }
        List<RefusalTally.Entry> entries = tally.drain();
        assertThat(entries).hasSize(RefusalTally.MAX_KEYS + 1);
        RefusalTally.Entry rest = entries.stream().filter(e -> e.origin().ip() == null).findFirst().orElseThrow();
        assertThat(rest.count()).isEqualTo(50);
        assertThat(rest.event().details()).startsWith("password hashing saturated (50 refused from many addresses, ");
    }
}

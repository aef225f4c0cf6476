package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More callers than connections wait for a connection in {@link PoolAdmission}, never inside HikariCP, whose
 * handover to a waiting borrower spins the returning thread (issue 16). What they wait for, and how long, is as before.
 */
class PoolAdmissionTest {
    @TempDir
    Path dir;

    @Test
    void thirtyTwoCallersOnFourConnectionsNeverWaitInsideThePool() throws Exception {
        try (Database db = new Database(Database.h2Url(dir), null, null, 4)) {
            Looks looks = underLoad(db.jdbi(), (HikariDataSource) db.dataSource());
            assertThat(looks.maxBorrowed).as("the pool was in full use").isEqualTo(4);
            assertThat(looks.samples).as("the watcher looked").isGreaterThan(10);
            assertThat(looks.withAWaiter).as("looks that found a thread waiting inside HikariCP, of " + looks.samples).isZero();
        }
    }

    /** The control: the same load on the pool itself, without the admission, does find threads waiting inside it. */
    @Test
    void withoutItTheWatcherFindsThreadsWaitingInsideThePool() throws Exception {
        try (Database db = new Database(Database.h2Url(dir), null, null, 4)) {
            HikariDataSource pool = (HikariDataSource) db.dataSource();
            Looks looks = underLoad(org.jdbi.v3.core.Jdbi.create(pool), pool);
            assertThat(looks.withAWaiter).as("looks that found a thread waiting inside HikariCP, of " + looks.samples).isPositive();
        }
    }

    private record Looks(int samples, int withAWaiter, int maxBorrowed) {}

    /**
     * 32 callers, 25 short statements each, on {@code jdbi}, while a watcher looks at every thread's stack for one parked in
     * the pool's handover queue: a borrower that finds no free connection waits there (ConcurrentBag.borrow polling its
     * SynchronousQueue), and whoever returns a connection then spins until it takes it.
     */
    private static Looks underLoad(org.jdbi.v3.core.Jdbi jdbi, HikariDataSource pool) throws Exception {
        // The pool fills in the background after it starts: the load begins with all four connections there.
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); pool.getHikariPoolMXBean().getTotalConnections() < 4
                && System.nanoTime() < until; ) {
            Thread.sleep(10);
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger samplesWithAWaiter = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        AtomicInteger maxBorrowed = new AtomicInteger();
        Thread watcher = new Thread(() -> {
            while (!done.get()) {
                maxBorrowed.accumulateAndGet(pool.getHikariPoolMXBean().getActiveConnections(), Math::max);
                boolean waiter = Thread.getAllStackTraces().values().stream().anyMatch(PoolAdmissionTest::waitsInsideThePool);
                samples.incrementAndGet();
                if (waiter) {
                    samplesWithAWaiter.incrementAndGet();
                }
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                all.add(callers.submit(() -> {
                    for (int n = 0; n < 25; n++) {
                        jdbi.useHandle(h -> {
                            h.createQuery("SELECT 1").mapTo(Integer.class).one();
                            Thread.sleep(1); // held a moment, so that others queue for it
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            done.set(true);
            watcher.join(10_000);
            callers.shutdownNow();
        }
        return new Looks(samples.get(), samplesWithAWaiter.get(), maxBorrowed.get());
    }

    private static boolean waitsInsideThePool(StackTraceElement[] stack) {
        for (int i = 0; i + 1 < stack.length; i++) {
            if (stack[i].getClassName().equals("java.util.concurrent.SynchronousQueue") && stack[i].getMethodName().equals("poll")
                    && stack[i + 1].getClassName().equals("com.zaxxer.hikari.util.ConcurrentBag")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aCallerBeyondTheConnectionsWaitsItsTimeoutThenFails() throws Exception {
        DataSource pool = new StubDataSource();
        PoolAdmission admission = new PoolAdmission(pool, 2, 200);
        Connection a = admission.openConnection();
        Connection b = admission.openConnection();
        long t0 = System.nanoTime();
        assertThatThrownBy(admission::openConnection).isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("200 ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(150L, 5_000L);
        admission.closeConnection(a);
        admission.closeConnection(b);
    }

    @Test
    void aConnectionGivenBackLetsInOneThatWaits() throws Exception {
        PoolAdmission admission = new PoolAdmission(new StubDataSource(), 1, 30_000);
        Connection a = admission.openConnection();
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            Future<Connection> waiter = one.submit(admission::openConnection);
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); admission.waiting() < 1 && System.nanoTime() < until; ) {
                Thread.sleep(5);
            }
            assertThat(admission.waiting()).as("the second caller waits").isEqualTo(1);
            admission.closeConnection(a);
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(admission.waiting()).isZero();
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aConnectionThatFailsToCloseStillGivesBackItsPlace() throws Exception {
        PoolAdmission admission = new PoolAdmission(new StubDataSource(), 1, 100);
        Connection failing = (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        throw new SQLException("broken");
                    }
                    return null;
                });
        admission.openConnection(); // the one place, taken
        assertThatThrownBy(() -> admission.closeConnection(failing)).hasMessage("broken");
        assertThat(admission.openConnection()).as("the place was given back").isNotNull();
    }

    @Test
    void aThreadWhoseInterruptFlagIsSetStillGetsAFreeConnection() throws Exception {
        PoolAdmission admission = new PoolAdmission(new StubDataSource(), 1, 100);
        Thread.currentThread().interrupt();
        try {
            assertThat(admission.openConnection()).isNotNull(); // as the pool's own fast path did
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aConnectionThePoolCannotGiveReturnsItsPlace() throws Exception {
        StubDataSource pool = new StubDataSource();
        PoolAdmission admission = new PoolAdmission(pool, 1, 100);
        pool.failing = true;
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(admission::openConnection).isInstanceOf(SQLException.class).hasMessage("database down");
        }
        pool.failing = false;
        Connection c = admission.openConnection(); // the one place was given back each time
        admission.closeConnection(c);
        assertThat(admission.openConnection()).isNotNull();
    }

    @Test
    void jdbiSaysWhenNoConnectionBecameFree() throws Exception {
        new Database(Database.h2Url(dir), null, null, 4).close(); // migrated (Flyway takes two connections)
        try (Database db = new Database(Database.h2Url(dir), null, null, 1)) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                try {
                    db.jdbi().useHandle(h -> {
                        h.createQuery("SELECT 1").mapTo(Integer.class).one();
                        held.countDown();
                        release.await();
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            holder.start();
            assertThat(held.await(30, TimeUnit.SECONDS)).as("the one connection is held").isTrue();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.execute("SELECT 1"))).isInstanceOf(ConnectionException.class)
                    .hasRootCauseInstanceOf(SQLTransientConnectionException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("the pool's connection timeout").isGreaterThanOrEqualTo(9_000L);
            release.countDown();
            holder.join();
            int one = db.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            assertThat(one).isEqualTo(1);
        }
    }

    /** A data source of connections that do nothing (or that cannot be had, while {@code failing}). */
    private static final class StubDataSource implements DataSource {
        volatile boolean failing;

        @Override
        public Connection getConnection() throws SQLException {
            if (failing) {
                throw new SQLException("database down");
            }
            return (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> method.getReturnType() == boolean.class ? false : null);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}

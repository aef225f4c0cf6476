package dev.latchkey.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MVStore's chunk housekeeping for an H2 file store whose every commit is written before it returns (WRITE_DELAY=0).
 *
 * <p>Every MVStore commit appends a chunk to the file; a chunk whose pages are all overwritten later is dropped, but one
 * that keeps a few live pages stays until housekeeping rewrites those pages into a new chunk. H2 does that housekeeping
 * on its background writer thread, and WRITE_DELAY=0 (auto-commit delay 0) stops that thread: the file and the table of
 * chunks then grow for as long as the node serves (19 GB and 70,000 chunks after one benchmark run, every commit dearer
 * than the one before). This runs the housekeeping that thread runs, H2's own {@code FileStore.doHousekeeping}, on its
 * own daemon thread every {@link #PERIOD_MS} ms. (Not the whole of the thread's pass, {@code writeInBackground}: that
 * also tells an idle store from a busy one, and an idle store moved its chunks about for minutes after a burst, 0.1 to
 * 0.3 of a core and the heap growing back after the idle node's collection; without it the idle node is quiet.)
 *
 * <p>It also forces the file to disk every {@link #SYNC_EVERY_MS} ms, and with that shortens H2's retention time (how long
 * a chunk is kept before its space may be reused) from 45 s to {@link #RETENTION_MS} ms. H2 keeps chunks that long on the
 * assumption that the operating system writes what it was given within that time, so that a crash cannot find the last
 * header pointing at space already reused; forcing the file every second makes that true after one second, where the
 * 45 s only hoped for it. Under load the live window is what the table of chunks holds: 45 s of commits were 90,000
 * chunks and 4.4 GB at 2,000 commits/s, and each commit dearer for them (0.61 ms of CPU per commit against 0.44 ms with
 * 5 s, forcing included). And an operating-system crash now loses about the last second, not what the OS had not written.
 *
 * <p>The method is protected in H2 (2.3.232, a compile-scope dependency pinned in the POM); if a later H2 lacks it,
 * the node logs that once and runs without, and leaves H2's retention as it is. A store with a write delay has H2's own
 * thread and gets none of this.
 */
final class H2Housekeeping implements AutoCloseable {
    static final String THREAD = "latchkey-h2-housekeeping";
    static final long PERIOD_MS = 100;
    static final long SYNC_EVERY_MS = 1_000;
    static final int RETENTION_MS = 5_000;

    private static final Logger log = LoggerFactory.getLogger(H2Housekeeping.class);
    private static final Method HOUSEKEEPING = find();

    private final DataSource dataSource;
    private final ScheduledExecutorService timer;
    private volatile MVStore mvStore;
    private boolean failed;
    private long ticks;
    private volatile long syncs;

    private H2Housekeeping(DataSource dataSource, MVStore mvStore) {
        this.dataSource = dataSource;
        this.mvStore = mvStore;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Started for an H2 file store written at each commit; null for any other store (or an H2 without the method). */
    static H2Housekeeping startIfNeeded(DataSource dataSource) {
        if (HOUSEKEEPING == null) {
            return null;
        }
        MVStore store = storeWithoutWriter(dataSource);
        return store == null ? null : new H2Housekeeping(dataSource, store);
    }

    /** The database's MVStore when it is a writable file and H2 runs no background writer for it, else null. */
    private static MVStore storeWithoutWriter(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isWrapperFor(JdbcConnection.class)
                    || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
                return null; // not H2, or H2 over TCP: the server's own business
            }
            MVStore mv = session.getDatabase().getStore().getMvStore();
            FileStore<?> fs = mv.getFileStore();
            if (fs == null || fs.isReadOnly() || mv.getAutoCommitDelay() != 0) {
                return null;
            }
            if (mv.getRetentionTime() > RETENTION_MS) { // a shorter one given in the URL stays
                mv.setRetentionTime(RETENTION_MS);
            }
            return mv;
        } catch (SQLException | RuntimeException e) {
            log.warn("H2 housekeeping not started: {}", e.toString());
            return null;
        }
    }

    private void tick() {
        try {
            if (mvStore.isClosed()) { // every pooled connection was closed at once and H2 closed the file: find it again
                MVStore again = storeWithoutWriter(dataSource);
                if (again == null) {
                    return;
                }
                mvStore = again;
            }
            if (++ticks % (SYNC_EVERY_MS / PERIOD_MS) == 0) { // first: the short retention counts on it, whatever the rest does
                mvStore.getFileStore().sync();
                syncs++;
            }
            HOUSEKEEPING.invoke(mvStore.getFileStore(), mvStore);
        } catch (InvocationTargetException | IllegalAccessException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            if (!failed) { // said once; H2 reports a broken store to the statements themselves
                failed = true;
                log.warn("H2 housekeeping failed (it goes on trying): {}", cause.toString());
            }
        }
    }

    private static Method find() {
        try {
            Method m = FileStore.class.getDeclaredMethod("doHousekeeping", MVStore.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(H2Housekeeping.class).warn("This H2 has no FileStore.doHousekeeping ({}): the H2 file is not"
                    + " compacted while the node runs", e.toString());
            return null;
        }
    }

    /** The store it keeps now (tests). */
    MVStore store() {
        return mvStore;
    }

    /** How many times it has forced the file to disk. */
    long syncs() {
        return syncs;
    }

    /** H2's retention time for the store, as this sets it. */
    int retentionTime() {
        return mvStore.getRetentionTime();
    }

    /** Whether {@link #close()} has stopped the thread. */
    boolean stopped() {
        return timer.isTerminated();
    }

    /**
     * Stops the thread after the pass under way, if any (not interrupted: an interrupt during a file write closes H2's
     * channel): called before the pool closes the database.
     */
    @Override
    public void close() {
        Background.stop(timer, "the H2 housekeeping");
    }
}

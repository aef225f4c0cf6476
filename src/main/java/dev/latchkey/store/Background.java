package dev.latchkey.store;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the node's background threads (the purge, the audit writer, the outbox pollers and senders, the idle timer)
 * without interrupting them. A thread interrupted inside a statement on H2 closes the whole database under every other
 * thread: H2 reads and writes its file through an interruptible {@code FileChannel}, which the JDK closes when a thread
 * blocked on it is interrupted, and H2 then stops its store ("The database has been closed"). So a stop lets the task
 * under way end (the tasks are short, or check {@link ExecutorService#isShutdown()} between steps), waits for it, and
 * leaves a task that outlasts the wait to end with the JVM (the threads are daemons; what they hold is claimed in the
 * database and taken up again after its claim expires).
 */
public final class Background {
    private static final Logger LOG = LoggerFactory.getLogger(Background.class);
    /** How long a stop waits for the task under way: longer than any statement or one SMTP exchange should take. */
    static final long WAIT_MILLIS = 10_000;

    private Background() {
    }

    /**
     * Stops {@code threads} from starting anything new (queued tasks are dropped) and waits up to {@link #WAIT_MILLIS} for
     * what runs to end.
     */
    public static void stop(ExecutorService threads, String what) {
        threads.shutdown();
        if (threads instanceof java.util.concurrent.ThreadPoolExecutor pool) {
            pool.getQueue().clear(); // what has not started does not start now (queued sends: claimed rows, retried later)
        }
        try {
            if (!threads.awaitTermination(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("{} still running {} s after the stop; left to end with the process", what, WAIT_MILLIS / 1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

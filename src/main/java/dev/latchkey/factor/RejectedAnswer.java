package dev.latchkey.factor;

import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * Thrown by a factor's check to refuse an answer and record something about it that must survive the rollback of the
 * check (a passkey whose counter went backwards is marked as possibly cloned; a replayed authenticator code is told to
 * the user). Counted like a wrong answer, and answered like one.
 */
public final class RejectedAnswer extends RuntimeException {
    private final transient Consumer<Handle> record;

    public RejectedAnswer(Consumer<Handle> record) {
        super(null, null, false, false);
        this.record = record;
    }

    /** Writes what must be kept, in the login's transaction after the check was rolled back. */
    public void record(Handle h) {
        record.accept(h);
    }
}

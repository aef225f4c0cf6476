package dev.latchkey.server;

/**
 * A node that cannot start for a reason the operator can fix (a busy port, a database another node holds, a key that
 * does not match the database): the message says what failed and what to do, and is shown as one line, without a
 * stack trace.
 */
public final class StartupFailure extends RuntimeException {
    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

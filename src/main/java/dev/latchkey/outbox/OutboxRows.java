package dev.latchkey.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;

/** An outbox row's bookkeeping (webhook deliveries, messages), as operators see it: the same fields for both. */
public final class OutboxRows {
    /** The bookkeeping columns, for a SELECT. */
    public static final String COLUMNS = "status, attempts, next_attempt_at, last_error, created_at, delivered_at";

    private OutboxRows() {}

    /** {@code nextAttemptAt} only while pending; {@code deliveredAt} null until delivered. */
    public record Bookkeeping(String status, int attempts, Long nextAttemptAt, String lastError, long createdAt, Long deliveredAt) {}

    /** Reads {@link #COLUMNS} from the current row. */
    public static Bookkeeping read(ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        long next = rs.getLong("next_attempt_at");
        Long nextAttemptAt = "pending".equals(status) && !rs.wasNull() ? next : null;
        long delivered = rs.getLong("delivered_at");
        Long deliveredAt = rs.wasNull() ? null : delivered;
        return new Bookkeeping(status, rs.getInt("attempts"), nextAttemptAt, rs.getString("last_error"), rs.getLong("created_at"), deliveredAt);
    }
}

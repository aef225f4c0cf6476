package dev.latchkey.outbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;

/** How operators see an outbox row's bookkeeping (webhook deliveries, messages): the same fields, the same names. */
public final class OutboxRows {
    /** The bookkeeping columns, for a SELECT. */
    public static final String COLUMNS = "status, attempts, next_attempt_at, last_error, created_at, delivered_at";

    private OutboxRows() {}

    /** Adds {@code Status, Attempts, NextAttemptAt (pending only), LastError, CreatedDate, DeliveredDate}. */
    public static ObjectNode putBookkeeping(ObjectNode view, ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        view.put("Status", status);
        view.put("Attempts", rs.getInt("attempts"));
        view.put("NextAttemptAt", "pending".equals(status) ? dev.latchkey.json.Json.iso(rs.getLong("next_attempt_at")) : null);
        view.put("LastError", rs.getString("last_error"));
        view.put("CreatedDate", dev.latchkey.json.Json.iso(rs.getLong("created_at")));
        long delivered = rs.getLong("delivered_at");
        view.put("DeliveredDate", rs.wasNull() ? null : dev.latchkey.json.Json.iso(delivered));
        return view;
    }
}

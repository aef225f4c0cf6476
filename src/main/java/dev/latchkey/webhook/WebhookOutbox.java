package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import dev.latchkey.outbox.OutboxRows;
import dev.latchkey.store.Piece;
import dev.latchkey.tenant.Tenant;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;

/**
 * Writes webhook events into the outbox inside the caller's transaction, so an event exists exactly when the change
 * that causes it committed. Payload as LoginRadius sends it: {@code {"HookName","Time","HookId","Data":{profile}}}.
 */
public final class WebhookOutbox {

    /** A delivery as operators see it. */
    public record Delivery(String id, String hookId, String event, OutboxRows.Bookkeeping bookkeeping) {}

    /** Deliveries of a tenant for operators, newest first; {@code status} null for all. */
    public java.util.List<Delivery> deliveries(org.jdbi.v3.core.Jdbi jdbi, Tenant tenant, String status, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, webhook_id, event, " + OutboxRows.COLUMNS
                        + " FROM webhook_outbox WHERE tenant_id = :t" + (status == null ? "" : " AND status = :s")
                        + " ORDER BY created_at DESC, id DESC LIMIT " + limit)
                .bind("t", tenant.id()).bind("s", status)
                .map((rs, c) -> new Delivery(rs.getString("id"), rs.getString("webhook_id"), rs.getString("event"), OutboxRows.read(rs)))
                .list());
    }

    /** Sends a failed (or delivered) event again, now, with a fresh retry period. */
    public boolean resend(org.jdbi.v3.core.Jdbi jdbi, Tenant tenant, String id, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE webhook_outbox SET status = 'pending', next_attempt_at = :now, "
                        + "created_at = :now, claimed_until = NULL WHERE id = :id AND tenant_id = :t AND status <> 'pending'")
                .bind("now", now).bind("id", id).bind("t", tenant.id()).execute() == 1);
    }

    /** Queues {@code event} for every webhook of the tenant subscribed to it, unless the request suppressed webhooks. */
    public void enqueue(Handle h, Tenant tenant, String event, JsonNode data, boolean suppressed, long now) {
        if (suppressed) {
            return;
        }
        List<String> hooks = h.createQuery("SELECT id FROM webhooks WHERE tenant_id = :t AND event = :e")
                .bind("t", tenant.id()).bind("e", event).mapTo(String.class).list();
        enqueue(h, tenant, event, data, hooks, now);
    }

    /**
     * PostgreSQL: the ids of the tenant's webhooks subscribed to {@code event}, as an expression (a text array) for the
     * select list of the caller's statement (see {@link Piece}), which then hands them to {@link #enqueue(Handle, Tenant,
     * String, JsonNode, List, long)}: no round trip of its own. It binds {@code :t} as the tenant.
     */
    public Piece subscribers(Tenant tenant, String event) {
        return new Piece("hooks", "ARRAY(SELECT id FROM webhooks WHERE tenant_id = :t AND event = :hook_event)",
                s -> s.bind("t", tenant.id()).bind("hook_event", event));
    }

    /** Queues {@code event} for each of {@code hooks} (the subscribers, read in the caller's transaction). */
    public void enqueue(Handle h, Tenant tenant, String event, JsonNode data, List<String> hooks, long now) {
        for (String hookId : hooks) {
            ObjectNode payload = Json.object();
            payload.put("HookName", event.toLowerCase(Locale.ROOT));
            payload.put("Time", Instant.ofEpochMilli(now).truncatedTo(ChronoUnit.SECONDS).toString());
            payload.put("HookId", hookId);
            payload.set("Data", data);
            h.createUpdate("""
                            INSERT INTO webhook_outbox (id, tenant_id, webhook_id, event, payload, status, next_attempt_at, created_at)
                            VALUES (:id, :t, :w, :e, :p, 'pending', :now, :now)""")
                    .bind("id", Secrets.guid()).bind("t", tenant.id()).bind("w", hookId).bind("e", event)
                    .bind("p", Json.write(payload)).bind("now", now).execute();
        }
    }
}

package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
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

    /** Queues {@code event} for every webhook of the tenant subscribed to it, unless the request suppressed webhooks. */
    public void enqueue(Handle h, Tenant tenant, String event, JsonNode data, boolean suppressed, long now) {
        if (suppressed) {
            return;
        }
        List<String> hooks = h.createQuery("SELECT id FROM webhooks WHERE tenant_id = :t AND event = :e")
                .bind("t", tenant.id()).bind("e", event).mapTo(String.class).list();
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

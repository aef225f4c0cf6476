package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.audit.Audit;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.tenant.Tenants;
import java.util.function.Supplier;

/**
 * The operators' API, {@code Authorization: Bearer <admin key>}: tenants, webhook deliveries, messages, risk events,
 * metrics. Errors keep LoginRadius's shape.
 */
public final class AdminApi {
    private final Tenants tenants;
    private final AdminGate gate;
    private final org.jdbi.v3.core.Jdbi jdbi;
    private final dev.latchkey.webhook.WebhookOutbox outbox;
    private final dev.latchkey.message.Messages messages;
    private final dev.latchkey.risk.RiskEvents riskEvents;
    private final java.time.Clock clock;
    private final io.micrometer.core.instrument.MeterRegistry metrics;
    private final Audit audit;

    public AdminApi(Tenants tenants, AdminGate gate, org.jdbi.v3.core.Jdbi jdbi, dev.latchkey.webhook.WebhookOutbox outbox,
                    dev.latchkey.message.Messages messages, dev.latchkey.risk.RiskEvents riskEvents,
                    io.micrometer.core.instrument.MeterRegistry metrics, Audit audit, java.time.Clock clock) {
        this.metrics = metrics;
        this.audit = audit;
        this.tenants = tenants;
        this.gate = gate;
        this.jdbi = jdbi;
        this.outbox = outbox;
        this.messages = messages;
        this.riskEvents = riskEvents;
        this.clock = clock;
    }

    /**
     * {@code GET /admin/v1/metrics}: this node's own counters (webhook and message deliveries: delivered, retried, failed;
     * logins, lockouts, risk actions), name and tag values joined by dots. The JVM's, the pool's and the request timers are
     * at {@code GET /metrics}, in Prometheus's format.
     */
    public JsonNode metrics(LrRequest req) {
        gate.authorize(req);
        com.fasterxml.jackson.databind.node.ObjectNode out = dev.latchkey.json.Json.object();
        metrics.getMeters().stream().filter(m -> m.getId().getName().startsWith("latchkey.")).forEach(m -> {
            String name = m.getId().getName() + m.getId().getTags().stream().map(t -> "." + t.getValue()).reduce("", String::concat);
            m.measure().forEach(ms -> out.put(name, ms.getValue()));
        });
        return out;
    }

    /** {@code GET /admin/v1/tenants/{apikey}/webhook-deliveries[?status=pending|delivered|failed]}: newest 200. */
    public JsonNode webhookDeliveries(LrRequest req) {
        Tenant t = gate.tenant(req);
        return Responses.data(outbox.deliveries(jdbi, t, status(req), 200), OperatorViews::delivery);
    }

    private static String status(LrRequest req) {
        String status = req.query("status");
        if (status != null && !java.util.Set.of("pending", "delivered", "failed").contains(status)) {
            throw ApiException.validation("status", "status must be pending, delivered or failed.").withStatus(400);
        }
        return status;
    }

    /** {@code POST /admin/v1/tenants/{apikey}/webhook-deliveries/{id}/resend}. */
    public JsonNode resendWebhook(LrRequest req) {
        Tenant t = gate.tenant(req);
        req.body();
        if (!outbox.resend(jdbi, t, req.pathParam("id"), clock.millis())) {
            throw AdminGate.notFound("No delivery with that id that is not already pending.");
        }
        return Responses.posted();
    }

    /** {@code GET /admin/v1/tenants/{apikey}/messages[?status=pending|delivered|failed]}: emails and SMS, newest 200, no content. */
    public JsonNode messages(LrRequest req) {
        Tenant t = gate.tenant(req);
        return Responses.data(messages.list(jdbi, t, status(req), 200), OperatorViews::message);
    }

    /** {@code GET /admin/v1/tenants/{apikey}/risk-events[?uid=]}: risky logins and what was done, newest 200. */
    public JsonNode riskEvents(LrRequest req) {
        Tenant t = gate.tenant(req);
        return Responses.data(riskEvents.list(jdbi, t, req.query("uid"), 200), OperatorViews::riskEvent);
    }

    private static <T> T validated(Supplier<T> action) {
        try {
            return action.get();
        } catch (TenantSettings.InvalidField e) {
            throw ApiException.validation(e.field, e.getMessage()).withStatus(400);
        }
    }

    public JsonNode createTenant(LrRequest req) {
        gate.authorize(req);
        JsonNode body = req.body();
        Tenant created = validated(() -> tenants.create(body));
        audit.record(created.id(), req.origin(Audit.Actor.ADMIN), Audit.Event.success(Audit.TENANT_CREATED, null, created.name()), clock.millis());
        return view(created);
    }

    /** {@code GET /admin/v1/tenants}: every tenant's Name, ApiKey, CreatedDate and ModifiedDate, oldest first. */
    public JsonNode listTenants(LrRequest req) {
        gate.authorize(req);
        return Responses.data(tenants.list(), OperatorViews::tenant);
    }

    /** {@code DELETE /admin/v1/tenants/{apikey}}: the tenant and all its data; 404 when there is no such tenant. */
    public JsonNode deleteTenant(LrRequest req) {
        Tenant t = gate.tenant(req);
        req.body();
        if (!tenants.delete(t)) {
            throw AdminGate.unknownTenant();
        }
        audit.record(t.id(), req.origin(Audit.Actor.ADMIN), Audit.Event.success(Audit.TENANT_DELETED, null,
                t.name() + " (ApiKey " + t.apiKey() + ")"), clock.millis());
        return Responses.deleted();
    }

    public JsonNode getTenant(LrRequest req) {
        return view(gate.tenant(req));
    }

    public JsonNode patchTenant(LrRequest req) {
        Tenant t = gate.tenant(req);
        JsonNode body = req.body();
        Tenant patched = validated(() -> tenants.patch(t, body));
        audit.record(t.id(), req.origin(Audit.Actor.ADMIN), Audit.Event.success(Audit.TENANT_UPDATED, null, changedSections(body)), clock.millis());
        return view(patched);
    }

    /** The admin view of a tenant: Name, ApiKey, ApiSecret (operators configure SDKs with it), every settings section, dates. */
    private com.fasterxml.jackson.databind.node.ObjectNode view(Tenant t) {
        com.fasterxml.jackson.databind.node.ObjectNode o = dev.latchkey.json.Json.object();
        o.put("Name", t.name());
        o.put("ApiKey", t.apiKey());
        o.put("ApiSecret", tenants.apiSecret(t));
        o.setAll(tenants.effectiveSettings(t));
        o.put("CreatedDate", dev.latchkey.json.Json.iso(t.createdAt()));
        o.put("ModifiedDate", dev.latchkey.json.Json.iso(t.modifiedAt()));
        return o;
    }

    /** The top-level settings a PATCH named (its values may hold secrets, so only the names are audited). */
    private static String changedSections(JsonNode body) {
        java.util.List<String> names = new java.util.ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return "changed: " + String.join(", ", names);
    }
}

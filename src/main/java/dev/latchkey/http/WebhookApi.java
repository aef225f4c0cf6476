package dev.latchkey.http;

import dev.latchkey.webhook.WebhookEvents;

import dev.latchkey.webhook.Webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import java.util.List;

/** The webhook subscription endpoints: {@code /v2/manage/webhook[s]} (apikey + apisecret) and the legacy {@code /api/v2/webhook}. */
public final class WebhookApi {
    private final TenantGate gate;
    private final Webhooks webhooks;
    private final Audit audit;
    private final java.time.Clock clock;

    public WebhookApi(TenantGate gate, Webhooks webhooks, Audit audit, java.time.Clock clock) {
        this.gate = gate;
        this.webhooks = webhooks;
        this.audit = audit;
        this.clock = clock;
    }

    /** A subscription changed: the audit trail keeps which, never its credentials. */
    private void audited(LrRequest req, Tenant t, String event, String details) {
        audit.record(t.id(), req.origin(Audit.Actor.APP), Audit.Event.success(event, null, details), clock.millis());
    }

    public JsonNode list(LrRequest req) {
        Tenant t = gate.tenantWithSecret(req);
        String event = req.query("event");
        return Responses.data(webhooks.list(t, event == null ? null : webhooks.event(event)), WebhookApi::view);
    }

    public JsonNode create(LrRequest req) {
        Tenant t = gate.tenantWithSecret(req);
        Webhooks.Webhook w = webhooks.create(t, req.body());
        audited(req, t, Audit.WEBHOOK_SAVED, w.event() + " → " + w.targetUrl() + " (" + w.id() + ")");
        return view(w);
    }

    public JsonNode get(LrRequest req) {
        Tenant t = gate.tenantWithSecret(req);
        return view(webhooks.get(t, req.pathParam("hookid")));
    }

    public JsonNode update(LrRequest req) {
        Tenant t = gate.tenantWithSecret(req);
        Webhooks.Webhook w = webhooks.update(t, req.pathParam("hookid"), req.body());
        audited(req, t, Audit.WEBHOOK_SAVED, w.event() + " → " + w.targetUrl() + " (" + w.id() + ")");
        return view(w);
    }

    /** LoginRadius answers {@code {"isdeleted": true}} here (lower case, as documented). */
    public JsonNode delete(LrRequest req) {
        Tenant t = gate.tenantWithSecret(req);
        req.body();
        webhooks.delete(t, req.pathParam("hookid"));
        audited(req, t, Audit.WEBHOOK_DELETED, req.pathParam("hookid"));
        return Json.object().put("isdeleted", true);
    }

    public JsonNode events(LrRequest req) {
        gate.tenantWithSecret(req);
        ObjectNode o = Json.object();
        ArrayNode data = o.putArray("Data");
        WebhookEvents.all().forEach(data::add);
        return o;
    }

    // ── Legacy API: {"targeturl","event"} ─────────────────────────────────────────────────────────────────────────

    private static String field(JsonNode body, LrRequest req, String name) {
        JsonNode v = Json.field(body, name);
        String s = v != null && v.isTextual() ? v.asText() : req.query(name);
        if (s == null || s.isBlank()) {
            throw LrError.required(name);
        }
        return s;
    }

    public JsonNode legacySubscribe(LrRequest req) {
        Tenant t = gate.tenantWithSecret(req);
        JsonNode body = req.body();
        ObjectNode create = Json.object().put("Event", field(body, req, "event")).put("TargetUrl", field(body, req, "targeturl"));
        Webhooks.Webhook w = webhooks.create(t, create);
        audited(req, t, Audit.WEBHOOK_SAVED, w.event() + " → " + w.targetUrl() + " (" + w.id() + ")");
        return Responses.posted();
    }

    /**
     * {@code {"Count": n, "data": [{"TargetUrl","Event"}]}}: the keys the SDKs' models read (Java's {@code ListData},
     * .NET's {@code LoginRadiouswebhookEvent}), lower-case {@code data} included; plus Latchkey's {@code IsSentByLatchkey}.
     */
    public JsonNode legacyList(LrRequest req) {
        Tenant t = gate.tenantWithSecret(req);
        String event = req.query("event");
        List<Webhooks.Webhook> hooks = webhooks.list(t, event == null ? null : webhooks.event(event));
        ObjectNode o = Json.object();
        o.put("Count", hooks.size());
        ArrayNode data = o.putArray("data");
        for (Webhooks.Webhook w : hooks) {
            data.addObject().put("TargetUrl", w.targetUrl()).put("Event", w.event()).put("IsSentByLatchkey", WebhookEvents.isSent(w.event()));
        }
        return o;
    }

    public JsonNode legacyUnsubscribe(LrRequest req) {
        Tenant t = gate.tenantWithSecret(req);
        JsonNode body = req.body();
        int n = webhooks.deleteByTarget(t, webhooks.event(field(body, req, "event")), field(body, req, "targeturl"));
        if (n == 0) {
            throw LrError.PARAMETER_FORMAT.withDescription("No webhook of this tenant has that event and targeturl.");
        }
        audited(req, t, Audit.WEBHOOK_DELETED, n + " subscription(s) removed by the legacy API");
        return Responses.deleted();
    }

    public JsonNode legacyTest(LrRequest req) {
        gate.tenantWithSecret(req);
        return Json.object().put("IsAllowed", true);
    }

    /** LoginRadius's webhook model; the receiver's credentials masked. */
    static ObjectNode view(Webhooks.Webhook w) {
        ObjectNode o = Json.object();
        o.put("Id", w.id());
        o.put("TargetUrl", w.targetUrl());
        o.put("Event", w.event());
        o.put("CreatedDate", Json.iso(w.createdAt()));
        o.put("LastModifiedDate", Json.iso(w.modifiedAt()));
        o.putNull("SecretName");
        o.put("IsIntegrationWebhook", false);
        o.put("Name", w.name());
        o.set("Headers", w.headers());
        o.set("QueryParams", w.queryParams());
        if (w.authType() == null) {
            o.putNull("Authentication");
        } else if (w.authType().equals("Basic")) {
            o.putObject("Authentication").put("AuthType", "Basic").putObject("BasicAuth").put("Username", w.authUsername()).put("Password", "********");
        } else {
            o.putObject("Authentication").put("AuthType", "Bearer").putObject("BearerToken").put("Token", "********");
        }
        // Latchkey's extension (the SDKs' models ignore fields they do not know): false for an event it never sends.
        o.put("IsSentByLatchkey", WebhookEvents.isSent(w.event()));
        return o;
    }

}

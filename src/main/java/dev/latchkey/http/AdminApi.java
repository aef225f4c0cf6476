package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.tenant.Tenants;
import java.util.function.Supplier;

/** The operators' API, {@code Authorization: Bearer <admin key>}: tenants. Errors keep LoginRadius's shape. */
public final class AdminApi {
    private final Tenants tenants;
    private final Secrets secrets;
    private final String adminKeyHash;
    private final org.jdbi.v3.core.Jdbi jdbi;
    private final dev.latchkey.webhook.WebhookOutbox outbox;
    private final java.time.Clock clock;
    private final io.micrometer.core.instrument.MeterRegistry metrics;

    public AdminApi(Tenants tenants, Secrets secrets, String adminKeyHash, org.jdbi.v3.core.Jdbi jdbi,
                    dev.latchkey.webhook.WebhookOutbox outbox, io.micrometer.core.instrument.MeterRegistry metrics,
                    java.time.Clock clock) {
        this.metrics = metrics;
        this.tenants = tenants;
        this.secrets = secrets;
        this.adminKeyHash = adminKeyHash;
        this.jdbi = jdbi;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** {@code GET /admin/v1/metrics}: this node's counters (webhook deliveries delivered, retried, failed), as JSON. */
    public JsonNode metrics(LrRequest req) {
        authorize(req);
        com.fasterxml.jackson.databind.node.ObjectNode out = dev.latchkey.json.Json.object();
        metrics.getMeters().forEach(m -> {
            String name = m.getId().getName() + m.getId().getTags().stream().map(t -> "." + t.getValue()).reduce("", String::concat);
            m.measure().forEach(ms -> out.put(name, ms.getValue()));
        });
        return out;
    }

    /** {@code GET /admin/v1/tenants/{apikey}/webhook-deliveries[?status=pending|delivered|failed]}: newest 200. */
    public JsonNode webhookDeliveries(LrRequest req) {
        authorize(req);
        Tenant t = find(req);
        String status = req.query("status");
        if (status != null && !java.util.Set.of("pending", "delivered", "failed").contains(status)) {
            throw ApiException.validation("status", "status must be pending, delivered or failed.").withStatus(400);
        }
        return outbox.deliveries(jdbi, t, status, 200);
    }

    /** {@code POST /admin/v1/tenants/{apikey}/webhook-deliveries/{id}/resend}. */
    public JsonNode resendWebhook(LrRequest req) {
        authorize(req);
        Tenant t = find(req);
        req.body();
        if (!outbox.resend(jdbi, t, req.pathParam("id"), clock.millis())) {
            throw LrError.PARAMETER_FORMAT.withDescription("No delivery with that id that is not already pending.").withStatus(404);
        }
        return Responses.posted();
    }

    private void authorize(LrRequest req) {
        String auth = req.header("Authorization");
        String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        if (key == null || key.isEmpty() || !Secrets.constantTimeEquals(secrets.hash("admin:" + key), adminKeyHash)) {
            throw LrError.ACCESS_UNAUTHORIZED.error();
        }
    }

    private static <T> T validated(Supplier<T> action) {
        try {
            return action.get();
        } catch (TenantSettings.InvalidField e) {
            throw ApiException.validation(e.field, e.getMessage()).withStatus(400);
        }
    }

    public JsonNode createTenant(LrRequest req) {
        authorize(req);
        JsonNode body = req.body();
        return tenants.view(validated(() -> tenants.create(body)));
    }

    public JsonNode getTenant(LrRequest req) {
        authorize(req);
        return tenants.view(find(req));
    }

    public JsonNode patchTenant(LrRequest req) {
        authorize(req);
        Tenant t = find(req);
        JsonNode body = req.body();
        return tenants.view(validated(() -> tenants.patch(t, body)));
    }

    private Tenant find(LrRequest req) {
        return tenants.get(req.pathParam("apikey")).orElseThrow(() -> LrError.API_KEY_UNAUTHORIZED.error().withStatus(404));
    }
}

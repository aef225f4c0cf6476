package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.tenant.TenantSettings;

/** Checks a tenant's {@code Webhooks} settings when an operator sets them: each unsuppressible event must be an event. */
public final class WebhookSettings {
    private WebhookSettings() {}

    /** Canonicalises the names in {@code Webhooks.UnsuppressibleEvents}; an unknown one is refused (400, 1134). */
    public static void check(Long tenantId, ObjectNode settings) {
        JsonNode list = settings.path("Webhooks").path("UnsuppressibleEvents");
        if (!(list instanceof ArrayNode events)) {
            return;
        }
        for (int i = 0; i < events.size(); i++) {
            String name = events.get(i).asText();
            String canonical = WebhookEvents.canonical(name).orElseThrow(() -> new TenantSettings.InvalidField(
                    "Webhooks.UnsuppressibleEvents", "'" + name + "' is not an event; GET /v2/manage/webhook/events lists them."));
            events.set(i, events.textNode(canonical));
        }
    }
}

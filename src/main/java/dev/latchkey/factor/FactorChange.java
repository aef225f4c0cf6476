package dev.latchkey.factor;

import dev.latchkey.audit.Audit;
import dev.latchkey.tenant.Tenant;

/**
 * Who changes an account's second factors, and how it is told: the audit trail's origin, and whether the request asked to
 * suppress the change's webhook ({@code publicCall}: it came with an access token or a 2FA token, not the API secret, so
 * the tenant may have made the event unsuppressible).
 */
public record FactorChange(boolean suppressWebhook, boolean publicCall, Audit.Origin origin) {
    /** Whether the webhook of {@code event} is suppressed for this change. */
    public boolean suppresses(Tenant tenant, String event) {
        return tenant.webhookSuppressed(event, suppressWebhook, publicCall);
    }
}

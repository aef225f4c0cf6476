package dev.latchkey.http;

import dev.latchkey.error.LrError;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantStore;
import java.time.Clock;

/**
 * The door of every tenant endpoint: apikey (908 missing, 901 unknown), plan expiry (6003), and for the
 * Management API the secret (923 missing, 902 wrong) compared by keyed hash.
 */
public final class TenantGate {
    private final TenantStore tenants;
    private final Secrets secrets;
    private final Clock clock;

    public TenantGate(TenantStore tenants, Secrets secrets, Clock clock) {
        this.tenants = tenants;
        this.secrets = secrets;
        this.clock = clock;
    }

    public Tenant tenant(LrRequest req) {
        String apiKey = req.apiKey();
        if (apiKey == null) {
            throw LrError.required("apikey");
        }
        if (!Secrets.isGuid(apiKey)) {
            throw LrError.API_KEY_UNAUTHORIZED.error();
        }
        Tenant t = tenants.byApiKey(apiKey).orElseThrow(LrError.API_KEY_UNAUTHORIZED::error);
        if (t.planExpired(clock.millis())) {
            throw LrError.PLAN_EXPIRED.error();
        }
        return t;
    }

    /** A Management API call: the tenant, and its secret from {@code apisecret} or {@code X-LoginRadius-ApiSecret}. */
    public Tenant tenantWithSecret(LrRequest req) {
        Tenant t = tenant(req);
        String secret = req.apiSecret();
        if (secret == null) {
            throw LrError.API_SECRET_MISSING.error();
        }
        if (!Secrets.constantTimeEquals(secrets.hash("apisecret:" + secret.toLowerCase(java.util.Locale.ROOT)), t.apiSecretHash())) {
            throw LrError.API_SECRET_UNAUTHORIZED.error();
        }
        return t;
    }
}

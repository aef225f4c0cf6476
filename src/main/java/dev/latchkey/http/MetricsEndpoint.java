package dev.latchkey.http;

import dev.latchkey.crypto.Secrets;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics}: the node's meters in Prometheus's text format, for {@code Authorization: Bearer <admin key>} or
 * {@code Bearer <scrape token>} ({@code --metrics-token}: what a Prometheus server holds instead of the admin key);
 * anything else 401 with LoginRadius's 6002, as the admin API answers.
 */
public final class MetricsEndpoint {
    private final PrometheusMeterRegistry registry;
    private final AdminGate admin;
    private final Secrets secrets;
    private final String tokenHash;

    /** {@code scrapeToken}: null when only the admin key may scrape. */
    public MetricsEndpoint(PrometheusMeterRegistry registry, AdminGate admin, Secrets secrets, String scrapeToken) {
        this.registry = registry;
        this.admin = admin;
        this.secrets = secrets;
        this.tokenHash = scrapeToken == null ? null : secrets.hash("metrics:" + scrapeToken);
    }

    /** The scrape, or 401 (6002). */
    String scrape(LrRequest req) {
        if (!scrapeToken(req)) {
            admin.authorize(req);
        }
        return registry.scrape();
    }

    /** Whether the request bears the scrape token; compared as keyed hashes, in constant time. */
    private boolean scrapeToken(LrRequest req) {
        String auth = req.header("Authorization");
        if (tokenHash == null || auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        String token = auth.substring(7).trim();
        return !token.isEmpty() && Secrets.constantTimeEquals(secrets.hash("metrics:" + token), tokenHash);
    }
}

package dev.latchkey.http;

import dev.latchkey.audit.Audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.error.ApiException;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.Tenants;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The operators' view of the audit trail (admin key): {@code GET /admin/v1/audit-events} (every tenant, and server-wide
 * events; {@code apikey} narrows to one) and {@code GET /admin/v1/tenants/{apikey}/audit-events}; both filter by
 * {@code uid} and {@code event}, page back with {@code before} (an ISO-8601 time: entries older than it) and return at
 * most {@code limit} entries (200 by default, 1,000 at most), newest first.
 */
public final class AuditApi {
    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 1000;

    private final AdminGate gate;
    private final Tenants tenants;
    private final Audit audit;

    public AuditApi(AdminGate gate, Tenants tenants, Audit audit) {
        this.gate = gate;
        this.tenants = tenants;
        this.audit = audit;
    }

    public JsonNode all(LrRequest req) {
        gate.authorize(req);
        String apiKey = req.query("apikey");
        Long tenantId = null;
        if (apiKey != null) {
            Tenant t = tenants.get(apiKey).orElseThrow(() -> AdminGate.notFound("No tenant has that ApiKey."));
            tenantId = t.id();
        }
        return Responses.data(audit.list(query(req, tenantId)), OperatorViews::auditEntry);
    }

    public JsonNode ofTenant(LrRequest req) {
        Tenant t = gate.tenant(req);
        return Responses.data(audit.list(query(req, t.id())), OperatorViews::auditEntry);
    }

    private static Audit.Query query(LrRequest req, Long tenantId) {
        Long before = null;
        String b = req.query("before");
        if (b != null) {
            try {
                before = Instant.parse(b).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw ApiException.validation("before", "before must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z.").withStatus(400);
            }
        }
        int limit = DEFAULT_LIMIT;
        String l = req.query("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ApiException.validation("limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ".").withStatus(400);
            }
        }
        return new Audit.Query(tenantId, req.query("uid"), req.query("event"), before, limit);
    }
}

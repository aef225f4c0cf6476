package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.ApiException;
import dev.latchkey.json.Json;
import dev.latchkey.risk.RiskEvents;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /admin/v1/tenants/{apikey}/stats?hours=24} (admin key): the tenant's activity per hour for the console's
 * charts, the last {@code hours} hours (1 to 720; the current hour, so far, last), oldest first:
 * {@code {"Hours", "Data": [{"Hour", "Logins", "Failures", "Lockouts", "RiskActions"}]}}. Logins, failures and lockouts
 * are the audit trail's {@code Login}, {@code LoginFailed} and {@code AccountLocked} entries; risk actions, the logins
 * risk-based authentication acted on (notified, asked for a second factor, blocked). Hours without any are zeros.
 */
public final class AdminStatsApi {
    static final int DEFAULT_HOURS = 24;
    static final int MAX_HOURS = 720;
    private static final long HOUR = 3_600_000L;

    private final AdminGate gate;
    private final Audit audit;
    private final RiskEvents riskEvents;
    private final Jdbi jdbi;
    private final Clock clock;

    public AdminStatsApi(AdminGate gate, Audit audit, RiskEvents riskEvents, Jdbi jdbi, Clock clock) {
        this.gate = gate;
        this.audit = audit;
        this.riskEvents = riskEvents;
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public JsonNode stats(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        int hours = hours(req);
        long current = clock.millis() / HOUR;
        long first = current - hours + 1;
        Map<Long, Map<String, Long>> audited = audit.hourly(tenant.id(), first * HOUR,
                List.of(Audit.LOGIN, Audit.LOGIN_FAILED, Audit.ACCOUNT_LOCKED));
        Map<Long, Long> risky = riskEvents.hourly(jdbi, tenant, first * HOUR);
        ObjectNode o = Json.object().put("Hours", hours);
        ArrayNode data = o.putArray("Data");
        for (long hour = first; hour <= current; hour++) {
            Map<String, Long> counts = audited.getOrDefault(hour, Map.of());
            data.addObject().put("Hour", Json.iso(hour * HOUR)).put("Logins", counts.getOrDefault(Audit.LOGIN, 0L))
                    .put("Failures", counts.getOrDefault(Audit.LOGIN_FAILED, 0L)).put("Lockouts", counts.getOrDefault(Audit.ACCOUNT_LOCKED, 0L))
                    .put("RiskActions", risky.getOrDefault(hour, 0L));
        }
        return o;
    }

    private static int hours(LrRequest req) {
        String value = req.query("hours");
        if (value == null) {
            return DEFAULT_HOURS;
        }
        int hours = value.matches("[0-9]{1,4}") ? Integer.parseInt(value) : -1;
        if (hours < 1 || hours > MAX_HOURS) {
            throw ApiException.validation("hours", "hours must be a whole number from 1 to " + MAX_HOURS + ".").withStatus(400);
        }
        return hours;
    }
}

package dev.latchkey.risk;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Logins where a risk signal fired, with what was done: written in the login's transaction, read by operators, and
 * counted once that commits as {@code latchkey_risk_actions_total{action="notify|mfa|block"}}.
 */
public final class RiskEvents {
    private final io.micrometer.core.instrument.MeterRegistry metrics;

    public RiskEvents(io.micrometer.core.instrument.MeterRegistry metrics) {
        this.metrics = metrics;
        for (String action : new String[] {"Notify", "MFA", "Block"}) {
            counter(action); // at 0 from the start, so that a rate over the first one is right
        }
    }

    private io.micrometer.core.instrument.Counter counter(String action) {
        return metrics.counter("latchkey.risk.actions", "action", action.toLowerCase(java.util.Locale.ROOT));
    }

    void record(Handle h, long tenantId, String uid, RiskAssessment r, String action, long now) {
        LoginOrigin o = r.origin();
        h.createUpdate("""
                        INSERT INTO risk_events (id, tenant_id, uid, created_at, signals, action, ip, city, country, browser, device)
                        VALUES (:id, :t, :uid, :now, :signals, :action, :ip, :city, :country, :browser, :device)""")
                .bind("id", Secrets.guid()).bind("t", tenantId).bind("uid", uid).bind("now", now).bind("signals", r.signalNames())
                .bind("action", action).bind("ip", cut(o.ip(), 64)).bind("city", cut(o.city(), 200)).bind("country", cut(o.countryCode(), 8))
                .bind("browser", cut(o.browserDisplay(), 200)).bind("device", cut(o.deviceDisplay(), 200)).execute();
        io.micrometer.core.instrument.Counter counter = counter(action);
        if (h.isInTransaction()) {
            h.afterCommit(counter::increment);
        } else {
            counter.increment();
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** One recorded risk decision: when, which signals fired, what was done, and where the login came from. */
    public record Event(String id, String uid, long createdAt, java.util.List<String> signals, String action, String ip, String city,
                        String country, String browser, String device) {}

    /** How many risky logins were acted on (notified, asked for MFA, blocked) per hour since {@code from}: hours since the epoch → count. */
    public java.util.Map<Long, Long> hourly(Jdbi jdbi, Tenant tenant, long from) {
        java.util.Map<Long, Long> counts = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT created_at / 3600000, COUNT(*) FROM risk_events WHERE tenant_id = :t AND created_at >= :from
                        GROUP BY created_at / 3600000""")
                .bind("t", tenant.id()).bind("from", from)
                .map((rs, c) -> java.util.Map.entry(rs.getLong(1), rs.getLong(2))).forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    /** {@code GET /admin/v1/tenants/{apikey}/risk-events[?uid=]}: newest first. */
    public java.util.List<Event> list(Jdbi jdbi, Tenant tenant, String uid, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, uid, created_at, signals, action, ip, city, country, browser, device FROM risk_events"
                        + " WHERE tenant_id = :t" + (uid == null ? "" : " AND uid = :uid") + " ORDER BY created_at DESC, id DESC LIMIT " + limit)
                .bind("t", tenant.id()).bind("uid", uid)
                .map((rs, c) -> new Event(rs.getString("id"), rs.getString("uid"), rs.getLong("created_at"),
                        java.util.List.of(rs.getString("signals").split(",")), rs.getString("action"), rs.getString("ip"), rs.getString("city"),
                        rs.getString("country"), rs.getString("browser"), rs.getString("device")))
                .list());
    }
}

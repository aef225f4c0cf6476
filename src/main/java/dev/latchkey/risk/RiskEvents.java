package dev.latchkey.risk;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Logins where a risk signal fired, with what was done: written in the login's transaction, read by operators. */
public final class RiskEvents {
    void record(Handle h, long tenantId, String uid, RiskAssessment r, String action, long now) {
        LoginOrigin o = r.origin();
        h.createUpdate("""
                        INSERT INTO risk_events (id, tenant_id, uid, created_at, signals, action, ip, city, country, browser, device)
                        VALUES (:id, :t, :uid, :now, :signals, :action, :ip, :city, :country, :browser, :device)""")
                .bind("id", Secrets.guid()).bind("t", tenantId).bind("uid", uid).bind("now", now).bind("signals", r.signalNames())
                .bind("action", action).bind("ip", cut(o.ip(), 64)).bind("city", cut(o.city(), 200)).bind("country", cut(o.countryCode(), 8))
                .bind("browser", cut(o.browserDisplay(), 200)).bind("device", cut(o.deviceDisplay(), 200)).execute();
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** {@code GET /admin/v1/tenants/{apikey}/risk-events[?uid=]}: newest first. */
    public ObjectNode list(Jdbi jdbi, Tenant tenant, String uid, int limit) {
        ObjectNode out = Json.object();
        ArrayNode data = out.putArray("Data");
        jdbi.useHandle(h -> h.createQuery("SELECT id, uid, created_at, signals, action, ip, city, country, browser, device FROM risk_events"
                        + " WHERE tenant_id = :t" + (uid == null ? "" : " AND uid = :uid") + " ORDER BY created_at DESC, id LIMIT " + limit)
                .bind("t", tenant.id()).bind("uid", uid)
                .map((rs, c) -> {
                    ObjectNode e = Json.object();
                    e.put("Id", rs.getString("id"));
                    e.put("Uid", rs.getString("uid"));
                    e.put("CreatedDate", dev.latchkey.json.Json.iso(rs.getLong("created_at")));
                    ArrayNode signals = e.putArray("Signals");
                    for (String s : rs.getString("signals").split(",")) {
                        signals.add(s);
                    }
                    e.put("Action", rs.getString("action"));
                    e.put("IP", rs.getString("ip"));
                    e.put("City", rs.getString("city"));
                    e.put("Country", rs.getString("country"));
                    e.put("Browser", rs.getString("browser"));
                    e.put("Device", rs.getString("device"));
                    return e;
                }).forEach(data::add));
        return out;
    }
}

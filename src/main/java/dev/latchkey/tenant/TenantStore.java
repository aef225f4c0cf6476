package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Tenants in the database, with a small read cache: every API call starts by resolving its apikey, and tenants change
 * rarely. The cache is safe across nodes because an entry lives at most {@link #CACHE_MILLIS}: a change made through
 * another node (a PATCH, a plan extended) is seen here within that time; a change made through this node at once.
 * Plan expiry is evaluated on every request against the clock, not cached.
 */
public final class TenantStore {
    static final long CACHE_MILLIS = 1000;

    private record Cached(Tenant tenant, long loadedAt) {}

    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private static final RowMapper<Tenant> ROW = (rs, ctx) -> new Tenant(
            rs.getLong("id"), rs.getString("api_key"), rs.getString("api_secret_hash"), rs.getString("api_secret_enc"),
            rs.getString("name"), (ObjectNode) Json.parse(rs.getString("settings")), rs.getLong("created_at"), rs.getLong("modified_at"));

    private final Jdbi jdbi;

    public TenantStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<Tenant> byApiKey(String apiKey) {
        String key = apiKey.toLowerCase(java.util.Locale.ROOT);
        long now = System.nanoTime() / 1_000_000;
        Cached c = cache.get(key);
        if (c != null && now - c.loadedAt() < CACHE_MILLIS) {
            return Optional.of(c.tenant());
        }
        Optional<Tenant> t = jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenants WHERE api_key = :k")
                .bind("k", key).map(ROW).findOne());
        if (t.isPresent()) {
            if (cache.size() > 10_000) {
                cache.clear();
            }
            cache.put(key, new Cached(t.get(), now));
        } else {
            cache.remove(key);
        }
        return t;
    }

    public Tenant insert(String apiKey, String secretHash, String secretSealed, String name, ObjectNode settings, long now) {
        long id = jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO tenants (api_key, api_secret_hash, api_secret_enc, name, settings, created_at, modified_at)
                        VALUES (:k, :sh, :se, :n, :s, :now, :now)""")
                .bind("k", apiKey).bind("sh", secretHash).bind("se", secretSealed).bind("n", name)
                .bind("s", Json.write(settings)).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new Tenant(id, apiKey, secretHash, secretSealed, name, settings, now, now);
    }

    public void update(Tenant t, String name, ObjectNode settings, long now) {
        cache.remove(t.apiKey());
        jdbi.useHandle(h -> h.createUpdate("UPDATE tenants SET name = :n, settings = :s, modified_at = :now WHERE id = :id")
                .bind("n", name).bind("s", Json.write(settings)).bind("now", now).bind("id", t.id()).execute());
        cache.remove(t.apiKey());
    }

    /** Every tenant, oldest first. */
    public java.util.List<Tenant> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenants ORDER BY created_at, id").map(ROW).list());
    }

    /**
     * Deletes the tenant and everything that belongs to it, in one transaction: children before parents, so it works
     * whether or not a table's foreign key cascades. A table that holds a tenant's rows (a tenant_id column, or a uid of
     * one of its accounts) must be added here; {@code TenantListAndDeleteContract} finds every tenant_id table in the
     * schema and fails for one this leaves rows in. False when there was no such tenant.
     */
    public boolean delete(Tenant t) {
        boolean deleted = jdbi.inTransaction(h -> {
            String[] byAccount = {"backup_codes"};
            for (String table : byAccount) {
                h.createUpdate("DELETE FROM " + table + " WHERE uid IN (SELECT uid FROM accounts WHERE tenant_id = :t)").bind("t", t.id()).execute();
            }
            // The audit trail (audit_events) is kept: it outlives what it records, and is pruned by age only.
            String[] byTenant = {"account_links", "email_code_failures", "phone_codes", "sign_in_polls", "send_tally", "remembered_devices", "security_answers", "security_questions", "login_throttle", "risk_events", "message_outbox", "message_templates", "webhook_outbox", "webhooks", "webauthn_challenges",
                    "passkeys", "refresh_tokens", "access_tokens", "second_factor_tokens", "account_identifiers", "accounts"};
            for (String table : byTenant) {
                h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :t").bind("t", t.id()).execute();
            }
            return h.createUpdate("DELETE FROM tenants WHERE id = :t").bind("t", t.id()).execute() == 1;
        });
        cache.remove(t.apiKey());
        return deleted;
    }

    public long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tenants").mapTo(Long.class).one());
    }
}

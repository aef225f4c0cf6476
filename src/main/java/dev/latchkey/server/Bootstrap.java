package dev.latchkey.server;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.Tenants;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * First start: an admin key (unless the operator gave one) and a demo tenant, so the README's examples work by
 * copy-paste. Only hashes are kept; the plain values are printed once.
 */
public final class Bootstrap {
    /** What this start created: null fields when nothing was created. */
    public record Result(String adminKeyHash, String newAdminKey, String demoApiKey, String demoApiSecret) {}

    private Bootstrap() {}

    static Result run(Jdbi jdbi, Secrets secrets, Tenants tenants, String configuredAdminKey) {
        String adminKeyHash;
        String newAdminKey = null;
        if (configuredAdminKey != null) {
            adminKeyHash = secrets.hash("admin:" + configuredAdminKey);
        } else {
            Optional<String> stored = setting(jdbi, "admin_key_hash");
            if (stored.isPresent()) {
                adminKeyHash = stored.get();
            } else {
                String candidate = "lk_admin_" + Secrets.newSecretKey();
                if (claim(jdbi, "admin_key_hash", secrets.hash("admin:" + candidate))) {
                    newAdminKey = candidate;
                }
                adminKeyHash = setting(jdbi, "admin_key_hash").orElseThrow();
            }
        }
        String demoKey = null;
        String demoSecret = null;
        if (setting(jdbi, "demo_tenant").isEmpty() && claim(jdbi, "demo_tenant", "creating")) {
            Tenant demo = tenants.create(Json.parse("""
                    {"Name": "Demo", "TwoFactorAuthentication": {"IsEnabled": true, "IsRequired": false}}"""));
            jdbi.useHandle(h -> h.createUpdate("UPDATE server_settings SET setting = :v WHERE name = 'demo_tenant'")
                    .bind("v", demo.apiKey()).execute());
            demoKey = demo.apiKey();
            demoSecret = Json.parse(Json.write(tenants.view(demo))).get("ApiSecret").asText();
        }
        return new Result(adminKeyHash, newAdminKey, demoKey, demoSecret);
    }

    private static Optional<String> setting(Jdbi jdbi, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT setting FROM server_settings WHERE name = :n")
                .bind("n", name).mapTo(String.class).findOne());
    }

    /** Inserts the setting unless present; true when this node's insert won (safe when nodes start together). */
    private static boolean claim(Jdbi jdbi, String name, String value) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO server_settings (name, setting) VALUES (:n, :v)")
                    .bind("n", name).bind("v", value).execute());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}

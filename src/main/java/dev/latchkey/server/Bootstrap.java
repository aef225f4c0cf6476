package dev.latchkey.server;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.Tenants;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * First start: an admin key (unless the operator gave one) and a demo tenant, so the README's examples work by
 * copy-paste. Only hashes are kept; the plain values are printed once. Run once the node listens, so a start that
 * fails before (a busy port) creates nothing that would then never be shown.
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
            Optional<String> stored = ServerSettings.get(jdbi, "admin_key_hash");
            if (stored.isPresent()) {
                adminKeyHash = stored.get();
            } else {
                String candidate = "lk_admin_" + Secrets.newSecretKey();
                if (ServerSettings.claim(jdbi, "admin_key_hash", secrets.hash("admin:" + candidate))) {
                    newAdminKey = candidate;
                }
                adminKeyHash = ServerSettings.get(jdbi, "admin_key_hash").orElseThrow();
            }
        }
        String demoKey = null;
        String demoSecret = null;
        if (ServerSettings.get(jdbi, "demo_tenant").isEmpty() && ServerSettings.claim(jdbi, "demo_tenant", "creating")) {
            Tenant demo = tenants.create(Json.parse("""
                    {"Name": "Demo", "TwoFactorAuthentication": {"IsEnabled": true, "IsRequired": false}}"""));
            jdbi.useHandle(h -> h.createUpdate("UPDATE server_settings SET setting = :v WHERE name = 'demo_tenant'")
                    .bind("v", demo.apiKey()).execute());
            demoKey = demo.apiKey();
            demoSecret = tenants.apiSecret(demo);
        }
        return new Result(adminKeyHash, newAdminKey, demoKey, demoSecret);
    }
}

package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.Tenants;

/** The door of the operators' API: {@code Authorization: Bearer <admin key>} (401, 6002), and the tenant in the path (404). */
public final class AdminGate {
    private final Secrets secrets;
    private final java.util.function.Supplier<String> adminKeyHash;
    private final Tenants tenants;

    /** {@code adminKeyHash} is null until the node knows its admin key (it is set once the node listens): every key is refused. */
    public AdminGate(Secrets secrets, java.util.function.Supplier<String> adminKeyHash, Tenants tenants) {
        this.secrets = secrets;
        this.adminKeyHash = adminKeyHash;
        this.tenants = tenants;
    }

    public void authorize(LrRequest req) {
        String auth = req.header("Authorization");
        String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        String expected = adminKeyHash.get();
        if (key == null || key.isEmpty() || expected == null || !Secrets.constantTimeEquals(secrets.hash("admin:" + key), expected)) {
            throw LrError.ACCESS_UNAUTHORIZED.error();
        }
    }

    /** The tenant named by {@code {apikey}} in the path, after the admin key. */
    public Tenant tenant(LrRequest req) {
        authorize(req);
        return tenants.get(req.pathParam("apikey")).orElseThrow(AdminGate::unknownTenant);
    }

    /** 404 for an {@code {apikey}} that names no tenant, with LoginRadius's unknown-apikey error (901). */
    public static ApiException unknownTenant() {
        return LrError.API_KEY_UNAUTHORIZED.error().withStatus(404);
    }

    /** 404 in LoginRadius's shape, for an operator's reference to something that does not exist. */
    public static ApiException notFound(String description) {
        return LrError.PARAMETER_FORMAT.withDescription(description).withStatus(404);
    }
}

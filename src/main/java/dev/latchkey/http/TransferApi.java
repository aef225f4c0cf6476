package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.PassphraseSeal;
import dev.latchkey.error.ApiException;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.transfer.TenantTransfer;
import java.util.List;

/**
 * A tenant's export and import through the admin API (what {@code latchkey tenant export|import} calls; README, "Export
 * and import"). The passphrase comes in the {@code X-Latchkey-Passphrase} header, percent-encoded UTF-8, never in a URL.
 */
public final class TransferApi {
    /** An import batch may be larger than an API call's body: a header with its templates, or a few hundred accounts. */
    public static final int MAX_IMPORT_BYTES = 8 * 1024 * 1024;
    public static final int MAX_BATCH = 1000;

    private final AdminGate gate;
    private final TenantTransfer transfer;

    public TransferApi(AdminGate gate, TenantTransfer transfer) {
        this.gate = gate;
        this.transfer = transfer;
    }

    /**
     * {@code GET /admin/v1/tenants/{apikey}/export?salt=&after=&limit=}: the first page ({@code after} absent) has the
     * header; each page up to {@code limit} (1 to 1000, default 500) account lines after the uid {@code after};
     * {@code Next} is the uid to ask after, null on the last page. {@code salt}: the export's (base64, 16+ bytes), the same
     * for every page of one export.
     */
    public JsonNode export(LrRequest req) {
        Tenant t = gate.tenant(req);
        String passphrase = passphrase(req);
        byte[] salt = salt(req.query("salt"));
        int limit = limit(req.query("limit"));
        String after = req.query("after");
        PassphraseSeal seal = transfer.seal(passphrase, salt, PassphraseSeal.ITERATIONS);
        ObjectNode out = Json.object();
        if (after == null || after.isEmpty()) {
            out.set("Header", transfer.header(t, seal, salt, PassphraseSeal.ITERATIONS));
        }
        List<ObjectNode> users = transfer.users(t, after == null || after.isEmpty() ? null : after, limit, seal);
        ArrayNode a = out.putArray("Users");
        users.forEach(a::add);
        if (users.size() == limit) {
            out.put("Next", users.get(users.size() - 1).get("Uid").asText());
        } else {
            out.putNull("Next");
        }
        return out;
    }

    /** {@code POST /admin/v1/tenants/import}: the export's header line; the tenant made (or updated) as it was. */
    public JsonNode importHeader(LrRequest req) {
        gate.authorize(req);
        String passphrase = passphrase(req);
        JsonNode header = req.body(MAX_IMPORT_BYTES);
        Tenant t = transfer.importHeader(header, passphrase, req.origin(Audit.Actor.ADMIN));
        return Json.object().put("Name", t.name()).put("ApiKey", t.apiKey());
    }

    /**
     * {@code POST /admin/v1/tenants/{apikey}/import} with {@code {"Source": <the header's KeyId and Passphrase>, "Users":
     * [{"Line": n, "User": {...}}]}} (Source absent for accounts from another system): {@code {"Imported", "Existing",
     * "Failed": [{"Line", "Uid", "Description"}]}}.
     */
    public JsonNode importUsers(LrRequest req) {
        Tenant t = gate.tenant(req);
        JsonNode body = req.body(MAX_IMPORT_BYTES);
        JsonNode users = body.path("Users");
        if (!users.isArray() || users.size() > MAX_BATCH) {
            throw ApiException.validation("Users", "Users must be an array of at most " + MAX_BATCH + " lines.").withStatus(400);
        }
        JsonNode source = body.path("Source");
        TenantTransfer.Source from = source.isObject() ? TenantTransfer.Source.of(source) : null;
        String passphrase = from == null ? null : passphrase(req);
        TenantTransfer.Outcome o = transfer.importUsers(t, users, from, passphrase, req.origin(Audit.Actor.ADMIN));
        ObjectNode out = Json.object().put("Imported", o.imported()).put("Existing", o.existing());
        ArrayNode failed = out.putArray("Failed");
        o.failed().forEach(f -> failed.addObject().put("Line", f.line()).put("Uid", f.uid()).put("Description", f.description()));
        return out;
    }

    private static String passphrase(LrRequest req) {
        String raw = req.header("X-Latchkey-Passphrase");
        String passphrase;
        try {
            passphrase = raw == null ? null : java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            passphrase = null;
        }
        if (passphrase == null || passphrase.length() < PassphraseSeal.MIN_PASSPHRASE || passphrase.length() > 1000) {
            throw ApiException.validation("X-Latchkey-Passphrase", "The X-Latchkey-Passphrase header (percent-encoded UTF-8) must hold "
                    + PassphraseSeal.MIN_PASSPHRASE + " to 1000 characters.").withStatus(400);
        }
        return passphrase;
    }

    private static byte[] salt(String s) {
        try {
            byte[] salt = s == null ? new byte[0] : java.util.Base64.getUrlDecoder().decode(s.replace('+', '-').replace('/', '_'));
            if (salt.length >= 16 && salt.length <= 64) {
                return salt;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw ApiException.validation("salt", "salt must be 16 to 64 random bytes in base64 (one per export).").withStatus(400);
    }

    private static int limit(String s) {
        if (s == null) {
            return 500;
        }
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= TenantTransfer.MAX_PAGE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.validation("limit", "limit must be a whole number from 1 to " + TenantTransfer.MAX_PAGE + ".").withStatus(400);
    }
}

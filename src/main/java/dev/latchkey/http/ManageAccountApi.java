package dev.latchkey.http;

import dev.latchkey.error.LrError;
import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;

/** The Management API's accounts (apikey + apisecret): create, read (by uid, email, username or phone), update (IsActive blocks), delete. */
public final class ManageAccountApi {
    private final TenantGate gate;
    private final Accounts accounts;
    private final Clock clock;

    public ManageAccountApi(TenantGate gate, Accounts accounts, Clock clock) {
        this.gate = gate;
        this.accounts = accounts;
        this.clock = clock;
    }

    public JsonNode create(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        return Responses.profile(req, ProfileSchema.render(accounts.create(tenant, req.body(), !req.preventWebhook(), req.origin(Audit.Actor.APP)), clock.millis()));
    }

    public JsonNode get(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        return Responses.profile(req, ProfileSchema.render(accounts.get(tenant, req.pathParam("uid")), clock.millis()));
    }

    /**
     * {@code GET /identity/v2/manage/account?email=|username=|phone=}: the account's bare profile, as {@link #get} renders
     * it. The SDKs send {@code userName}; query names match case-insensitively.
     */
    public JsonNode find(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        for (String kind : new String[] {"email", "username", "phone"}) {
            String value = identifierParameter(req, kind);
            if (value != null) {
                return Responses.profile(req, ProfileSchema.render(accounts.byIdentifier(tenant, kind, value), clock.millis()));
            }
        }
        throw LrError.required("email, username or phone");
    }

    /**
     * The parameter, with the '+' a client sent unencoded kept (the Java SDK does not URL-encode: "ann+tag@example.com",
     * "+15005550006"). An email or username cannot hold a space, so every space decoded from one was such a '+'; in a
     * phone number only a leading '+' means something (other '+'s and spaces are separators).
     */
    private static String identifierParameter(LrRequest req, String kind) {
        String query = req.ctx().queryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && decode(pair.substring(0, eq)).trim().equalsIgnoreCase(kind)) {
                String raw = pair.substring(eq + 1);
                String value = kind.equals("phone") && raw.startsWith("+") ? "+" + decode(raw.substring(1)) : decode(raw);
                value = value.trim();
                if (!kind.equals("phone")) {
                    value = value.replace(' ', '+');
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // a raw '%' from a client that did not encode: the text as sent
        }
    }

    public JsonNode update(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        return Responses.profile(req, ProfileSchema.render(accounts.update(tenant, req.pathParam("uid"), req.body(), !req.preventWebhook(), req.origin(Audit.Actor.APP)), clock.millis()));
    }

    public JsonNode delete(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.body(); // LoginRadius clients send a body on DELETE; it must at least be JSON
        accounts.delete(tenant, req.pathParam("uid"), !req.preventWebhook(), req.origin(Audit.Actor.APP));
        return Responses.deleted();
    }
}

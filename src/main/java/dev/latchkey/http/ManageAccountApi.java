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
            String value = req.identifierQuery(kind);
            if (value != null) {
                return Responses.profile(req, ProfileSchema.render(accounts.byIdentifier(tenant, kind, value), clock.millis()));
            }
        }
        throw LrError.required("email, username or phone");
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

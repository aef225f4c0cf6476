package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.AccountStore;
import dev.latchkey.audit.Audit;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.Tokens;

/** Token endpoints (reference §4): validate, invalidate, refresh, revoke one, revoke all of an account. */
public final class TokenApi {
    private final TenantGate gate;
    private final Tokens tokens;
    private final AccountStore accounts;

    public TokenApi(TenantGate gate, Tokens tokens, AccountStore accounts) {
        this.gate = gate;
        this.tokens = tokens;
        this.accounts = accounts;
    }

    public JsonNode validate(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String token = req.accessToken();
        Tokens.Session s = tokens.validate(tenant, token);
        ObjectNode o = Json.object();
        o.put("access_token", token.toLowerCase(java.util.Locale.ROOT));
        // Refresh tokens are stored only as hashes, so the pair's refresh token cannot be shown again.
        o.putNull("refresh_token");
        o.put("expires_in", dev.latchkey.json.Json.iso(s.expiresAt()));
        return o;
    }

    /**
     * {@code GET /identity/v2/auth/access_token}: LoginRadius's token info, {@code {"provider", "access_token",
     * "isrememberme"}}: an email-and-password provider, no "remember me" (Latchkey's sessions have one lifetime).
     */
    public JsonNode info(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String token = req.accessToken();
        tokens.validate(tenant, token);
        return Json.object().put("provider", "Email").put("access_token", token.toLowerCase(java.util.Locale.ROOT)).put("isrememberme", false);
    }

    /** {@code GET /identity/v2/auth/access_token/sliding_token}: the session goes on with a new pair, {@code {"access_token", "refresh_token", "expires_in"}}. */
    public JsonNode slide(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        return Responses.tokens(tokens.slide(tenant, req.accessToken(), req.origin(Audit.Actor.USER)));
    }

    /** {@code GET /identity/v2/manage/account/access_token?uid=}: a session for the account, asked by the application. */
    public JsonNode forUid(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        return Responses.tokens(tokens.issueForApp(tenant, req.requiredQuery("uid"), accounts, req.origin(Audit.Actor.APP)));
    }

    public JsonNode invalidate(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String preventRefresh = req.query("preventRefresh");
        boolean prevent = preventRefresh != null && preventRefresh.equalsIgnoreCase("true");
        tokens.invalidate(tenant, req.accessToken(), prevent, req.origin(Audit.Actor.USER));
        return Responses.posted();
    }

    public JsonNode refresh(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        return Responses.tokens(tokens.refresh(tenant, req.query("refresh_token"), req.origin(Audit.Actor.APP)));
    }

    public JsonNode revoke(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        tokens.revoke(tenant, req.query("refresh_token"), req.origin(Audit.Actor.APP));
        return Responses.deleted();
    }

    public JsonNode revokeAll(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.body(); // LoginRadius clients send a body on DELETE; it must at least be JSON
        tokens.revokeAll(tenant, req.pathParam("uid"), accounts, req.origin(Audit.Actor.APP));
        return Responses.deleted();
    }
}

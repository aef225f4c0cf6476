package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.Tokens;
import java.time.Clock;

/** What a signed-in user reads with an access token: {@code GET /auth/account} and {@code GET /auth/account/2fa}. */
public final class AccountApi {
    private final TenantGate gate;
    private final Tokens tokens;
    private final Accounts accounts;
    private final LoginFlow flow;
    private final Clock clock;

    public AccountApi(TenantGate gate, Tokens tokens, Accounts accounts, LoginFlow flow, Clock clock) {
        this.gate = gate;
        this.tokens = tokens;
        this.accounts = accounts;
        this.flow = flow;
        this.clock = clock;
    }

    private Account signedIn(LrRequest req, Tenant tenant) {
        Tokens.Session s = tokens.validate(tenant, req.accessToken());
        return accounts.get(tenant, s.uid());
    }

    public JsonNode profile(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        req.fields();
        return Responses.profile(req, ProfileSchema.render(signedIn(req, tenant), clock.millis()));
    }

    public JsonNode mfaSettings(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        return flow.mfaSettings(signedIn(req, tenant));
    }
}

package dev.latchkey.http;

import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.Tokens;

/** The door of the endpoints a signed-in user calls: the tenant (see {@link TenantGate}), then the access token's account. */
public final class AccessGate {
    /** The caller: the tenant, and the account its access token belongs to. */
    public record SignedIn(Tenant tenant, Account account) {}

    private final TenantGate tenants;
    private final Tokens tokens;
    private final Accounts accounts;

    public AccessGate(TenantGate tenants, Tokens tokens, Accounts accounts) {
        this.tenants = tenants;
        this.tokens = tokens;
        this.accounts = accounts;
    }

    public SignedIn signedIn(LrRequest req) {
        Tenant tenant = tenants.tenant(req);
        Tokens.Session session = tokens.validate(tenant, req.accessToken());
        return new SignedIn(tenant, accounts.get(tenant, session.uid()));
    }
}

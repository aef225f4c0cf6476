package dev.latchkey.http;

import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.Tokens;

/** The door of the endpoints a signed-in user calls: the tenant (see {@link TenantGate}), then the access token's account. */
public final class AccessGate {
    /** The caller: the tenant, and the account its access token belongs to. */
    public record SignedIn(Tenant tenant, Account account, String accessToken, long sessionExpiresAt) {}

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
        String token = req.accessToken();
        Tokens.Session session = tokens.validate(tenant, token);
        return new SignedIn(tenant, accounts.get(tenant, session.uid()), token.toLowerCase(java.util.Locale.ROOT), session.expiresAt());
    }
}

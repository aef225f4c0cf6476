package dev.latchkey.http;

import dev.latchkey.account.Account;
import dev.latchkey.audit.Audit;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.Tokens;

/** The door of the endpoints a signed-in user calls: the tenant (see {@link TenantGate}), then the access token's account. */
public final class AccessGate {
    /**
     * The caller: the tenant, the account its access token belongs to, and the session (its expiry, and when its login
     * passed a second factor).
     */
    public record SignedIn(Tenant tenant, Account account, String accessToken, Tokens.Session session) {
        public long sessionExpiresAt() {
            return session.expiresAt();
        }

        /** The user, from where the request came: for the audit trail. */
        public Audit.Origin origin(LrRequest req) {
            return req.origin(Audit.Actor.USER);
        }
    }

    private final TenantGate tenants;
    private final Tokens tokens;

    public AccessGate(TenantGate tenants, Tokens tokens) {
        this.tenants = tenants;
        this.tokens = tokens;
    }

    public SignedIn signedIn(LrRequest req) {
        Tenant tenant = tenants.tenant(req);
        String token = req.accessToken();
        Tokens.Session session = tokens.validateWithAccount(tenant, token);
        return new SignedIn(tenant, session.account(), token.toLowerCase(java.util.Locale.ROOT), session);
    }
}

package dev.latchkey.account;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LrError;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Links emailed to an account, of one kind ({@link #RESET}: a forgotten password, reference §14; {@link #VERIFY}: an email
 * address to confirm, §13): GUIDs from the CSPRNG, kept as keyed hashes, bound to their account (and address), used once
 * (by the statement that marks them used), for the tenant's lifetime of that kind.
 */
public final class AccountLinks {
    public static final String RESET = "reset";
    public static final String VERIFY = "verify";
    /** Emails of one kind an account gets in an hour at most; more asks are answered the same and send nothing. */
    public static final int PER_ACCOUNT_PER_HOUR = 5;

    /** A spent link: whose, and which address it was sent for. */
    public record Spent(String uid, String email) {}

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final String kind;

    public AccountLinks(Jdbi jdbi, Secrets secrets, String kind) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.kind = kind;
    }

    private String hash(String token) {
        return secrets.hash("account-link:" + kind + ":" + token.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether the account may get another email of this kind now. */
    public boolean mayStart(Handle h, String uid, long now) {
        return h.createQuery("SELECT COUNT(*) FROM account_links WHERE uid = :uid AND kind = :k AND created_at > :since").bind("uid", uid)
                .bind("k", kind).bind("since", now - 3_600_000L).mapTo(Integer.class).one() < PER_ACCOUNT_PER_HOUR;
    }

    /** A new token for the account (and {@code email}), living {@code lifetimeMillis}, in the caller's transaction. */
    public String start(Handle h, Tenant tenant, String uid, String email, long now, long lifetimeMillis) {
        String token = Secrets.guid();
        h.createUpdate("""
                        INSERT INTO account_links (token_hash, tenant_id, uid, kind, email, created_at, expires_at)
                        VALUES (:hash, :t, :uid, :k, :e, :now, :exp)""")
                .bind("hash", hash(token)).bind("t", tenant.id()).bind("uid", uid).bind("k", kind).bind("e", email).bind("now", now)
                .bind("exp", now + lifetimeMillis).execute();
        return token;
    }

    /**
     * Spends {@code token}: whose it was. 1063 unknown (or another tenant's or kind's), 974 used, 975 expired; however many
     * requests present it at once, one spends it. The account's other links of this kind die with it.
     */
    public Spent spend(Tenant tenant, String token, long now) {
        if (token == null || !Secrets.isGuid(token)) {
            throw LrError.VTOKEN_INVALID.error();
        }
        String hash = hash(token);
        return jdbi.inTransaction(h -> {
            var row = h.createQuery("SELECT uid, email, expires_at, used_at FROM account_links WHERE token_hash = :hash AND tenant_id = :t")
                    .bind("hash", hash).bind("t", tenant.id()).mapToMap().findOne().orElseThrow(LrError.VTOKEN_INVALID::error);
            if (row.get("used_at") != null) {
                throw LrError.RESET_TOKEN_USED.error();
            }
            if (((Number) row.get("expires_at")).longValue() <= now) {
                throw LrError.LINK_EXPIRED.error();
            }
            if (h.createUpdate("UPDATE account_links SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
                    .bind("now", now).bind("hash", hash).execute() != 1) {
                throw LrError.RESET_TOKEN_USED.error();
            }
            h.createUpdate("UPDATE account_links SET used_at = :now WHERE uid = :uid AND kind = :k AND used_at IS NULL")
                    .bind("now", now).bind("uid", row.get("uid")).bind("k", kind).execute();
            return new Spent((String) row.get("uid"), (String) row.get("email"));
        });
    }
}

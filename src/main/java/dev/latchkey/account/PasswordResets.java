package dev.latchkey.account;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LrError;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Forgotten-password tokens (reference §14): GUIDs from the CSPRNG, kept as keyed hashes, bound to their account, used
 * once (by the statement that marks them used), for {@code Security.PasswordResetTokenSeconds}.
 */
public final class PasswordResets {
    /** Reset emails one account gets in an hour at most; more asks are answered the same and send nothing. */
    public static final int PER_ACCOUNT_PER_HOUR = 5;

    private final Jdbi jdbi;
    private final Secrets secrets;

    public PasswordResets(Jdbi jdbi, Secrets secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    private String hash(String token) {
        return secrets.hash("password-reset:" + token.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether the account may get another reset email now. */
    public boolean mayStart(Handle h, String uid, long now) {
        return h.createQuery("SELECT COUNT(*) FROM password_resets WHERE uid = :uid AND created_at > :since").bind("uid", uid)
                .bind("since", now - 3_600_000L).mapTo(Integer.class).one() < PER_ACCOUNT_PER_HOUR;
    }

    /** A new token for the account, in the caller's transaction. */
    public String start(Handle h, Tenant tenant, String uid, long now) {
        String token = Secrets.guid();
        h.createUpdate("""
                        INSERT INTO password_resets (token_hash, tenant_id, uid, created_at, expires_at)
                        VALUES (:hash, :t, :uid, :now, :exp)""")
                .bind("hash", hash(token)).bind("t", tenant.id()).bind("uid", uid).bind("now", now).bind("exp", now + tenant.passwordResetMillis())
                .execute();
        return token;
    }

    /**
     * Spends {@code token}: the uid it resets. 1063 unknown (or another tenant's), 974 used, 975 expired; however many
     * requests present it at once, one spends it.
     */
    public String spend(Tenant tenant, String token, long now) {
        if (token == null || !Secrets.isGuid(token)) {
            throw LrError.VTOKEN_INVALID.error();
        }
        String hash = hash(token);
        return jdbi.inTransaction(h -> {
            var row = h.createQuery("SELECT uid, expires_at, used_at FROM password_resets WHERE token_hash = :hash AND tenant_id = :t")
                    .bind("hash", hash).bind("t", tenant.id()).mapToMap().findOne().orElseThrow(LrError.VTOKEN_INVALID::error);
            if (row.get("used_at") != null) {
                throw LrError.RESET_TOKEN_USED.error();
            }
            if (((Number) row.get("expires_at")).longValue() <= now) {
                throw LrError.LINK_EXPIRED.error();
            }
            if (h.createUpdate("UPDATE password_resets SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
                    .bind("now", now).bind("hash", hash).execute() != 1) {
                throw LrError.RESET_TOKEN_USED.error();
            }
            // Every other link of the account dies with this one.
            h.createUpdate("UPDATE password_resets SET used_at = :now WHERE uid = :uid AND used_at IS NULL")
                    .bind("now", now).bind("uid", row.get("uid")).execute();
            return (String) row.get("uid");
        });
    }
}

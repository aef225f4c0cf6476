package dev.latchkey.login;

import dev.latchkey.account.Account;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.tenant.Tenant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Remember this device (Latchkey's extension; the most asked-for missing MFA feature of Keycloak, #8742, and Kratos, #1643):
 * after a second factor, a login that asks for it gets a device token; presented at step 1 by the same account, it skips
 * the second factor until {@code TwoFactorAuthentication.RememberDeviceDays} have passed. Tokens are GUIDs from the CSPRNG,
 * stored as keyed hashes, bound to their account, listed and revoked by the user and the admin, and ended by a password
 * change, a blocked account and the removal of any second factor ({@code AccountStore.forgetDevices}). Risk-based
 * authentication still judges a remembered login.
 */
public final class RememberedDevices {
    /** Devices an account keeps at most: a new one drops the oldest beyond it. */
    static final int MAX_PER_ACCOUNT = 20;

    /** A device as the API lists it. */
    public record Device(String id, long createdAt, long expiresAt, Long lastUsedAt, String ip, String userAgent) {}

    /** A token just issued: the secret (shown once) and when it ends. */
    public record Issued(String token, long expiresAt) {}

    private final Jdbi jdbi;
    private final Secrets secrets;

    public RememberedDevices(Jdbi jdbi, Secrets secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    private String hash(String token) {
        return secrets.hash("remembered-device:" + token.toLowerCase(java.util.Locale.ROOT));
    }

    /** A new device token for the account, in the login's transaction; empty where the tenant does not remember devices. */
    Optional<Issued> issue(Handle h, Tenant tenant, Account account, LoginContext ctx, long now) {
        long lifetime = tenant.rememberDeviceMillis();
        if (lifetime <= 0) {
            return Optional.empty();
        }
        h.createUpdate("DELETE FROM remembered_devices WHERE uid = :uid AND expires_at <= :now").bind("uid", account.uid()).bind("now", now).execute();
        List<String> kept = h.createQuery("SELECT id FROM remembered_devices WHERE uid = :uid ORDER BY created_at DESC, id")
                .bind("uid", account.uid()).mapTo(String.class).list();
        for (String old : kept.subList(Math.min(kept.size(), MAX_PER_ACCOUNT - 1), kept.size())) {
            h.createUpdate("DELETE FROM remembered_devices WHERE id = :id").bind("id", old).execute();
        }
        String token = Secrets.guid();
        String ua = ctx.userAgent() == null ? null : ctx.userAgent().substring(0, Math.min(500, ctx.userAgent().length()));
        h.createUpdate("""
                        INSERT INTO remembered_devices (id, tenant_id, uid, token_hash, created_at, expires_at, ip, user_agent)
                        VALUES (:id, :t, :uid, :hash, :now, :exp, :ip, :ua)""")
                .bind("id", Secrets.guid()).bind("t", tenant.id()).bind("uid", account.uid()).bind("hash", hash(token)).bind("now", now)
                .bind("exp", now + lifetime).bind("ip", ctx.ip()).bind("ua", ua).execute();
        return Optional.of(new Issued(token, now + lifetime));
    }

    /** Whether {@code token} could name a remembered device of the tenant at all (else {@link #recognises} reads nothing). */
    static boolean mayRecognise(Tenant tenant, String token) {
        return token != null && Secrets.isGuid(token) && tenant.rememberDeviceMillis() > 0;
    }

    /**
     * Whether {@code token} is a live remembered device of this account (and this tenant still remembers devices); a use is
     * recorded. A malformed, unknown, expired or another account's token is simply not one (the login asks for the factor).
     */
    boolean recognises(Handle h, Tenant tenant, Account account, String token, long now) {
        if (!mayRecognise(tenant, token)) {
            return false;
        }
        return h.createUpdate("""
                        UPDATE remembered_devices SET last_used_at = :now
                        WHERE token_hash = :hash AND uid = :uid AND tenant_id = :t AND expires_at > :now""")
                .bind("now", now).bind("hash", hash(token)).bind("uid", account.uid()).bind("t", tenant.id()).execute() == 1;
    }

    /** The account's live devices, newest first. */
    public List<Device> list(Account account, long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, created_at, expires_at, last_used_at, ip, user_agent FROM remembered_devices
                        WHERE uid = :uid AND expires_at > :now ORDER BY created_at DESC, id""")
                .bind("uid", account.uid()).bind("now", now)
                .map((rs, c) -> new Device(rs.getString(1), rs.getLong(2), rs.getLong(3), (Long) rs.getObject(4, Long.class), rs.getString(5),
                        rs.getString(6)))
                .list());
    }

    /** Forgets one device of the account; false when it has no such device. */
    public boolean revoke(Account account, String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM remembered_devices WHERE id = :id AND uid = :uid")
                .bind("id", id).bind("uid", account.uid()).execute() == 1);
    }

    /** Forgets every device of the account; how many. */
    public int revokeAll(Account account) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM remembered_devices WHERE uid = :uid").bind("uid", account.uid()).execute());
    }
}

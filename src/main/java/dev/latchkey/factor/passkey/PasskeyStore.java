package dev.latchkey.factor.passkey;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Passkeys and WebAuthn challenges in the database. Every method runs in the caller's transaction. */
public final class PasskeyStore {
    /** A stored passkey; {@code credential} is the base64url attested credential data (id and COSE public key). */
    public record Passkey(String id, long tenantId, String uid, String credentialId, String credential, long signCount,
                   boolean uvInitialized, boolean backupEligible, boolean backupState, String transports,
                   String enrolledVia, boolean possiblyCloned, long createdAt, Long lastUsedAt) {}

    private static final RowMapper<Passkey> ROW = (rs, ctx) -> new Passkey(rs.getString("id"), rs.getLong("tenant_id"),
            rs.getString("uid"), rs.getString("credential_id"), rs.getString("credential"), rs.getLong("sign_count"),
            rs.getBoolean("uv_initialized"), rs.getBoolean("backup_eligible"), rs.getBoolean("backup_state"),
            rs.getString("transports"), rs.getString("enrolled_via"), rs.getBoolean("possibly_cloned"),
            rs.getLong("created_at"), (Long) rs.getObject("last_used_at", Long.class));

    List<Passkey> ofAccount(Handle h, String uid) {
        return h.createQuery("SELECT * FROM passkeys WHERE uid = :uid ORDER BY created_at, id").bind("uid", uid).map(ROW).list();
    }

    Optional<Passkey> byCredentialId(Handle h, long tenantId, String credentialId) {
        return h.createQuery("SELECT * FROM passkeys WHERE tenant_id = :t AND credential_id = :c")
                .bind("t", tenantId).bind("c", credentialId).map(ROW).findOne();
    }

    void insert(Handle h, Passkey p) {
        h.createUpdate("""
                        INSERT INTO passkeys (id, tenant_id, uid, credential_id, credential, sign_count, uv_initialized,
                                              backup_eligible, backup_state, transports, enrolled_via, created_at)
                        VALUES (:id, :t, :uid, :cid, :cred, :sc, :uv, :be, :bs, :tr, :via, :now)""")
                .bind("id", p.id()).bind("t", p.tenantId()).bind("uid", p.uid()).bind("cid", p.credentialId())
                .bind("cred", p.credential()).bind("sc", p.signCount()).bind("uv", p.uvInitialized())
                .bind("be", p.backupEligible()).bind("bs", p.backupState()).bind("tr", p.transports())
                .bind("via", p.enrolledVia()).bind("now", p.createdAt()).execute();
    }

    void recordUse(Handle h, String id, long signCount, boolean backupState, boolean userVerified, long now) {
        h.createUpdate("""
                        UPDATE passkeys SET sign_count = :sc, backup_state = :bs, last_used_at = :now,
                               uv_initialized = (uv_initialized OR :uv) WHERE id = :id""")
                .bind("sc", signCount).bind("bs", backupState).bind("uv", userVerified).bind("now", now).bind("id", id).execute();
    }

    void markPossiblyCloned(Handle h, String id) {
        h.createUpdate("UPDATE passkeys SET possibly_cloned = TRUE WHERE id = :id").bind("id", id).execute();
    }

    int delete(Handle h, String uid, String id) {
        return h.createUpdate("DELETE FROM passkeys WHERE uid = :uid AND id = :id").bind("uid", uid).bind("id", id).execute();
    }

    int deleteAll(Handle h, String uid) {
        return h.createUpdate("DELETE FROM passkeys WHERE uid = :uid").bind("uid", uid).execute();
    }

    void insertChallenge(Handle h, String challenge, long tenantId, String uid, String purpose, String boundTo, long now, long expiresAt) {
        h.createUpdate("""
                        INSERT INTO webauthn_challenges (challenge, tenant_id, uid, purpose, bound_to, created_at, expires_at)
                        VALUES (:c, :t, :uid, :p, :b, :now, :exp)""")
                .bind("c", challenge).bind("t", tenantId).bind("uid", uid).bind("p", purpose).bind("b", boundTo)
                .bind("now", now).bind("exp", expiresAt).execute();
    }

    /** Deletes the challenges bound to {@code boundTo} but its newest {@code keep}. */
    void keepNewestChallenges(Handle h, String boundTo, int keep) {
        List<String> all = h.createQuery("SELECT challenge FROM webauthn_challenges WHERE bound_to = :b ORDER BY created_at DESC, challenge")
                .bind("b", boundTo).mapTo(String.class).list();
        for (String old : all.subList(Math.min(keep, all.size()), all.size())) {
            h.createUpdate("DELETE FROM webauthn_challenges WHERE challenge = :c").bind("c", old).execute();
        }
    }

    /** Consumes a challenge: true for exactly one caller, only for what it was issued to, before it expires. */
    boolean consumeChallenge(Handle h, String challenge, String uid, String purpose, String boundTo, long now) {
        return h.createUpdate("""
                        UPDATE webauthn_challenges SET used_at = :now
                        WHERE challenge = :c AND uid = :uid AND purpose = :p AND bound_to = :b AND used_at IS NULL AND expires_at > :now""")
                .bind("now", now).bind("c", challenge).bind("uid", uid).bind("p", purpose).bind("b", boundTo).execute() == 1;
    }
}

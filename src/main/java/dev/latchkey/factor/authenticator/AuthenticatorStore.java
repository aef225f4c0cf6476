package dev.latchkey.factor.authenticator;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The authenticator app's two tables: an account's verified secret with the last step a code was accepted for, and the
 * secrets shown for enrollment but not yet confirmed, each bound to the login or session it was shown to. Secrets are
 * sealed under the server key before they reach this class.
 */
final class AuthenticatorStore {
    /** A verified authenticator: its sealed secret and the last accepted step (null before the first login with it). */
    record Verified(String sealedSecret, Long lastStep) {}

    /** Enrollments a single account keeps pending at most: a new one drops the oldest beyond it (bounded growth). */
    static final int MAX_PENDING = 5;

    Optional<Verified> verified(Handle h, String uid) {
        return h.createQuery("SELECT secret, last_step FROM authenticators WHERE uid = :uid").bind("uid", uid)
                .map((rs, ctx) -> new Verified(rs.getString("secret"), (Long) rs.getObject("last_step", Long.class))).findOne();
    }

    /** When the account's authenticator was verified; empty when it has none. */
    Optional<Long> verifiedAt(Handle h, String uid) {
        return h.createQuery("SELECT created_at FROM authenticators WHERE uid = :uid").bind("uid", uid).mapTo(Long.class).findOne();
    }

    /**
     * Records {@code step} as used, only if it is later than every step accepted before: one conditional UPDATE, so a
     * code is accepted once however many requests (on however many nodes) present it at once.
     */
    boolean spend(Handle h, String uid, long step) {
        return h.createUpdate("UPDATE authenticators SET last_step = :s WHERE uid = :uid AND (last_step IS NULL OR last_step < :s)")
                .bind("s", step).bind("uid", uid).execute() == 1;
    }

    void insertVerified(Handle h, String uid, String sealedSecret, long step, long now) {
        h.createUpdate("DELETE FROM authenticators WHERE uid = :uid").bind("uid", uid).execute();
        h.createUpdate("INSERT INTO authenticators (uid, secret, last_step, created_at) VALUES (:uid, :s, :step, :now)")
                .bind("uid", uid).bind("s", sealedSecret).bind("step", step).bind("now", now).execute();
        h.createUpdate("DELETE FROM authenticator_enrollments WHERE uid = :uid").bind("uid", uid).execute();
    }

    int deleteVerified(Handle h, String uid) {
        return h.createUpdate("DELETE FROM authenticators WHERE uid = :uid").bind("uid", uid).execute();
    }

    /** The sealed secret pending for {@code boundTo} on this account, if it has not expired. */
    Optional<String> pending(Handle h, String uid, String boundTo, long now) {
        return h.createQuery("SELECT secret FROM authenticator_enrollments WHERE bound_to = :b AND uid = :uid AND expires_at > :now")
                .bind("b", boundTo).bind("uid", uid).bind("now", now).mapTo(String.class).findOne();
    }

    void insertPending(Handle h, String uid, String boundTo, String sealedSecret, long now, long expiresAt) {
        h.createUpdate("DELETE FROM authenticator_enrollments WHERE bound_to = :b").bind("b", boundTo).execute();
        h.createUpdate("DELETE FROM authenticator_enrollments WHERE uid = :uid AND expires_at <= :now").bind("uid", uid).bind("now", now).execute();
        java.util.List<String> kept = h.createQuery("SELECT bound_to FROM authenticator_enrollments WHERE uid = :uid ORDER BY created_at DESC")
                .bind("uid", uid).mapTo(String.class).list();
        for (String old : kept.subList(Math.min(kept.size(), MAX_PENDING - 1), kept.size())) {
            h.createUpdate("DELETE FROM authenticator_enrollments WHERE bound_to = :b").bind("b", old).execute();
        }
        h.createUpdate("""
                        INSERT INTO authenticator_enrollments (bound_to, uid, secret, created_at, expires_at)
                        VALUES (:b, :uid, :s, :now, :exp)""")
                .bind("b", boundTo).bind("uid", uid).bind("s", sealedSecret).bind("now", now).bind("exp", expiresAt).execute();
    }
}

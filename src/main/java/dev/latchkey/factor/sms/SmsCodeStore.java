package dev.latchkey.factor.sms;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The SMS factor's two tables: an account's verified phone (sealed), and the codes sent and not yet used (keyed hashes),
 * each bound to the attempt it was sent for (a login's 2FA token, a session): to the verified phone, or to a phone that
 * attempt is setting up.
 */
final class SmsCodeStore {
    /** Codes an account keeps outstanding at most: a new one drops the oldest beyond it (bounded growth). */
    static final int MAX_CODES = 5;

    /** An outstanding code: its id, keyed hash and, for a phone being set up, that phone (sealed). */
    record Code(String id, String hash, String sealedPhone) {}

    Optional<String> sealedPhone(Handle h, String uid) {
        return h.createQuery("SELECT phone FROM sms_factors WHERE uid = :uid").bind("uid", uid).mapTo(String.class).findOne();
    }

    void setPhone(Handle h, String uid, String sealedPhone, long now) {
        h.createUpdate("DELETE FROM sms_factors WHERE uid = :uid").bind("uid", uid).execute();
        h.createUpdate("INSERT INTO sms_factors (uid, phone, created_at) VALUES (:uid, :p, :now)")
                .bind("uid", uid).bind("p", sealedPhone).bind("now", now).execute();
    }

    /** Removes the verified phone and every outstanding code; how many phones were removed (0 or 1). */
    int remove(Handle h, String uid) {
        h.createUpdate("DELETE FROM sms_codes WHERE uid = :uid").bind("uid", uid).execute();
        return h.createUpdate("DELETE FROM sms_factors WHERE uid = :uid").bind("uid", uid).execute();
    }

    void insertCode(Handle h, String id, String uid, String boundTo, String sealedPhone, String hash, long now, long expiresAt) {
        h.createUpdate("DELETE FROM sms_codes WHERE uid = :uid AND expires_at <= :now").bind("uid", uid).bind("now", now).execute();
        List<String> kept = h.createQuery("SELECT id FROM sms_codes WHERE uid = :uid ORDER BY created_at DESC, id")
                .bind("uid", uid).mapTo(String.class).list();
        for (String old : kept.subList(Math.min(kept.size(), MAX_CODES - 1), kept.size())) {
            h.createUpdate("DELETE FROM sms_codes WHERE id = :id").bind("id", old).execute();
        }
        h.createUpdate("""
                        INSERT INTO sms_codes (id, uid, bound_to, phone, code_hash, created_at, expires_at)
                        VALUES (:id, :uid, :b, :p, :hash, :now, :exp)""")
                .bind("id", id).bind("uid", uid).bind("b", boundTo).bind("p", sealedPhone).bind("hash", hash).bind("now", now)
                .bind("exp", expiresAt).execute();
    }

    /**
     * The unexpired codes sent for the attempt {@code boundTo}: to the phone it is setting up ({@code newPhone}), or to the
     * verified phone.
     */
    List<Code> codes(Handle h, String uid, String boundTo, boolean newPhone, long now) {
        return h.createQuery("SELECT id, code_hash, phone FROM sms_codes WHERE uid = :uid AND bound_to = :b AND expires_at > :now AND phone IS "
                        + (newPhone ? "NOT NULL" : "NULL") + " ORDER BY created_at DESC, id")
                .bind("uid", uid).bind("now", now).bind("b", boundTo)
                .map((rs, c) -> new Code(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    /** Spends a code: true for the one statement that deletes it, however many present it at once. */
    boolean consume(Handle h, String id) {
        return h.createUpdate("DELETE FROM sms_codes WHERE id = :id").bind("id", id).execute() == 1;
    }

    /** Drops every other outstanding code of the account once one was used: they are void. */
    void dropCodes(Handle h, String uid) {
        h.createUpdate("DELETE FROM sms_codes WHERE uid = :uid").bind("uid", uid).execute();
    }
}

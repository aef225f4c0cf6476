package dev.latchkey.factor.sms;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** An account's verified phone for SMS codes, sealed under the server key before it reaches this class. */
final class SmsCodeStore {
    Optional<String> sealedPhone(Handle h, String uid) {
        return h.createQuery("SELECT phone FROM sms_factors WHERE uid = :uid").bind("uid", uid).mapTo(String.class).findOne();
    }

    /** When the verified phone was set; empty when there is none. */
    Optional<Long> setAt(Handle h, String uid) {
        return h.createQuery("SELECT created_at FROM sms_factors WHERE uid = :uid").bind("uid", uid).mapTo(Long.class).findOne();
    }

    void setPhone(Handle h, String uid, String sealedPhone, long now) {
        h.createUpdate("DELETE FROM sms_factors WHERE uid = :uid").bind("uid", uid).execute();
        h.createUpdate("INSERT INTO sms_factors (uid, phone, created_at) VALUES (:uid, :p, :now)")
                .bind("uid", uid).bind("p", sealedPhone).bind("now", now).execute();
    }

    /** Removes the verified phone; how many were removed (0 or 1). */
    int remove(Handle h, String uid) {
        return h.createUpdate("DELETE FROM sms_factors WHERE uid = :uid").bind("uid", uid).execute();
    }
}

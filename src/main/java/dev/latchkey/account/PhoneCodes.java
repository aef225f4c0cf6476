package dev.latchkey.account;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LrError;
import dev.latchkey.tenant.Tenant;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Six-digit codes sent by SMS for the phone flows (reference §16, §17): {@link #VERIFY} a number (at sign-up, a resend,
 * a new number the account asked for), {@link #RESET} a forgotten password, {@link #LOGIN} a passwordless sign-in,
 * {@link #ONE_TOUCH} a one-touch sign-in (whose number may belong to no account yet). A code is a keyed hash bound to the
 * tenant, its kind and its number; one lives per kind and number (a new send ends the older ones, which then answer as
 * wrong ones: only an accepted code answers "used"); each try is counted on
 * it before the comparison, so however many arrive at once at most {@link #MAX_FAILURES} are compared; the statement that
 * marks it used is the one that accepts it.
 */
public final class PhoneCodes {
    public static final String VERIFY = "verify";
    public static final String RESET = "reset";
    public static final String LOGIN = "login";
    public static final String ONE_TOUCH = "onetouch";
    /** Wrong tries a code takes before it stops working (a new code can be asked for, within the send limits). */
    public static final int MAX_FAILURES = 5;

    /** A spent code: the account it was sent for (null: none yet) and the number, as it was given. */
    public record Spent(String uid, String phone, String name) {}

    private final Jdbi jdbi;
    private final Secrets secrets;

    public PhoneCodes(Jdbi jdbi, Secrets secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    private String hash(Tenant tenant, String kind, String phoneKey, String code) {
        return secrets.hash("phone-code:" + tenant.id() + ":" + kind + ":" + phoneKey + ":" + code);
    }

    /** A new code of {@code kind} for {@code phone} (and account {@code uid}, or null), in the caller's transaction. */
    public String start(Handle h, Tenant tenant, String kind, String uid, String phone, long now) {
        return start(h, tenant, kind, uid, phone, null, now);
    }

    /** {@link #start}, with the name of the account a one-touch code makes (its number belongs to none yet). */
    public String start(Handle h, Tenant tenant, String kind, String uid, String phone, String name, long now) {
        String phoneKey = Identifiers.key("phone", phone);
        String code = String.format(Locale.ROOT, "%06d", Secrets.RANDOM.nextInt(1_000_000));
        h.createUpdate("UPDATE phone_codes SET used_at = :now, code_hash = 'ended' WHERE tenant_id = :t AND kind = :k AND phone_key = :p AND used_at IS NULL")
                .bind("now", now).bind("t", tenant.id()).bind("k", kind).bind("p", phoneKey).execute();
        h.createUpdate("""
                        INSERT INTO phone_codes (id, tenant_id, uid, kind, phone_key, phone, name, code_hash, created_at, expires_at)
                        VALUES (:id, :t, :uid, :k, :p, :phone, :name, :hash, :now, :exp)""")
                .bind("id", Secrets.guid()).bind("t", tenant.id()).bind("uid", uid).bind("k", kind).bind("p", phoneKey)
                .bind("phone", phone).bind("name", name).bind("hash", hash(tenant, kind, phoneKey, code)).bind("now", now)
                .bind("exp", now + tenant.phoneCodeMillis()).execute();
        return code;
    }

    /** Ends the account's live codes (every kind): its phone changed or went, its password was set. */
    public static void endForAccount(Handle h, String uid, long now) {
        h.createUpdate("UPDATE phone_codes SET used_at = :now, code_hash = 'ended' WHERE uid = :uid AND used_at IS NULL").bind("now", now).bind("uid", uid).execute();
    }

    /**
     * Spends the code of {@code kind} sent to {@code phone}: whose it was. 1067 wrong (or none was sent, or it took
     * {@link #MAX_FAILURES} wrong tries), 1068 used, 1069 expired. {@code uid}, when not null, must be the account it was
     * sent for (a code sent for another account is wrong).
     */
    public Spent spend(Tenant tenant, String kind, String phone, String code, String uid, long now) {
        if (phone == null) {
            throw LrError.OTP_INVALID.error();
        }
        return spendKey(tenant, kind, Identifiers.key("phone", phone.strip()), code, uid, now);
    }

    /** {@link #spend} of the newest live code of {@code kind} sent for the account (a number it asked to verify), whichever number. */
    public Spent spendForAccount(Tenant tenant, String kind, String uid, String code, long now) {
        String phoneKey = jdbi.withHandle(h -> h.createQuery("""
                        SELECT phone_key FROM phone_codes WHERE tenant_id = :t AND kind = :k AND uid = :uid AND used_at IS NULL AND expires_at > :now
                        ORDER BY created_at DESC""")
                .bind("t", tenant.id()).bind("k", kind).bind("uid", uid).bind("now", now).mapTo(String.class).findFirst().orElse(null));
        if (phoneKey == null) {
            throw LrError.OTP_INVALID.error();
        }
        return spendKey(tenant, kind, phoneKey, code, uid, now);
    }

    private Spent spendKey(Tenant tenant, String kind, String phoneKey, String code, String uid, long now) {
        if (code == null || !code.strip().matches("[0-9]{6}")) {
            throw LrError.OTP_INVALID.error();
        }
        String wanted = hash(tenant, kind, phoneKey, code.strip());
        // The live code: its try counted first, in its own transaction.
        Map<String, Object> live = jdbi.inTransaction(h -> {
            var row = h.createQuery("""
                            SELECT id, uid, phone, name, code_hash FROM phone_codes
                            WHERE tenant_id = :t AND kind = :k AND phone_key = :p AND used_at IS NULL AND expires_at > :now""")
                    .bind("t", tenant.id()).bind("k", kind).bind("p", phoneKey).bind("now", now).mapToMap().findFirst().orElse(null);
            if (row == null || h.createUpdate("UPDATE phone_codes SET failures = failures + 1 WHERE id = :id AND failures < :max AND used_at IS NULL")
                    .bind("id", row.get("id")).bind("max", MAX_FAILURES).execute() != 1) {
                return null;
            }
            return row;
        });
        if (live != null && Secrets.constantTimeEquals((String) live.get("code_hash"), wanted)
                && (uid == null || uid.equals(live.get("uid")))) {
            boolean spent = jdbi.inTransaction(h -> h.createUpdate("UPDATE phone_codes SET used_at = :now WHERE id = :id AND used_at IS NULL")
                    .bind("now", now).bind("id", live.get("id")).execute() == 1);
            if (spent) {
                return new Spent((String) live.get("uid"), (String) live.get("phone"), (String) live.get("name"));
            }
            throw LrError.OTP_USED.error();
        }
        if (live == null) {
            // No live code: a right one that was used or expired says so (the hash matches only the right code).
            var old = jdbi.withHandle(h -> h.createQuery("""
                            SELECT used_at, expires_at FROM phone_codes WHERE tenant_id = :t AND kind = :k AND phone_key = :p AND code_hash = :hash
                            ORDER BY created_at DESC""")
                    .bind("t", tenant.id()).bind("k", kind).bind("p", phoneKey).bind("hash", wanted).mapToMap().findFirst().orElse(null));
            if (old != null && old.get("used_at") != null) {
                throw LrError.OTP_USED.error();
            }
            if (old != null && ((Number) old.get("expires_at")).longValue() <= now) {
                throw LrError.OTP_EXPIRED.error();
            }
            // else: the code took its wrong tries, and is as wrong as any
        }
        throw LrError.OTP_INVALID.error();
    }
}

package dev.latchkey.factor;

import dev.latchkey.crypto.Secrets;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;

/**
 * The one-time codes a factor sends (by SMS, by email), kept in one table for all such factors: six digits from the
 * CSPRNG, stored only as keyed hashes (HMAC under the server key, with the factor, the account and the code in the
 * input), each bound to the attempt it was sent for ({@link SecondFactor#loginAttempt}, {@link SecondFactor#sessionAttempt})
 * and, when it sets the factor up, marked enrolling with what it sets up ({@code target}, sealed by the caller). A right
 * code is deleted by the statement that accepts it, with every other outstanding code of the account for the factor.
 */
public final class SentCodes {
    /** Codes an account keeps outstanding per factor at most: a new one drops the oldest beyond it (bounded growth). */
    public static final int MAX_OUTSTANDING = 5;

    /** An outstanding code: its id and, for an enrolling one, what it sets up. */
    public record Code(String id, String target) {}

    private final String factor;
    private final Secrets secrets;

    public SentCodes(String factor, Secrets secrets) {
        this.factor = factor;
        this.secrets = secrets;
    }

    /** A new six-digit code. */
    public static String newCode() {
        return String.format(Locale.ROOT, "%06d", Secrets.RANDOM.nextInt(1_000_000));
    }

    /** Keeps {@code code}, sent for {@code attempt}, until {@code expiresAt}. */
    public void keep(Handle h, String uid, String attempt, boolean enrolling, String target, String code, long now, long expiresAt) {
        h.createUpdate("DELETE FROM factor_codes WHERE uid = :uid AND factor = :f AND expires_at <= :now")
                .bind("uid", uid).bind("f", factor).bind("now", now).execute();
        List<String> kept = h.createQuery("SELECT id FROM factor_codes WHERE uid = :uid AND factor = :f ORDER BY created_at DESC, id")
                .bind("uid", uid).bind("f", factor).mapTo(String.class).list();
        for (String old : kept.subList(Math.min(kept.size(), MAX_OUTSTANDING - 1), kept.size())) {
            h.createUpdate("DELETE FROM factor_codes WHERE id = :id").bind("id", old).execute();
        }
        h.createUpdate("""
                        INSERT INTO factor_codes (id, uid, factor, bound_to, enrolling, target, code_hash, created_at, expires_at)
                        VALUES (:id, :uid, :f, :b, :e, :t, :hash, :now, :exp)""")
                .bind("id", Secrets.guid()).bind("uid", uid).bind("f", factor).bind("b", attempt).bind("e", enrolling)
                .bind("t", target).bind("hash", hash(uid, code)).bind("now", now).bind("exp", expiresAt).execute();
    }

    /** The unexpired codes sent for {@code attempt}, enrolling ones or the others, newest first. */
    public List<Code> outstanding(Handle h, String uid, String attempt, boolean enrolling, long now) {
        return query(h, "SELECT id, target", uid, attempt, enrolling, now).map((rs, c) -> new Code(rs.getString(1), rs.getString(2))).list();
    }

    /**
     * The code {@code typed} among those sent for {@code attempt} (enrolling ones or the others), spent with every other
     * code of the account for this factor; null when it is not one of them, or another request spent it first.
     */
    public Code spend(Handle h, String uid, String attempt, boolean enrolling, String typed, long now) {
        if (attempt == null || typed == null) {
            return null;
        }
        String hash = hash(uid, typed.strip());
        Code match = null;
        for (var row : query(h, "SELECT id, target, code_hash", uid, attempt, enrolling, now).mapToMap().list()) {
            if (Secrets.constantTimeEquals((String) row.get("code_hash"), hash) && match == null) {
                match = new Code((String) row.get("id"), (String) row.get("target"));
            }
        }
        if (match == null || h.createUpdate("DELETE FROM factor_codes WHERE id = :id").bind("id", match.id()).execute() != 1) {
            return null;
        }
        forget(h, uid);
        return match;
    }

    /** Drops every outstanding code of the account for this factor (used, or the factor removed). */
    public void forget(Handle h, String uid) {
        h.createUpdate("DELETE FROM factor_codes WHERE uid = :uid AND factor = :f").bind("uid", uid).bind("f", factor).execute();
    }

    private org.jdbi.v3.core.statement.Query query(Handle h, String select, String uid, String attempt, boolean enrolling, long now) {
        return h.createQuery(select + " FROM factor_codes WHERE uid = :uid AND factor = :f AND bound_to = :b AND enrolling = :e"
                        + " AND expires_at > :now ORDER BY created_at DESC, id")
                .bind("uid", uid).bind("f", factor).bind("b", attempt).bind("e", enrolling).bind("now", now);
    }

    private String hash(String uid, String code) {
        return secrets.hash(factor + "-code:" + uid + ":" + code);
    }
}

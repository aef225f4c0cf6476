package dev.latchkey.login;

import dev.latchkey.account.AccountStore;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.store.Piece;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Pending SecondFactorAuthenticationTokens: the state between login step 1 and step 2, in the database so that any
 * node can take either step. Stored as keyed hashes; consumed by one conditional UPDATE.
 */
public final class SecondFactorChallenges {
    /**
     * A pending challenge as stored. {@code loginKind}: how step 1 named the account (email, username, phone).
     * {@code risk}: set when risk-based authentication asked for the second factor (its assessment, as JSON), with the
     * hashed SMS code ({@code otpHash}) when one was sent.
     */
    public record Challenge(String tokenHash, long tenantId, String uid, long expiresAt, Long usedAt, int failures,
                            String loginKind, String risk, String otpHash, boolean withoutPassword) {}

    private final Secrets secrets;

    public SecondFactorChallenges(Secrets secrets) {
        this.secrets = secrets;
    }

    public String hash(String token) {
        return secrets.hash("2fa:" + token.toLowerCase(java.util.Locale.ROOT));
    }

    /** Opens a challenge for the account; returns the token in plain text. */
    public String open(Handle h, long tenantId, String uid, long now, long expiresAt, String loginKind) {
        String token = Secrets.guid();
        open(h, token, tenantId, uid, now, expiresAt, loginKind, null, null, null);
        return token;
    }

    /** Opens a challenge with a token chosen by the caller (a risk challenge binds its SMS code to it). */
    public void open(Handle h, String token, long tenantId, String uid, long now, long expiresAt, String loginKind, String risk,
                     String otpHash, String oneClickHash) {
        h.createUpdate("""
                        INSERT INTO second_factor_tokens (token_hash, tenant_id, uid, created_at, expires_at, login_kind, risk, otp_hash, oneclick_hash)
                        VALUES (:h, :t, :uid, :now, :exp, :kind, :risk, :otp, :oneclick)""")
                .bind("h", hash(token)).bind("t", tenantId).bind("uid", uid).bind("now", now).bind("exp", expiresAt)
                .bind("kind", loginKind).bind("risk", risk).bind("otp", otpHash).bind("oneclick", oneClickHash).execute();
    }

    /**
     * PostgreSQL: {@link #open(Handle, long, String, long, long, String)} for the chosen {@code token}, as a piece of the
     * caller's statement (see {@link Piece}) named {@code opened}, that inserts the challenge only if the piece named
     * {@code onlyAfter} returned a row (one row per row it returned). It binds {@code :h}, {@code :t}, {@code :uid},
     * {@code :now}, {@code :exp} and {@code :kind}.
     */
    public Piece opening(String token, long tenantId, String uid, long now, long expiresAt, String loginKind, String onlyAfter) {
        return new Piece("opened", """
                INSERT INTO second_factor_tokens (token_hash, tenant_id, uid, created_at, expires_at, login_kind)
                SELECT :h, :t, :uid, :now, :exp, :kind FROM\s""" + onlyAfter + " RETURNING 1",
                s -> s.bind("h", hash(token)).bind("t", tenantId).bind("uid", uid).bind("now", now).bind("exp", expiresAt)
                        .bind("kind", loginKind));
    }

    /** The login of {@code token} (just opened) proved no password: its session will hold no proof of one. */
    public void markWithoutPassword(Handle h, String token) {
        h.createUpdate("UPDATE second_factor_tokens SET without_password = TRUE WHERE token_hash = :h").bind("h", hash(token)).execute();
    }

    private static final String PENDING_SELECT = """
            SELECT t.token_hash AS t_hash, t.expires_at AS t_expires_at, t.used_at AS t_used_at, t.failures AS t_failures,
                   t.login_kind AS t_login_kind, t.risk AS t_risk, t.otp_hash AS t_otp_hash, t.without_password AS t_without_password, a.*
            FROM second_factor_tokens t JOIN accounts a ON a.uid = t.uid""";

    private static org.jdbi.v3.core.mapper.RowMapper<LoginFlow.Pending> pending(long tenantId) {
        return (rs, c) -> new LoginFlow.Pending(
                new Challenge(rs.getString("t_hash"), tenantId, rs.getString("uid"), rs.getLong("t_expires_at"),
                        (Long) rs.getObject("t_used_at", Long.class), rs.getInt("t_failures"), rs.getString("t_login_kind"),
                        rs.getString("t_risk"), rs.getString("t_otp_hash"), rs.getBoolean("t_without_password")),
                AccountStore.ROW.map(rs, c));
    }

    private static Optional<LoginFlow.Pending> pending(org.jdbi.v3.core.statement.Query q, long tenantId) {
        return q.map(pending(tenantId)).findOne();
    }

    /** The challenge and its account in one query (step 2's first read). */
    public Optional<LoginFlow.Pending> findWithAccount(Handle h, long tenantId, String token) {
        return pending(h.createQuery(PENDING_SELECT + " WHERE t.token_hash = :h AND t.tenant_id = :t")
                .bind("h", hash(token)).bind("t", tenantId), tenantId);
    }

    /**
     * PostgreSQL: {@link #findWithAccount} taking the account's row lock (the first lock of step 2's transaction, as the
     * lock order wants) in the same statement, with the counts step 2 decides by, read under that lock: one round trip
     * for both. Empty, with nothing locked, when there is no such challenge. After a wait for the lock, the account's
     * columns are its latest; the challenge's are as the statement began (not locked), so whatever spends or counts on
     * the challenge checks it again.
     */
    Optional<LoginFlow.Locked> findWithAccountLocking(Handle h, long tenantId, String token) {
        var pending = pending(tenantId);
        return h.createQuery(PENDING_SELECT + " WHERE t.token_hash = :h AND t.tenant_id = :t FOR UPDATE OF a")
                .bind("h", hash(token)).bind("t", tenantId)
                .map((rs, c) -> new LoginFlow.Locked(pending.map(rs, c), AccountStore.COUNTS.map(rs, c)))
                .findOne();
    }

    /** The challenge a one-click sign-in link belongs to, by the keyed hash of the link's token. */
    public Optional<LoginFlow.Pending> findByOneClick(Handle h, long tenantId, String oneClickHash) {
        return pending(h.createQuery(PENDING_SELECT + " WHERE t.oneclick_hash = :h AND t.tenant_id = :t")
                .bind("h", oneClickHash).bind("t", tenantId), tenantId);
    }

    /** Counts a wrong answer on the challenge: false when it no longer takes answers (spent, used or expired). */
    public boolean countFailure(Handle h, String tokenHash, int maxFailures, long now) {
        return h.createUpdate("""
                        UPDATE second_factor_tokens SET failures = failures + 1 WHERE\s""" + TAKING_ANSWERS)
                .bind("now", now).bind("h", tokenHash).bind("max", maxFailures).execute() == 1;
    }

    /** The challenge {@code :h} still takes answers (at {@code :now}, below {@code :max} wrong ones). */
    private static final String TAKING_ANSWERS = "token_hash = :h AND used_at IS NULL AND expires_at > :now AND failures < :max";

    private static final String CONSUME = "UPDATE second_factor_tokens SET used_at = :now WHERE " + TAKING_ANSWERS;

    /**
     * The challenge consumed, as a piece of the caller's statement (see {@link Piece}), named {@code spent}; it binds
     * {@code :now} as the time. It writes one row for exactly one caller, and only while the challenge takes answers.
     */
    public Piece consumption(String tokenHash, long now, int maxFailures) {
        return new Piece("spent", CONSUME, s -> s.bind("now", now).bind("h", tokenHash).bind("max", maxFailures));
    }

    /**
     * The condition that the challenge of {@link #consumption} still takes answers, for another piece of the same statement;
     * it uses that piece's binds ({@code :h}, {@code :now}, {@code :max}).
     */
    public static final String TAKES_ANSWERS = "EXISTS (SELECT 1 FROM second_factor_tokens WHERE " + TAKING_ANSWERS + ")";

    /** Ends every pending challenge of the account (lockout). */
    public void closeAll(Handle h, String uid, long now) {
        h.createUpdate("UPDATE second_factor_tokens SET used_at = :now WHERE uid = :uid AND used_at IS NULL")
                .bind("now", now).bind("uid", uid).execute();
    }
}

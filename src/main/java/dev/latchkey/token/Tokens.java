package dev.latchkey.token;

import dev.latchkey.account.Account;
import dev.latchkey.account.AccountStore;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.store.Piece;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;

/**
 * Access and refresh tokens (reference §4): GUIDs handed to the client, stored only as keyed hashes.
 *
 * <p>A login starts a session: a <em>family</em> of token pairs. Refreshing consumes the refresh token (one UPDATE) and
 * issues the next pair of the family; presenting a refresh token that was already consumed means it was copied, so the
 * whole family ends. Every token carries the account's session generation at issue: blocking the account, setting its
 * password or revoking all its tokens moves the generation on ({@link AccountStore#endSessions}), which ends every
 * session of the account at once, on every node.
 */
public final class Tokens {
    /**
     * An access token that validated: whose it is, until when, the session's family and when its login passed a second
     * factor (null: the password alone), with the account as it is now.
     */
    /** A live session; {@code account} only from {@link #validateWithAccount} (null from {@link #validate}). */
    public record Session(String uid, long expiresAt, String family, Long secondFactorAt, Long passwordAt, Account account) {}

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final Audit audit;
    private final Clock clock;

    /** Whether the store is PostgreSQL, which inserts a token pair in one statement (see {@link #issue}). */
    private final boolean postgres;

    /** {@code postgres}: the store is PostgreSQL (not H2; {@link dev.latchkey.store.Database#isH2}). */
    public Tokens(Jdbi jdbi, Secrets secrets, Audit audit, Clock clock, boolean postgres) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
        this.postgres = postgres;
    }

    /**
     * A second factor passed now by the session {@code family} (step-up re-authentication): its access and refresh
     * tokens carry it from now on, as the proof a factor change asks for.
     */
    /**
     * The session of {@code accessToken} (just issued) proved no password: a login by an emailed link or code
     * (verification with AutoLogin) is one factor, the mailbox, and must not count as the password for address changes.
     */
    public void withoutPasswordProof(Handle h, String accessToken) {
        String family = h.createQuery("SELECT family FROM access_tokens WHERE token_hash = :h").bind("h", secrets.hash(accessToken))
                .mapTo(String.class).findOne().orElse(null);
        if (family != null) {
            h.createUpdate("UPDATE access_tokens SET password_at = NULL WHERE family = :f").bind("f", family).execute();
            h.createUpdate("UPDATE refresh_tokens SET password_at = NULL WHERE family = :f").bind("f", family).execute();
        }
    }

    /** The password proved again now by the session {@code family} (re-authentication with the password). */
    public void recordPassword(Handle h, String family, long now) {
        h.createUpdate("UPDATE access_tokens SET password_at = :now WHERE family = :f").bind("now", now).bind("f", family).execute();
        h.createUpdate("UPDATE refresh_tokens SET password_at = :now WHERE family = :f").bind("now", now).bind("f", family).execute();
    }

    public void recordSecondFactor(Handle h, String family, long now) {
        h.createUpdate("UPDATE access_tokens SET second_factor_at = :now WHERE family = :f").bind("now", now).bind("f", family).execute();
        h.createUpdate("UPDATE refresh_tokens SET second_factor_at = :now WHERE family = :f").bind("now", now).bind("f", family).execute();
    }

    /**
     * Starts a session inside the caller's transaction (the one that also consumed whatever proved the login).
     * {@code secondFactorAt}: when this login passed a second factor, or null.
     */
    public IssuedTokens issue(Handle h, Tenant tenant, Account account, long now, Long secondFactorAt) {
        return issue(h, tenant, account.uid(), account.sessionGeneration(), Secrets.guid(), secondFactorAt, now, now,
                now + tenant.refreshTokenMillis());
    }

    /**
     * A pair of the session {@code family}. {@code refreshExpiresAt}: when the session ends whatever happens, set at login
     * ({@code RefreshTokenLifetimeSeconds} after it) and inherited by every refresh: refreshing renews the access token,
     * never the session's absolute lifetime. The access token never outlives it.
     */
    private IssuedTokens issue(Handle h, Tenant tenant, String uid, int generation, String family, Long secondFactorAt, Long passwordAt,
                               long now, long refreshExpiresAt) {
        Issuance pair = issuance(tenant, uid, generation, family, secondFactorAt, passwordAt, now, refreshExpiresAt);
        // PostgreSQL inserts both in one statement (a data-modifying WITH): one round trip for the pair; H2 has no such form.
        if (postgres) {
            Piece access = pair.pieces().get(1);
            Update u = h.createUpdate(Piece.with(pair.pieces().subList(0, 1), access.sql()));
            Piece.bind(u, pair.pieces());
            u.execute();
        } else {
            pair.pieces().forEach(p -> p.execute(h));
        }
        return pair.tokens();
    }

    /** A new session's pair, and the two inserts that store it (the refresh token first) for the caller to run. */
    public record Issuance(IssuedTokens tokens, List<Piece> pieces) {}

    /**
     * {@link #issue(Handle, Tenant, Account, long, Long)} as pieces of the caller's statement (PostgreSQL: see {@link Piece}),
     * named {@code refresh} and {@code access}; they bind {@code :t}, {@code :uid} and {@code :now} as the tenant, the account
     * and the time.
     */
    public Issuance issuance(Tenant tenant, Account account, long now, Long secondFactorAt) {
        return issuance(tenant, account.uid(), account.sessionGeneration(), Secrets.guid(), secondFactorAt, now, now,
                now + tenant.refreshTokenMillis());
    }

    private Issuance issuance(Tenant tenant, String uid, int generation, String family, Long secondFactorAt, Long passwordAt,
                              long now, long refreshExpiresAt) {
        String access = Secrets.guid();
        String refresh = Secrets.guid();
        long accessExpires = Math.min(now + tenant.accessTokenMillis(), refreshExpiresAt);
        String refreshHash = secrets.hash(refresh);
        String accessHash = secrets.hash(access);
        Consumer<SqlStatement<?>> common = s -> s.bind("r", refreshHash).bind("t", tenant.id()).bind("uid", uid).bind("now", now)
                .bind("g", generation).bind("f", family).bind("sf", secondFactorAt).bind("pw", passwordAt);
        Piece insertRefresh = new Piece("refresh", """
                INSERT INTO refresh_tokens (token_hash, tenant_id, uid, created_at, expires_at, generation, family, second_factor_at, password_at)
                VALUES (:r, :t, :uid, :now, :rexp, :g, :f, :sf, :pw)""", s -> common.accept(s.bind("rexp", refreshExpiresAt)));
        Piece insertAccess = new Piece("access", """
                INSERT INTO access_tokens (token_hash, tenant_id, uid, refresh_hash, created_at, expires_at, generation, family, second_factor_at, password_at)
                VALUES (:a, :t, :uid, :r, :now, :aexp, :g, :f, :sf, :pw)""", s -> common.accept(s.bind("a", accessHash).bind("aexp", accessExpires)));
        return new Issuance(new IssuedTokens(access, refresh, accessExpires), List.of(insertRefresh, insertAccess));
    }

    /**
     * The session of an access token (without its account: {@link Session#account()} is null): 1060 when missing, 905
     * when unknown, another tenant's, or ended (logout, a revocation, the account blocked or its password set), 906 when
     * expired. What {@code /access_token/validate} needs, without reading and parsing the profile.
     */
    public Session validate(Tenant tenant, String accessToken) {
        return session(tenant, accessToken, false);
    }

    /** {@link #validate}, with the account (one read: the endpoints a signed-in user calls). */
    public Session validateWithAccount(Tenant tenant, String accessToken) {
        return session(tenant, accessToken, true);
    }

    private Session session(Tenant tenant, String accessToken, boolean withAccount) {
        if (accessToken == null) {
            throw LrError.ACCESS_TOKEN_MISSING.error();
        }
        if (!Secrets.isGuid(accessToken)) {
            throw LrError.ACCESS_TOKEN_INVALID.error();
        }
        Session s = jdbi.withHandle(h -> h.createQuery("""
                        SELECT t.expires_at AS t_expires_at, t.family AS t_family, t.second_factor_at AS t_second_factor_at,
                               t.password_at AS t_password_at,
                               t.generation AS t_generation, """ + (withAccount ? "a.*" : "a.uid, a.session_generation, a.is_active") + """

                        FROM access_tokens t JOIN accounts a ON a.uid = t.uid
                        WHERE t.token_hash = :h AND t.tenant_id = :t""")
                .bind("h", secrets.hash(accessToken)).bind("t", tenant.id())
                .map((rs, c) -> {
                    if (rs.getInt("t_generation") != rs.getInt("session_generation") || !rs.getBoolean("is_active")) {
                        return null;
                    }
                    return new Session(rs.getString("uid"), rs.getLong("t_expires_at"), rs.getString("t_family"),
                            (Long) rs.getObject("t_second_factor_at", Long.class), (Long) rs.getObject("t_password_at", Long.class),
                            withAccount ? AccountStore.ROW.map(rs, c) : null);
                }).findOne().orElse(null));
        if (s == null) {
            throw LrError.ACCESS_TOKEN_INVALID.error();
        }
        if (s.expiresAt() <= clock.millis()) {
            throw LrError.ACCESS_TOKEN_EXPIRED.error();
        }
        return s;
    }

    /**
     * Logout: the access token stops working. Its refresh token too with preventRefresh, or when the tenant makes every
     * logout end the refresh token ({@code Tokens.LogoutEndsRefreshToken}); LoginRadius keeps it otherwise.
     */
    public void invalidate(Tenant tenant, String accessToken, boolean preventRefresh, Audit.Origin origin) {
        Session s = validate(tenant, accessToken);
        String hash = secrets.hash(accessToken);
        long now = clock.millis();
        boolean endRefresh = preventRefresh || tenant.logoutEndsRefreshToken();
        jdbi.useTransaction(h -> {
            if (endRefresh) {
                h.createUpdate("""
                                UPDATE refresh_tokens SET used_at = :now, ended_by = 'logout' WHERE used_at IS NULL
                                AND token_hash = (SELECT refresh_hash FROM access_tokens WHERE token_hash = :h)""")
                        .bind("now", now).bind("h", hash).execute();
            }
            h.createUpdate("DELETE FROM access_tokens WHERE token_hash = :h").bind("h", hash).execute();
            audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.SESSION_ENDED, s.uid(),
                    endRefresh ? "logout, refresh token ended" : "logout"), now);
        });
    }

    /** What a refresh came to: new tokens, or a refusal whose transaction still commits (a family ended on reuse). */
    private record Refreshed(IssuedTokens tokens, ApiException refusal) {}

    /**
     * Exchanges a refresh token (consumed by this call) for the next pair of its family; 1217 when unknown, used, revoked,
     * expired or ended with its account's sessions. A refresh token that was already used ends its whole family.
     */
    public IssuedTokens refresh(Tenant tenant, String refreshToken, Audit.Origin origin) {
        String hash = refreshHash(refreshToken);
        long now = clock.millis();
        if (postgres) {
            IssuedTokens next = refreshInOneStatement(tenant, hash, now);
            if (next != null) {
                return next;
            }
        }
        Refreshed r = jdbi.inTransaction(h -> {
            // The usual case in one statement: the token is consumed where it is live and its account's sessions stand, and
            // what the next pair inherits comes back with the update. Anything else takes the path below, which tells why.
            Object[] taken = postgres ? null : h.createUpdate(CONSUME_LIVE).bind("now", now).bind("h", hash).bind("t", tenant.id())
                    .executeAndReturnGeneratedKeys("uid", "family", "generation", "second_factor_at", "expires_at", "password_at")
                    .map((rs, c) -> new Object[] {rs.getString(1), rs.getString(2), rs.getInt(3), rs.getObject(4, Long.class),
                            rs.getLong(5), rs.getObject(6, Long.class)})
                    .findOne().orElse(null);
            if (taken != null) {
                String family = (String) taken[1];
                return new Refreshed(issue(h, tenant, (String) taken[0], (Integer) taken[2], family != null ? family : Secrets.guid(),
                        (Long) taken[3], (Long) taken[5], now, (Long) taken[4]), null);
            }
            var row = h.createQuery("""
                            SELECT r.uid, r.family, r.generation, r.second_factor_at, a.session_generation, a.is_active, r.expires_at, r.password_at
                            FROM refresh_tokens r JOIN accounts a ON a.uid = r.uid
                            WHERE r.token_hash = :h AND r.tenant_id = :t""")
                    .bind("h", hash).bind("t", tenant.id())
                    .map((rs, c) -> new Object[] {rs.getString(1), rs.getString(2), rs.getInt(3), rs.getObject(4, Long.class),
                            rs.getInt(5), rs.getBoolean(6), rs.getLong(7), rs.getObject(8, Long.class)})
                    .findOne().orElseThrow(LrError.REFRESH_TOKEN_INVALID::error);
            String uid = (String) row[0];
            String family = (String) row[1];
            int generation = (Integer) row[4];
            if ((Integer) row[2] != generation || !(Boolean) row[5]) {
                throw LrError.REFRESH_TOKEN_INVALID.error();
            }
            int consumed = h.createUpdate("""
                            UPDATE refresh_tokens SET used_at = :now, ended_by = 'refresh'
                            WHERE token_hash = :h AND tenant_id = :t AND used_at IS NULL AND expires_at > :now""")
                    .bind("now", now).bind("h", hash).bind("t", tenant.id()).execute();
            if (consumed != 1) {
                // Read again: a refresh that raced this one has committed by now (its UPDATE held the row). Only a token
                // consumed by a refresh is a copy when presented again; a revoked or logged-out one is just refused.
                boolean reused = h.createQuery("SELECT ended_by FROM refresh_tokens WHERE token_hash = :h")
                        .bind("h", hash).map((rs, c) -> "refresh".equals(rs.getString(1))).one();
                if (reused && family != null) {
                    endFamily(h, family, now);
                    audit.record(h, tenant.id(), origin, new Audit.Event(Audit.SESSION_ENDED, Audit.Outcome.REFUSED, uid, null,
                            LrError.REFRESH_TOKEN_INVALID.code, "a used refresh token was presented again: its session ended"), now);
                }
                return new Refreshed(null, LrError.REFRESH_TOKEN_INVALID.error());
            }
            return new Refreshed(issue(h, tenant, uid, generation, family != null ? family : Secrets.guid(), (Long) row[3], (Long) row[7],
                    now, (Long) row[6]), null);
        });
        if (r.refusal() != null) {
            throw r.refusal();
        }
        return r.tokens();
    }

    /**
     * A refresh token consumed where it is live and its account's sessions stand (the usual refresh, on either path).
     */
    private static final String CONSUME_LIVE = """
            UPDATE refresh_tokens SET used_at = :now, ended_by = 'refresh'
            WHERE token_hash = :h AND tenant_id = :t AND used_at IS NULL AND expires_at > :now
              AND EXISTS (SELECT 1 FROM accounts a WHERE a.uid = refresh_tokens.uid AND a.is_active = TRUE
                          AND a.session_generation = refresh_tokens.generation)""";

    /**
     * PostgreSQL's usual refresh in one round trip: the token consumed where it is live and its account's sessions stand,
     * and the next pair of its family inserted from what the update returns (data-modifying WITHs), in one statement
     * committed by itself, so it is all or nothing like the transaction it replaces. Null when nothing was consumed: the
     * caller's path then tells why (unknown, used, ended or expired), as on H2.
     */
    private IssuedTokens refreshInOneStatement(Tenant tenant, String hash, long now) {
        String access = Secrets.guid();
        String refresh = Secrets.guid();
        String refreshHash = secrets.hash(refresh);
        return jdbi.withHandle(h -> h.createQuery("WITH taken AS (" + CONSUME_LIVE + """

                            RETURNING uid, COALESCE(family, :nf) AS family, generation, second_factor_at, expires_at, password_at),
                        refresh AS (
                            INSERT INTO refresh_tokens (token_hash, tenant_id, uid, created_at, expires_at, generation, family, second_factor_at, password_at)
                            SELECT :r, :t, uid, :now, expires_at, generation, family, second_factor_at, password_at FROM taken)
                        INSERT INTO access_tokens (token_hash, tenant_id, uid, refresh_hash, created_at, expires_at, generation, family, second_factor_at, password_at)
                        SELECT :a, :t, uid, :r, :now, LEAST(:aexp, expires_at), generation, family, second_factor_at, password_at FROM taken
                        RETURNING expires_at""")
                .bind("now", now).bind("h", hash).bind("t", tenant.id()).bind("nf", Secrets.guid()).bind("r", refreshHash)
                .bind("a", secrets.hash(access)).bind("aexp", now + tenant.accessTokenMillis())
                .mapTo(Long.class).findOne().map(accessExpires -> new IssuedTokens(access, refresh, accessExpires)).orElse(null));
    }

    /**
     * {@code GET /manage/account/access_token?uid=}: a new session for the account, asked by the application (LoginRadius's
     * impersonation token): no second factor on it, audited as the application's. 938 unknown, 991 blocked.
     */
    public IssuedTokens issueForApp(Tenant tenant, String uid, AccountStore accounts, Audit.Origin origin) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            Account account = uid == null ? null : accounts.byUid(h, tenant.id(), uid).orElse(null);
            if (account == null) {
                throw LrError.USER_NOT_FOUND.error();
            }
            if (!account.active()) {
                throw LrError.ACCOUNT_BLOCKED.error();
            }
            // Nobody proved the password: a session the application asked for cannot change the account's addresses.
            IssuedTokens issued = issue(h, tenant, account.uid(), account.sessionGeneration(), Secrets.guid(), null, null, now,
                    now + tenant.refreshTokenMillis());
            audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.LOGIN, uid, "token issued to the application by uid"), now);
            return issued;
        });
    }

    /**
     * {@code GET /auth/access_token/sliding_token}: the session of a valid access token goes on with a new pair (the
     * same session: its second-factor proof and its absolute end, never extended); the old access token and its refresh
     * token stop working.
     */
    public IssuedTokens slide(Tenant tenant, String accessToken, Audit.Origin origin) {
        Session s = validate(tenant, accessToken);
        long now = clock.millis();
        String hash = secrets.hash(accessToken);
        return jdbi.inTransaction(h -> {
            var row = h.createQuery("""
                            SELECT t.refresh_hash, t.generation, r.expires_at FROM access_tokens t
                            LEFT JOIN refresh_tokens r ON r.token_hash = t.refresh_hash
                            WHERE t.token_hash = :h AND t.tenant_id = :t""")
                    .bind("h", hash).bind("t", tenant.id())
                    .map((rs, c) -> new Object[] {rs.getString(1), rs.getInt(2), rs.getObject(3, Long.class)})
                    .findOne().orElseThrow(LrError.ACCESS_TOKEN_INVALID::error);
            if (h.createUpdate("DELETE FROM access_tokens WHERE token_hash = :h").bind("h", hash).execute() != 1) {
                throw LrError.ACCESS_TOKEN_INVALID.error(); // a concurrent slide of the same token won
            }
            h.createUpdate("UPDATE refresh_tokens SET used_at = :now, ended_by = 'slide' WHERE token_hash = :r AND used_at IS NULL")
                    .bind("now", now).bind("r", row[0]).execute();
            long end = row[2] != null ? (Long) row[2] : now + tenant.refreshTokenMillis();
            IssuedTokens issued = issue(h, tenant, s.uid(), (Integer) row[1], s.family() != null ? s.family() : Secrets.guid(),
                    s.secondFactorAt(), s.passwordAt(), now, end);
            audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.LOGIN, s.uid(), "sliding token"), now);
            return issued;
        });
    }

    private static void endFamily(Handle h, String family, long now) {
        h.createUpdate("UPDATE refresh_tokens SET used_at = :now, ended_by = 'reuse' WHERE family = :f AND used_at IS NULL")
                .bind("now", now).bind("f", family).execute();
        h.createUpdate("DELETE FROM access_tokens WHERE family = :f").bind("f", family).execute();
    }

    /**
     * Revokes a refresh token (LoginRadius: the access token it came with lives on until logout or expiry); 1217 when
     * unknown or already ended.
     */
    public void revoke(Tenant tenant, String refreshToken, Audit.Origin origin) {
        String hash = refreshHash(refreshToken);
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            String uid = h.createQuery("SELECT uid FROM refresh_tokens WHERE token_hash = :h AND tenant_id = :t AND used_at IS NULL")
                    .bind("h", hash).bind("t", tenant.id()).mapTo(String.class).findOne().orElseThrow(LrError.REFRESH_TOKEN_INVALID::error);
            int n = h.createUpdate("UPDATE refresh_tokens SET used_at = :now, ended_by = 'revoke' WHERE token_hash = :h AND used_at IS NULL")
                    .bind("now", now).bind("h", hash).execute();
            if (n != 1) {
                throw LrError.REFRESH_TOKEN_INVALID.error();
            }
            audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.SESSION_ENDED, uid, "refresh token revoked"), now);
        });
    }

    /**
     * Ends every session of an account of this tenant, and the links, codes and sign-ins waiting for a link that were
     * asked for before (938 when the tenant has no such account).
     */
    public void revokeAll(Tenant tenant, String uid, AccountStore accounts, Audit.Origin origin) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            if (uid == null || accounts.byUid(h, tenant.id(), uid).isEmpty()) {
                throw LrError.USER_NOT_FOUND.error();
            }
            accounts.endSessions(h, uid, now);
            // As a block or a new password does: what was asked for before (links and codes sent, sign-ins waiting for
            // a link) must not outlive "end everything" (the operator's revoke-sessions after an account was taken).
            dev.latchkey.account.AccountLinks.endPending(h, uid, now);
            dev.latchkey.account.PhoneCodes.endForAccount(h, uid, now);
            dev.latchkey.account.SignInPolls.endForAccount(h, uid, now);
            audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.SESSIONS_ENDED, uid, "all tokens revoked"), now);
        });
    }

    /**
     * A live session of an account as operators see it: its family's id, when its login happened (the first pair of the
     * family still kept), when it ends (its refresh token's absolute end, or its last access token's where no refresh
     * token lives on), and whether its login passed a second factor. Never a token or a token's hash.
     */
    public record SessionSummary(String id, long createdAt, long expiresAt, boolean secondFactor) {}

    /**
     * The account's live sessions, newest first: families with a refresh or access token that has not ended, expired or
     * been outlived by the account's session generation.
     */
    public List<SessionSummary> sessions(Tenant tenant, Account account) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT live.family, MIN(first.created_at), MAX(live.expires_at), MAX(live.second_factor_at)
                        FROM (SELECT family, expires_at, second_factor_at FROM refresh_tokens
                              WHERE uid = :uid AND tenant_id = :t AND generation = :g AND used_at IS NULL AND expires_at > :now
                              UNION ALL
                              SELECT family, expires_at, second_factor_at FROM access_tokens
                              WHERE uid = :uid AND tenant_id = :t AND generation = :g AND expires_at > :now) live
                        JOIN refresh_tokens first ON first.family = live.family
                        WHERE live.family IS NOT NULL
                        GROUP BY live.family
                        ORDER BY MIN(first.created_at) DESC, live.family""")
                .bind("uid", account.uid()).bind("t", tenant.id()).bind("g", account.sessionGeneration()).bind("now", now)
                .map((rs, c) -> new SessionSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getObject(4, Long.class) != null))
                .list());
    }

    /**
     * Ends one session of the account (an operator's revocation): its refresh tokens are revoked and its access tokens
     * stop working at once, on every node. False when the account has no live session with that id.
     */
    public boolean endSession(Tenant tenant, Account account, String family, Audit.Origin origin) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            int refresh = h.createUpdate("""
                            UPDATE refresh_tokens SET used_at = :now, ended_by = 'revoke'
                            WHERE family = :f AND uid = :uid AND tenant_id = :t AND generation = :g AND used_at IS NULL AND expires_at > :now""")
                    .bind("now", now).bind("f", family).bind("uid", account.uid()).bind("t", tenant.id()).bind("g", account.sessionGeneration())
                    .execute();
            int access = h.createUpdate("""
                            DELETE FROM access_tokens WHERE family = :f AND uid = :uid AND tenant_id = :t AND generation = :g AND expires_at > :now""")
                    .bind("f", family).bind("uid", account.uid()).bind("t", tenant.id()).bind("g", account.sessionGeneration()).bind("now", now)
                    .execute();
            if (refresh + access == 0) {
                return false;
            }
            audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.SESSION_ENDED, account.uid(), "session " + family + " revoked"), now);
            return true;
        });
    }

    private String refreshHash(String refreshToken) {
        if (refreshToken == null) {
            throw LrError.required("refresh_token");
        }
        if (!Secrets.isGuid(refreshToken)) {
            throw LrError.REFRESH_TOKEN_INVALID.error();
        }
        return secrets.hash(refreshToken);
    }

}

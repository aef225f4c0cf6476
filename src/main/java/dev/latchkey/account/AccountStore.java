package dev.latchkey.account;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.store.Piece;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Accounts and their unique login identifiers. Every method takes the caller's Handle so use cases own the transaction.
 *
 * <p>Lock order: a transaction that writes an account's row and rows that belong to it (its 2FA tokens, codes, passkeys)
 * takes the account's row first ({@link #lockRow}, or an UPDATE of it), so two such transactions never wait on each other
 * in opposite orders (H2 and PostgreSQL would abort one as a deadlock).
 */
public final class AccountStore {
    /** Maps an {@code accounts} row (also inside joins that select {@code a.*}). */
    public static final RowMapper<Account> ROW = (rs, ctx) -> new Account(
            rs.getString("uid"), rs.getLong("tenant_id"), (ObjectNode) Json.parse(rs.getString("profile")),
            rs.getString("password_hash"), rs.getBoolean("is_active"), rs.getBoolean("email_verified"),
            rs.getInt("no_of_logins"), (Long) rs.getObject("last_login_at", Long.class),
            (Long) rs.getObject("password_changed_at", Long.class), rs.getInt("password_failures"),
            rs.getInt("second_factor_failures"), (Long) rs.getObject("locked_until", Long.class),
            rs.getLong("created_at"), rs.getLong("modified_at"), rs.getInt("session_generation"), rs.getBoolean("mfa_enrolled"));

    public Optional<Account> byUid(Handle h, long tenantId, String uid) {
        return h.createQuery("SELECT * FROM accounts WHERE uid = :uid AND tenant_id = :t")
                .bind("uid", uid).bind("t", tenantId).map(ROW).findOne();
    }

    public Optional<Account> byIdentifier(Handle h, long tenantId, String kind, String value) {
        return h.createQuery("""
                        SELECT a.* FROM account_identifiers i JOIN accounts a ON a.uid = i.uid
                        WHERE i.tenant_id = :t AND i.kind = :k AND i.ident = :v""")
                .bind("t", tenantId).bind("k", kind).bind("v", value).map(ROW).findOne();
    }


    /**
     * The networks of the recent completed logins of the account this identifier names ({@code accounts.trusted_addresses},
     * see {@code LoginThrottle#trusted}); empty when it names none or none is kept. One indexed read either way.
     */
    public Optional<String> trustedAddresses(Handle h, long tenantId, String kind, String value) {
        return h.createQuery("""
                        SELECT a.trusted_addresses FROM account_identifiers i JOIN accounts a ON a.uid = i.uid
                        WHERE i.tenant_id = :t AND i.kind = :k AND i.ident = :v""")
                .bind("t", tenantId).bind("k", kind).bind("v", value).mapTo(String.class).findOne();
    }

    /**
     * The account whose identifier of this kind ("email", "username", "phone") is {@code value} as a user typed it,
     * compared on its key ({@link Identifiers#key}), as the login compares it.
     */
    public Optional<Account> byLoginIdentifier(Handle h, long tenantId, String kind, String value) {
        return byIdentifier(h, tenantId, kind, Identifiers.key(kind, value));
    }

    /** The kind of the first identifier in {@code ids} that another account of the tenant already holds, if any. */
    public Optional<String> takenIdentifier(Handle h, long tenantId, String exceptUid, List<String[]> ids) {
        for (String[] id : ids) {
            Optional<String> owner = h.createQuery("SELECT uid FROM account_identifiers WHERE tenant_id = :t AND kind = :k AND ident = :v")
                    .bind("t", tenantId).bind("k", id[0]).bind("v", id[1]).mapTo(String.class).findOne();
            if (owner.isPresent() && !owner.get().equals(exceptUid)) {
                return Optional.of(id[0]);
            }
        }
        return Optional.empty();
    }

    public void insert(Handle h, Account a, List<String[]> ids) {
        h.createUpdate("""
                        INSERT INTO accounts (uid, tenant_id, profile, password_hash, is_active, email_verified, password_changed_at,
                                              created_at, modified_at)
                        VALUES (:uid, :t, :p, :ph, :active, :ev, :pc, :c, :c)""")
                .bind("uid", a.uid()).bind("t", a.tenantId()).bind("p", Json.write(a.profile()))
                .bind("ph", a.passwordHash()).bind("active", a.active()).bind("ev", a.emailVerified())
                .bind("pc", a.passwordChangedAt()).bind("c", a.createdAt()).execute();
        insertIdentifiers(h, a.tenantId(), a.uid(), ids);
    }

    /** What {@link #insert} leaves at its defaults and an import brings: logins, the last one, dates, whether MFA was set up. */
    public void importedState(Handle h, Account a) {
        h.createUpdate("""
                        UPDATE accounts SET no_of_logins = :n, last_login_at = :last, modified_at = :m, mfa_enrolled = :mfa
                        WHERE uid = :uid""")
                .bind("n", a.noOfLogins()).bind("last", a.lastLoginAt()).bind("m", a.modifiedAt()).bind("mfa", a.mfaEnrolled())
                .bind("uid", a.uid()).execute();
    }

    private void insertIdentifiers(Handle h, long tenantId, String uid, List<String[]> ids) {
        for (String[] id : ids) {
            h.createUpdate("INSERT INTO account_identifiers (tenant_id, kind, ident, uid, skeleton) VALUES (:t, :k, :v, :uid, :s)")
                    .bind("t", tenantId).bind("k", id[0]).bind("v", id[1]).bind("uid", uid).bind("s", Identifiers.skeleton(id[1])).execute();
        }
    }

    /**
     * The kind of the first identifier in {@code ids} that looks like one another account of the tenant holds (same UTS
     * #39 skeleton, not both plain ASCII: {@link Identifiers#confusable}), if any.
     */
    public Optional<String> confusableIdentifier(Handle h, long tenantId, String exceptUid, List<String[]> ids) {
        for (String[] id : ids) {
            List<String> others = h.createQuery(
                            "SELECT ident FROM account_identifiers WHERE tenant_id = :t AND kind = :k AND skeleton = :s AND uid <> :uid")
                    .bind("t", tenantId).bind("k", id[0]).bind("s", Identifiers.skeleton(id[1])).bind("uid", exceptUid == null ? "" : exceptUid)
                    .mapTo(String.class).list();
            if (others.stream().anyMatch(other -> Identifiers.confusable(id[1], other))) {
                return Optional.of(id[0]);
            }
        }
        return Optional.empty();
    }

    /** The identifier keys the account holds now, as "kind:key". */
    public java.util.Set<String> identifierKeys(Handle h, String uid) {
        return new java.util.HashSet<>(h.createQuery("SELECT kind, ident FROM account_identifiers WHERE uid = :uid").bind("uid", uid)
                .map((rs, c) -> rs.getString(1) + ":" + rs.getString(2)).list());
    }

    public void updateProfile(Handle h, Account a, List<String[]> ids, long now) {
        h.createUpdate("""
                        UPDATE accounts SET profile = :p, password_hash = :ph, is_active = :active, email_verified = :ev,
                               password_changed_at = :pc, modified_at = :now WHERE uid = :uid""")
                .bind("p", Json.write(a.profile())).bind("ph", a.passwordHash()).bind("active", a.active())
                .bind("ev", a.emailVerified()).bind("pc", a.passwordChangedAt()).bind("now", now).bind("uid", a.uid()).execute();
        h.createUpdate("DELETE FROM account_identifiers WHERE uid = :uid").bind("uid", a.uid()).execute();
        insertIdentifiers(h, a.tenantId(), a.uid(), ids);
    }

    public boolean delete(Handle h, long tenantId, String uid) {
        return h.createUpdate("DELETE FROM accounts WHERE uid = :uid AND tenant_id = :t").bind("uid", uid).bind("t", tenantId).execute() == 1;
    }

    /**
     * A successful login: counters and failure counts reset, NoOfLogins and LastLoginDate kept true. False when the account
     * is gone (deleted, or its uid changed, since the login began).
     */
    public RecordedLogin recordLogin(Handle h, String uid, long now) {
        // The new count and the kept networks come back with the update (one round trip): see LoginThrottle#rememberTrusted.
        return h.createUpdate(RECORD_LOGIN)
                .bind("now", now).bind("uid", uid).executeAndReturnGeneratedKeys("no_of_logins", "trusted_addresses")
                .map(RECORDED_LOGIN).one();
    }

    private static final String RECORD_LOGIN = """
            UPDATE accounts SET no_of_logins = no_of_logins + 1, last_login_at = :now,
                   password_failures = 0, second_factor_failures = 0, locked_until = NULL WHERE uid = :uid""";

    /**
     * PostgreSQL: {@link #recordLogin} as a piece of the caller's statement (see {@link Piece}), named {@code login}, returning
     * the count and the networks ({@link #RECORDED_LOGIN} reads them); with {@code onlyIfSpent}, only if the piece named
     * {@code spent} (what proved the login, spent in the same statement) returned a row. It binds {@code :uid} and
     * {@code :now} as the account and the time.
     */
    public Piece loginRecording(String uid, long now, boolean onlyIfSpent) {
        return new Piece("login", RECORD_LOGIN + (onlyIfSpent ? " AND EXISTS (SELECT 1 FROM spent)" : "")
                + " RETURNING no_of_logins, trusted_addresses", s -> s.bind("now", now).bind("uid", uid));
    }

    /** Reads what {@link #recordLogin} or {@link #loginRecording} returned: the count, then the networks, as the first two columns. */
    public static final RowMapper<RecordedLogin> RECORDED_LOGIN = (rs, c) -> new RecordedLogin(rs.getInt(1), rs.getString(2));

    /** What {@link #recordLogin} left: the account's login count with this one, and its recent login networks. */
    public record RecordedLogin(int logins, String trustedAddresses) {}

    /** The account has no password any more (its owner signs in by links and codes until they set one). */
    public void clearPassword(Handle h, String uid) {
        rehashPassword(h, uid, null);
    }

    public void rehashPassword(Handle h, String uid, String hash) {
        h.createUpdate("UPDATE accounts SET password_hash = :ph WHERE uid = :uid").bind("ph", hash).bind("uid", uid).execute();
    }

    /**
     * A right password: the count its attempt reserved goes back to zero, in the statement that takes the account's row
     * (the lock order); false when there is no such account (deleted, or its uid changed, since the password was checked).
     */
    public boolean lockAndResetPasswordFailures(Handle h, String uid) {
        return h.createUpdate(RESET_PASSWORD_FAILURES).bind("uid", uid).execute() == 1;
    }

    private static final String RESET_PASSWORD_FAILURES = "UPDATE accounts SET password_failures = 0 WHERE uid = :uid";

    /**
     * PostgreSQL only: {@link #lockAndResetPasswordFailures} returning {@code returning} (expressions that may read other
     * tables, naming the account as {@code :uid}), read by {@code mapper}, in the same statement; empty when there is no
     * such account.
     */
    public <T> Optional<T> lockAndResetPasswordFailuresReturning(Handle h, String uid, String returning, RowMapper<T> mapper) {
        return h.createQuery(RESET_PASSWORD_FAILURES + " RETURNING " + returning).bind("uid", uid).map(mapper).findOne();
    }

    /**
     * PostgreSQL: {@link #lockAndResetPasswordFailuresReturning} as a piece of the caller's statement (see {@link Piece}),
     * named {@code reset}: it returns a row (with {@code returning}) only when the account exists. It binds {@code :uid}.
     */
    public Piece passwordFailuresReset(String uid, String returning) {
        return new Piece("reset", RESET_PASSWORD_FAILURES + " RETURNING " + returning, s -> s.bind("uid", uid));
    }

    public void resetPasswordFailures(Handle h, String uid) {
        h.createUpdate("UPDATE accounts SET password_failures = 0 WHERE uid = :uid AND password_failures <> 0").bind("uid", uid).execute();
    }

    /** Counts a failure of the given kind and returns the new count (atomic increment, safe across nodes). */
    public int countFailure(Handle h, String uid, String column) {
        checkColumn(column);
        return h.createUpdate("UPDATE accounts SET " + column + " = " + column + " + 1 WHERE uid = :uid").bind("uid", uid)
                .executeAndReturnGeneratedKeys(column).mapTo(Integer.class).findOne().orElse(0);
    }

    /** Sets one server-maintained field of the stored profile document (e.g. PasskeyLogin). */
    public void setProfileField(Handle h, String uid, String key, com.fasterxml.jackson.databind.JsonNode value) {
        String doc = h.createQuery("SELECT profile FROM accounts WHERE uid = :uid FOR UPDATE").bind("uid", uid).mapTo(String.class).one();
        ObjectNode profile = (ObjectNode) Json.parse(doc);
        if (value == null || value.isNull()) {
            profile.remove(key);
        } else {
            profile.set(key, value);
        }
        h.createUpdate("UPDATE accounts SET profile = :p WHERE uid = :uid").bind("p", Json.write(profile)).bind("uid", uid).execute();
    }

    /** Takes the account's row lock for the rest of the transaction (see the lock order above). */
    /** An account's row, locked until the transaction ends: its failure counts and lock (null: no such account). */
    public record Counts(int passwordFailures, int secondFactorFailures, Long lockedUntil, boolean mfaEnrolled) {}

    /** Reads {@link Counts} from a row with the account's columns of the same names (one that also has others, too). */
    public static final RowMapper<Counts> COUNTS = (rs, c) -> new Counts(rs.getInt("password_failures"), rs.getInt("second_factor_failures"),
            (Long) rs.getObject("locked_until", Long.class), rs.getBoolean("mfa_enrolled"));

    /** {@link #lockRow}, returning what it locked. */
    public Counts lockCounts(Handle h, String uid) {
        return h.createQuery("SELECT password_failures, second_factor_failures, locked_until, mfa_enrolled FROM accounts WHERE uid = :uid FOR UPDATE")
                .bind("uid", uid).map(COUNTS)
                .findOne().orElse(null);
    }

    /** Sets a failure count the caller computed under {@link #lockCounts}. */
    public void setFailures(Handle h, String uid, String column, int count) {
        checkColumn(column);
        h.createUpdate("UPDATE accounts SET " + column + " = :n WHERE uid = :uid").bind("n", count).bind("uid", uid).execute();
    }

    public boolean lockRow(Handle h, String uid) {
        return h.createQuery("SELECT uid FROM accounts WHERE uid = :uid FOR UPDATE").bind("uid", uid).mapTo(String.class).findOne().isPresent();
    }

    /**
     * How long attempts counted before evaluation may stay unresolved: no evaluation lasts this long (the hashing queue
     * and a hash take seconds at most), so a count at the limit with nothing counted for this long is not attempts in
     * flight but a lowered limit or a node that stopped mid-login, and the next attempt is evaluated (and locks if wrong).
     */
    public static final long STALE_RESERVATION_MILLIS = 60_000;

    /**
     * Counts an attempt of the given kind before its answer is evaluated, so that however many arrive at once, no more than
     * {@code max} are evaluated: the count only grows while below {@code max} and the account is not locked. Returns the
     * count with this attempt, or -1 when the attempt must not be evaluated (locked, or {@code max} already in flight).
     * A right answer resets the count; a wrong one keeps it (it was counted exactly once, here).
     */
    public int reserveAttempt(Handle h, String uid, String column, int max, long now) {
        checkColumn(column);
        // The new count comes back with the update (RETURNING on PostgreSQL, H2's FINAL TABLE): one round trip.
        return h.createUpdate(reservation(column, ":uid")).bind("uid", uid).bind("max", max).bind("now", now)
                .bind("stale", now - STALE_RESERVATION_MILLIS)
                .executeAndReturnGeneratedKeys(column).mapTo(Integer.class).findOne().orElse(-1);
    }

    /**
     * PostgreSQL: {@link #reserveAttempt} as a piece of the caller's statement (see {@link Piece}), named {@code reserved},
     * for the account {@code uidExpression} names (an expression of the statement, which may name none), returning the
     * count with this attempt; no row when it named no account or the attempt must not be evaluated. It binds {@code :max},
     * {@code :now} and {@code :stale}.
     */
    public Piece attemptReservation(String column, String uidExpression, int max, long now) {
        checkColumn(column);
        return new Piece("reserved", reservation(column, uidExpression) + " RETURNING " + column,
                s -> s.bind("max", max).bind("now", now).bind("stale", now - STALE_RESERVATION_MILLIS));
    }

    private static String reservation(String column, String uidExpression) {
        return "UPDATE accounts SET " + column + " = " + column + " + 1, attempt_reserved_at = :now WHERE uid = " + uidExpression + " AND ("
                + column + " < :max OR attempt_reserved_at IS NULL OR attempt_reserved_at < :stale)"
                + " AND (locked_until IS NULL OR locked_until <= :now)";
    }

    /** Gives back an attempt that was reserved but never evaluated (the answer could not be checked at all). */
    public void refundAttempt(Handle h, String uid, String column) {
        checkColumn(column);
        h.createUpdate("UPDATE accounts SET " + column + " = " + column + " - 1 WHERE uid = :uid AND " + column + " > 0")
                .bind("uid", uid).execute();
    }

    /** Until when the account is locked (null: not locked, or no such account). */
    public Long lockedUntil(Handle h, String uid) {
        return h.createQuery("SELECT locked_until FROM accounts WHERE uid = :uid").bind("uid", uid)
                .map((rs, c) -> (Long) rs.getObject(1, Long.class)).findOne().orElse(null);
    }

    /**
     * Ends every session of the account at once: access and refresh tokens of an older generation no longer validate, and
     * logins waiting for their second factor are closed (they proved a password that may just have changed).
     */
    public void endSessions(Handle h, String uid, long now) {
        h.createUpdate("UPDATE accounts SET session_generation = session_generation + 1 WHERE uid = :uid").bind("uid", uid).execute();
        h.createUpdate("UPDATE second_factor_tokens SET used_at = :now WHERE uid = :uid AND used_at IS NULL")
                .bind("now", now).bind("uid", uid).execute();
        forgetDevices(h, uid);
    }

    /** Marks the account's email verified; whether it was not before. */
    public boolean setEmailVerified(Handle h, String uid, long now) {
        return h.createUpdate("UPDATE accounts SET email_verified = TRUE, modified_at = :now WHERE uid = :uid AND email_verified = FALSE")
                .bind("now", now).bind("uid", uid).execute() == 1;
    }

    /** Ends every remembered device of the account (a password set, the account blocked, a second factor removed). */
    public int forgetDevices(Handle h, String uid) {
        return h.createUpdate("DELETE FROM remembered_devices WHERE uid = :uid").bind("uid", uid).execute();
    }

    /** Whether the account must give a second factor at every login (set when a factor is added). */
    public void setMfaEnrolled(Handle h, String uid, boolean enrolled) {
        h.createUpdate("UPDATE accounts SET mfa_enrolled = :e WHERE uid = :uid AND mfa_enrolled <> :e").bind("e", enrolled).bind("uid", uid).execute();
    }

    private static void checkColumn(String column) {
        if (!column.equals("password_failures") && !column.equals("second_factor_failures")) {
            throw new IllegalArgumentException(column);
        }
    }

    public void lock(Handle h, String uid, long until) {
        h.createUpdate("UPDATE accounts SET locked_until = :u, password_failures = 0, second_factor_failures = 0 WHERE uid = :uid")
                .bind("u", until).bind("uid", uid).execute();
    }

    /** Whether any account (of any tenant: a uid is unique in the store) has {@code uid}. */
    public boolean uidTaken(Handle h, String uid) {
        return h.createQuery("SELECT COUNT(*) FROM accounts WHERE uid = :uid").bind("uid", uid).mapTo(Integer.class).one() > 0;
    }

    /**
     * Gives the account {@code oldUid} the uid {@code newUid} (LoginRadius's uid change): a copy of its row under the new
     * uid, every table that holds the uid moved to it, the old row deleted; in the caller's transaction. The tables come
     * from the database's own catalog (every column named uid), so one added later moves too; the audit trail keeps the
     * uids as they were when recorded.
     */
    public void changeUid(Handle h, String oldUid, String newUid) {
        List<String> columns = h.createQuery("""
                        SELECT LOWER(column_name) FROM information_schema.columns
                        WHERE LOWER(table_name) = 'accounts' AND table_schema = CURRENT_SCHEMA ORDER BY ordinal_position""")
                .mapTo(String.class).list();
        String select = String.join(", ", columns.stream().map(c -> c.equals("uid") ? ":new" : c).toList());
        h.createUpdate("INSERT INTO accounts (" + String.join(", ", columns) + ") SELECT " + select + " FROM accounts WHERE uid = :old")
                .bind("new", newUid).bind("old", oldUid).execute();
        List<String> tables = h.createQuery("""
                        SELECT DISTINCT LOWER(table_name) FROM information_schema.columns
                        WHERE LOWER(column_name) = 'uid' AND table_schema = CURRENT_SCHEMA
                          AND LOWER(table_name) NOT IN ('accounts', 'audit_events', 'flyway_schema_history')""")
                .mapTo(String.class).list();
        for (String table : tables) {
            h.createUpdate("UPDATE " + table + " SET uid = :new WHERE uid = :old").bind("new", newUid).bind("old", oldUid).execute();
        }
        h.createUpdate("DELETE FROM accounts WHERE uid = :old").bind("old", oldUid).execute();
    }
}

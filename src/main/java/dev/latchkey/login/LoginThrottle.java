package dev.latchkey.login;

import dev.latchkey.account.AccountStore;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LrError;
import dev.latchkey.store.Piece;
import dev.latchkey.tenant.Tenant;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Failed first-factor attempts that are not an account's own (table {@code login_throttle}, shared by every node):
 * <ul>
 * <li><b>per client address</b>, a rate limit: after {@code MaxFailedLoginsPerAddress} failures within
 *     {@code AddressWindowSeconds}, logins from that address answer 429 until the window ends. It is checked before any
 *     password is evaluated and counted after, so a burst can overshoot by the attempts already in flight (a rate limit,
 *     not a lock: a busy address such as an office's NAT must not be refused for its successful logins in flight);</li>
 * <li><b>per identifier that names no account</b>, a lock that behaves exactly like an account's own lockout (counted
 *     before evaluation, at most {@code MaxPasswordAttempts} evaluated however many arrive at once, then 1198 for
 *     {@code LockoutSeconds}), so that a lockout says nothing about whether the account exists.</li>
 * </ul>
 * Rows are keyed by a keyed hash, so neither addresses nor attempted identifiers are kept in the clear.
 */
public final class LoginThrottle {
    private final Jdbi jdbi;
    private final Secrets secrets;

    public LoginThrottle(Jdbi jdbi, Secrets secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    /** How many addresses of an account's recent completed logins are kept ({@code accounts.trusted_addresses}). */
    static final int TRUSTED_ADDRESSES = 5;

    /**
     * The key of the network an address belongs to, as kept in {@code accounts.trusted_addresses}: IPv4 addresses whole,
     * IPv6 by their /64 (a host's temporary addresses change within it); a keyed hash, cut to 16 hex digits.
     */
    private String networkKey(String ip) {
        String network = ip.toLowerCase(Locale.ROOT);
        if (network.indexOf(':') >= 0) {
            String[] groups = network.split(":", -1);
            network = groups.length >= 4 ? String.join(":", groups[0], groups[1], groups[2], groups[3]) + "::/64" : network;
        }
        return secrets.hash("trusted:network:" + network).substring(0, 16);
    }

    /** Whether {@code ip} is one of the networks kept in {@code stored} (comma-separated keys, newest first). */
    public boolean trusted(String stored, String ip) {
        if (stored == null || stored.isEmpty() || ip == null) {
            return false;
        }
        String key = networkKey(ip);
        for (String k : stored.split(",")) {
            if (Secrets.constantTimeEquals(k, key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code stored} with the network of {@code ip} first (the oldest dropped beyond {@link #TRUSTED_ADDRESSES}), or null
     * when it is already first: nothing to write.
     */
    public String rememberTrusted(String stored, String ip) {
        if (ip == null) {
            return null;
        }
        String key = networkKey(ip);
        java.util.List<String> keys = new java.util.ArrayList<>(stored == null || stored.isEmpty() ? java.util.List.of()
                : java.util.List.of(stored.split(",")));
        if (!keys.isEmpty() && keys.get(0).equals(key)) {
            return null;
        }
        keys.remove(key);
        keys.add(0, key);
        return String.join(",", keys.subList(0, Math.min(keys.size(), TRUSTED_ADDRESSES)));
    }

    private String addressKey(String ip) {
        return secrets.hash("throttle:address:" + ip.toLowerCase(Locale.ROOT));
    }

    private String identifierKey(String kind, String value) {
        return secrets.hash("throttle:identifier:" + kind + ":" + value);
    }

    /**
     * What step 1 reads before it counts anything, in one statement (a round trip less on PostgreSQL): whether the client
     * address has spent its failed logins in the current window, and the account the identifier names, if any. The same
     * single statement whether or not there is such an account.
     */
    public Preread preread(Tenant t, String ip, String kind, String ident, long now) {
        return preread(t, ip, kind, ident, now, null);
    }

    private static final String PREREAD = """
            SELECT (SELECT window_start FROM login_throttle
                    WHERE tenant_id = :t AND key_hash = :k AND failures >= :addressmax AND window_start > :since) AS lk_address_since,
                   a.*
            FROM (VALUES (1)) AS one (x)
            LEFT JOIN account_identifiers i ON i.tenant_id = :t AND i.kind = :kind AND i.ident = :v
            LEFT JOIN accounts a ON a.uid = i.uid""";

    /**
     * {@link #preread}, and on PostgreSQL in the same statement the attempt reserved on the account it finds
     * ({@code reservation}: the piece that reserves it, given the expression that names the account; see
     * {@link AccountStore#attemptReservation}) when the account has a password and the address has not spent its failed
     * logins: what step 1 counts before it checks the password, one round trip less. Null {@code reservation}: only the read.
     */
    public Preread preread(Tenant t, String ip, String kind, String ident, long now, java.util.function.Function<String, Piece> reservation) {
        Piece reserve = reservation == null ? null
                : reservation.apply("(SELECT uid FROM pre WHERE password_hash IS NOT NULL AND lk_address_since IS NULL)");
        String sql = reserve == null ? PREREAD
                : Piece.with(List.of(new Piece("pre", PREREAD, s -> {}), reserve), "SELECT pre.*, (SELECT * FROM reserved) AS lk_reserved FROM pre");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql);
            if (reserve != null) {
                reserve.binds().accept(q);
            }
            return q.bind("t", t.id()).bind("k", ip == null ? null : addressKey(ip)).bind("addressmax", t.maxFailedLoginsPerAddress())
                    .bind("since", now - t.addressWindowMillis()).bind("kind", kind).bind("v", ident)
                    .map((rs, ctx) -> {
                        long since = rs.getLong("lk_address_since");
                        Long addressSince = rs.wasNull() ? null : since;
                        dev.latchkey.account.Account account = rs.getString("uid") == null ? null : AccountStore.ROW.map(rs, ctx);
                        Integer reserved = null;
                        if (reserve != null && account != null && account.passwordHash() != null && addressSince == null) {
                            int count = rs.getInt("lk_reserved");
                            reserved = rs.wasNull() ? -1 : count;
                        }
                        return new Preread(addressSince, account, reserved);
                    }).one();
        });
    }

    /**
     * {@link #preread}'s answer: when the address's full window started (null: not full), the account (null: none), and
     * the attempt reserved on it in the same statement (the count with it, -1: it must not be evaluated; null: none was
     * tried, as when the statement had no reservation, the account no password, or the address no failed logins left).
     */
    public record Preread(Long addressWindowStart, dev.latchkey.account.Account account, Integer reserved) {
        /** 429 with Retry-After until the window ends when the address has spent its failed logins. */
        public void refuseBusyAddress(Tenant t, long now) {
            if (addressWindowStart != null) {
                throw LrError.TOO_MANY_REQUESTS.error().retryAfterMillis(addressWindowStart + t.addressWindowMillis() - now);
            }
        }
    }

    /** Counts a failed login from the address, in the caller's transaction (a new window once the last one has passed). */
    public void countAddressFailure(Handle h, Tenant t, String ip, long now) {
        if (ip == null) {
            return;
        }
        String key = addressKey(ip);
        upsert(h, t, key, now, () -> h.createUpdate("""
                        UPDATE login_throttle SET
                            failures = CASE WHEN window_start <= :since THEN 1 ELSE failures + 1 END,
                            window_start = CASE WHEN window_start <= :since THEN :now ELSE window_start END
                        WHERE tenant_id = :t AND key_hash = :k""")
                .bind("since", now - t.addressWindowMillis()).bind("now", now).bind("t", t.id()).bind("k", key).execute());
    }

    /**
     * Reserves an attempt at a password for an identifier that names no account (see {@link
     * dev.latchkey.account.AccountStore#reserveAttempt}): the count with this attempt, or -1 when it must not be evaluated.
     * Runs in its own statements, committed before the (dummy) password check.
     */
    public int reserveIdentifierAttempt(Tenant t, String kind, String value, long now) {
        String key = identifierKey(kind, value);
        int max = t.maxPasswordAttempts();
        return jdbi.inTransaction(h -> {
            int[] reserved = {0};
            upsert(h, t, key, now, () -> reserved[0] = h.createUpdate("""
                            UPDATE login_throttle SET failures = failures + 1, attempt_reserved_at = :now
                            WHERE tenant_id = :t AND key_hash = :k
                            AND (failures < :max OR attempt_reserved_at IS NULL OR attempt_reserved_at < :stale)
                            AND (locked_until IS NULL OR locked_until <= :now)""")
                    .bind("t", t.id()).bind("k", key).bind("max", max).bind("now", now)
                    .bind("stale", now - AccountStore.STALE_RESERVATION_MILLIS).execute());
            if (reserved[0] == 0) {
                return -1;
            }
            return h.createQuery("SELECT failures FROM login_throttle WHERE tenant_id = :t AND key_hash = :k")
                    .bind("t", t.id()).bind("k", key).mapTo(Integer.class).one();
        });
    }

    /** Until when an identifier that names no account is locked (null: it is not), for Retry-After. */
    public Long identifierLockedUntil(Tenant t, String kind, String value) {
        return jdbi.withHandle(h -> h.createQuery("SELECT locked_until FROM login_throttle WHERE tenant_id = :t AND key_hash = :k")
                .bind("t", t.id()).bind("k", identifierKey(kind, value))
                .map((rs, c) -> (Long) rs.getObject(1, Long.class)).findOne().orElse(null));
    }

    /** Locks an identifier that names no account, as an account is locked: until {@code until}, its count cleared. */
    public void lockIdentifier(Handle h, Tenant t, String kind, String value, long until) {
        h.createUpdate("UPDATE login_throttle SET locked_until = :u, failures = 0 WHERE tenant_id = :t AND key_hash = :k")
                .bind("u", until).bind("t", t.id()).bind("k", identifierKey(kind, value)).execute();
    }

    /** Gives back a reserved attempt that was never evaluated. */
    public void refundIdentifierAttempt(Tenant t, String kind, String value) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE login_throttle SET failures = failures - 1 WHERE tenant_id = :t AND key_hash = :k AND failures > 0")
                .bind("t", t.id()).bind("k", identifierKey(kind, value)).execute());
    }

    /**
     * Runs {@code update} on the row of {@code key}, creating the row first when there is none. The row is inserted in a
     * savepoint so that losing the race to another node (a duplicate key) does not abort the caller's transaction on
     * PostgreSQL; the update then runs on the row the other node created.
     */
    private static void upsert(Handle h, Tenant t, String key, long now, Runnable update) {
        boolean exists = h.createQuery("SELECT 1 FROM login_throttle WHERE tenant_id = :t AND key_hash = :k")
                .bind("t", t.id()).bind("k", key).mapTo(Integer.class).findOne().isPresent();
        if (!exists) {
            h.savepoint("throttle_row");
            try {
                h.createUpdate("INSERT INTO login_throttle (tenant_id, key_hash, failures, window_start) VALUES (:t, :k, 0, :now)")
                        .bind("t", t.id()).bind("k", key).bind("now", now).execute();
                h.release("throttle_row");
            } catch (UnableToExecuteStatementException e) {
                h.rollbackToSavepoint("throttle_row");
            }
        }
        update.run();
    }
}

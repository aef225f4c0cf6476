package dev.latchkey.account;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LrError;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Links emailed to an account, of one kind ({@link #RESET}: a forgotten password, reference §14; {@link #VERIFY}: an email
 * address to confirm, §13, either one of the account's or one it asked to add; {@link #DELETE}: the account's deletion, §15): GUIDs from the CSPRNG, kept as keyed hashes, bound to their account (and address), used once
 * (by the statement that marks them used), for the tenant's lifetime of that kind.
 */
public final class AccountLinks {
    public static final String RESET = "reset";
    public static final String VERIFY = "verify";
    /** An account's deletion to confirm (reference §15, vtype {@code deleteuser}). */
    public static final String DELETE = "delete";
    /** A passwordless sign-in (reference §17.1, vtype {@code oneclicksignin}), with a code that does what the link does. */
    public static final String PASSWORDLESS = "passwordless";
    /** Emails of one kind an account gets in an hour at most; more asks are answered the same and send nothing. */
    public static final int PER_ACCOUNT_PER_HOUR = 5;

    /** A spent link: whose, which address it was sent for, and that address's Type when the account asked to add it. */
    public record Spent(String uid, String email, String emailType) {}

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final String kind;

    public AccountLinks(Jdbi jdbi, Secrets secrets, String kind) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.kind = kind;
    }

    private String hash(String token) {
        return secrets.hash("account-link:" + kind + ":" + token.toLowerCase(java.util.Locale.ROOT));
    }

    /** Ends the account's links (every kind) sent to addresses of {@code emailKeys}, in the caller's transaction. */
    public static void endForAddresses(Handle h, String uid, java.util.Collection<String> emailKeys, long now) {
        if (!emailKeys.isEmpty()) {
            h.createUpdate("UPDATE account_links SET used_at = :now WHERE uid = :uid AND email_key IN (<keys>) AND used_at IS NULL")
                    .bind("now", now).bind("uid", uid).bindList("keys", java.util.List.copyOf(emailKeys)).execute();
        }
    }

    /**
     * Ends what the account's sessions may have asked for (addresses waiting to join, reset and deletion links), in the
     * caller's transaction: when its password is set or it is blocked, so that none outlives the sessions.
     */
    public static void endPending(Handle h, String uid, long now) {
        h.createUpdate("""
                        UPDATE account_links SET used_at = :now
                        WHERE uid = :uid AND used_at IS NULL AND (kind IN ('reset', 'delete', 'passwordless') OR email_type IS NOT NULL)""")
                .bind("now", now).bind("uid", uid).execute();
    }

    /**
     * Whether the account may get another email of this kind now. Takes the account's row lock first, so that requests
     * at once are counted one after the other (the cap holds under races).
     */
    public boolean mayStart(Handle h, String uid, long now) {
        h.createQuery("SELECT uid FROM accounts WHERE uid = :uid FOR UPDATE").bind("uid", uid).mapTo(String.class).findOne();
        return h.createQuery("SELECT COUNT(*) FROM account_links WHERE uid = :uid AND kind = :k AND created_at > :since").bind("uid", uid)
                .bind("k", kind).bind("since", now - 3_600_000L).mapTo(Integer.class).one() < PER_ACCOUNT_PER_HOUR;
    }

    /** A new token for the account (and {@code email}), living {@code lifetimeMillis}, in the caller's transaction. */
    public String start(Handle h, Tenant tenant, String uid, String email, long now, long lifetimeMillis) {
        return start(h, tenant, uid, email, null, now, lifetimeMillis);
    }

    /** {@link #start}, for an address of {@code emailType} the account asked to add (it joins the profile when the link is followed). */
    public String start(Handle h, Tenant tenant, String uid, String email, String emailType, long now, long lifetimeMillis) {
        return startWithCode(h, tenant, uid, email, emailType, now, lifetimeMillis).token();
    }

    /** A new link's token and the one-time code that does what the link does (for an address: {@link #spendCode}). */
    public record Started(String token, String code) {}

    /**
     * {@link #start}, with a six-digit one-time code as well (LoginRadius's verification by OTP, reference §13): kept as a
     * keyed hash bound to the address, it works once, while the link does, until 5 wrong codes were tried for the address.
     */
    public Started startWithCode(Handle h, Tenant tenant, String uid, String email, String emailType, long now, long lifetimeMillis) {
        String token = Secrets.guid();
        String emailKey = email == null ? null : Identifiers.key("email", email);
        // Codes only for verifications, and one live code per address: a new email ends the codes of the older ones.
        String code = email == null || !(kind.equals(VERIFY) || kind.equals(PASSWORDLESS)) ? null
                : String.format(java.util.Locale.ROOT, "%06d", Secrets.RANDOM.nextInt(1_000_000));
        if (code != null) {
            h.createUpdate("UPDATE account_links SET otp_hash = NULL WHERE tenant_id = :t AND kind = :k AND email_key = :key AND used_at IS NULL")
                    .bind("t", tenant.id()).bind("k", kind).bind("key", emailKey).execute();
        }
        h.createUpdate("""
                        INSERT INTO account_links (token_hash, tenant_id, uid, kind, email, email_type, email_key, otp_hash, created_at, expires_at)
                        VALUES (:hash, :t, :uid, :k, :e, :type, :key, :otp, :now, :exp)""")
                .bind("hash", hash(token)).bind("t", tenant.id()).bind("uid", uid).bind("k", kind).bind("e", email).bind("type", emailType)
                .bind("key", emailKey).bind("otp", code == null ? null : codeHash(tenant, emailKey, code))
                .bind("now", now).bind("exp", now + lifetimeMillis).execute();
        return new Started(token, code);
    }

    private String codeHash(Tenant tenant, String emailKey, String code) {
        return secrets.hash("account-link-code:" + kind + ":" + tenant.id() + ":" + emailKey + ":" + code);
    }

    /** Codes an address may be tried with (right ones give theirs back) before its codes stop working (its links still work). */
    public static final int MAX_CODE_FAILURES = 5;

    /**
     * Spends the one-time code sent to {@code email} with a link of this kind (only the newest email's code lives): whose it
     * was. 1185 for a wrong, used, expired or dead code. Every try is counted for the address, in the tenant, whatever link
     * it came with; after {@link #MAX_CODE_FAILURES} wrong ones no code works for a day after the last (Purge); however many
     * requests present it at once, one spends it. The address's other links die with it.
     */
    public Spent spendCode(Tenant tenant, String email, String code, long now) {
        if (email == null || code == null || !code.strip().matches("[0-9]{6}")) {
            throw LrError.VERIFICATION_OTP_INVALID.error();
        }
        String emailKey = Identifiers.key("email", email.strip());
        String wanted = codeHash(tenant, emailKey, code.strip());
        // The attempt is counted before the code is compared, in its own transaction: however many arrive at once, at most
        // MAX_CODE_FAILURES are ever compared for an address; a right one gives its count back.
        if (!reserveAttempt(tenant, emailKey, now)) {
            throw LrError.VERIFICATION_OTP_NOT_EVALUATED.error();
        }
        Spent spent = jdbi.inTransaction(h -> {
            var rows = h.createQuery("""
                            SELECT token_hash, uid, email, email_type, otp_hash FROM account_links
                            WHERE tenant_id = :t AND kind = :k AND email_key = :key AND used_at IS NULL AND expires_at > :now
                              AND otp_hash IS NOT NULL""")
                    .bind("t", tenant.id()).bind("k", kind).bind("key", emailKey).bind("now", now).mapToMap().list();
            for (var row : rows) {
                if (Secrets.constantTimeEquals((String) row.get("otp_hash"), wanted)
                        && h.createUpdate("UPDATE account_links SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
                        .bind("now", now).bind("hash", row.get("token_hash")).execute() == 1) {
                    h.createUpdate("UPDATE account_links SET used_at = :now WHERE tenant_id = :t AND kind = :k AND email_key = :key AND used_at IS NULL")
                            .bind("now", now).bind("t", tenant.id()).bind("k", kind).bind("key", emailKey).execute();
                    h.createUpdate("DELETE FROM email_code_failures WHERE tenant_id = :t AND email_key = :key")
                            .bind("t", tenant.id()).bind("key", emailKey).execute();
                    return new Spent((String) row.get("uid"), (String) row.get("email"), (String) row.get("email_type"));
                }
                if (Secrets.constantTimeEquals((String) row.get("otp_hash"), wanted)) {
                    throw LrError.VERIFICATION_OTP_USED.error(); // another request spent it a moment ago
                }
            }
            // The right code of a link used already (only its holder can present it): "used", not a guess.
            boolean used = h.createQuery("""
                            SELECT COUNT(*) FROM account_links
                            WHERE tenant_id = :t AND kind = :k AND email_key = :key AND used_at IS NOT NULL AND otp_hash = :otp""")
                    .bind("t", tenant.id()).bind("k", kind).bind("key", emailKey).bind("otp", wanted).mapTo(Integer.class).one() > 0;
            if (used) {
                throw LrError.VERIFICATION_OTP_USED.error();
            }
            return null;
        });
        if (spent == null) {
            throw LrError.VERIFICATION_OTP_INVALID.error();
        }
        return spent;
    }

    /** Counts one attempt for the address if fewer than {@link #MAX_CODE_FAILURES} were; whether it was counted. */
    private boolean reserveAttempt(Tenant tenant, String emailKey, long now) {
        // A burst of first attempts races to insert the address's row; each loser counts on the row on its next try. So
        // does an attempt whose update found no row that another one inserted just after: each statement reads what is
        // committed when it starts, so a row seen by the second read and not by the update is counted on, not taken for
        // the limit (it was: 3 of 6 simultaneous wrong codes refused uncounted, 3 test runs in 20 on PostgreSQL).
        for (int tries = 0; tries < 5; tries++) {
            try {
                Boolean counted = jdbi.inTransaction(h -> {
                    if (h.createUpdate("""
                                    UPDATE email_code_failures SET failures = failures + 1, updated_at = :now
                                    WHERE tenant_id = :t AND email_key = :key AND failures < :max""")
                            .bind("now", now).bind("t", tenant.id()).bind("key", emailKey).bind("max", MAX_CODE_FAILURES).execute() == 1) {
                        return true;
                    }
                    Integer failures = h.createQuery("SELECT failures FROM email_code_failures WHERE tenant_id = :t AND email_key = :key")
                            .bind("t", tenant.id()).bind("key", emailKey).mapTo(Integer.class).findOne().orElse(null);
                    if (failures != null) {
                        return failures >= MAX_CODE_FAILURES ? Boolean.FALSE : null; // at the limit; or inserted meanwhile: again
                    }
                    h.createUpdate("INSERT INTO email_code_failures (tenant_id, email_key, failures, updated_at) VALUES (:t, :key, 1, :now)")
                            .bind("t", tenant.id()).bind("key", emailKey).bind("now", now).execute();
                    return true;
                });
                if (counted != null) {
                    return counted;
                }
            } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException raced) {
                // another request inserted the address's row first: count on it
            }
        }
        return false;
    }

    /**
     * Spends {@code token}: whose it was. 1063 unknown (or another tenant's or kind's), 974 used, 975 expired; however many
     * requests present it at once, one spends it. The account's other links of this kind (for a verification: of this address) die with it.
     */
    public Spent spend(Tenant tenant, String token, long now) {
        return spend(tenant, token, now, LrError.VTOKEN_INVALID);
    }

    /** Whether {@code token} is one of this kind's links of the tenant (used, expired or not). */
    public boolean holds(Tenant tenant, String token) {
        return token != null && Secrets.isGuid(token) && jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM account_links WHERE token_hash = :hash AND tenant_id = :t AND kind = :k")
                .bind("hash", hash(token)).bind("t", tenant.id()).bind("k", kind).mapTo(Integer.class).one() > 0);
    }

    /** {@link #spend}, answering {@code unknown} for a token that is not one (LoginRadius's 1119 for a DeleteToken). */
    public Spent spend(Tenant tenant, String token, long now, LrError unknown) {
        return spend(tenant, token, now, unknown, LrError.RESET_TOKEN_USED);
    }

    /** {@link #spend}, answering {@code used} for a link used before (1062 for a passwordless one). */
    public Spent spend(Tenant tenant, String token, long now, LrError unknown, LrError used) {
        if (token == null || !Secrets.isGuid(token)) {
            throw unknown.error();
        }
        String hash = hash(token);
        return jdbi.inTransaction(h -> {
            var row = h.createQuery("""
                            SELECT uid, email, email_type, expires_at, used_at FROM account_links
                            WHERE token_hash = :hash AND tenant_id = :t AND kind = :k""")
                    .bind("hash", hash).bind("t", tenant.id()).bind("k", kind).mapToMap().findOne().orElseThrow(unknown::error);
            if (row.get("used_at") != null) {
                throw used.error();
            }
            if (((Number) row.get("expires_at")).longValue() <= now) {
                throw LrError.LINK_EXPIRED.error();
            }
            if (h.createUpdate("UPDATE account_links SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
                    .bind("now", now).bind("hash", hash).execute() != 1) {
                throw used.error();
            }
            // Verification links die per address (an address being added keeps its own); the other kinds, all at once.
            h.createUpdate("UPDATE account_links SET used_at = :now WHERE uid = :uid AND kind = :k AND used_at IS NULL"
                            + (kind.equals(VERIFY) ? " AND email = :e" : ""))
                    .bind("now", now).bind("uid", row.get("uid")).bind("k", kind).bind("e", row.get("email")).execute();
            return new Spent((String) row.get("uid"), (String) row.get("email"), (String) row.get("email_type"));
        });
    }
}

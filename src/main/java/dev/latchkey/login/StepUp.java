package dev.latchkey.login;

import dev.latchkey.account.Account;
import dev.latchkey.account.AccountStore;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.Tokens;
import java.time.Clock;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Step-up re-authentication (LoginRadius's {@code /auth/account/reauth/*}): a signed-in user proves again, with one of
 * the account's second factors or with the password, before a sensitive action. What it proves is answered as a
 * {@code SecondFactorValidationToken} (kept as a keyed hash, living {@code Security.SecondFactorProofMaxAgeSeconds},
 * used once by the application's server-side check, {@code /manage/account/{uid}/reauth/{2fa|password}}). A second
 * factor passed here is also recorded on the session, which is the proof {@link RecentSecondFactor} asks for before a
 * factor is changed. Wrong answers count toward the same lockouts as at login: second factors toward the second-factor
 * limit, passwords toward the password limit; a locked account is refused (1198) without evaluating.
 */
public final class StepUp {
    /** What a re-authentication proved. */
    public enum Kind {
        SECOND_FACTOR("2fa"), PASSWORD("password");

        final String key;

        Kind(String key) {
            this.key = key;
        }
    }

    /** The SecondFactorValidationToken and when it stops working. */
    public record Proof(String token, long expiresAt) {}

    private final Jdbi jdbi;
    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final Secrets secrets;
    private final Audit audit;
    private final Lockout lockout;
    private final Tokens tokens;
    private final Clock clock;

    public StepUp(Jdbi jdbi, AccountStore accounts, SecondFactorChallenges challenges, Tokens tokens, PasswordHasher hasher, Secrets secrets,
                  Audit audit, Clock clock) {
        this.tokens = tokens;
        this.lockout = new Lockout(accounts, challenges, audit);
        this.jdbi = jdbi;
        this.accounts = accounts;
        this.hasher = hasher;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
    }

    /** 1191 where the tenant has no MFA: LoginRadius's "event based two factor authentication is not enabled". */
    public static void requireMfa(Tenant tenant) {
        if (!tenant.mfaEnabled()) {
            throw LrError.REAUTH_NOT_ENABLED.error();
        }
    }

    /**
     * Re-authentication with a second factor of the signed-in account ({@code family}: its session). {@code factor}
     * names it in the audit trail; {@code verification} checks the answer in this transaction, holding the account's row.
     */
    public Proof withSecondFactor(Tenant tenant, Account account, String family, LoginContext ctx, String factor,
                                  LoginFlow.Verification verification, LrError onWrongAnswer) {
        requireMfa(tenant);
        long now = clock.millis();
        String uid = account.uid();
        Outcome outcome = jdbi.inTransaction(h -> {
            AccountStore.Counts counts = accounts.lockCounts(h, uid);
            if (counts == null) {
                throw LrError.ACCESS_TOKEN_INVALID.error();
            }
            ApiException locked = lockout.lockedOut(h, tenant, uid, counts, ctx.origin(), factor, now);
            if (locked != null) {
                return new Outcome(null, locked);
            }
            Lockout.Evaluation evaluated = Lockout.evaluate(h, account, verification);
            if (evaluated.right()) {
                tokens.recordSecondFactor(h, family, now);
                return new Outcome(issue(h, tenant, uid, Kind.SECOND_FACTOR, ctx, factor, now), null);
            }
            ApiException answer = evaluated.unchecked() != null ? evaluated.unchecked() : onWrongAnswer.error();
            lockout.wrongAnswer(h, tenant, uid, "second_factor_failures", counts.secondFactorFailures() + 1, tenant.maxSecondFactorAttempts(),
                    ctx.origin(), answer.error.code, "re-authentication: " + factor, now);
            return new Outcome(null, answer);
        });
        return outcome.proofOrThrow();
    }

    /**
     * Re-authentication with the password of the signed-in account ({@code family}: its session, which records the proof
     * for {@link RecentSecondFactor#requireForAddresses}); 966 when wrong, counted toward the password lockout.
     */
    public Proof withPassword(Tenant tenant, Account account, String family, String password, LoginContext ctx) {
        if (password == null || password.isEmpty()) {
            throw LrError.PASSWORD_MISSING.error();
        }
        return checkPassword(tenant, account, password, ctx, "re-authentication: password", LrError.INVALID_CREDENTIALS,
                (h, now) -> {
                    if (family != null) {
                        tokens.recordPassword(h, family, now);
                    }
                    return issue(h, tenant, account.uid(), Kind.PASSWORD, ctx, "password", now);
                });
    }

    /**
     * The signed-in account's current password, checked as a step-up checks it (one at a time per account, counted toward
     * the password lockout, 1198 while locked): {@code wrong} when it is not the password. For a password change.
     */
    public void requirePassword(Tenant tenant, Account account, String password, LoginContext ctx, String what, LrError wrong) {
        checkPassword(tenant, account, password, ctx, what, wrong, (h, now) -> new Proof(null, now));
    }

    private Proof checkPassword(Tenant tenant, Account account, String password, LoginContext ctx, String what, LrError wrong,
                                java.util.function.BiFunction<org.jdbi.v3.core.Handle, Long, Proof> onRight) {
        long now = clock.millis();
        String uid = account.uid();
        PasswordHasher.Admission hashing;
        try {
            hashing = hasher.admit();
        } catch (PasswordHasher.Busy e) {
            throw LrError.TOO_MANY_REQUESTS.error().retryAfterMillis(1000);
        }
        try (hashing) {
            Outcome outcome = jdbi.inTransaction(h -> {
                AccountStore.Counts counts = accounts.lockCounts(h, uid);
                if (counts == null) {
                    throw LrError.ACCESS_TOKEN_INVALID.error();
                }
                ApiException locked = lockout.lockedOut(h, tenant, uid, counts, ctx.origin(), what, now);
                if (locked != null) {
                    return new Outcome(null, locked);
                }
                String hash = h.createQuery("SELECT password_hash FROM accounts WHERE uid = :uid").bind("uid", uid).mapTo(String.class)
                        .findOne().orElse(null);
                boolean right = hash != null && hashing.verify(password, hash);
                if (right) {
                    accounts.resetPasswordFailures(h, uid);
                    return new Outcome(onRight.apply(h, now), null);
                }
                ApiException answer = wrong.error();
                lockout.wrongAnswer(h, tenant, uid, "password_failures", counts.passwordFailures() + 1, tenant.maxPasswordAttempts(),
                        ctx.origin(), answer.error.code, what, now);
                return new Outcome(null, answer);
            });
            return outcome.proofOrThrow();
        }
    }

    /**
     * The application's server-side check of a SecondFactorValidationToken for {@code uid}: true once per token, while it
     * lives, for the kind it proves; a token of another account, tenant or kind is not valid.
     */
    public boolean validate(Tenant tenant, String uid, Kind kind, String token) {
        if (token == null || !Secrets.isGuid(token)) {
            return false;
        }
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE reauth_tokens SET used_at = :now
                        WHERE token_hash = :h AND uid = :uid AND kind = :k AND used_at IS NULL AND expires_at > :now
                          AND EXISTS (SELECT 1 FROM accounts a WHERE a.uid = :uid AND a.tenant_id = :t)""")
                .bind("now", now).bind("h", hash(token)).bind("uid", uid).bind("k", kind.key).bind("t", tenant.id()).execute() == 1);
    }

    private record Outcome(Proof proof, ApiException refusal) {
        Proof proofOrThrow() {
            if (refusal != null) {
                throw refusal;
            }
            return proof;
        }
    }

    private Proof issue(Handle h, Tenant tenant, String uid, Kind kind, LoginContext ctx, String factor, long now) {
        String token = Secrets.guid();
        long expires = now + tenant.secondFactorProofMaxAgeMillis();
        h.createUpdate("DELETE FROM reauth_tokens WHERE uid = :uid AND (expires_at <= :now OR used_at IS NOT NULL)")
                .bind("uid", uid).bind("now", now).execute();
        h.createUpdate("INSERT INTO reauth_tokens (token_hash, uid, kind, created_at, expires_at) VALUES (:h, :uid, :k, :now, :exp)")
                .bind("h", hash(token)).bind("uid", uid).bind("k", kind.key).bind("now", now).bind("exp", expires).execute();
        audit.record(h, tenant.id(), ctx.origin(), Audit.Event.success(Audit.REAUTHENTICATED, uid, factor), now);
        return new Proof(token, expires);
    }

    private String hash(String token) {
        return secrets.hash("reauth:" + token.toLowerCase(Locale.ROOT));
    }
}

package dev.latchkey.login;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.AccountStore;
import dev.latchkey.account.BreachedPasswords;
import dev.latchkey.account.Identifiers;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.factor.CodeRequest;
import dev.latchkey.factor.FactorRemoval;
import dev.latchkey.factor.Factors;
import dev.latchkey.factor.SecondFactor;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.store.Piece;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.IssuedTokens;
import dev.latchkey.token.Tokens;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The login as a small state machine, in one place:
 * <pre>
 *   password verified ──(MFA needed)──▶ SecondFactorAuthenticationToken issued ──(factor verified)──▶ tokens issued
 *          │                                  ▲                                            (RBA: notify only)
 *          ├──(no MFA) risk assessed ──(MFA)──┘ + one-click link by email / code by SMS ──(passed)──▶ tokens issued
 *          │                    ├──(Block; or MFA on the plain /login)──▶ refused (1164; 1168–1171, 1287)
 *          │                    └──(none)──────────────────────────────────────────────(notify)──▶ tokens issued
 * </pre>
 * Every transition's state is in the database. Failures count toward lockout: wrong passwords on the account (or, for
 * an identifier that names no account, on the identifier, so a lockout reveals nothing), wrong second-factor answers on
 * the token (which dies after the tenant's limit) and on the account. Each attempt is counted <em>before</em> its answer
 * is evaluated ({@link AccountStore#reserveAttempt}), so however many arrive at once, no more than the limits are
 * evaluated, and each wrong answer is counted exactly once. A locked account evaluates nothing and answers 1198, right
 * password or wrong. Every outcome is written to the audit trail.
 */
public final class LoginFlow {
    /** The first factor, as the login endpoints take it. */
    public record Credentials(String email, String username, String phone, String password) {
        /** How the account is named: email, username or phone (after a phone login, RBA sends SMS). */
        String kind() {
            return email != null ? "email" : username != null ? "username" : "phone";
        }
    }

    /** A factor's check of its answer, run inside the transaction that consumes the 2FA token and issues tokens. */
    @FunctionalInterface
    public interface Verification {
        boolean verify(Handle h, Account account);

        /** Whether a wrong answer's check may have written: then it runs under a savepoint that a wrong answer rolls back. */
        default boolean writesWhenWrong() {
            return true;
        }

        /**
         * PostgreSQL: the check as a piece of step 2's statement, named {@code verified}, that writes (and returns a row)
         * only for a right answer, for the account {@code :uid} at {@code :now} (see {@link CodeFactor#verifying}): the
         * check, the 2FA token spent and the login completed in one statement. Null (the default): {@link #verify}.
         */
        default Piece piece(Account account, long now) {
            return null;
        }
    }

    private final Jdbi jdbi;
    private final AccountStore accounts;
    private final SecondFactorChallenges challenges;
    private final Tokens tokens;
    private final PasswordHasher hasher;
    private final Factors factors;
    private final dev.latchkey.webhook.WebhookOutbox outbox;
    private final LoginRisk rba;
    private final LoginThrottle throttle;
    private final Audit audit;
    /** PostgreSQL: some steps merge statements into one round trip (data-modifying WITH, RETURNING) where H2 has no such form. */
    private final boolean postgres;
    private final Lockout lockout;
    private final Clock clock;
    private final RememberedDevices devices;

    public LoginFlow(Jdbi jdbi, AccountStore accounts, SecondFactorChallenges challenges, Tokens tokens,
                     PasswordHasher hasher, Factors factors, dev.latchkey.webhook.WebhookOutbox outbox,
                     LoginRisk rba, LoginThrottle throttle, Audit audit, RememberedDevices devices, Clock clock, boolean postgres) {
        this.jdbi = jdbi;
        this.postgres = postgres;
        this.devices = devices;
        this.lockout = new Lockout(accounts, challenges, audit);
        this.throttle = throttle;
        this.audit = audit;
        this.rba = rba;
        this.accounts = accounts;
        this.challenges = challenges;
        this.tokens = tokens;
        this.hasher = hasher;
        this.factors = factors;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Step 1. {@code mfaEndpoint} is true for {@code /login/2fa}; the plain {@code /login} refuses accounts that need
     * a second factor with 1176. Wrong identifier and wrong password answer the same 966 in the same time; a locked
     * account or identifier answers 1198 (with Retry-After) without evaluating the password; an address that has spent
     * its failures answers 429, as does a node whose password hashing is saturated.
     */
    public LoginOutcome passwordLogin(Tenant tenant, Credentials c, boolean mfaEndpoint, LoginContext ctx) {
        if (c.password() == null) {
            throw LrError.PASSWORD_MISSING.error();
        }
        Identifier id = identifier(c);
        if (id.kind().equals("phone") && !tenant.phoneLogin()) {
            throw LrError.PHONE_LOGIN_DISABLED.error();
        }
        try (PasswordHasher.Admission hashing = admit(tenant, id, ctx)) {
            long now = clock.millis();
            // On PostgreSQL the read also reserves the attempt on the account it finds (see LoginThrottle#preread).
            LoginThrottle.Preread read = throttle.preread(tenant, ctx.ip(), id.kind(), id.value(), now, !postgres ? null
                    : uid -> accounts.attemptReservation("password_failures", uid, tenant.maxPasswordAttempts(), now));
            refuse(tenant, id, ctx, now, () -> read.refuseBusyAddress(tenant, now));
            Account account = read.account() != null && read.account().passwordHash() != null ? read.account() : null;
            // Each count is committed by itself, before the password is checked (no transaction around a single statement:
            // its COMMIT would be a round trip of its own).
            int failures = account == null ? throttle.reserveIdentifierAttempt(tenant, id.kind(), id.value(), now)
                    : read.reserved() != null ? read.reserved()
                    : jdbi.withHandle(h -> accounts.reserveAttempt(h, account.uid(), "password_failures", tenant.maxPasswordAttempts(), now));
            if (failures < 0) {
                Long until = account != null ? jdbi.withHandle(h -> accounts.lockedUntil(h, account.uid()))
                        : throttle.identifierLockedUntil(tenant, id.kind(), id.value());
                ApiException refusal = notEvaluated(until, now);
                audit.record(tenant.id(), ctx.origin(), refused(account, id, refusal, "password not evaluated: "
                        + (refusal.error == LrError.ACCOUNT_LOCKED ? "locked" : "the limit of attempts is in flight")), now);
                throw refusal;
            }
            boolean right;
            if (account != null) {
                right = hashing.verify(c.password(), account.passwordHash());
            } else {
                hashing.verifyDummy(c.password());
                right = false;
            }
            if (!right) {
                wrongPassword(tenant, account, id, failures, ctx, now);
                throw LrError.INVALID_CREDENTIALS.error();
            }
            String rehash = hasher.needsRehash(account.passwordHash()) ? hashing.hash(c.password()) : null;
            hashing.close(); // the hashing is done: the queue place goes back before the database work
            // LoginRadius's IsPasswordBreached: a password set before the check (or while a tenant had it off) is flagged here,
            // the only moment the server sees it; the next password set clears the flag.
            boolean breached = BreachedPasswords.contains(c.password());
            Boolean breachFlag = breached == account.profile().path("IsPasswordBreached").asBoolean(false) ? null : breached;
            return step1(tenant, account, c.kind(), mfaEndpoint, ctx, rehash, breachFlag, now);
        }
    }

    /**
     * An attempt that could not be counted, so was not evaluated: 1198 while the account (or identifier) is locked, with
     * Retry-After until the lock ends; otherwise as many attempts as the limit allows are being evaluated at this moment,
     * which is 429 (Retry-After: 1): one of them may lock it, or all may succeed. Either way the answer is the same for an
     * account that exists and for one that does not.
     */
    private static ApiException notEvaluated(Long lockedUntil, long now) {
        if (lockedUntil != null && lockedUntil > now) {
            return LrError.ACCOUNT_LOCKED.error().retryAfterMillis(lockedUntil - now);
        }
        return LrError.TOO_MANY_REQUESTS.error().retryAfterMillis(1000);
    }

    /**
     * A place in the hashing queue, or 429 (Retry-After: 1) when it is full: nothing has been counted yet. When the queue
     * is full, a login from a network one of the account's recent logins came from may take the priority lane, so a
     * returning user still gets in during a flood of logins from elsewhere. Whether the identifier names an account or
     * not, the same read is made and, from any other network, the same 429 is answered.
     */
    private PasswordHasher.Admission admit(Tenant tenant, Identifier id, LoginContext ctx) {
        try {
            return hasher.admit();
        } catch (PasswordHasher.Busy e) {
            if (ctx.ip() != null) {
                String known = jdbi.withHandle(h -> accounts.trustedAddresses(h, tenant.id(), id.kind(), id.value())).orElse(null);
                if (throttle.trusted(known, ctx.ip())) {
                    try {
                        return hasher.admitPriority();
                    } catch (PasswordHasher.Busy full) {
                        // the lane is full as well: refused like any other
                    }
                }
            }
            ApiException busy = LrError.TOO_MANY_REQUESTS.error().retryAfterMillis(1000);
            audit.refused(tenant.id(), ctx.origin(), new Audit.Event(Audit.LOGIN_REFUSED, Audit.Outcome.REFUSED, null, id.value(),
                    busy.error.code, "password hashing saturated"), clock.millis());
            throw busy;
        }
    }

    /** Runs a check that may refuse the login; a refusal is written to the audit trail, then thrown. */
    private void refuse(Tenant tenant, Identifier id, LoginContext ctx, long now, Runnable check) {
        try {
            check.run();
        } catch (ApiException e) {
            audit.refused(tenant.id(), ctx.origin(), new Audit.Event(Audit.LOGIN_REFUSED, Audit.Outcome.REFUSED, null, id.value(),
                    e.error.code, "too many failed logins from this address"), now);
            throw e;
        }
    }

    private static Audit.Event refused(Account account, Identifier id, ApiException e, String details) {
        return new Audit.Event(Audit.LOGIN_REFUSED, Audit.Outcome.REFUSED, account == null ? null : account.uid(), id.value(),
                e.error.code, details);
    }

    /** A wrong password (or one for no account): counted already; locks at the limit; the address counts it too. */
    private void wrongPassword(Tenant tenant, Account account, Identifier id, int failures, LoginContext ctx, long now) {
        wrongFirstFactor(tenant, account, id, failures, ctx, now, LrError.INVALID_CREDENTIALS.code, "password");
    }

    /**
     * A wrong first factor ({@code factor}: the password, or a code sent instead of it; {@code code}: what was answered),
     * for an account or for an identifier that names none: counted already; locks at the limit (the account, or the
     * identifier, as the same lockout); the client address counts it too; the audit trail records it and the lock.
     */
    private void wrongFirstFactor(Tenant tenant, Account account, Identifier id, int failures, LoginContext ctx, long now, int code,
                                  String factor) {
        jdbi.useTransaction(h -> {
            boolean lock = failures >= tenant.maxPasswordAttempts();
            if (lock) {
                if (account != null) {
                    lock(h, tenant, account.uid(), now);
                } else {
                    throttle.lockIdentifier(h, tenant, id.kind(), id.value(), now + tenant.lockoutMillis());
                }
            }
            throttle.countAddressFailure(h, tenant, ctx.ip(), now);
            String uid = account == null ? null : account.uid();
            audit.record(h, tenant.id(), ctx.origin(), new Audit.Event(Audit.LOGIN_FAILED, Audit.Outcome.FAILURE, uid, id.value(),
                    code, account == null ? factor + " (no such account)" : factor), now);
            if (lock) {
                audit.record(h, tenant.id(), ctx.origin(), new Audit.Event(Audit.ACCOUNT_LOCKED, Audit.Outcome.SUCCESS, uid, id.value(),
                        null, factor + ": " + failures + " failures; locked until " + Json.iso(now + tenant.lockoutMillis())), now);
            }
        });
    }

    /**
     * The right password: its reserved attempt is given back (the count resets), then the account's state decides what
     * comes next. A refusal here is returned, not thrown, so its transaction (the reset, a risk event, notices) commits.
     */
    private LoginOutcome step1(Tenant tenant, Account account, String kind, boolean mfaEndpoint, LoginContext ctx, String rehash,
                               Boolean breachFlag, long now) {
        // PostgreSQL: the factors the reset's statement asks about (none: it asks nothing).
        List<SecondFactor> asked = postgres && tenant.mfaEnabled() ? offered(tenant) : List.of();
        if (!asked.isEmpty() && mfaEndpoint && account.mfaEnrolled() && rehash == null && breachFlag == null
                && !RememberedDevices.mayRecognise(tenant, ctx.deviceToken()) && stateRefusal(tenant, account, kind) == null) {
            return secondFactorStepInOneStatement(tenant, account, asked, kind, ctx, now);
        }
        Step1 step = jdbi.inTransaction(h -> {
            // The account's row first (the lock order), its reserved attempt given back in the same statement; on PostgreSQL
            // that statement also returns which second factors the account has (one round trip less).
            // (Deleted, or its uid changed, since the password was checked: refused.)
            java.util.Set<SecondFactor> configured = null;
            if (!asked.isEmpty()) {
                configured = accounts.lockAndResetPasswordFailuresReturning(h, account.uid(), Factors.conditions(asked), Factors.flags(asked))
                        .orElseThrow(LrError.INVALID_CREDENTIALS::error);
            } else if (!accounts.lockAndResetPasswordFailures(h, account.uid())) {
                throw LrError.INVALID_CREDENTIALS.error();
            }
            if (rehash != null) {
                accounts.rehashPassword(h, account.uid(), rehash);
            }
            if (breachFlag != null) {
                accounts.setProfileField(h, account.uid(), "IsPasswordBreached",
                        breachFlag ? com.fasterxml.jackson.databind.node.BooleanNode.TRUE : null);
            }
            return afterFirstFactor(h, tenant, account, kind, mfaEndpoint, ctx, now, null, configured);
        });
        if (step.refusal() != null) {
            throw step.refusal();
        }
        return step.answer();
    }

    /**
     * PostgreSQL, step 1 of an account whose state asks for its second factor whatever it has set up (its MFA flag, set
     * when it added one; no device it could be remembering; nothing to rewrite; nothing its state refuses): the attempt's
     * count reset, the factors it has set up read and the 2FA token opened, in one statement committed by itself (a round
     * trip instead of three: the reset, the token, the commit), then the factors' flags. The same answer as
     * {@link #afterFirstFactor} gives such an account. A factor that sends its code at step 1, or an enrollment offered to
     * an account left with no factor, runs in a transaction that takes the account's row first (the lock order), which
     * keeps parallel logins of one account to the sending limits; otherwise the flags only read.
     */
    private LoginOutcome secondFactorStepInOneStatement(Tenant tenant, Account account, List<SecondFactor> asked, String kind,
                                                        LoginContext ctx, long now) {
        String token = Secrets.guid();
        long expires = now + tenant.secondFactorTokenMillis();
        List<Piece> pieces = List.of(accounts.passwordFailuresReset(account.uid(), Factors.conditions(asked)),
                challenges.opening(token, tenant.id(), account.uid(), now, expires, kind, "reset"));
        return jdbi.withHandle(h -> {
            var q = h.createQuery(Piece.with(pieces, "SELECT * FROM reset"));
            Piece.bind(q, pieces);
            // No row: the account is gone (deleted, or its uid changed, since the password was checked), and no token opened.
            java.util.Set<SecondFactor> configured = q.map(Factors.flags(asked)).findOne().orElseThrow(LrError.INVALID_CREDENTIALS::error);
            boolean mayOfferEnrollment = tenant.mfaRequired() && configured.isEmpty();
            if (!mayOfferEnrollment && configured.stream().noneMatch(SecondFactor::sendsWhenChallenged)) {
                return challenged(h, tenant, account, configured, false, ctx, token, expires);
            }
            return h.inTransaction(tx -> {
                if (!accounts.lockRow(tx, account.uid())) {
                    throw LrError.INVALID_CREDENTIALS.error();
                }
                boolean offerEnrollment = mayOfferEnrollment && mayEnrollWithPasswordAlone(tx, account);
                return challenged(tx, tenant, account, configured, offerEnrollment, ctx, token, expires);
            });
        });
    }

    /**
     * The first factor passed: the account's state decides what comes next, in the caller's transaction (which holds the
     * account's row). {@code withoutPassword}: the name of a first factor that was no password (an emailed link or code, an
     * SMS code), whose session then holds no proof of the password; null for the password.
     */
    private Step1 afterFirstFactor(Handle h, Tenant tenant, Account account, String kind, boolean mfaEndpoint, LoginContext ctx, long now,
                                   String withoutPassword) {
        return afterFirstFactor(h, tenant, account, kind, mfaEndpoint, ctx, now, withoutPassword, null);
    }

    /** {@link #afterFirstFactor}, with the account's configured factors when the caller read them already (else null). */
    private Step1 afterFirstFactor(Handle h, Tenant tenant, Account account, String kind, boolean mfaEndpoint, LoginContext ctx, long now,
                                   String withoutPassword, java.util.Set<SecondFactor> configuredAlready) {
        StateRefusal refused = stateRefusal(tenant, account, kind);
        if (refused != null) {
            return refusal(h, tenant, account, ctx, refused.error().error(), refused.details(), now);
        }
        boolean remembered = false;
        if (tenant.mfaEnabled()) {
            java.util.Set<SecondFactor> configured = configuredAlready != null ? configuredAlready : configuredFactors(h, tenant, account);
            // A remembered device of this account (Latchkey's extension) skips the second factor; risk is still judged below.
            remembered = !configured.isEmpty() && devices.recognises(h, tenant, account, ctx.deviceToken(), now);
            if (!remembered && (tenant.mfaRequired() || account.mfaEnrolled() || !configured.isEmpty())) {
                if (!mfaEndpoint) {
                    return refusal(h, tenant, account, ctx, LrError.MFA_ENABLED_USE_MFA_LOGIN.error(), "needs the MFA login", now);
                }
                // An account that must set up MFA and never had a factor is offered enrollment data for this login.
                boolean offerEnrollment = tenant.mfaRequired() && configured.isEmpty() && mayEnrollWithPasswordAlone(h, account)
                        && withoutPassword == null;
                return new Step1(secondFactorStep(h, tenant, account, configured, offerEnrollment, kind, ctx, now, withoutPassword), null);
            }
        }
        LoginRisk.Assessment risk = rba.assess(h, tenant, account, ctx, now);
        LoginRisk.Verdict verdict = risk.verdict();
        if (verdict == LoginRisk.Verdict.BLOCK || (verdict == LoginRisk.Verdict.SECOND_FACTOR && !mfaEndpoint)) {
            rba.refused(h, tenant, account, risk, ctx, kind, now); // committed: the event and the notices stay
            ApiException e = verdict == LoginRisk.Verdict.BLOCK ? LrError.RISK_BLOCKED.error() : risk.secondFactorNeeded();
            return refusal(h, tenant, account, ctx, e, "risk: " + verdict, now);
        }
        if (verdict == LoginRisk.Verdict.SECOND_FACTOR && withoutPassword != null) {
            // An emailed link or an SMS code is one factor: risk asks for a second one of the account's own (a link or
            // code of risk-based authentication would go to the mailbox or phone that just proved itself).
            java.util.Set<SecondFactor> own = configuredFactors(h, tenant, account);
            if (own.isEmpty() || !tenant.mfaEnabled()) {
                rba.refused(h, tenant, account, risk, ctx, kind, now);
                return refusal(h, tenant, account, ctx, risk.secondFactorNeeded(), "risk: " + verdict + " after " + withoutPassword, now);
            }
            return new Step1(secondFactorStep(h, tenant, account, own, false, kind, ctx, now, withoutPassword), null);
        }
        if (verdict == LoginRisk.Verdict.SECOND_FACTOR) {
            return new Step1(riskChallenge(h, tenant, account, risk, ctx, kind, now), null);
        }
        String factor = withoutPassword != null ? withoutPassword : "password";
        LoginOutcome done = complete(h, tenant, account, now, ctx, false, kind, new LoginRisk.Completion.Assessed(risk), null,
                remembered ? factor + ", remembered device" : factor);
        if (withoutPassword != null && done instanceof LoginOutcome.LoggedIn in) {
            tokens.withoutPasswordProof(h, in.tokens().accessToken());
        }
        return new Step1(done, null);
    }

    /** What the account's state refuses a first factor that passed, and the audit trail's words for it. */
    private record StateRefusal(LrError error, String details) {}

    /** The account's state refusing a first factor that passed (null: nothing does), named as {@code kind}. */
    private static StateRefusal stateRefusal(Tenant tenant, Account account, String kind) {
        // Only a caller who knows the password learns that the account is blocked.
        if (!account.active()) {
            return new StateRefusal(LrError.ACCOUNT_BLOCKED, "blocked");
        }
        // Where the tenant requires a verified email, an account with an unverified one waits for its link (970).
        if ("Required".equals(tenant.emailVerificationFlow()) && !account.emailVerified()
                && ProfileSchema.primaryEmail(account.profile()) != null) {
            return new StateRefusal(LrError.EMAIL_NOT_VERIFIED, "email not verified");
        }
        // A phone that was never verified signs nobody in (LoginRadius's 1066): its code proves it first.
        if ("phone".equals(kind) && !account.phoneVerified()) {
            return new StateRefusal(LrError.PHONE_NOT_VERIFIED, "phone not verified");
        }
        return null;
    }

    /**
     * Step 1's answer when the account's own second factor must follow: a SecondFactorAuthenticationToken (marked when the
     * first factor was no password), the factors' flags (with enrollment data for this login when {@code offerEnrollment}),
     * and the code of a factor that sends one (SMS), now.
     */
    private LoginOutcome.SecondFactorRequired secondFactorStep(Handle h, Tenant tenant, Account account, java.util.Set<SecondFactor> configured,
                                                               boolean offerEnrollment, String kind, LoginContext ctx, long now,
                                                               String withoutPassword) {
        long expires = now + tenant.secondFactorTokenMillis();
        String token = challenges.open(h, tenant.id(), account.uid(), now, expires, kind);
        if (withoutPassword != null) {
            challenges.markWithoutPassword(h, token);
        }
        return challenged(h, tenant, account, configured, offerEnrollment, ctx, token, expires);
    }

    /**
     * Step 1's answer for the 2FA token {@code token}, opened already: the factors' flags (with enrollment data when
     * {@code offerEnrollment}), and a code sent now by each configured factor that sends one.
     */
    private LoginOutcome.SecondFactorRequired challenged(Handle h, Tenant tenant, Account account, java.util.Set<SecondFactor> configured,
                                                         boolean offerEnrollment, LoginContext ctx, String token, long expires) {
        SecondFactor.Enrollment enrollment = offerEnrollment ? SecondFactor.Enrollment.login(challenges.hash(token)) : null;
        LoginOutcome.SecondFactorRequired out = secondFactorResponse(h, tenant, account, configured, enrollment, token, expires);
        String attempt = SecondFactor.loginAttempt(challenges.hash(token));
        configured.forEach(f -> f.challenged(h, tenant, account, attempt, ctx.codes(), out.factors()));
        return out;
    }

    /**
     * A sign-in by something sent to the account instead of its password (reference §17: a passwordless link or code, a
     * smart or one-touch link, an SMS code; {@code factor} names it for the audit trail), already checked: then as after a
     * right password (blocked 991, a locked account 1198, unverified email or phone, the second factor where the account
     * needs one, risk), except that the session holds no proof of the password and risk's own challenge is not sent.
     * {@code kind}: how the account was named ("email", "username", "phone").
     */
    public LoginOutcome signInWithout(Tenant tenant, Account account, String kind, LoginContext ctx, String factor) {
        long now = clock.millis();
        Step1 step = jdbi.inTransaction(h -> {
            accounts.lockRow(h, account.uid()); // the account's row first (the lock order); gone: 938 below
            Account current = accounts.byUid(h, tenant.id(), account.uid()).orElseThrow(LrError.USER_NOT_FOUND::error);
            if (current.lockedAt(now)) {
                return refusal(h, tenant, current, ctx, LrError.ACCOUNT_LOCKED.error().retryAfterMillis(current.lockedUntil() - now),
                        factor + ": locked", now);
            }
            return afterFirstFactor(h, tenant, current, kind, true, ctx, now, factor);
        });
        if (step.refusal() != null) {
            throw step.refusal();
        }
        return step.answer();
    }

    /**
     * {@link #signInWithout} for a code (passwordless by email or SMS): the try is counted on the account as a password's
     * is, before {@code spend} checks it (a locked account answers 1198 and nothing is checked; the limit's wrong try locks
     * it); a right code gives its count back. {@code spend} throws the code's refusal when it is wrong, used or expired.
     */
    public LoginOutcome signInWithCode(Tenant tenant, Account account, String kind, LoginContext ctx, String factor, Runnable spend) {
        long now = clock.millis();
        int failures = jdbi.withHandle(h -> accounts.reserveAttempt(h, account.uid(), "password_failures", tenant.maxPasswordAttempts(), now));
        if (failures < 0) {
            Long until = jdbi.withHandle(h -> accounts.lockedUntil(h, account.uid()));
            ApiException refusal = notEvaluated(until, now);
            audit.record(tenant.id(), ctx.origin(), refused(account, new Identifier(kind, null), refusal, factor + " not evaluated"), now);
            throw refusal;
        }
        try {
            spend.run();
        } catch (ApiException wrong) {
            if (wrong.error != LrError.OTP_INVALID && wrong.error != LrError.VERIFICATION_OTP_INVALID) {
                // A right code used or expired already (only its holder can present it): no guess, the try is given back.
                jdbi.useTransaction(h -> accounts.refundAttempt(h, account.uid(), "password_failures"));
                throw wrong;
            }
            wrongFirstFactor(tenant, account, new Identifier(kind, null), failures, ctx, now, wrong.error.code, factor);
            throw wrong;
        }
        jdbi.useTransaction(h -> accounts.resetPasswordFailures(h, account.uid()));
        return signInWithout(tenant, account, kind, ctx, factor);
    }

    /**
     * A code presented for a number or address of no account: counted and locked on the identifier as a wrong password for
     * it is, so that the answers (1198 at the limit) are an account's. {@code spend} checks the code as for an account (its
     * refusal is the answer); one it lets pass is answered {@code wrong} all the same. The refusal, for the caller to throw.
     */
    public ApiException codeForNobody(Tenant tenant, String kind, String value, LoginContext ctx, LrError wrong, Runnable spend) {
        long now = clock.millis();
        Identifier id = new Identifier(kind, Identifiers.key(kind, value));
        int failures = throttle.reserveIdentifierAttempt(tenant, id.kind(), id.value(), now);
        if (failures < 0) {
            return notEvaluated(throttle.identifierLockedUntil(tenant, id.kind(), id.value()), now);
        }
        ApiException refusal = wrong.error();
        try {
            spend.run();
        } catch (ApiException e) {
            refusal = e;
        }
        wrongFirstFactor(tenant, null, id, failures, ctx, now, refusal.error.code, "code");
        return refusal;
    }

    private Step1 refusal(Handle h, Tenant tenant, Account account, LoginContext ctx, ApiException e, String details, long now) {
        audit.record(h, tenant.id(), ctx.origin(), new Audit.Event(Audit.LOGIN_REFUSED, Audit.Outcome.REFUSED, account.uid(), null,
                e.error.code, details), now);
        return new Step1(null, e);
    }

    /** What step 1 comes to: an answer, or a refusal whose transaction still commits (its risk event and notices). */
    private record Step1(LoginOutcome answer, ApiException refusal) {}

    /**
     * RBA asks for a second factor: step 1's answer, with the account's own factors and what was sent (the masked
     * email of the one-click link, the masked phone and {@code OTPStatus} of the SMS code).
     */
    private LoginOutcome riskChallenge(Handle h, Tenant tenant, Account account, LoginRisk.Assessment risk, LoginContext ctx, String kind, long now) {
        java.util.Set<SecondFactor> own = configuredFactors(h, tenant, account);
        long expires = now + tenant.secondFactorTokenMillis();
        LoginRisk.Challenge ch = rba.challenge(h, tenant, account, risk, ctx, kind, !own.isEmpty(), now, expires);
        challenges.open(h, ch.token(), tenant.id(), account.uid(), now, expires, kind, ch.riskJson(), ch.otpHash(), ch.oneClickHash());
        LoginOutcome.SecondFactorRequired out = secondFactorResponse(h, tenant, account, own, null, ch.token(), expires);
        ObjectNode sfa = out.factors();
        if (ch.maskedEmail() != null) {
            sfa.putArray("Email").add(ch.maskedEmail());
        }
        if (ch.maskedPhone() != null) {
            sfa.put("OTPPhoneNo", ch.maskedPhone());
            sfa.putObject("OTPStatus").put("AccountSid", ch.smsAccountSid()).put("Sid", ch.smsMessageId());
        }
        return out;
    }

    /**
     * Right after a registration ({@code POST /auth/register}): the new account is logged in, as LoginRadius answers, unless
     * the tenant requires a second factor (then null: the next login sets one up) or risk-based authentication would ask
     * for one or refuse (null as well: the next login is judged as any).
     */
    public LoginOutcome afterRegistration(Tenant tenant, Account account, LoginContext ctx) {
        return afterRegistration(tenant, account, ctx, true);
    }

    /**
     * {@link #afterRegistration}; {@code passwordProved} false for a login by an emailed link or code (verification with
     * AutoLogin): the session then holds no proof of the password (see {@link RecentSecondFactor#requireForAddresses}).
     */
    public LoginOutcome afterRegistration(Tenant tenant, Account account, LoginContext ctx, boolean passwordProved) {
        if (tenant.mfaRequired() || "Required".equals(tenant.emailVerificationFlow()) && !account.emailVerified()) {
            return null;
        }
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            accounts.lockRow(h, account.uid());
            LoginRisk.Assessment risk = rba.assess(h, tenant, account, ctx, now);
            if (risk.verdict() != LoginRisk.Verdict.PASS) {
                return null;
            }
            LoginOutcome done = complete(h, tenant, account, now, ctx, false, "email", new LoginRisk.Completion.Assessed(risk), null, "registration");
            if (!passwordProved && done instanceof LoginOutcome.LoggedIn in) {
                tokens.withoutPasswordProof(h, in.tokens().accessToken());
            }
            return done;
        });
    }

    /** How step 1 named the account: its kind and the value as identifiers are stored (see {@link ProfileSchema#identifiers}). */
    record Identifier(String kind, String value) {}

    private static Identifier identifier(Credentials c) {
        if (c.email() != null) {
            return new Identifier("email", Identifiers.key("email", c.email()));
        }
        if (c.username() != null) {
            return new Identifier("username", Identifiers.key("username", c.username()));
        }
        if (c.phone() != null) {
            return new Identifier("phone", Identifiers.key("phone", c.phone()));
        }
        throw LrError.LOGIN_ID_REQUIRED.error();
    }

    /** The factors set up for the account that the tenant offers, each asked once. */
    private java.util.Set<SecondFactor> configuredFactors(Handle h, Tenant tenant, Account account) {
        return Factors.configured(h, offered(tenant), account);
    }

    private List<SecondFactor> offered(Tenant tenant) {
        return factors.all().stream().filter(f -> f.offeredBy(tenant)).toList();
    }

    /**
     * {@code GET /auth/account/2fa}: the account's MFA settings, the same flags step 1 shows, with the enrollment data of
     * the factors it has not set up, for this session ({@code sessionFamily}) to finish.
     */
    public ObjectNode mfaSettings(Tenant tenant, Account account, String sessionFamily) {
        return jdbi.inTransaction(h -> factorFlags(h, tenant, account, configuredFactors(h, tenant, account), SecondFactor.Enrollment.session(sessionFamily)));
    }

    /**
     * {@code GET /auth/account/reauth/2fa}: the flags of the account's factors, without enrollment data; a factor that
     * delivers its code (SMS) sends one, as at step 1.
     */
    public ObjectNode reauthFactors(Tenant tenant, Account account, String sessionFamily, CodeRequest codes) {
        return jdbi.inTransaction(h -> {
            java.util.Set<SecondFactor> configured = configuredFactors(h, tenant, account);
            ObjectNode sfa = factorFlags(h, tenant, account, configured, null);
            String attempt = SecondFactor.sessionAttempt(sessionFamily);
            configured.forEach(f -> f.challenged(h, tenant, account, attempt, codes, sfa));
            return sfa;
        });
    }

    /** The documented flags of every factor, each false/null until a factor sets its own. */
    private ObjectNode factorFlags(Handle h, Tenant tenant, Account account, java.util.Set<SecondFactor> configured,
                                   SecondFactor.Enrollment enrollment) {
        ObjectNode sfa = Json.object();
        sfa.putNull("QRCode");
        sfa.putNull("ManualEntryCode");
        sfa.put("IsGoogleAuthenticatorVerified", false);
        sfa.put("IsAuthenticatorVerified", false);
        sfa.put("IsEmailOtpAuthenticatorVerified", false);
        sfa.put("IsOTPAuthenticatorVerified", false);
        sfa.putNull("OTPPhoneNo");
        sfa.putNull("OTPStatus");
        sfa.putNull("Email");
        sfa.putNull("EmailOTPStatus");
        sfa.put("IsSecurityQuestionAuthenticatorVerified", false);
        sfa.putNull("SecurityQuestions");
        sfa.put("IsPasskeyAuthenticatorVerified", false);
        for (SecondFactor f : factors.all()) {
            f.describe(h, tenant, account, configured.contains(f), enrollment, sfa);
        }
        return sfa;
    }

    private LoginOutcome.SecondFactorRequired secondFactorResponse(Handle h, Tenant tenant, Account account, java.util.Set<SecondFactor> configured,
                                                                   SecondFactor.Enrollment enrollment, String token, long expires) {
        return new LoginOutcome.SecondFactorRequired(token, expires, factorFlags(h, tenant, account, configured, enrollment));
    }

    /** A pending step 2: the 2FA token's challenge and its account, checked usable. */
    public record Pending(SecondFactorChallenges.Challenge challenge, Account account) {}

    /**
     * Checks a SecondFactorAuthenticationToken without consuming it: 908 missing, 1103 unknown, used, dead or another
     * tenant's, 1104 expired, then the account's state (1198 locked, 991 blocked).
     */
    public Pending pending(Tenant tenant, String token) {
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        if (!Secrets.isGuid(token)) {
            throw LrError.MFA_TOKEN_INVALID.error();
        }
        Pending found = jdbi.withHandle(h -> challenges.findWithAccount(h, tenant.id(), token)).orElseThrow(LrError.MFA_TOKEN_INVALID::error);
        return usable(tenant, found, LrError.MFA_TOKEN_INVALID, LrError.MFA_TOKEN_EXPIRED);
    }

    /**
     * The pending login a one-click sign-in link belongs to ({@code verificationtoken}): 908 missing, 1063 unknown, 1062
     * used (or its login ended otherwise), 975 expired, then the account's state.
     */
    public Pending pendingByOneClick(Tenant tenant, String verificationToken) {
        if (verificationToken == null) {
            throw LrError.required("verificationtoken");
        }
        if (!Secrets.isGuid(verificationToken)) {
            throw LrError.VTOKEN_INVALID.error();
        }
        Pending found = jdbi.withHandle(h -> challenges.findByOneClick(h, tenant.id(), rba.oneClickHash(verificationToken)))
                .orElseThrow(LrError.VTOKEN_INVALID::error);
        return usable(tenant, found, LrError.LINK_USED, LrError.LINK_EXPIRED);
    }

    private Pending usable(Tenant tenant, Pending found, LrError ended, LrError expired) {
        return usable(tenant, found, ended, expired, false);
    }

    /**
     * {@code lockedLater}: the caller holds the account's row lock and answers a locked account itself, in its transaction
     * ({@link Lockout#lockedOut}: Retry-After, and the refusal in the audit trail); a locked account is then passed here
     * without its other checks, so that 1198 still comes before 991.
     */
    private Pending usable(Tenant tenant, Pending found, LrError ended, LrError expired, boolean lockedLater) {
        long now = clock.millis();
        SecondFactorChallenges.Challenge ch = found.challenge();
        if (ch.usedAt() != null || ch.failures() >= tenant.maxSecondFactorAttemptsPerToken()) {
            throw ended.error();
        }
        if (ch.expiresAt() <= now) {
            throw expired.error();
        }
        Account account = found.account();
        if (account.lockedAt(now)) {
            if (lockedLater) {
                return found;
            }
            throw LrError.ACCOUNT_LOCKED.error();
        }
        if (!account.active()) {
            throw LrError.ACCOUNT_BLOCKED.error();
        }
        return new Pending(ch, account);
    }

    /**
     * Whether a login that proved only the password may add a second factor to the account: only when it never had one
     * (an account that had a factor keeps needing one, and must verify it first), read in the caller's transaction.
     */
    public boolean mayEnrollWithPasswordAlone(Handle h, Account account) {
        boolean enrolled = h.createQuery("SELECT mfa_enrolled FROM accounts WHERE uid = :uid").bind("uid", account.uid())
                .mapTo(Boolean.class).findOne().orElse(true);
        return !enrolled && !hasConfiguredFactor(h, account);
    }

    /**
     * {@link #mayEnrollWithPasswordAlone(Handle, Account)} for a step 2's verification, whose account carries its MFA flag
     * as read under the account's row lock in this transaction ({@link #completeSecondFactor}): no second read of it.
     */
    public boolean mayEnrollWithPasswordAloneLocked(Handle h, Account lockedAccount) {
        return !lockedAccount.mfaEnrolled() && !hasConfiguredFactor(h, lockedAccount);
    }

    /**
     * What can finish a pending login, so that a page offers only that: the account's usable factors, whether the
     * password alone may enroll one, and whether risk-based authentication asked (then its link or code works too).
     */
    public record Choices(java.util.Set<SecondFactor> configured, boolean mayEnrollWithPasswordAlone, boolean riskChallenge) {}

    /** The {@link Choices} of the login pending on {@code token}; refused as {@link #pending} refuses it. */
    public Choices choices(Tenant tenant, String token) {
        Pending p = pending(tenant, token);
        boolean risk = p.challenge().risk() != null;
        return jdbi.withHandle(h -> new Choices(configuredFactors(h, tenant, p.account()), !risk && mayEnrollWithPasswordAlone(h, p.account()), risk));
    }

    /** {@link #mayEnrollWithPasswordAlone(Handle, Account)} in its own transaction. */
    public boolean mayEnrollWithPasswordAlone(Account account) {
        return jdbi.withHandle(h -> mayEnrollWithPasswordAlone(h, account));
    }

    /**
     * After a factor of the account was removed: while another factor remains, nothing changes. Removing the last one is
     * an explicit choice: by an admin, or by the user where MFA is optional, the account no longer needs a second factor;
     * by the user where MFA is required, it is refused (1121).
     */
    public FactorRemoval afterRemoval(Tenant tenant, boolean byUser) {
        return (h, account) -> {
            accounts.forgetDevices(h, account.uid()); // a second factor removed ends every remembered device
            if (hasConfiguredFactor(h, account)) {
                return;
            }
            if (byUser && tenant.mfaRequired()) {
                throw LrError.MFA_REMOVAL_INVALID.withDescription("Two factor authentication is required on this site, so the last second "
                        + "factor of an account cannot be removed: add another one first.");
            }
            accounts.setMfaEnrolled(h, account.uid(), false);
        };
    }

    /** Whether any factor is set up for the account (used to refuse adding a factor with the password alone). */
    public boolean hasConfiguredFactor(Handle h, Account account) {
        return !Factors.configured(h, factors.all(), account).isEmpty();
    }

    /**
     * Step 2, shared by every factor, in one transaction that takes the account's row first: attempts on one account are
     * evaluated one at a time, each counted (on the account and on its 2FA token) in the transaction that evaluates it,
     * so however many answers arrive at once, no more than the tenant's limits are evaluated and each wrong answer is
     * counted exactly once. A right answer consumes the 2FA token and issues the tokens: a code or token replayed, in
     * sequence or in parallel, succeeds at most once. A wrong one undoes what the check did, keeps its count and may lock
     * the account. A locked account answers 1198 (Retry-After) without evaluating. {@code factor} names the factor in the
     * audit trail.
     */
    public LoginOutcome completeSecondFactor(Tenant tenant, String token, LoginContext ctx, String factor, Verification verification,
                                           LrError onWrongAnswer) {
        return completeSecondFactor(tenant, token, ctx, factor, p -> verification, onWrongAnswer, p -> false);
    }

    /**
     * Step 2 by the 2FA token, for a factor whose check depends on the pending login ({@code verificationFor} builds it,
     * {@code enrolls} says whether it adds a factor): the token is checked as {@link #pending} checks it, but inside the
     * transaction, where on PostgreSQL the read also takes the account's row lock (one round trip for both). A refusal
     * of the token (908, 1103, 1104, 1198, 991) writes nothing.
     */
    public LoginOutcome completeSecondFactor(Tenant tenant, String token, LoginContext ctx, String factor,
                                           java.util.function.Function<Pending, Verification> verificationFor, LrError onWrongAnswer,
                                           java.util.function.Predicate<Pending> enrolls) {
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        if (!Secrets.isGuid(token)) {
            throw LrError.MFA_TOKEN_INVALID.error();
        }
        return secondStep(tenant, h -> {
            Locked found;
            if (postgres) {
                found = challenges.findWithAccountLocking(h, tenant.id(), token).orElseThrow(LrError.MFA_TOKEN_INVALID::error);
            } else {
                found = locking(h, challenges.findWithAccount(h, tenant.id(), token).orElseThrow(LrError.MFA_TOKEN_INVALID::error));
            }
            // The account's columns are as the lock found them (a request that just locked it, or spent this token, may have
            // committed meanwhile); the token's are as the statement began, so the spend and the failure count check it again.
            usable(tenant, found.pending(), LrError.MFA_TOKEN_INVALID, LrError.MFA_TOKEN_EXPIRED, true);
            return found;
        }, ctx, factor, verificationFor, onWrongAnswer, enrolls);
    }

    /**
     * What step 2's transaction read first: the pending login, and its account's counts under the row lock (null: the
     * account is gone; on PostgreSQL, where one statement reads both, a gone account finds no pending login: 1103).
     */
    record Locked(Pending pending, AccountStore.Counts counts) {}

    /** What step 2 came to; its transaction commits whichever it is. */
    private record SecondStep(LoginOutcome login, ApiException refusal) {}

    /**
     * Step 2 for a caller that already checked the token ({@link #pending}). {@code enrolls}: the verification adds a
     * factor and changes the profile (Profile.PasskeyLogin), so the login response re-reads it.
     */
    public LoginOutcome completeSecondFactor(Tenant tenant, Pending p, LoginContext ctx, String factor, Verification verification,
                                           LrError onWrongAnswer, boolean enrolls) {
        return secondStep(tenant, h -> locking(h, p), ctx, factor, x -> verification, onWrongAnswer, x -> enrolls);
    }

    /** The account's row of a pending login read already ({@code p}), locked, with its counts. */
    private Locked locking(Handle h, Pending p) {
        return new Locked(p, accounts.lockCounts(h, p.account().uid()));
    }

    /**
     * Step 2's transaction: {@code lock} takes the account's row first (the lock order; every writer of its 2FA tokens holds
     * it too) and says what it locked; a refusal it throws rolls back.
     */
    private LoginOutcome secondStep(Tenant tenant, java.util.function.Function<Handle, Locked> lock, LoginContext ctx, String factor,
                                    java.util.function.Function<Pending, Verification> verificationFor, LrError onWrongAnswer,
                                    java.util.function.Predicate<Pending> enrolls) {
        long now = clock.millis();
        String[] uid = new String[1];
        SecondStep step;
        try {
            step = jdbi.inTransaction(h -> {
                Locked found = lock.apply(h);
                Pending p = found.pending();
                Verification verification = verificationFor.apply(p); // may refuse the request's answer as malformed: nothing written
                SecondFactorChallenges.Challenge ch = p.challenge();
                Account account = p.account();
                uid[0] = account.uid();
                AccountStore.Counts counts = found.counts();
                if (counts == null) {
                    throw new NotEvaluated();
                }
                int max = tenant.maxSecondFactorAttempts();
                // A count at or over the limit without a lock (a lowered limit) is evaluated once more: wrong, it locks.
                ApiException locked = lockout.lockedOut(h, tenant, account.uid(), counts, ctx.origin(), factor, now);
                if (locked != null) {
                    return new SecondStep(null, locked);
                }
                // The 2FA token may have been spent by another request since it was read (outside this transaction, or in its
                // first statement before the lock was granted): the consume or the count below finds it so and everything rolls
                // back; the answer is 1103 whether this one was right or not.
                // The verification sees the account's MFA flag as read under the lock (see mayEnrollWithPasswordAloneLocked).
                LoginRisk.Completion how = ch.risk() != null ? new LoginRisk.Completion.ChallengePassed(ch.risk())
                        : new LoginRisk.Completion.AfterSecondFactor();
                Piece spend = challenges.consumption(ch.tokenHash(), now, tenant.maxSecondFactorAttemptsPerToken());
                Piece verified = postgres ? verification.piece(account, now) : null;
                Lockout.Evaluation evaluated;
                if (verified != null) {
                    // PostgreSQL, a check that is one conditional update (a backup code): the check, the token spent and the login
                    // completed in one statement, each write only if the one before it wrote (the code only while the token
                    // takes answers); nothing written means a wrong answer, counted below in this transaction.
                    java.util.Optional<LoginOutcome> done = complete(h, tenant, account,
                            verified.with(" AND " + SecondFactorChallenges.TAKES_ANSWERS + " RETURNING 1"),
                            spend.with(" AND EXISTS (SELECT 1 FROM verified)"), now, ctx, enrolls.test(p), ch.loginKind(), how, now, factor);
                    if (done.isPresent()) {
                        return new SecondStep(withoutPasswordProof(h, ch, done.get()), null);
                    }
                    evaluated = new Lockout.Evaluation(false, null);
                } else {
                    evaluated = Lockout.evaluate(h, account.withMfaEnrolled(counts.mfaEnrolled()), verification);
                }
                if (evaluated.right()) {
                    // The 2FA token spent, then the login recorded and the tokens issued: with the audit entry, one statement on
                    // PostgreSQL, which writes nothing when another request spent the token meanwhile.
                    LoginOutcome done = complete(h, tenant, account, null, spend, now, ctx, enrolls.test(p), ch.loginKind(), how, now, factor)
                            .orElseThrow(NotEvaluated::new);
                    return new SecondStep(withoutPasswordProof(h, ch, done), null);
                }
                if (!challenges.countFailure(h, ch.tokenHash(), tenant.maxSecondFactorAttemptsPerToken(), now)) {
                    throw new NotEvaluated();
                }
                ApiException answer = evaluated.unchecked() != null ? evaluated.unchecked() : onWrongAnswer.error();
                lockout.wrongAnswer(h, tenant, account.uid(), "second_factor_failures", counts.secondFactorFailures() + 1, max, ctx.origin(),
                        answer.error.code, factor, now);
                return new SecondStep(null, answer);
            });
        } catch (NotEvaluated e) {
            ApiException refusal = LrError.MFA_TOKEN_INVALID.error();
            audit.record(tenant.id(), ctx.origin(), new Audit.Event(Audit.LOGIN_REFUSED, Audit.Outcome.REFUSED, uid[0], null,
                    refusal.error.code, factor + " not evaluated: token spent"), now);
            throw refusal;
        }
        if (step.refusal() != null) {
            throw step.refusal();
        }
        return step.login();
    }

    /** A login completed by a 2FA token opened without a password: its session holds no proof of one. */
    private LoginOutcome withoutPasswordProof(Handle h, SecondFactorChallenges.Challenge ch, LoginOutcome done) {
        if (ch.withoutPassword() && done instanceof LoginOutcome.LoggedIn in) {
            tokens.withoutPasswordProof(h, in.tokens().accessToken());
        }
        return done;
    }

    /** The 2FA token was finished by another request between the count and the check. */
    private static final class NotEvaluated extends RuntimeException {
        NotEvaluated() {
            super(null, null, false, false);
        }
    }

    private void lock(Handle h, Tenant tenant, String uid, long now) {
        lockout.lock(h, tenant, uid, now);
    }

    /**
     * The last state: tokens issued and the login recorded, in the caller's transaction. Every path that issues tokens
     * ends here, with the request's {@link LoginContext}: this is where the webhook outbox, the audit trail and risk-based
     * authentication hook in ({@code how}: judged at step 1, a risk challenge answered, or after the account's own factor).
     * {@code secondFactorAt}: when a second factor was passed (null: the password alone), kept with the session as the
     * proof that changing a second factor asks for.
     */
    private LoginOutcome complete(Handle h, Tenant tenant, Account account, long now, LoginContext ctx, boolean reload, String loginKind,
                                LoginRisk.Completion how, Long secondFactorAt, String factor) {
        return complete(h, tenant, account, null, null, now, ctx, reload, loginKind, how, secondFactorAt, factor)
                .orElseThrow(() -> new IllegalStateException("the account's row is gone under its lock"));
    }

    /**
     * {@link #complete}, first spending what proved the login ({@code spend}, a statement that writes one row only for the
     * request that spends it; null when there is nothing to spend): empty, with nothing written, when it spent nothing.
     * On PostgreSQL the spend, the login's count, the token pair, the audit entry and the webhooks' lookup are one
     * statement (see {@link Piece}); on H2 they are one statement each. {@code verified} (PostgreSQL only; null: none): the
     * answer's check, a piece before the spend that the spend depends on; then every write depends on the one before it, so
     * a wrong answer writes nothing and finds the result empty (a right answer whose token no longer takes answers rolls back:
     * {@link NotEvaluated}).
     */
    private java.util.Optional<LoginOutcome> complete(Handle h, Tenant tenant, Account account, Piece verified, Piece spend, long now,
                                                      LoginContext ctx, boolean reload, String loginKind, LoginRisk.Completion how,
                                                      Long secondFactorAt, String factor) {
        Audit.Event event = Audit.Event.success(Audit.LOGIN, account.uid(), factor);
        boolean suppressed = tenant.webhookSuppressed("Login", ctx.preventWebhook(), true);
        AccountStore.RecordedLogin counted;
        IssuedTokens issued;
        List<String> hooks;
        if (postgres) {
            Tokens.Issuance issuance = tokens.issuance(tenant, account, now, secondFactorAt);
            List<Piece> pieces = new java.util.ArrayList<>();
            if (verified != null) {
                pieces.add(verified);
            }
            if (spend != null) {
                pieces.add(spend.with(" RETURNING 1"));
            }
            pieces.add(accounts.loginRecording(account.uid(), now, spend != null));
            if (verified == null) {
                pieces.addAll(issuance.pieces());
                pieces.add(audit.entry(h, tenant.id(), ctx.origin(), event, now));
            } else {
                issuance.pieces().forEach(p -> pieces.add(p.onlyFor("login")));
                pieces.add(audit.conditionalEntry(tenant.id(), ctx.origin(), event, now, "login"));
            }
            Piece subscribers = suppressed ? null : outbox.subscribers(tenant, "Login");
            String columns = "SELECT no_of_logins, trusted_addresses" + (subscribers == null ? "" : ", " + subscribers.sql() + " AS hooks");
            var q = h.createQuery(Piece.with(pieces, verified == null ? columns + " FROM login"
                    : columns + ", (SELECT COUNT(*) FROM verified) AS lk_verified FROM (VALUES (1)) AS one (x) LEFT JOIN login ON TRUE"));
            Piece.bind(q, pieces);
            if (subscribers != null) {
                subscribers.binds().accept(q);
            }
            record Recorded(AccountStore.RecordedLogin counted, List<String> hooks, boolean verifiedOnly) {}
            var row = q.map((rs, c) -> {
                if (verified != null && rs.getObject(1) == null) { // no login: the answer was wrong, or the token took none
                    return new Recorded(null, null, rs.getLong("lk_verified") > 0);
                }
                return new Recorded(AccountStore.RECORDED_LOGIN.map(rs, c),
                        subscribers == null ? List.<String>of() : List.of((String[]) rs.getArray("hooks").getArray()), false);
            }).findOne();
            if (row.isPresent() && row.get().verifiedOnly()) {
                throw new NotEvaluated(); // a right answer for a token that no longer takes answers: the code's spend rolls back
            }
            if (row.isEmpty() || row.get().counted() == null) {
                return java.util.Optional.empty(); // nothing was spent: the statement's other writes roll back with the caller's
            }
            if (verified != null) {
                audit.observeOnCommit(h, event);
            }
            counted = row.get().counted();
            hooks = row.get().hooks();
            issued = issuance.tokens();
        } else {
            if (spend != null && spend.execute(h) != 1) {
                return java.util.Optional.empty();
            }
            counted = accounts.recordLogin(h, account.uid(), now);
            issued = tokens.issue(h, tenant, account, now, secondFactorAt);
            audit.record(h, tenant.id(), ctx.origin(), event, now);
            hooks = null;
        }
        // The profile document is re-read only when an enrollment changed it in this transaction; the count came back.
        Account base = reload ? accounts.byUid(h, tenant.id(), account.uid()).orElseThrow() : account;
        int logins = counted.logins();
        // The network this completed login came from is remembered (written only when it is not already the latest).
        String trusted = throttle.rememberTrusted(counted.trustedAddresses(), ctx.ip());
        if (trusted != null) {
            h.createUpdate("UPDATE accounts SET trusted_addresses = :ta WHERE uid = :uid").bind("ta", trusted).bind("uid", account.uid()).execute();
        }
        rba.completed(h, tenant, account, how, ctx, loginKind, now, logins);
        ObjectNode profile = ProfileSchema.render(base.loggedIn(logins, now), now);
        if (hooks != null) {
            outbox.enqueue(h, tenant, "Login", profile, hooks, now);
        } else {
            outbox.enqueue(h, tenant, "Login", profile, suppressed, now);
        }
        // Remember this device: only after the account's own second factor, and only when the login asked.
        RememberedDevices.Issued device = ctx.rememberDevice() && how instanceof LoginRisk.Completion.AfterSecondFactor
                ? devices.issue(h, tenant, account, ctx, now).orElse(null) : null;
        return java.util.Optional.of(new LoginOutcome.LoggedIn(profile, issued, device));
    }
}

package dev.latchkey.login;

import dev.latchkey.account.Account;
import dev.latchkey.account.AccountStore;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.RejectedAnswer;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;

/**
 * The account lockout, in one place for the login and step-up re-authentication: a locked account refused without
 * evaluating, an answer evaluated so that a wrong one leaves nothing behind, a wrong answer counted (on the account,
 * already read under its row lock), written to the audit trail, and at the tenant's limit the account locked for
 * {@code Security.LockoutSeconds}, which also ends its pending logins.
 */
final class Lockout {
    private final AccountStore accounts;
    private final SecondFactorChallenges challenges;
    private final Audit audit;

    Lockout(AccountStore accounts, SecondFactorChallenges challenges, Audit audit) {
        this.accounts = accounts;
        this.challenges = challenges;
        this.audit = audit;
    }

    /**
     * The refusal of an account locked now (1198, Retry-After until the lock ends), written to the audit trail in the
     * caller's transaction ({@code what} names what was not evaluated); null when it is not locked.
     */
    ApiException lockedOut(Handle h, Tenant tenant, String uid, AccountStore.Counts counts, Audit.Origin origin, String what, long now) {
        if (counts.lockedUntil() == null || counts.lockedUntil() <= now) {
            return null;
        }
        ApiException refusal = LrError.ACCOUNT_LOCKED.error().retryAfterMillis(counts.lockedUntil() - now);
        audit.record(h, tenant.id(), origin, new Audit.Event(Audit.LOGIN_REFUSED, Audit.Outcome.REFUSED, uid, null, refusal.error.code,
                what + " not evaluated: locked"), now);
        return refusal;
    }

    /** What evaluating an answer came to: right, or wrong with the error the check itself answered (null: the factor's). */
    record Evaluation(boolean right, ApiException unchecked) {}

    private static final String EVALUATION = "evaluation";

    /**
     * Runs a factor's check under a savepoint of the caller's transaction (unless it writes only when right). A wrong
     * answer's effects are undone, then what a {@link RejectedAnswer} must keep is written; an answer that could not even
     * be checked ({@link ApiException}) counts as wrong and keeps its own answer.
     */
    static Evaluation evaluate(Handle h, Account account, LoginFlow.Verification verification) {
        boolean undo = verification.writesWhenWrong(); // else there is nothing to undo, and no savepoint to pay for
        if (undo) {
            h.savepoint(EVALUATION);
        }
        RejectedAnswer rejected = null;
        ApiException unchecked = null;
        boolean right;
        try {
            right = verification.verify(h, account);
        } catch (RejectedAnswer r) {
            rejected = r;
            right = false;
        } catch (ApiException e) {
            unchecked = e;
            right = false;
        }
        if (!right) {
            if (undo) {
                h.rollbackToSavepoint(EVALUATION);
            }
            if (rejected != null) {
                rejected.record(h);
            }
        }
        return new Evaluation(right, unchecked);
    }

    /** Locks the account now and ends its pending logins. */
    void lock(Handle h, Tenant tenant, String uid, long now) {
        accounts.lock(h, uid, now + tenant.lockoutMillis());
        challenges.closeAll(h, uid, now);
    }

    /**
     * A wrong answer of the account's, the {@code failures}th on {@code column} ({@code second_factor_failures} or
     * {@code password_failures}): counted, audited ({@code what} names it), and the account locked at {@code max}.
     */
    void wrongAnswer(Handle h, Tenant tenant, String uid, String column, int failures, int max, Audit.Origin origin, int errorCode,
                     String what, long now) {
        accounts.setFailures(h, uid, column, failures);
        audit.record(h, tenant.id(), origin, new Audit.Event(Audit.LOGIN_FAILED, Audit.Outcome.FAILURE, uid, null, errorCode, what), now);
        if (failures >= max) {
            lock(h, tenant, uid, now);
            audit.record(h, tenant.id(), origin, new Audit.Event(Audit.ACCOUNT_LOCKED, Audit.Outcome.SUCCESS, uid, null, null,
                    what + ": " + failures + " failures; locked until " + Json.iso(now + tenant.lockoutMillis())), now);
        }
    }
}

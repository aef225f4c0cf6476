package dev.latchkey.login;

import dev.latchkey.account.AccountStore;
import dev.latchkey.audit.Audit;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.Tokens;
import org.jdbi.v3.core.Handle;

/**
 * The account lockout, in one place for the login and step-up re-authentication: a wrong answer counted (on the account,
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
                    what + ": " + failures + " failures; locked until " + Tokens.iso(now + tenant.lockoutMillis())), now);
        }
    }
}

package dev.latchkey.factor;

import dev.latchkey.account.Account;
import dev.latchkey.error.LrError;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;

/**
 * A second factor answered with a code the user types (backup codes, the authenticator app; SMS and email codes next).
 * One step-2 endpoint serves them all: it reads the 2FA token, the code and the login's shared parameters, and lets the
 * login count and finish it.
 */
public interface CodeFactor extends SecondFactor {
    /** What a code for this factor is at most; a longer one is wrong without being checked. */
    int MAX_CODE_LENGTH = 64;

    /**
     * Checks {@code code} inside the login's transaction (which holds the account's row); a right code is spent here, so
     * it is accepted once. {@code enrollment}: non-null when this login may add the factor (the account never had one,
     * and this 2FA token was shown enrollment data): a right code for that pending enrollment sets the factor up.
     * {@code origin}: who answered, from where (for what a refusal tells the user). May throw {@link RejectedAnswer}.
     */
    Verdict verify(Handle h, Tenant tenant, Account account, String code, Enrollment enrollment, dev.latchkey.audit.Audit.Origin origin);

    /**
     * {@link #verify} for one attempt's answer ({@code attempt}: {@link SecondFactor#loginAttempt} at step 2,
     * {@link SecondFactor#sessionAttempt} at step-up): a factor that sends its code for an attempt (SMS) accepts only the
     * codes it sent for that one (ASVS 2.7.3); the others ignore it.
     */
    default Verdict verify(Handle h, Tenant tenant, Account account, String code, Enrollment enrollment, String attempt,
                           dev.latchkey.audit.Audit.Origin origin) {
        return verify(h, tenant, account, code, enrollment, origin);
    }

    /**
     * PostgreSQL: the check of {@code code} for step 2 of a login as a piece of the step's statement (see
     * {@link dev.latchkey.store.Piece}), named {@code verified}, that spends a right code and returns a row only then, and
     * writes nothing for a wrong one; it binds {@code :uid} as the account and {@code :now} as the time. Only for a factor
     * whose check is such an update and sets nothing up; null (the default): {@link #verify} checks it.
     */
    default dev.latchkey.store.Piece verifying(Account account, String code, long now) {
        return null;
    }

    /** The answer to a wrong code. */
    LrError wrongCode();

    /**
     * Whether {@link #verify} may write anything for a wrong code (or before it throws). The login then checks the code
     * under a savepoint that a wrong answer rolls back (a round trip on PostgreSQL); a factor whose check writes only when
     * the code is right answers false and saves it. A factor that says false and writes anyway would keep a wrong
     * answer's writes: say false only for a check that reads, then writes once it knows the code is right.
     */
    default boolean writesWhenWrong() {
        return true;
    }

    /** What {@link #verify} found. */
    enum Verdict {
        WRONG, RIGHT, ENROLLED;

        public boolean right() {
            return this != WRONG;
        }
    }
}

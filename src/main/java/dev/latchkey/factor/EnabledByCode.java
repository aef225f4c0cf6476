package dev.latchkey.factor;

import dev.latchkey.account.Account;
import dev.latchkey.tenant.Tenant;

/** A factor a signed-in user turns on by typing a code ({@code PUT /auth/account/2fa/verification/…}). */
public interface EnabledByCode extends SecondFactor {
    /**
     * Sets the factor up from the enrollment data {@code enrollment} was shown; the account as it is now (its profile is
     * the answer). Wrong or missing enrollment: the factor's LoginRadius error.
     */
    Account enable(Tenant tenant, Account account, String code, Enrollment enrollment, FactorChange change);
}

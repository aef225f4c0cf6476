package dev.latchkey.factor;

import dev.latchkey.account.Account;
import dev.latchkey.tenant.Tenant;

/**
 * A factor reset by LoginRadius's {@code DELETE /auth/account/2fa/authenticator} (user) or
 * {@code DELETE /manage/account/2fa/authenticator?uid=} (admin), whose body names it: {@code {"authenticator": true}} for
 * the authenticator app (the Java SDK sends {@code {"googleauthenticator": true}}), {@code {"otpauthenticator": true}} for SMS.
 */
public interface ResetByFlag extends SecondFactor {
    /** The body's keys that name this factor (matched case-insensitively). */
    java.util.Set<String> resetFlags();

    /**
     * Removes the factor; {@code removal} decides in the same transaction what removing the account's last factor means
     * (or refuses it). A factor that is not set up answers its LoginRadius error.
     */
    void reset(Tenant tenant, Account account, FactorChange change, FactorRemoval removal);
}

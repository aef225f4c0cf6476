package dev.latchkey.factor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import org.jdbi.v3.core.Handle;

/**
 * What every second factor (backup codes, passkeys, TOTP, ...) tells the login. Each factor lives in its own package
 * with its store and its HTTP handlers; verifying an answer is the factor's own business, finishing the login is
 * {@link dev.latchkey.login.LoginFlow}'s.
 */
public interface SecondFactor {
    /** Whether the account has this factor set up: with optional MFA, a configured factor makes login ask for step 2. */
    boolean isConfigured(Handle h, Account account);

    /**
     * Adds this factor's flags to step 1's {@code SecondFactorAuthentication} and to the account's MFA settings;
     * {@code configured} is what {@link #isConfigured} just answered (asked once per login).
     */
    void describe(Account account, boolean configured, ObjectNode secondFactorAuthentication);
}

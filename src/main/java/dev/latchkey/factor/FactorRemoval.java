package dev.latchkey.factor;

import dev.latchkey.account.Account;
import org.jdbi.v3.core.Handle;

/**
 * What happens when a factor was removed, inside the removal's transaction: the login decides whether the account still
 * needs a second factor, or refuses the removal of its last one (it throws, and the removal rolls back).
 */
@FunctionalInterface
public interface FactorRemoval {
    void removed(Handle h, Account account);
}

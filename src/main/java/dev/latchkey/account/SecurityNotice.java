package dev.latchkey.account;

import dev.latchkey.audit.Audit;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;

/**
 * Telling the account's owner that something about its security changed (a password set, a factor added or removed),
 * in the change's transaction. The account defines what it needs; {@code dev.latchkey.message} sends it.
 */
@FunctionalInterface
public interface SecurityNotice {
    /** {@code what}: a sentence such as "The password was changed", shown as the subject and in the text. */
    void changed(Handle h, Tenant tenant, Account account, String what, Audit.Origin origin, long now);
}

package dev.latchkey.factor;

import dev.latchkey.account.Account;
import dev.latchkey.account.AccountStore;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.message.SecurityNotices;
import dev.latchkey.webhook.WebhookOutbox;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What a factor needs from the rest of Latchkey: the database, the accounts' rows (for their lock and MFA flag), the
 * server's keys, and the three ways a change is told (webhook, audit trail, security notice). One argument, so adding a
 * factor does not change the wiring of the others.
 */
public record FactorContext(Jdbi jdbi, AccountStore accounts, Secrets secrets, WebhookOutbox outbox, Audit audit,
                            SecurityNotices notices, Clock clock) {
    /**
     * Tells that a factor of the account was added, changed or removed, in the change's transaction: the webhook
     * {@code event} with the profile as it is now (unless the change suppresses it), the audit trail's {@code auditEvent}
     * naming {@code factor}, and a security notice to the user saying {@code notice}.
     */
    public void announce(Handle h, Tenant tenant, Account account, String event, String auditEvent, String factor, String notice,
                         FactorChange change, long now) {
        Account current = accounts.byUid(h, tenant.id(), account.uid()).orElse(account);
        outbox.enqueue(h, tenant, event, ProfileSchema.render(current, now), change.suppresses(tenant, event), now);
        audit.record(h, tenant.id(), change.origin(), Audit.Event.success(auditEvent, account.uid(), factor), now);
        notices.changed(h, tenant, account, notice, change.origin(), now);
    }
}

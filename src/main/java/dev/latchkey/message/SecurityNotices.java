package dev.latchkey.message;

import dev.latchkey.account.Account;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.audit.Audit;
import dev.latchkey.message.MessageTemplates.Channel;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the owner of an account, by email, that how the account signs in changed: a second factor added, reset or
 * removed, the password set (ASVS 4.0.3 2.5.5, 2.2.3). Queued in the transaction of the change (so it is sent exactly
 * when the change happened), with the tenant's template {@code latchkey-security-notice} or Latchkey's. Nothing is sent
 * when the account has no email address or the tenant no way to send email; the change is in the audit trail either way.
 */
public final class SecurityNotices implements dev.latchkey.account.SecurityNotice {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityNotices.class);

    private final MessageTemplates templates;
    private final Messages messages;
    private final DeliverySettings delivery;

    public SecurityNotices(MessageTemplates templates, Messages messages, DeliverySettings delivery) {
        this.templates = templates;
        this.messages = messages;
        this.delivery = delivery;
    }

    /** {@code what}: a sentence such as "Backup codes were generated", shown as the subject and in the text. */
    @Override
    public void changed(Handle h, Tenant t, Account a, String what, Audit.Origin origin, long now) {
        String email = ProfileSchema.primaryEmail(a.profile());
        if (email == null || !delivery.canSend(t, Channel.EMAIL)) {
            LOG.debug("security notice for {} not sent: no email address or no email delivery", a.uid());
            return;
        }
        MessageTemplates.Template template = templates.find(h, t.id(), Channel.EMAIL, MessageTemplates.SECURITY_NOTICE).orElseThrow();
        messages.enqueue(h, t, a.uid(), Messages.Purpose.SECURITY_NOTICE, template, email,
                TemplateModel.ofChange(t.name(), ProfileSchema.render(a, now), email, what, now, origin.ip()), now);
    }
}

package dev.latchkey.message;

import dev.latchkey.account.Account;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;

/**
 * Sends a second factor's one-time code (by SMS or email) through the message outbox, in the caller's transaction: the
 * tenant's template the request names, else Latchkey's. What the code is and how it is kept is the factor's business.
 */
public final class CodeSender {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CodeSender.class);

    private final MessageTemplates templates;
    private final Messages messages;
    private final DeliverySettings delivery;

    public CodeSender(MessageTemplates templates, Messages messages, DeliverySettings delivery) {
        this.templates = templates;
        this.messages = messages;
        this.delivery = delivery;
    }

    /** Whether the tenant (or the server for it) has a provider for {@code channel}. */
    public boolean canSend(Tenant t, MessageTemplates.Channel channel) {
        return delivery.canSend(t, channel);
    }

    /** The SMS provider account ({@code OTPStatus.AccountSid}). */
    public String smsAccountSid(Tenant t) {
        return delivery.smsAccountSid(t);
    }

    /** Codes of {@code purpose} sent to {@code recipient} (or, when null, about account {@code uid}) in the past hour. */
    public int sentWithinHour(Handle h, Tenant t, Messages.Purpose purpose, String recipient, String uid, long now) {
        return messages.sentWithinHour(h, t.id(), purpose, recipient, uid, now);
    }

    /**
     * Queues {@code code} for {@code to}, rendered with the template {@code templateName} (null: Latchkey's for the
     * purpose); returns the message id ({@code OTPStatus.Sid}).
     */
    public String send(Handle h, Tenant t, Account a, Messages.Purpose purpose, MessageTemplates.Channel channel, String templateName,
                       String to, String code, long expiresInMinutes, long now) {
        return messages.enqueue(h, t, a.uid(), purpose, template(h, t, purpose, channel, templateName), to,
                TemplateModel.ofCode(t.name(), ProfileSchema.render(a, now), ProfileSchema.primaryEmail(a.profile()), code, expiresInMinutes), now);
    }

    /**
     * Queues an email with a link ({@code purpose}: {@code PASSWORD_RESET}, {@code EMAIL_VERIFICATION} or {@code DELETE_ACCOUNT}) to {@code to}
     * (the tenant's {@code templateName}, else Latchkey's).
     */
    public String sendLink(Handle h, Tenant t, Account a, Messages.Purpose purpose, String templateName, String to, String url,
                           long expiresInMinutes, long now) {
        return sendLink(h, t, a, purpose, templateName, to, url, null, expiresInMinutes, now);
    }

    /** {@link #sendLink}, with the one-time code that does what the link does ({@code EmailVerification.Otp}), or null. */
    public String sendLink(Handle h, Tenant t, Account a, Messages.Purpose purpose, String templateName, String to, String url, String code,
                           long expiresInMinutes, long now) {
        String key = switch (purpose) {
            case PASSWORD_RESET -> "ResetPassword";
            case DELETE_ACCOUNT -> "DeleteAccount";
            case WELCOME -> "Welcome";
            case PASSWORDLESS_LOGIN -> "PasswordlessLogin";
            case SMART_LOGIN -> "SmartLogin";
            default -> "EmailVerification";
        };
        return messages.enqueue(h, t, a.uid(), purpose, template(h, t, purpose, MessageTemplates.Channel.EMAIL, templateName), to,
                TemplateModel.ofLink(t.name(), ProfileSchema.render(a, now), to, key, url, code, expiresInMinutes), now);
    }

    private MessageTemplates.Template template(Handle h, Tenant t, Messages.Purpose purpose, MessageTemplates.Channel channel, String templateName) {
        MessageTemplates.Template template = null;
        if (templateName != null) {
            template = templates.find(h, t.id(), channel, templateName).orElse(null);
            if (template == null) {
                LOG.warn("tenant {}: {} template '{}' not found; using '{}'", t.apiKey(), channel.key(), templateName, purpose.builtIn);
            }
        }
        if (template == null) {
            template = templates.find(h, t.id(), channel, purpose.builtIn).orElseThrow();
        }
        return template;
    }
}

package dev.latchkey.message;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import dev.latchkey.outbox.OutboxRows;
import dev.latchkey.tenant.Tenant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The outbox of emails and SMS: a message is rendered and queued inside the caller's transaction (so it exists exactly
 * when the login that causes it committed), then sent by {@link MessageDispatcher} on any node. The rendered content
 * may carry a one-time code or link, so it is stored encrypted and erased once delivered or failed.
 */
public final class Messages {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Messages.class);
    /** Why a message is sent; user-facing purposes count toward the account's hourly limit. */
    public enum Purpose {
        RISK_NOTICE("risk-notice", true, MessageTemplates.RISK_NOTICE),
        RISK_ADMIN_NOTICE("risk-admin-notice", false, MessageTemplates.RISK_ADMIN_NOTICE),
        ONE_CLICK_SIGN_IN("one-click-sign-in", true, MessageTemplates.ONE_CLICK_SIGN_IN),
        SMS_OTP("sms-otp", true, MessageTemplates.SMS_OTP),
        /** A code of the account's SMS second factor (step 1, resend, setting the phone up, step-up). */
        MFA_SMS_CODE("mfa-sms-code", true, MessageTemplates.SMS_OTP),
        /** A code of the account's email second factor. */
        MFA_EMAIL_CODE("mfa-email-code", true, MessageTemplates.EMAIL_OTP),
        /** A forgotten-password link. */
        PASSWORD_RESET("password-reset", true, MessageTemplates.RESET_PASSWORD),
        /** A link that confirms an email address. */
        EMAIL_VERIFICATION("email-verification", true, MessageTemplates.EMAIL_VERIFICATION),
        /** The welcome email. */
        WELCOME("welcome", true, MessageTemplates.WELCOME),
        /** A link that confirms an account's deletion. */
        DELETE_ACCOUNT("delete-account", true, MessageTemplates.DELETE_ACCOUNT),
        /** An SMS code of the phone flows (verification, reset, passwordless and one-touch sign-in). */
        PHONE_CODE("phone-code", true, MessageTemplates.PHONE_CODE),
        /** A passwordless sign-in link and code. */
        PASSWORDLESS_LOGIN("passwordless-login", true, MessageTemplates.PASSWORDLESS_LOGIN),
        /** A smart or one-touch login link. */
        SMART_LOGIN("smart-login", true, MessageTemplates.SMART_LOGIN),
        // Not counted toward the hourly limit: a change to how the account signs in is always told.
        SECURITY_NOTICE("security-notice", false, MessageTemplates.SECURITY_NOTICE);

        public final String key;
        final boolean toUser;
        /** Latchkey's template for this purpose: sent instead of a tenant's that does not render. */
        final String builtIn;

        Purpose(String key, boolean toUser, String builtIn) {
            this.key = key;
            this.toUser = toUser;
            this.builtIn = builtIn;
        }
    }

    private final Secrets secrets;

    public Messages(Secrets secrets) {
        this.secrets = secrets;
    }

    /**
     * Renders {@code template} with {@code model} and queues it for {@code recipient}; returns the message id. A tenant's
     * template that does not render (one saved before templates were checked against a sample) is replaced by
     * Latchkey's template of the same purpose, with a warning: a message must never turn a login into an error.
     */
    public String enqueue(Handle h, Tenant t, String uid, Purpose purpose, MessageTemplates.Template template, String recipient,
                          Map<String, Object> model, long now) {
        MessageTemplates.Rendered r;
        try {
            r = MessageTemplates.render(template, model);
        } catch (RuntimeException | StackOverflowError e) {
            MessageTemplates.Template builtIn = MessageTemplates.builtIn(template.channel(), purpose.builtIn);
            if (builtIn == null || builtIn == template) {
                throw e;
            }
            LOG.warn("tenant {}: the {} template '{}' does not render ({}); sent Latchkey's '{}' instead", t.apiKey(),
                    template.channel().key(), template.name(), e instanceof StackOverflowError ? "nested too deep" : e.getMessage(),
                    builtIn.name());
            template = builtIn;
            r = MessageTemplates.render(template, model);
        }
        ObjectNode content = Json.object();
        if (template.channel() == MessageTemplates.Channel.EMAIL) {
            content.put("Subject", r.subject()).put("Text", r.text()).put("Html", r.html());
        } else {
            content.put("Body", r.text());
        }
        String id = Secrets.guid();
        h.createUpdate("""
                        INSERT INTO message_outbox (id, tenant_id, uid, channel, purpose, template, recipient, content, status,
                                                    next_attempt_at, created_at)
                        VALUES (:id, :t, :uid, :c, :p, :tpl, :to, :content, 'pending', :now, :now)""")
                .bind("id", id).bind("t", t.id()).bind("uid", uid).bind("c", template.channel().key()).bind("p", purpose.key)
                .bind("tpl", template.name()).bind("to", recipient).bind("content", secrets.encrypt(Json.write(content)))
                .bind("now", now).execute();
        return id;
    }

    /** Messages sent to the account itself in the hour before {@code now} (one-click links, codes, notices). */
    public int sentToUserWithinHour(Handle h, String uid, long now) {
        List<String> userFacing = java.util.Arrays.stream(Purpose.values()).filter(p -> p.toUser).map(p -> p.key).toList();
        return h.createQuery("SELECT COUNT(*) FROM message_outbox WHERE uid = :uid AND created_at > :since AND purpose IN (<purposes>)")
                .bind("uid", uid).bind("since", now - 3_600_000L).bindList("purposes", userFacing).mapTo(Integer.class).one();
    }

    /**
     * Messages of {@code purpose} queued in the hour before {@code now}: to {@code recipient} within the tenant, or (when
     * {@code recipient} is null) about the account {@code uid}. What a per-phone or per-account hourly limit counts.
     */
    public int sentWithinHour(Handle h, long tenantId, Purpose purpose, String recipient, String uid, long now) {
        String by = recipient != null ? "tenant_id = :t AND recipient = :r" : "uid = :uid";
        return h.createQuery("SELECT COUNT(*) FROM message_outbox WHERE " + by + " AND created_at > :since AND purpose = :p")
                .bind("t", tenantId).bind("r", recipient).bind("uid", uid).bind("since", now - 3_600_000L).bind("p", purpose.key)
                .mapTo(Integer.class).one();
    }

    /** A message as operators see it (never its content). */
    public record Sent(String id, String uid, String channel, String purpose, String template, String recipient,
                       OutboxRows.Bookkeeping bookkeeping) {}

    /** A tenant's messages for operators, newest first, without their content; {@code status} null for all. */
    public List<Sent> list(Jdbi jdbi, Tenant tenant, String status, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, uid, channel, purpose, template, recipient, " + OutboxRows.COLUMNS
                        + " FROM message_outbox WHERE tenant_id = :t" + (status == null ? "" : " AND status = :s")
                        + " ORDER BY created_at DESC, id DESC LIMIT " + limit)
                .bind("t", tenant.id()).bind("s", status)
                .map((rs, c) -> new Sent(rs.getString("id"), rs.getString("uid"), rs.getString("channel"), rs.getString("purpose"),
                        rs.getString("template"), rs.getString("recipient"), OutboxRows.read(rs)))
                .list());
    }
}

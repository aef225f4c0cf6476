package dev.latchkey.message;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.tenant.Tenant;

/**
 * Where a tenant's email and SMS go: the tenant's own {@code Email} and {@code Sms} settings, or, for what it leaves
 * unset, the node's ({@code --smtp-*}, {@code --mail-from}, {@code --sms-*}). A tenant that names its own SMTP host
 * brings all of its SMTP settings; its {@code From} applies either way.
 */
public final class DeliverySettings {
    /** An SMTP server; {@code security} is none, starttls (required) or tls (implicit TLS, usually port 465). */
    public record Smtp(String host, int port, String security, String username, String password, String from) {
        public boolean configured() {
            return host != null && from != null;
        }
    }

    /** A Twilio-compatible SMS API. */
    public record Sms(String baseUrl, String accountSid, String authToken, String from) {
        public boolean configured() {
            return baseUrl != null && accountSid != null && authToken != null && from != null;
        }
    }

    public static final String TWILIO = "https://api.twilio.com";

    private final Smtp serverSmtp;
    private final Sms serverSms;
    private final Secrets secrets;

    public DeliverySettings(Smtp serverSmtp, Sms serverSms, Secrets secrets) {
        this.serverSmtp = serverSmtp;
        this.serverSms = serverSms;
        this.secrets = secrets;
    }

    /** The tenant's SMTP settings, its password decrypted: for sending. */
    public Smtp smtp(Tenant t) {
        return smtp(t, true);
    }

    /** {@code reveal} false: a stored password stays sealed (enough to know whether one is set; never sent). */
    private Smtp smtp(Tenant t, boolean reveal) {
        JsonNode e = t.settings().path("Email");
        String from = text(e, "From") != null ? text(e, "From") : serverSmtp.from();
        if (text(e, "SmtpHost") == null) {
            return new Smtp(serverSmtp.host(), serverSmtp.port(), serverSmtp.security(), serverSmtp.username(), serverSmtp.password(), from);
        }
        String sealed = text(e, "Password");
        return new Smtp(text(e, "SmtpHost"), e.path("SmtpPort").asInt(587), e.path("Security").asText("starttls"),
                text(e, "Username"), sealed == null || !reveal ? sealed : secrets.decrypt(sealed), from);
    }

    /** The tenant's SMS settings, its auth token decrypted: for sending. */
    public Sms sms(Tenant t) {
        return sms(t, true);
    }

    private Sms sms(Tenant t, boolean reveal) {
        JsonNode s = t.settings().path("Sms");
        if (text(s, "AccountSid") == null) {
            String from = text(s, "From") != null ? text(s, "From") : serverSms.from();
            String base = text(s, "BaseUrl") != null ? text(s, "BaseUrl") : serverSms.baseUrl();
            return new Sms(base, serverSms.accountSid(), serverSms.authToken(), from);
        }
        String sealed = text(s, "AuthToken");
        return new Sms(text(s, "BaseUrl") != null ? text(s, "BaseUrl") : TWILIO, text(s, "AccountSid"),
                sealed == null || !reveal ? sealed : secrets.decrypt(sealed), text(s, "From") != null ? text(s, "From") : serverSms.from());
    }

    /** Whether the tenant's email (or SMS) can be sent at all; decrypts nothing. */
    public boolean canSend(Tenant t, MessageTemplates.Channel channel) {
        return channel == MessageTemplates.Channel.EMAIL ? smtp(t, false).configured() : sms(t, false).configured();
    }

    /** The SMS provider account a message goes through (shown as {@code OTPStatus.AccountSid}); decrypts nothing. */
    public String smsAccountSid(Tenant t) {
        return sms(t, false).accountSid();
    }

    private static String text(JsonNode n, String k) {
        JsonNode v = n.get(k);
        return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText();
    }
}

package dev.latchkey.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a tenant's email and SMS go: the tenant's own {@code Email} and {@code Sms} settings, or, for what it leaves
 * unset, the node's ({@code --smtp-*}, {@code --mail-from}, {@code --sms-*}). A tenant that names its own SMTP host
 * brings all of its SMTP settings, one with its own SMS {@code AccountSid} all of its SMS provider (its {@code BaseUrl},
 * else Twilio's); its {@code From} applies either way. The server's credentials only ever go to the server's hosts.
 */
public final class DeliverySettings {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeliverySettings.class);
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
            // The server's credentials go to the server's URL and nowhere else. A tenant URL without credentials of its
            // own (refused when saved, see checkTenantSettings; an older version stored it) is ignored.
            if (reveal && text(s, "BaseUrl") != null) {
                LOG.warn("tenant {}: Sms.BaseUrl is ignored without the tenant's own AccountSid and AuthToken; the SMS goes "
                        + "through the server's provider", t.apiKey());
            }
            String from = text(s, "From") != null ? text(s, "From") : serverSms.from();
            return new Sms(serverSms.baseUrl(), serverSms.accountSid(), serverSms.authToken(), from);
        }
        String sealed = text(s, "AuthToken");
        return new Sms(text(s, "BaseUrl") != null ? text(s, "BaseUrl") : TWILIO, text(s, "AccountSid"),
                sealed == null || !reveal ? sealed : secrets.decrypt(sealed), text(s, "From") != null ? text(s, "From") : serverSms.from());
    }

    /**
     * Checks a tenant's settings as an operator saves them ({@link dev.latchkey.tenant.Tenants.ReferenceCheck}): an
     * {@code Sms.BaseUrl} is an http or https URL and comes with the tenant's own {@code AccountSid} and
     * {@code AuthToken}, because the server's credentials are never sent to a URL a tenant chose.
     */
    public static void checkTenantSettings(ObjectNode settings) {
        JsonNode s = settings.path("Sms");
        String url = text(s, "BaseUrl");
        if (url == null) {
            return;
        }
        if (!isHttpUrl(url)) {
            throw new TenantSettings.InvalidField("Sms.BaseUrl", "'Sms.BaseUrl' must be an http or https URL with a host (and no user information).");
        }
        if (text(s, "AccountSid") == null || text(s, "AuthToken") == null) {
            throw new TenantSettings.InvalidField("Sms.BaseUrl", "'Sms.BaseUrl' needs the tenant's own 'Sms.AccountSid' and "
                    + "'Sms.AuthToken': the server's SMS credentials are never sent to a tenant's URL.");
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
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

package dev.latchkey.http;

import dev.latchkey.account.Account;
import dev.latchkey.account.AccountLinks;
import dev.latchkey.account.AccountStore;
import dev.latchkey.error.LrError;
import dev.latchkey.message.CodeSender;
import dev.latchkey.message.MessageTemplates;
import dev.latchkey.message.Messages;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What the emails of an account's lifecycle need (a forgotten password, an address to verify, a deletion to confirm): the store, the links, the
 * mail, where the hosted page is, and the check that a link only points where the tenant allows.
 */
public record AccountMail(Jdbi jdbi, AccountStore store, AccountLinks resets, AccountLinks verifications, AccountLinks deletions, CodeSender mail,
                          Supplier<String> publicUrl, Clock clock) {

    /** {@code url} when the tenant allows it (a prefix of {@code Security.AllowedUrls}, same scheme, host and port), else 908. */
    public String allowedUrl(Tenant tenant, String url, String parameter) {
        String hosted = publicUrl.get() + "/hosted?apikey=" + tenant.apiKey();
        if (url == null || url.isBlank()) {
            return hosted;
        }
        java.net.URI u;
        try {
            u = new java.net.URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw LrError.PARAMETER_FORMAT.withDescription("The " + parameter + " is not a URL.");
        }
        String rawPath = u.getRawPath() == null ? "" : u.getRawPath();
        // No dot segments (…/allowed/../elsewhere), no encoded ones, no user part: the path is compared as written.
        if (u.isOpaque() || u.getRawUserInfo() != null || !rawPath.equals(u.normalize().getRawPath() == null ? "" : u.normalize().getRawPath()) || rawPath.toLowerCase(java.util.Locale.ROOT).contains("%2e")
                || rawPath.toLowerCase(java.util.Locale.ROOT).contains("%2f") || rawPath.contains("\\")) {
            throw LrError.PARAMETER_FORMAT.withDescription("The " + parameter + " is not one of this site's allowed URLs (Security.AllowedUrls).");
        }
        java.util.List<String> allowed = new java.util.ArrayList<>(tenant.allowedUrls());
        allowed.add(publicUrl.get() + "/hosted");
        for (String prefix : allowed) {
            try {
                java.net.URI p = new java.net.URI(prefix);
                String allowedPath = p.getRawPath() == null ? "" : p.getRawPath();
                // A path prefix ends at a segment: "/auth" allows "/auth" and "/auth/x", not "/authx".
                boolean underPrefix = rawPath.equals(allowedPath) || allowedPath.endsWith("/") && rawPath.startsWith(allowedPath)
                        || rawPath.startsWith(allowedPath + "/") || allowedPath.isEmpty();
                if (p.getScheme() != null && p.getScheme().equalsIgnoreCase(u.getScheme()) && p.getHost() != null
                        && p.getHost().equalsIgnoreCase(u.getHost()) && p.getPort() == u.getPort() && underPrefix
                        && u.getRawFragment() == null) {
                    return url.strip();
                }
            } catch (java.net.URISyntaxException ignored) {
                // a setting that is no URL allows nothing
            }
        }
        throw LrError.PARAMETER_FORMAT.withDescription("The " + parameter + " is not one of this site's allowed URLs (Security.AllowedUrls).");
    }

    /**
     * Emails a verification link for {@code email} of the account ({@code base?vtype=emailverification&vtoken=…}), in the
     * caller's transaction; nothing when the tenant's flow is Disabled, no email can be sent, or the hourly cap is reached.
     * Whether one was queued.
     */
    public boolean sendVerification(Handle h, Tenant tenant, Account account, String email, String base, String template, long now) {
        return sendVerification(h, tenant, account, email, null, base, template, now);
    }

    /** The link of an emailed token: {@code base?vtype=<vtype>&vtoken=<token>} ({@code &} where the base has a query already). */
    public static String link(String base, String vtype, String token) {
        return base + (base.contains("?") ? "&" : "?") + "vtype=" + vtype + "&vtoken=" + token;
    }

    /**
     * Emails a reset link for {@code token} (just started for the account) to {@code to}, in the caller's transaction:
     * the forgotten-password email (Latchkey's, or the tenant's {@code template}).
     */
    public void sendReset(Handle h, Tenant tenant, Account account, String to, String token, String base, String template, long now) {
        mail.sendLink(h, tenant, account, Messages.Purpose.PASSWORD_RESET, template, to, link(base, "reset", token),
                Math.max(1, tenant.passwordResetMillis() / 60_000), now);
    }

    /**
     * Emails the welcome ({@code template}: the tenant's, else Latchkey's {@code latchkey-welcome}; {@code Welcome.Url}: the
     * hosted page) to the account's primary address, in the caller's transaction; nothing when it has none or no email can
     * be sent. Whether one was queued.
     */
    public boolean sendWelcome(Handle h, Tenant tenant, Account account, String template, long now) {
        String to = dev.latchkey.account.ProfileSchema.primaryEmail(account.profile());
        if (to == null || !mail.canSend(tenant, MessageTemplates.Channel.EMAIL)) {
            return false;
        }
        mail.sendLink(h, tenant, account, Messages.Purpose.WELCOME, template, to, publicUrl.get() + "/hosted?apikey=" + tenant.apiKey(), 0, now);
        return true;
    }

    /**
     * {@link #sendVerification} for an address the account asked to add ({@code type}: its Type): it joins the profile when
     * the link is followed.
     */
    public boolean sendAddition(Handle h, Tenant tenant, Account account, String email, String type, String base, String template, long now) {
        // The address is nobody's proven one yet: the email carries none of the requesting profile's text (a name set to a
        // phishing sentence must not reach a stranger through the site's own mail).
        Account anonymous = new Account(account.uid(), account.tenantId(), dev.latchkey.json.Json.object(), null, account.active(),
                account.emailVerified(), 0, null, null, 0, 0, null, account.createdAt(), account.modifiedAt(), 0, false);
        return sendVerification(h, tenant, anonymous, email, type, base, template, now);
    }

    private boolean sendVerification(Handle h, Tenant tenant, Account account, String email, String type, String base, String template,
                                     long now) {
        if ("Disabled".equals(tenant.emailVerificationFlow()) || email == null || !mail.canSend(tenant, MessageTemplates.Channel.EMAIL)
                || !verifications.mayStart(h, account.uid(), now)) {
            return false;
        }
        AccountLinks.Started started = verifications.startWithCode(h, tenant, account.uid(), email, type, now, tenant.emailVerificationMillis());
        String token = started.token();
        String url = link(base, "emailverification", token);
        mail.sendLink(h, tenant, account, Messages.Purpose.EMAIL_VERIFICATION, template, email, url, started.code(),
                Math.max(1, tenant.emailVerificationMillis() / 60_000), now);
        return true;
    }
}

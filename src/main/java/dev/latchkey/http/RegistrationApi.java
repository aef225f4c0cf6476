package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.crypto.Sott;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginContext;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.LoginOutcome;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Sign-up through the Auth API (reference §12): {@code POST /identity/v2/auth/register} with a SOTT, and the SOTTs the
 * Management API hands out ({@code GET /identity/v2/manage/account/sott}).
 */
public final class RegistrationApi {
    /** A SOTT may start this far in the future (the clocks of the application and the node differ). */
    static final long SKEW_MILLIS = Duration.ofMinutes(5).toMillis();
    /** The longest window a SOTT of the Management API gets ({@code timedifference}, minutes). */
    static final int MAX_MINUTES = 60 * 24;

    private final TenantGate gate;
    private final Accounts accounts;
    private final LoginFlow flow;
    private final Secrets secrets;
    private final Clock clock;
    private final AccountMail mail;
    private final PhoneApi phone;

    public RegistrationApi(TenantGate gate, Accounts accounts, LoginFlow flow, Secrets secrets, AccountMail mail, PhoneApi phone, Clock clock) {
        this.mail = mail;
        this.phone = phone;
        this.gate = gate;
        this.accounts = accounts;
        this.flow = flow;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * {@code POST /identity/v2/auth/register}: the SOTT in {@code X-LoginRadius-Sott} (the SDKs) or {@code ?sott=} (1048
     * missing, 1049 invalid or expired), the profile in the body. Answers {@code {"IsPosted": true, "Data": <the login
     * response>}}: the new user is signed in, unless the tenant requires a second factor (or risk asks for one), then
     * {@code {"IsPosted": true}} and the next login continues.
     */
    public JsonNode register(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        req.fields();
        // Untrimmed in the query: an unencoded '+' at the start of the Base64 arrives as a space that is part of it.
        String sott = req.header("X-LoginRadius-Sott") != null ? req.header("X-LoginRadius-Sott") : req.queryUntrimmed("sott");
        if (sott == null || sott.isBlank()) {
            throw LrError.SOTT_REQUIRED.error();
        }
        if (!Sott.valid(sott.stripTrailing(), tenant.apiKey(), secrets.decrypt(tenant.apiSecretSealed()), clock.instant(), SKEW_MILLIS)) {
            throw LrError.SOTT_INVALID.error();
        }
        LoginContext ctx = req.loginContext();
        String base = mail.allowedUrl(tenant, req.query("verificationurl"), "verificationurl");
        boolean prevent = req.query("options") != null && req.query("options").toLowerCase(java.util.Locale.ROOT).contains("preventverificationemail");
        if ("Required".equals(tenant.emailVerificationFlow()) && !mail.mail().canSend(tenant, dev.latchkey.message.MessageTemplates.Channel.EMAIL)) {
            throw LrError.EMAIL_LIMIT.withDescription("This site requires a verified email but has no email delivery configured.");
        }
        JsonNode body = req.body();
        String smsTemplate = req.smsTemplate();
        JsonNode phoneId = body != null && body.isObject() ? dev.latchkey.json.Json.field(body, "PhoneId") : null;
        if (phoneId != null && !phoneId.isNull()) {
            phone.beforeRegistration(req, tenant, phoneId.asText());
        }
        Account account = accounts.register(tenant, body, !req.preventWebhook(), req.origin(Audit.Actor.USER));
        if (account.profile().hasNonNull("PhoneId")) {
            mail.jdbi().useTransaction(h -> phone.afterRegistration(h, tenant, account, smsTemplate, clock.millis()));
        }
        if ("Disabled".equals(tenant.emailVerificationFlow()) && tenant.welcomeEmail()) {
            mail.jdbi().useTransaction(h -> mail.sendWelcome(h, tenant, account, req.query("welcomeemailtemplate"), clock.millis()));
        } else if (!prevent && dev.latchkey.account.ProfileSchema.primaryEmail(account.profile()) != null) {
            String template = req.query("emailtemplate");
            mail.jdbi().useTransaction(h -> mail.sendVerification(h, tenant, account,
                    dev.latchkey.account.ProfileSchema.primaryEmail(account.profile()), base, template, clock.millis()));
        }
        ObjectNode out = Json.object().put("IsPosted", true);
        // A phone sign-up is signed in by its number's code (PUT /auth/phone/otp), as LoginRadius answers {"IsPosted": true}.
        LoginOutcome login = account.profile().hasNonNull("PhoneId") ? null : flow.afterRegistration(tenant, account, ctx);
        if (login != null) {
            out.set("Data", Responses.login(req, login));
        }
        return out;
    }

    /**
     * {@code GET /identity/v2/manage/account/sott?timedifference=} (apikey + apisecret): {@code {"Sott", "ExpiryTime"}}, a
     * SOTT valid from now for {@code timedifference} minutes (default 10, 1 to 1440).
     */
    public JsonNode sott(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        String minutesText = req.query("timedifference");
        int minutes = 10;
        if (minutesText != null) {
            try {
                minutes = Integer.parseInt(minutesText.strip());
            } catch (NumberFormatException e) {
                minutes = -1;
            }
            if (minutes < 1 || minutes > MAX_MINUTES) {
                throw LrError.PARAMETER_FORMAT.withDescription("The timedifference parameter is a number of minutes, 1 to " + MAX_MINUTES + ".");
            }
        }
        Instant now = clock.instant();
        Instant end = now.plus(Duration.ofMinutes(minutes));
        return Json.object().put("Sott", Sott.make(tenant.apiKey(), secrets.decrypt(tenant.apiSecretSealed()), now, end))
                .put("ExpiryTime", end.toString());
    }
}

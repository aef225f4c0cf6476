package dev.latchkey.http;

import dev.latchkey.error.LrError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;

/**
 * The Management API's accounts (apikey + apisecret): create, read (by uid, email, username or phone), update (IsActive
 * blocks), delete; their email addresses and phone; a uid change; the tokens an application may ask for an account
 * (a reset token, a verification token).
 */
public final class ManageAccountApi {
    private final TenantGate gate;
    private final Accounts accounts;
    private final AccountMail mail;
    private final Clock clock;

    public ManageAccountApi(TenantGate gate, Accounts accounts, AccountMail mail, Clock clock) {
        this.gate = gate;
        this.accounts = accounts;
        this.mail = mail;
        this.clock = clock;
    }

    public JsonNode create(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        return Responses.profile(req, ProfileSchema.render(accounts.create(tenant, req.body(), !req.preventWebhook(), req.origin(Audit.Actor.APP)), clock.millis()));
    }

    public JsonNode get(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        return Responses.profile(req, ProfileSchema.render(accounts.get(tenant, req.pathParam("uid")), clock.millis()));
    }

    /**
     * {@code GET /identity/v2/manage/account?email=|username=|phone=}: the account's bare profile, as {@link #get} renders
     * it. The SDKs send {@code userName}; query names match case-insensitively.
     */
    public JsonNode find(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        for (String kind : new String[] {"email", "username", "phone"}) {
            String value = req.identifierQuery(kind);
            if (value != null) {
                return Responses.profile(req, ProfileSchema.render(accounts.byIdentifier(tenant, kind, value), clock.millis()));
            }
        }
        throw LrError.required("email, username or phone");
    }

    /**
     * {@code GET /identity/v2/manage/account/identities?email=}: {@code {"Data": [profile]}}, the accounts that hold the
     * address (one at most: an address belongs to one account of a tenant); {@code {"Data": []}} when none.
     */
    public JsonNode identities(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        String email = req.identifierQuery("email");
        if (email == null || email.isBlank()) {
            throw LrError.required("email");
        }
        long now = clock.millis();
        return Responses.data(mail.jdbi().withHandle(h -> mail.store().byLoginIdentifier(h, tenant.id(), "email", email)).stream().toList(),
                a -> Responses.profile(req, ProfileSchema.render(a, now)));
    }

    public JsonNode update(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        return Responses.profile(req, ProfileSchema.render(accounts.update(tenant, req.pathParam("uid"), req.body(), !req.preventWebhook(), req.origin(Audit.Actor.APP)), clock.millis()));
    }

    /** {@code PUT /identity/v2/manage/account/{uid}/email} with {@code {"Email": [{"Type", "Value"}]}}: the profile after the upsert. */
    public JsonNode upsertEmail(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        JsonNode emails = Json.field(req.body(), "Email");
        if (emails == null || !emails.isArray()) {
            throw LrError.required("Email");
        }
        return Responses.profile(req, ProfileSchema.render(accounts.upsertEmails(tenant, req.pathParam("uid"), emails, !req.preventWebhook(),
                req.origin(Audit.Actor.APP)), clock.millis()));
    }

    /** {@code DELETE /identity/v2/manage/account/{uid}/email} with {@code {"email"}}: the profile without it (1340, 1005). */
    public JsonNode removeEmail(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        String email = req.requiredBodyString("email").strip();
        return Responses.profile(req, ProfileSchema.render(accounts.removeEmail(tenant, req.pathParam("uid"), email, !req.preventWebhook(),
                req.origin(Audit.Actor.APP)), clock.millis()));
    }

    /** {@code PUT /identity/v2/manage/account/{uid}/phoneid} with {@code {"phone"}}: the profile with its new PhoneId. */
    public JsonNode setPhoneId(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.fields();
        String phone = req.requiredBodyString("phone").strip();
        return Responses.profile(req, ProfileSchema.render(accounts.setPhoneId(tenant, req.pathParam("uid"), phone, !req.preventWebhook(),
                req.origin(Audit.Actor.APP)), clock.millis()));
    }

    /**
     * {@code PUT /identity/v2/manage/account/{uid}/invalidateemail?verificationurl=&emailtemplate=}: the email is unverified
     * again and a new verification link is emailed (unless the tenant's flow is Disabled); {@code {"IsPosted": true}}.
     */
    public JsonNode invalidateEmail(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.body(); // PUT without a body is usual here; one that is there must be JSON
        String base = mail.allowedUrl(tenant, req.query("verificationurl"), "verificationurl");
        Account account = accounts.invalidateEmailVerification(tenant, req.pathParam("uid"), !req.preventWebhook(), req.origin(Audit.Actor.APP));
        mail.jdbi().useTransaction(h -> mail.sendVerification(h, tenant, account, ProfileSchema.primaryEmail(account.profile()), base,
                req.query("emailtemplate"), clock.millis()));
        return Responses.posted();
    }

    /** {@code DELETE /identity/v2/manage/account?email=}: the account that has the address is deleted; {@code {"IsDeleted": true}} (938 none). */
    public JsonNode deleteByEmail(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.body();
        String email = req.identifierQuery("email");
        if (email == null || email.isBlank()) {
            throw LrError.required("email");
        }
        accounts.delete(tenant, accounts.byIdentifier(tenant, "email", email).uid(), !req.preventWebhook(), req.origin(Audit.Actor.APP));
        return Responses.deleted();
    }

    /** {@code PUT /identity/v2/manage/account/uid?uid=} with {@code {"NewUid"}}: {@code {"IsPosted": true}}. */
    public JsonNode changeUid(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        String uid = req.requiredQuery("uid");
        String newUid = req.requiredBodyString("NewUid").strip();
        accounts.changeUid(tenant, uid, newUid, !req.preventWebhook(), req.origin(Audit.Actor.APP));
        return Responses.posted();
    }

    /**
     * {@code POST /identity/v2/manage/account/forgot/token?sendemail=&emailtemplate=&resetpasswordurl=} with
     * {@code {"email"}} or {@code {"username"}}: {@code {"ForgotToken", "IdentityProviders": []}}, a reset token for
     * {@code PUT /auth/password/reset} (the tenant's lifetime, single use); with {@code sendemail=true} the user is also
     * emailed its link. 938 for no such account.
     */
    public JsonNode forgotToken(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        String email = req.bodyString("email");
        String username = req.bodyString("username");
        String kind = email != null && !email.isBlank() ? "email" : "username";
        String value = kind.equals("email") ? email : username;
        if (value == null || value.isBlank()) {
            throw LrError.required("email");
        }
        boolean send = "true".equalsIgnoreCase(req.query("sendemail"));
        String base = send ? mail.allowedUrl(tenant, req.query("resetpasswordurl"), "resetpasswordurl") : null;
        long now = clock.millis();
        String token = mail.jdbi().inTransaction(h -> {
            Account account = mail.store().byLoginIdentifier(h, tenant.id(), kind, value.strip()).orElseThrow(LrError.USER_NOT_FOUND::error);
            String to = ProfileSchema.primaryEmail(account.profile());
            String t = mail.resets().start(h, tenant, account.uid(), to, now, tenant.passwordResetMillis());
            if (send && to != null && mail.mail().canSend(tenant, dev.latchkey.message.MessageTemplates.Channel.EMAIL)) {
                mail.sendReset(h, tenant, account, to, t, base, req.query("emailtemplate"), now);
            }
            return t;
        });
        ObjectNode out = Json.object().put("ForgotToken", token);
        out.putArray("IdentityProviders");
        return out;
    }

    /**
     * {@code POST /identity/v2/manage/account/verify/token} with {@code {"email"}}: {@code {"VerificationToken",
     * "expires_in"}}, a token for {@code GET /auth/email?verificationtoken=}; 938 no such account, 1126 already verified.
     */
    public JsonNode verificationToken(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        String email = req.requiredBodyString("email").strip();
        long now = clock.millis();
        long expires = now + tenant.emailVerificationMillis();
        String token = mail.jdbi().inTransaction(h -> {
            Account account = mail.store().byLoginIdentifier(h, tenant.id(), "email", email).orElseThrow(LrError.USER_NOT_FOUND::error);
            if (account.emailVerified()) {
                throw LrError.EMAIL_VERIFIED_NO_TOKEN.error();
            }
            return mail.verifications().start(h, tenant, account.uid(), ProfileSchema.primaryEmail(account.profile()), now,
                    tenant.emailVerificationMillis());
        });
        return Json.object().put("VerificationToken", token).put("expires_in", Json.iso(expires));
    }

    public JsonNode delete(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        req.body(); // LoginRadius clients send a body on DELETE; it must at least be JSON
        accounts.delete(tenant, req.pathParam("uid"), !req.preventWebhook(), req.origin(Audit.Actor.APP));
        return Responses.deleted();
    }
}

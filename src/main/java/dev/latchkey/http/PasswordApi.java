package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.login.StepUp;
import dev.latchkey.tenant.Tenant;

/**
 * Passwords through the Auth and Management APIs (reference §14): the user changes theirs
 * ({@code PUT /identity/v2/auth/password/change}); the application sets one ({@code PUT /identity/v2/manage/account/{uid}/password})
 * and reads the hash ({@code GET …/{uid}/password}). Each new password ends the account's sessions and is told to the user.
 */
public final class PasswordApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final Accounts accounts;
    private final StepUp stepUp;
    private final AccountMail forgotten;

    public PasswordApi(TenantGate gate, AccessGate access, Accounts accounts, StepUp stepUp, AccountMail forgotten) {
        this.gate = gate;
        this.access = access;
        this.accounts = accounts;
        this.stepUp = stepUp;
        this.forgotten = forgotten;
    }

    /**
     * {@code POST /identity/v2/auth/password?resetpasswordurl=&emailtemplate=} with {@code {"email"}} or
     * {@code {"username"}}: {@code {"IsPosted": true}} whether or not such an account exists (no enumeration, unless the
     * tenant chose LoginRadius's 938 with {@code Security.ForgotPasswordRevealsUnknown}); when it
     * does and has an email address, a link {@code resetpasswordurl?vtype=reset&vtoken=…} is emailed (at most 5 an hour).
     * The URL must start with one of the tenant's {@code Security.AllowedUrls} or be the hosted page (908 otherwise: no
     * open redirect); without one, the hosted page.
     */
    public JsonNode forgot(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String email = req.bodyString("email");
        String username = req.bodyString("username");
        if ((email == null || email.isBlank()) && (username == null || username.isBlank())) {
            throw LrError.required("email");
        }
        String base = forgotten.allowedUrl(tenant, req.query("resetpasswordurl"), "resetpasswordurl");
        String template = req.query("emailtemplate");
        String kind = email != null && !email.isBlank() ? "email" : "username";
        String value = kind.equals("email") ? email : username;
        if (value.length() > 320) {
            throw LrError.PARAMETER_FORMAT.withDescription("The " + kind + " is too long.");
        }
        if (!forgotten.mail().canSend(tenant, dev.latchkey.message.MessageTemplates.Channel.EMAIL)) {
            throw LrError.EMAIL_LIMIT.withDescription("This site has no email delivery configured, so no reset link can be sent.");
        }
        long now = forgotten.clock().millis();
        forgotten.jdbi().useTransaction(h -> {
            Account account = forgotten.store().byLoginIdentifier(h, tenant.id(), kind, value).orElse(null);
            if (account == null && tenant.forgotPasswordRevealsUnknown()) {
                throw LrError.USER_NOT_FOUND.error(); // the tenant chose LoginRadius's revealing answer
            }
            String to = account == null ? null : dev.latchkey.account.ProfileSchema.primaryEmail(account.profile());
            if (to == null || !account.active() || !forgotten.resets().mayStart(h, account.uid(), now)) {
                return; // the same answer: nothing tells whether the account exists
            }
            String token = forgotten.resets().start(h, tenant, account.uid(), to, now, tenant.passwordResetMillis());
            forgotten.sendReset(h, tenant, account, to, token, base, template, now);
        });
        return Responses.posted();
    }

    /**
     * {@code PUT /identity/v2/auth/password/reset} with {@code {"resettoken", "password"}}: {@code {"IsPosted": true}};
     * the token works once (974 used, 975 expired, 1063 unknown), the password meets the policy (1134, checked before the
     * token is spent). Every session ends; webhook {@code ResetPassword}; the user is told.
     */
    public JsonNode reset(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String token = required(req.bodyString("resettoken"), "resettoken");
        String password = required(req.bodyString("password"), "password");
        Accounts.checkPassword(tenant, password);
        String uid = forgotten.resets().spend(tenant, token.strip(), forgotten.clock().millis()).uid();
        accounts.setPassword(tenant, uid, password, "ResetPassword", !req.preventWebhook(), req.origin(Audit.Actor.USER));
        return Responses.posted();
    }


    /**
     * {@code PUT /identity/v2/auth/password/change} (access token) with {@code {"oldpassword", "newpassword"}} (the SDKs
     * send {@code oldPassword}, {@code newPassword}): {@code {"IsPosted": true}}. A wrong current password is 967, counted
     * toward the password lockout; the new one must meet the tenant's policy (1134). Every session of the account ends,
     * this one included; webhook {@code ChangePassword}.
     */
    public JsonNode change(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        String old = required(req.bodyString("oldpassword"), "oldpassword");
        String next = required(req.bodyString("newpassword"), "newpassword");
        stepUp.requirePassword(caller.tenant(), caller.account(), old, req.loginContext(), "password change", LrError.CURRENT_PASSWORD_INVALID);
        accounts.setPassword(caller.tenant(), caller.account().uid(), next, "ChangePassword", !req.preventWebhook(), req.origin(Audit.Actor.USER));
        return Responses.posted();
    }

    /** {@code PUT /identity/v2/manage/account/{uid}/password} with {@code {"password"}}: {@code {"PasswordHash"}}. */
    public JsonNode set(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        accounts.get(tenant, req.pathParam("uid"));
        String password = required(req.bodyString("password"), "password");
        Account after = accounts.setPassword(tenant, req.pathParam("uid"), password, "SetPassword", !req.preventWebhook(),
                req.origin(Audit.Actor.APP));
        return Json.object().put("PasswordHash", after.passwordHash());
    }

    /**
     * {@code GET /identity/v2/manage/account/{uid}/password}: {@code {"PasswordHash"}}, the stored Argon2id PHC string
     * (peppered with the server key: useless without it). Null for an account without a password.
     */
    public JsonNode hash(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        return Json.object().put("PasswordHash", accounts.get(tenant, req.pathParam("uid")).passwordHash());
    }

    private static String required(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw LrError.required(name);
        }
        return value;
    }
}

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

    public PasswordApi(TenantGate gate, AccessGate access, Accounts accounts, StepUp stepUp) {
        this.gate = gate;
        this.access = access;
        this.accounts = accounts;
        this.stepUp = stepUp;
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

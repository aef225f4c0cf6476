package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.Accounts;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.StepUp;
import dev.latchkey.tenant.Tenant;

/**
 * Step-up re-authentication's own endpoints (the code factors' {@code PUT /auth/account/reauth/2fa/…} are
 * {@link SecondFactorApi#reauthWithCode}): what the account can re-authenticate with, the password, and the
 * application's server-side check of a {@code SecondFactorValidationToken}.
 */
public final class ReauthApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final LoginFlow flow;
    private final StepUp stepUp;
    private final Accounts accounts;

    public ReauthApi(TenantGate gate, AccessGate access, LoginFlow flow, StepUp stepUp, Accounts accounts) {
        this.gate = gate;
        this.access = access;
        this.flow = flow;
        this.stepUp = stepUp;
        this.accounts = accounts;
    }

    /**
     * {@code GET /auth/account/reauth/2fa}: the account's factor flags (no enrollment data), and an SMS code sent to its
     * verified phone ({@code smstemplate2fa}); 1191 where MFA is off.
     */
    public JsonNode factors(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        StepUp.requireMfa(caller.tenant());
        return flow.reauthFactors(caller.tenant(), caller.account(), caller.session().family(), req.codeRequest());
    }

    /** {@code PUT /auth/account/reauth/password} with {@code {"password"}}: the proof, kind password; 966 when wrong. */
    public JsonNode password(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        return Responses.stepUp(stepUp.withPassword(caller.tenant(), caller.account(), caller.session().family(), req.bodyString("password"), req.loginContext()));
    }

    public JsonNode validateSecondFactor(LrRequest req) {
        return validate(req, StepUp.Kind.SECOND_FACTOR);
    }

    public JsonNode validatePassword(LrRequest req) {
        return validate(req, StepUp.Kind.PASSWORD);
    }

    /**
     * {@code POST /manage/account/{uid}/reauth/{2fa|password}} with {@code {"SecondFactorValidationToken"}} (apikey +
     * apisecret): {@code {"IsValid": true}} once per token; 1193 for a token that is unknown, used, expired, of another
     * account or of the other kind.
     */
    private JsonNode validate(LrRequest req, StepUp.Kind kind) {
        Tenant tenant = gate.tenantWithSecret(req);
        String uid = req.pathParam("uid");
        accounts.get(tenant, uid);
        String token = req.requiredBodyString("SecondFactorValidationToken");
        if (!stepUp.validate(tenant, uid, kind, token)) {
            throw LrError.SECOND_FACTOR_PROOF_INVALID.error();
        }
        return Json.object().put("IsValid", true);
    }
}

package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.CodeFactor;
import dev.latchkey.factor.EnabledByCode;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.factor.Factors;
import dev.latchkey.factor.ResetByFlag;
import dev.latchkey.factor.SecondFactor;
import dev.latchkey.login.LoginContext;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.login.StepUp;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;

/**
 * The endpoints every second factor shares, written once: step 2 with a typed code (the 2FA token, {@code fields},
 * {@code prevent_webhook} / {@code X-PreventWebhook} and the {@code rba*template} names, the same counting and the same
 * login response), turning a factor on from the account with a code, and LoginRadius's reset by body flag. The route
 * table names the factor and the parameter; the factor only checks its answer.
 */
public final class SecondFactorApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final LoginFlow flow;
    private final Factors factors;
    private final Accounts accounts;
    private final RecentSecondFactor proof;
    private final StepUp stepUp;
    private final Clock clock;

    public SecondFactorApi(TenantGate gate, AccessGate access, LoginFlow flow, Factors factors, Accounts accounts, RecentSecondFactor proof,
                           StepUp stepUp, Clock clock) {
        this.stepUp = stepUp;
        this.gate = gate;
        this.access = access;
        this.flow = flow;
        this.factors = factors;
        this.accounts = accounts;
        this.proof = proof;
        this.clock = clock;
    }

    /** Step 2 with the code in the body's {@code field} ({@code PUT /login/2fa/verification/…}): the login response. */
    public Endpoint loginWithCode(String factorId, String field) {
        CodeFactor factor = factors.get(factorId, CodeFactor.class);
        return req -> login(req, factor, field, req.bodyString(field));
    }

    /** Step 2 with the code in the query ({@code GET /login/2fa/backupcode?backupcode=} of the older SDKs). */
    public Endpoint loginWithCodeInQuery(String factorId, String parameter) {
        CodeFactor factor = factors.get(factorId, CodeFactor.class);
        return req -> login(req, factor, parameter, req.query(parameter));
    }

    private JsonNode login(LrRequest req, CodeFactor factor, String field, String code) {
        Tenant tenant = gate.tenant(req);
        String token = req.secondFactorToken();
        req.fields();
        LoginContext ctx = req.loginContext();
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        if (code == null || code.isBlank()) {
            throw LrError.required(field);
        }
        if (!factor.offeredBy(tenant)) {
            throw factor.notOffered();
        }
        LoginFlow.Pending pending = flow.pending(tenant, token);
        boolean riskChallenge = pending.challenge().risk() != null;
        SecondFactor.Enrollment enrollment = SecondFactor.Enrollment.login(pending.challenge().tokenHash())
                .by(new FactorChange(ctx.preventWebhook(), true, ctx.origin()));
        return Responses.login(req, flow.completeSecondFactor(tenant, pending, ctx, factor.id(), (h, account) -> {
            if (code.length() > CodeFactor.MAX_CODE_LENGTH) {
                return false;
            }
            // Only a login that proved the password of an account that never had a factor may set one up here.
            boolean mayEnroll = !riskChallenge && flow.mayEnrollWithPasswordAlone(h, account);
            return factor.verify(h, tenant, account, code, mayEnroll ? enrollment : null, enrollment.boundTo(), ctx.origin()).right();
        }, factor.wrongCode(), !pending.account().mfaEnrolled()));
    }

    /**
     * {@code PUT /auth/account/2fa/verification/…} with the code in the body's {@code field}: the factor is on, answered
     * with the profile. An account that already has a factor needs a recent second factor (see {@link RecentSecondFactor}).
     */
    public Endpoint enableWithCode(String factorId, String field) {
        EnabledByCode factor = factors.get(factorId, EnabledByCode.class);
        return req -> {
            AccessGate.SignedIn caller = access.signedIn(req);
            req.fields();
            String code = req.bodyString(field);
            if (code == null || code.isBlank()) {
                throw LrError.required(field);
            }
            if (!caller.tenant().mfaEnabled()) {
                throw LrError.MFA_NOT_ENABLED.error();
            }
            if (!factor.offeredBy(caller.tenant())) {
                throw factor.notOffered();
            }
            proof.require(caller.tenant(), caller.account(), caller.session().secondFactorAt());
            FactorChange change = new FactorChange(req.preventWebhook(), true, req.origin(Audit.Actor.USER));
            Account now = factor.enable(caller.tenant(), caller.account(), code.length() > CodeFactor.MAX_CODE_LENGTH ? "" : code,
                    SecondFactor.Enrollment.session(caller.session().family()), change);
            return Responses.profile(req, ProfileSchema.render(now, clock.millis()));
        };
    }

    /**
     * Step-up re-authentication with a code factor ({@code PUT /auth/account/reauth/2fa/…}, access token): answers
     * {@code {"SecondFactorValidationToken", "ExpireIn"}}; wrong answers count toward the lockout as at login.
     */
    public Endpoint reauthWithCode(String factorId, String field) {
        CodeFactor factor = factors.get(factorId, CodeFactor.class);
        return req -> {
            AccessGate.SignedIn caller = access.signedIn(req);
            String code = req.bodyString(field);
            if (code == null || code.isBlank()) {
                throw LrError.required(field);
            }
            StepUp.requireMfa(caller.tenant());
            if (!factor.offeredBy(caller.tenant())) {
                throw factor.notOffered();
            }
            LoginContext ctx = req.loginContext();
            // An account without this factor answers the factor's own error (1099 for the authenticator), counted as wrong.
            StepUp.Proof proof = stepUp.withSecondFactor(caller.tenant(), caller.account(), caller.session().family(), ctx,
                    "re-authentication: " + factor.id(), (h, account) -> code.length() <= CodeFactor.MAX_CODE_LENGTH
                            && factor.verify(h, caller.tenant(), account, code, null, SecondFactor.sessionAttempt(caller.session().family()),
                            ctx.origin()).right(), factor.wrongCode());
            return Responses.stepUp(proof);
        };
    }

    /** {@code DELETE /auth/account/2fa/authenticator} with {@code {"<flag>": true}}: a recent second factor needed. */
    public JsonNode resetByUser(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        ResetByFlag factor = flagged(req);
        proof.require(caller.tenant(), caller.account(), caller.session().secondFactorAt());
        factor.reset(caller.tenant(), caller.account(), new FactorChange(req.preventWebhook(), true, req.origin(Audit.Actor.USER)),
                flow.afterRemoval(caller.tenant(), true));
        return Responses.deleted();
    }

    /** {@code DELETE /manage/account/2fa/authenticator?uid=} with the same body (apikey + apisecret). */
    public JsonNode resetByUid(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        Account account = accounts.get(tenant, req.requiredQuery("uid"));
        ResetByFlag factor = flagged(req);
        factor.reset(tenant, account, new FactorChange(req.preventWebhook(), false, req.origin(Audit.Actor.APP)),
                flow.afterRemoval(tenant, false));
        return Responses.deleted();
    }

    /** The factor the body names with {@code true}; 1121 for any other body (none, false, several, unknown). */
    private ResetByFlag flagged(LrRequest req) {
        ResetByFlag found = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = req.body().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ResetByFlag f = factors.resetBy(e.getKey()).orElse(null);
            if (f == null || !e.getValue().isBoolean()) {
                throw LrError.MFA_REMOVAL_INVALID.error();
            }
            if (e.getValue().asBoolean()) {
                if (found != null) {
                    throw LrError.MFA_REMOVAL_INVALID.error();
                }
                found = f;
            }
        }
        if (found == null) {
            throw LrError.MFA_REMOVAL_INVALID.error();
        }
        return found;
    }
}

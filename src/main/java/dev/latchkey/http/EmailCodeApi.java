package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.Factors;
import dev.latchkey.factor.SecondFactor;
import dev.latchkey.factor.email.EmailCodes;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.StepUp;
import dev.latchkey.tenant.Tenant;

/**
 * The email code factor's sends, besides the checks every code factor shares ({@link SecondFactorApi}): during a login
 * ({@code POST /login/2fa/otp/email} with {@code {"emailid"}}, and the documented {@code POST /login/2fa/email} with
 * {@code {"email"}}), from the account ({@code GET /account/2fa/otp/email?emailid=}) and for a step-up
 * ({@code GET /account/reauth/2fa/otp/email?emailid=}). Each answers {@code {"IsPosted": true}}.
 */
public final class EmailCodeApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final LoginFlow flow;
    private final EmailCodes email;

    public EmailCodeApi(TenantGate gate, AccessGate access, LoginFlow flow, Factors factors) {
        this.gate = gate;
        this.access = access;
        this.flow = flow;
        this.email = factors.get("email", EmailCodes.class);
    }

    /** {@code POST /login/2fa/otp/email} with {@code {"emailid"}} and the 2FA token. */
    public JsonNode sendDuringLogin(LrRequest req) {
        return duringLogin(req, "emailid");
    }

    /** {@code POST /login/2fa/email} with {@code {"email"}}: the same, as LoginRadius's other documentation names it. */
    public JsonNode sendDuringLoginByEmail(LrRequest req) {
        return duringLogin(req, "email");
    }

    /**
     * A code to one of the account's addresses for this login: where the account has the factor, or where the login may
     * set one up with the password alone (then the right code sets it up).
     */
    private JsonNode duringLogin(LrRequest req, String field) {
        Tenant tenant = gate.tenant(req);
        String token = req.secondFactorToken();
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        String address = req.requiredBodyString(field);
        var codes = req.codeRequest();
        if (!email.offeredBy(tenant)) {
            throw email.notOffered();
        }
        LoginFlow.Pending pending = flow.pending(tenant, token);
        boolean mayEnroll = pending.challenge().risk() == null && flow.mayEnrollWithPasswordAlone(pending.account());
        email.send(tenant, pending.account(), SecondFactor.loginAttempt(pending.challenge().tokenHash()), address, mayEnroll, codes);
        return Responses.posted();
    }

    /** {@code GET /account/2fa/otp/email?emailid=} (access token): a code that turns the factor on from this session. */
    public JsonNode sendFromAccount(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        String address = req.requiredQuery("emailid");
        var codes = req.codeRequest();
        if (!caller.tenant().mfaEnabled()) {
            throw LrError.MFA_NOT_ENABLED.error();
        }
        if (!email.offeredBy(caller.tenant())) {
            throw email.notOffered();
        }
        email.send(caller.tenant(), caller.account(), SecondFactor.sessionAttempt(caller.session().family()), address, true, codes);
        return Responses.posted();
    }

    /** {@code GET /account/reauth/2fa/otp/email?emailid=} (access token): a code for a step-up of this session. */
    public JsonNode sendForStepUp(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        String address = req.requiredQuery("emailid");
        var codes = req.codeRequest();
        StepUp.requireMfa(caller.tenant());
        if (!email.offeredBy(caller.tenant())) {
            throw email.notOffered();
        }
        email.send(caller.tenant(), caller.account(), SecondFactor.sessionAttempt(caller.session().family()), address, false, codes);
        return Responses.posted();
    }
}

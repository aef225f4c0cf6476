package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.Factors;
import dev.latchkey.factor.SecondFactor;
import dev.latchkey.factor.sms.SmsCodes;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.tenant.Tenant;

/**
 * The SMS factor's own calls, besides the code checks every factor shares ({@link SecondFactorApi}): setting the phone up
 * during a login ({@code PUT /login/2fa}) or from the account ({@code PUT /account/2fa}), and resending the code of a
 * pending login ({@code GET /login/2fa/resend}). Each answers LoginRadius's {@code {"AccountSid", "Sid"}}.
 */
public final class SmsCodeApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final LoginFlow flow;
    private final SmsCodes sms;

    public SmsCodeApi(TenantGate gate, AccessGate access, LoginFlow flow, Factors factors) {
        this.gate = gate;
        this.access = access;
        this.flow = flow;
        this.sms = factors.get("sms", SmsCodes.class);
    }

    /**
     * {@code PUT /login/2fa} with {@code {"phoneno2fa"}} and the 2FA token: a code to that phone, which step 2 then
     * accepts to set it up. Only a login that may add a factor with the password alone (MFA required, the account never
     * had one) may; any other answers 1250, so a stolen password cannot move the second factor to the thief's phone.
     */
    public JsonNode setPhoneDuringLogin(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String token = req.secondFactorToken();
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        String phone = req.requiredBodyString("phoneno2fa");
        var codes = req.codeRequest();
        if (!sms.offeredBy(tenant)) {
            throw sms.notOffered();
        }
        LoginFlow.Pending pending = flow.pending(tenant, token);
        if (pending.challenge().risk() != null || !flow.mayEnrollWithPasswordAlone(pending.account())) {
            throw LrError.PHONE_CHANGE_INVALID.error();
        }
        return sent(sms.startEnrollment(tenant, pending.account(), SecondFactor.Enrollment.login(pending.challenge().tokenHash()).boundTo(),
                phone, codes));
    }

    /** {@code GET /login/2fa/resend} with the 2FA token: a new code, to the phone being set up or the verified one. */
    public JsonNode resend(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String token = req.secondFactorToken();
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        var codes = req.codeRequest();
        if (!sms.offeredBy(tenant)) {
            throw sms.notOffered();
        }
        LoginFlow.Pending pending = flow.pending(tenant, token);
        return sent(sms.resend(tenant, pending.account(), SecondFactor.Enrollment.login(pending.challenge().tokenHash()).boundTo(), codes));
    }

    /**
     * {@code PUT /account/2fa} with {@code {"phoneno2fa"}} (access token): a code to that phone; confirming it with
     * {@code PUT /account/2fa/verification/otp} sets it up (or replaces the verified phone), which needs a recent second
     * factor when the account has one.
     */
    public JsonNode setPhoneFromAccount(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        String phone = req.requiredBodyString("phoneno2fa");
        var codes = req.codeRequest();
        if (!caller.tenant().mfaEnabled()) {
            throw LrError.MFA_NOT_ENABLED.error();
        }
        if (!sms.offeredBy(caller.tenant())) {
            throw sms.notOffered();
        }
        return sent(sms.startEnrollment(caller.tenant(), caller.account(), SecondFactor.Enrollment.session(caller.session().family()).boundTo(),
                phone, codes));
    }

    private static JsonNode sent(SmsCodes.Sent sent) {
        return Json.object().put("AccountSid", sent.accountSid()).put("Sid", sent.sid());
    }
}

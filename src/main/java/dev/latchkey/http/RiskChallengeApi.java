package dev.latchkey.http;

import dev.latchkey.risk.RiskBasedAuthentication;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.CodeFactor;
import dev.latchkey.factor.Factors;
import dev.latchkey.login.LoginContext;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.tenant.Tenant;

/**
 * The two ways to pass a second factor that risk-based authentication asked for, besides the account's own factors:
 * the SMS code ({@code PUT /identity/v2/auth/login/2fa/verification/otp}, LoginRadius's SMS OTP verification) and the
 * one-click sign-in link ({@code GET /identity/v2/auth/login/oneclickverify}, LoginRadius's one-click verification; also
 * at {@code …/login/passwordlesslogin/email/verify}, the passwordless-link verification the SDKs call, since LoginRadius
 * runs RBA's email challenge as a passwordless login).
 * Both finish the login through {@link LoginFlow}: single use, and a wrong code counts toward the lockout.
 */
public final class RiskChallengeApi {
    private static final int MAX_OTP_LENGTH = 16;

    private final TenantGate gate;
    private final LoginFlow flow;
    private final RiskBasedAuthentication rba;
    private final CodeFactor sms;
    private final Endpoint smsLogin;

    public RiskChallengeApi(TenantGate gate, LoginFlow flow, RiskBasedAuthentication rba, Factors factors, SecondFactorApi shared) {
        this.gate = gate;
        this.flow = flow;
        this.rba = rba;
        this.sms = factors.get("sms", CodeFactor.class);
        this.smsLogin = shared.loginWithCode("sms", "otp");
    }

    /**
     * Body {@code {"otp": "123456"}} with {@code secondfactorauthenticationtoken}: the path of two codes. A login that risk-based
     * authentication challenged by SMS takes the code it sent (or one of the account's SMS factor); any other login is the
     * SMS factor's step 2 ({@link SecondFactorApi#loginWithCode}). 1067 when wrong, 1100 when no code can apply.
     */
    public JsonNode verifyOtp(LrRequest req) throws Exception {
        Tenant tenant = gate.tenant(req);
        req.fields();
        LoginContext ctx = req.loginContext();
        String token = req.secondFactorToken();
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        String otp = req.requiredBodyString("otp");
        LoginFlow.Pending p = flow.pending(tenant, token);
        String expected = p.challenge().otpHash();
        if (expected == null) {
            return smsLogin.handle(req);
        }
        boolean ownFactor = sms.offeredBy(tenant);
        return Responses.login(req, flow.completeSecondFactor(tenant, p, ctx, "risk challenge: SMS code",
                (h, account) -> otp.length() <= MAX_OTP_LENGTH && (Secrets.constantTimeEquals(rba.otpHash(token, otp), expected)
                        || ownFactor && sms.isConfigured(h, account) && sms.verify(h, tenant, account, otp, null,
                                dev.latchkey.factor.SecondFactor.loginAttempt(p.challenge().tokenHash()), ctx.origin()).right()),
                LrError.OTP_INVALID, false));
    }

    /** {@code ?verificationtoken=} from the link ({@code vtoken}): the login response; 1063 unknown, 1062 used, 975 expired. */
    public JsonNode oneClickVerify(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        req.fields();
        LoginContext ctx = req.loginContext();
        LoginFlow.Pending p = flow.pendingByOneClick(tenant, req.query("verificationtoken"));
        try {
            return Responses.login(req, flow.completeSecondFactor(tenant, p, ctx, "risk challenge: one-click link", (h, account) -> true,
                    LrError.VTOKEN_INVALID, false));
        } catch (ApiException e) {
            if (e.error == LrError.MFA_TOKEN_INVALID) {
                throw LrError.LINK_USED.error(); // the login ended between the check and the click (a second click, a code)
            }
            throw e;
        }
    }
}

package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.crypto.Sott;
import dev.latchkey.factor.Factors;
import dev.latchkey.factor.passkey.RelyingParty;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.message.CodeSender;
import dev.latchkey.message.MessageTemplates;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Latchkey's own small API for its hosted page, under {@code /hosted/api/} (no LoginRadius path, so none can collide):
 * what the page needs to offer only what can work, which LoginRadius's answers do not say. Apikey checked like every
 * tenant endpoint.
 */
public final class HostedApi {
    /**
     * How long a SOTT handed to the page works: long enough to fill in the sign-up form, short enough that one copied off
     * the page is soon useless.
     */
    static final Duration SOTT_WINDOW = Duration.ofMinutes(10);

    private final TenantGate gate;
    private final LoginFlow flow;
    private final Factors factors;
    private final dev.latchkey.factor.sms.SmsCodes sms;
    private final dev.latchkey.factor.email.EmailCodes email;
    private final dev.latchkey.factor.SecondFactor questions;
    private final Secrets secrets;
    private final CodeSender mail;
    private final Clock clock;

    public HostedApi(TenantGate gate, LoginFlow flow, Factors factors, Secrets secrets, CodeSender mail, Clock clock) {
        this.gate = gate;
        this.secrets = secrets;
        this.mail = mail;
        this.clock = clock;
        this.flow = flow;
        this.factors = factors;
        this.sms = factors.get("sms", dev.latchkey.factor.sms.SmsCodes.class);
        this.email = factors.get("email", dev.latchkey.factor.email.EmailCodes.class);
        this.questions = factors.get("securityquestion", dev.latchkey.factor.SecondFactor.class);
    }

    /**
     * {@code GET /hosted/api/app}: {@code {"Name", "PasskeysEnabled", "SmsCodes", "EmailCodes", "VerificationEmail", "SignUp",
     * "PhoneSignUp", "Passwordless": {"EmailLink", "SmsCode", "SmartLogin", "OneTouchLogin"}}} (what the site offers and can
     * send; {@code VerificationEmail}: a sign-up is emailed a link to confirm its address, so the page says "check your
     * email" only when one is on its way; {@code PhoneSignUp}: the page signs people up with a mobile number, which takes an
     * SMS provider for its code and phone login to sign in with it later; {@code Passwordless}: each way to sign in without
     * a password that the tenant turns on and whose message, email or SMS, can be sent).
     */
    public JsonNode app(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        boolean emails = mail.canSend(tenant, MessageTemplates.Channel.EMAIL);
        boolean texts = mail.canSend(tenant, MessageTemplates.Channel.SMS);
        ObjectNode out = Json.object().put("Name", tenant.name()).put("PasskeysEnabled", passkeysWork(tenant)).put("SmsCodes", sms.canSend(tenant))
                .put("EmailCodes", email.canSend(tenant))
                .put("VerificationEmail", !"Disabled".equals(tenant.emailVerificationFlow()) && emails)
                .put("SignUp", tenant.hostedSignUp())
                .put("PhoneSignUp", tenant.hostedSignUp() && texts && tenant.phoneLogin());
        out.putObject("Passwordless")
                .put("EmailLink", tenant.passwordless("EmailLink") && emails)
                .put("SmsCode", tenant.passwordless("SmsCode") && texts)
                .put("SmartLogin", tenant.passwordless("SmartLogin") && emails)
                .put("OneTouchLogin", tenant.passwordless("OneTouchLogin") && emails);
        return out;
    }

    /**
     * {@code GET /hosted/api/sott}: {@code {"Sott", "ExpiryTime"}}, a SOTT for {@code POST /identity/v2/auth/register}
     * valid from now for {@link #SOTT_WINDOW}. A browser cannot make one (that takes the API secret), so the page asks here,
     * as an application's server would ask {@code GET /identity/v2/manage/account/sott}. Anyone who can open the page can
     * get one: on a site that signs people up on this page, the SOTT proves no more than that the sign-up came through it,
     * which is why a tenant turns it on ({@code Security.HostedSignUp}; 6002 otherwise).
     */
    public JsonNode sott(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        if (!tenant.hostedSignUp()) {
            throw dev.latchkey.error.LrError.ACCESS_UNAUTHORIZED.withDescription(
                    "This site does not sign people up on the hosted page (Security.HostedSignUp is off).");
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // a SOTT's dates are whole seconds
        Instant end = now.plus(SOTT_WINDOW);
        return Json.object().put("Sott", Sott.make(tenant.apiKey(), secrets.decrypt(tenant.apiSecretSealed()), now, end))
                .put("ExpiryTime", end.toString());
    }

    /**
     * {@code GET /hosted/api/login?secondfactorauthenticationtoken=}: {@code {"BackupCodes", "Passkeys",
     * "PasskeyEnrollment", "RiskChallenge", "Configured": [factor ids], "MayEnroll", "SmsEnrollment", "EmailEnrollment",
     * "SecurityQuestionEnrollment", "SecurityQuestionsToAnswer"}} for a pending login; its token is
     * checked, never consumed (a used one answers 1103, which is how a page waiting for an emailed link learns that it was
     * opened elsewhere).
     */
    public JsonNode login(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        LoginFlow.Choices choices = flow.choices(tenant, req.secondFactorToken());
        boolean passkeysWork = passkeysWork(tenant);
        java.util.Set<String> configured = new java.util.TreeSet<>();
        choices.configured().forEach(f -> configured.add(f.id()));
        ObjectNode out = Json.object()
                .put("BackupCodes", configured.contains("backupcode"))
                .put("Passkeys", passkeysWork && configured.contains("passkey"))
                .put("PasskeyEnrollment", passkeysWork && choices.mayEnrollWithPasswordAlone())
                .put("RiskChallenge", choices.riskChallenge())
                .put("MayEnroll", choices.mayEnrollWithPasswordAlone())
                .put("SmsEnrollment", choices.mayEnrollWithPasswordAlone() && sms.canSend(tenant))
                .put("EmailEnrollment", choices.mayEnrollWithPasswordAlone() && email.canSend(tenant))
                .put("SecurityQuestionEnrollment", choices.mayEnrollWithPasswordAlone() && questions.offeredBy(tenant))
                .put("SecurityQuestionsToAnswer", tenant.securityQuestionsToAnswer());
        configured.forEach(out.putArray("Configured")::add);
        return out;
    }

    /** Passkeys on and their relying party complete: otherwise every passkey ceremony answers 1320 or 1322. */
    private static boolean passkeysWork(Tenant tenant) {
        try {
            RelyingParty.of(tenant);
            return true;
        } catch (ApiException off) {
            return false;
        }
    }
}

package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.factor.Factors;
import dev.latchkey.factor.passkey.RelyingParty;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.tenant.Tenant;

/**
 * Latchkey's own small API for its hosted page, under {@code /hosted/api/} (no LoginRadius path, so none can collide):
 * what the page needs to offer only what can work, which LoginRadius's answers do not say. Apikey checked like every
 * tenant endpoint.
 */
public final class HostedApi {
    private final TenantGate gate;
    private final LoginFlow flow;
    private final Factors factors;
    private final dev.latchkey.factor.sms.SmsCodes sms;
    private final dev.latchkey.factor.email.EmailCodes email;
    private final dev.latchkey.factor.SecondFactor questions;

    public HostedApi(TenantGate gate, LoginFlow flow, Factors factors) {
        this.gate = gate;
        this.flow = flow;
        this.factors = factors;
        this.sms = factors.get("sms", dev.latchkey.factor.sms.SmsCodes.class);
        this.email = factors.get("email", dev.latchkey.factor.email.EmailCodes.class);
        this.questions = factors.get("securityquestion", dev.latchkey.factor.SecondFactor.class);
    }

    /** {@code GET /hosted/api/app}: {@code {"Name", "PasskeysEnabled", "SmsCodes", "EmailCodes"}} (what the site offers and can send). */
    public JsonNode app(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        return Json.object().put("Name", tenant.name()).put("PasskeysEnabled", passkeysWork(tenant)).put("SmsCodes", sms.canSend(tenant))
                .put("EmailCodes", email.canSend(tenant));
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

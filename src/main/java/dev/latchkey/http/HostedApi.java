package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.factor.SecondFactor;
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
    private final SecondFactor backupCodes;
    private final SecondFactor passkeys;

    public HostedApi(TenantGate gate, LoginFlow flow, SecondFactor backupCodes, SecondFactor passkeys) {
        this.gate = gate;
        this.flow = flow;
        this.backupCodes = backupCodes;
        this.passkeys = passkeys;
    }

    /** {@code GET /hosted/api/app}: {@code {"Name", "PasskeysEnabled"}}. */
    public JsonNode app(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        return Json.object().put("Name", tenant.name()).put("PasskeysEnabled", passkeysWork(tenant));
    }

    /**
     * {@code GET /hosted/api/login?secondfactorauthenticationtoken=}: {@code {"BackupCodes", "Passkeys",
     * "PasskeyEnrollment", "RiskChallenge"}} for a pending login; its token is checked, never consumed (a used one answers
     * 1103, which is how a page waiting for an emailed link learns that it was opened elsewhere).
     */
    public JsonNode login(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        LoginFlow.Choices choices = flow.choices(tenant, req.secondFactorToken());
        boolean passkeysWork = passkeysWork(tenant);
        return Json.object()
                .put("BackupCodes", choices.configured().contains(backupCodes))
                .put("Passkeys", passkeysWork && choices.configured().contains(passkeys))
                .put("PasskeyEnrollment", passkeysWork && choices.mayEnrollWithPasswordAlone())
                .put("RiskChallenge", choices.riskChallenge());
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

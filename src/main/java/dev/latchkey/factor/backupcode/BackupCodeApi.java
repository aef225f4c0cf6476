package dev.latchkey.factor.backupcode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.http.AccessGate;
import dev.latchkey.http.LrError;
import dev.latchkey.http.LrRequest;
import dev.latchkey.http.Responses;
import dev.latchkey.http.TenantGate;
import dev.latchkey.login.LoginContext;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.tenant.Tenant;

/** The backup-code endpoints: verify during login (three documented variants), generate and reset (user and admin). */
public final class BackupCodeApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final LoginFlow flow;
    private final BackupCodes codes;
    private final Accounts accounts;
    private final RecentSecondFactor proof;

    public BackupCodeApi(TenantGate gate, AccessGate access, LoginFlow flow, BackupCodes codes, Accounts accounts, RecentSecondFactor proof) {
        this.gate = gate;
        this.access = access;
        this.flow = flow;
        this.codes = codes;
        this.accounts = accounts;
        this.proof = proof;
    }

    /** {@code PUT /login/2fa/backupcode} (the seed) and {@code PUT /login/2fa/verification/backupcode} (the SDKs). */
    public JsonNode verifyFromBody(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        return verify(req, tenant, req.bodyString("backupcode"));
    }

    /** The legacy {@code GET /login/2fa/backupcode?backupcode=} of the older SDKs. */
    public JsonNode verifyFromQuery(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        return verify(req, tenant, req.query("backupcode"));
    }

    private JsonNode verify(LrRequest req, Tenant tenant, String code) {
        String token = req.secondFactorToken();
        req.fields();
        LoginContext ctx = req.loginContext();
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        if (code == null || code.isBlank()) {
            throw LrError.required("backupcode");
        }
        if (code.length() > 64) {
            throw LrError.BACKUP_CODE_INVALID.error();
        }
        return Responses.login(req, flow.completeSecondFactor(tenant, token, ctx, "backupcode",
                (h, account) -> codes.redeem(h, account, code), LrError.BACKUP_CODE_INVALID));
    }

    public JsonNode generateForUser(LrRequest req) {
        return forUser(req, false);
    }

    public JsonNode resetForUser(LrRequest req) {
        return forUser(req, true);
    }

    /** With an access token: an account that has a factor needs a recent second factor to get new codes. */
    private JsonNode forUser(LrRequest req, boolean reset) {
        AccessGate.SignedIn caller = access.signedIn(req);
        proof.require(caller.tenant(), caller.account(), caller.session().secondFactorAt());
        return issue(req, caller.tenant(), caller.account(), reset, true, req.origin(Audit.Actor.USER));
    }

    public JsonNode generateByUid(LrRequest req) {
        return byUid(req, false);
    }

    public JsonNode resetByUid(LrRequest req) {
        return byUid(req, true);
    }

    private JsonNode byUid(LrRequest req, boolean reset) {
        Tenant tenant = gate.tenantWithSecret(req);
        return issue(req, tenant, accounts.get(tenant, req.requiredQuery("uid")), reset, false, req.origin(Audit.Actor.APP));
    }

    private JsonNode issue(LrRequest req, Tenant tenant, Account account, boolean reset, boolean publicCall, Audit.Origin origin) {
        if (!tenant.mfaEnabled()) {
            throw LrError.MFA_NOT_ENABLED.error();
        }
        return Responses.backupCodes(codes.generate(tenant, account, reset, new FactorChange(req.preventWebhook(), publicCall, origin)));
    }
}

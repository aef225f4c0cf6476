package dev.latchkey.http;

import dev.latchkey.factor.backupcode.BackupCodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.error.LrError;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.tenant.Tenant;

/** The backup-code endpoints: generate and reset (user and admin); step 2 is {@link SecondFactorApi#loginWithCode}. */
public final class BackupCodeApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final BackupCodes codes;
    private final Accounts accounts;
    private final RecentSecondFactor proof;

    public BackupCodeApi(TenantGate gate, AccessGate access, BackupCodes codes, Accounts accounts, RecentSecondFactor proof) {
        this.gate = gate;
        this.access = access;
        this.codes = codes;
        this.accounts = accounts;
        this.proof = proof;
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

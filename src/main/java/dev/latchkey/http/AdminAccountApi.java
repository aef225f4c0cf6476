package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.AccountStore;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.Factors;
import dev.latchkey.json.Json;
import dev.latchkey.login.RememberedDevices;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.Tokens;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * One account's security as operators see it (admin key): {@code GET /admin/v1/tenants/{apikey}/accounts/{uid}/security}
 * (each factor's state, the live sessions, the remembered devices), and ending its sessions, one
 * ({@code DELETE …/accounts/{uid}/sessions/{id}}) or all ({@code DELETE …/accounts/{uid}/sessions}), audited as the
 * operator's. Resetting a factor, forgetting a device, blocking and deleting the account are the Management API's (the
 * console calls it with the tenant's secret): nothing here duplicates them. An unknown uid is 404 with 938.
 */
public final class AdminAccountApi {
    private final AdminGate gate;
    private final Accounts accounts;
    private final AccountStore accountStore;
    private final Factors factors;
    private final Tokens tokens;
    private final RememberedDevices devices;
    private final Jdbi jdbi;
    private final Clock clock;

    public AdminAccountApi(AdminGate gate, Accounts accounts, AccountStore accountStore, Factors factors, Tokens tokens,
                           RememberedDevices devices, Jdbi jdbi, Clock clock) {
        this.gate = gate;
        this.accounts = accounts;
        this.accountStore = accountStore;
        this.factors = factors;
        this.tokens = tokens;
        this.devices = devices;
        this.jdbi = jdbi;
        this.clock = clock;
    }

    private Account account(LrRequest req, Tenant tenant) {
        return accounts.find(tenant, req.pathParam("uid")).orElseThrow(() -> LrError.USER_NOT_FOUND.error().withStatus(404));
    }

    /**
     * {@code {"Uid", "IsMfaEnrolled", "LockedUntil", "Factors": [{"Factor", "IsConfigured", …}], "Sessions": [{"Id",
     * "CreatedDate", "ExpiresDate", "IsSecondFactorVerified"}], "RememberedDevices": [...]}}: never a secret, a token or a
     * token's hash.
     */
    public JsonNode security(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        Account account = account(req, tenant);
        long now = clock.millis();
        ObjectNode o = Json.object();
        o.put("Uid", account.uid());
        o.put("IsMfaEnrolled", account.mfaEnrolled());
        o.put("LockedUntil", account.lockedAt(now) ? Json.iso(account.lockedUntil()) : null);
        ArrayNode states = o.putArray("Factors");
        factors.states(jdbi, account).forEach(states::add);
        ArrayNode sessions = o.putArray("Sessions");
        for (Tokens.SessionSummary s : tokens.sessions(tenant, account)) {
            sessions.addObject().put("Id", s.id()).put("CreatedDate", Json.iso(s.createdAt())).put("ExpiresDate", Json.iso(s.expiresAt()))
                    .put("IsSecondFactorVerified", s.secondFactor());
        }
        ArrayNode remembered = o.putArray("RememberedDevices");
        devices.list(account, now).forEach(d -> remembered.add(DeviceApi.view(d)));
        return o;
    }

    /** {@code DELETE …/sessions/{id}}: that session's tokens stop working at once; 404 when the account has no such live session. */
    public JsonNode endSession(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        Account account = account(req, tenant);
        req.body();
        if (!tokens.endSession(tenant, account, req.pathParam("id"), req.origin(Audit.Actor.ADMIN))) {
            throw AdminGate.notFound("This account has no live session with that Id.");
        }
        return Responses.deleted();
    }

    /** {@code DELETE …/sessions}: every session of the account ends (its access tokens too), with its remembered devices. */
    public JsonNode endSessions(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        Account account = account(req, tenant);
        req.body();
        tokens.revokeAll(tenant, account.uid(), accountStore, req.origin(Audit.Actor.ADMIN));
        return Responses.deleted();
    }
}

package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.error.ApiException;
import dev.latchkey.json.Json;
import dev.latchkey.login.RememberedDevices;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;

/**
 * Remembered devices, Latchkey's extension (LoginRadius has no API for them): the user lists and forgets the account's
 * ({@code /identity/v2/auth/account/2fa/remembereddevices}, access token), the application the same by uid
 * ({@code /identity/v2/manage/account/2fa/remembereddevices?uid=}, apikey + apisecret).
 */
public final class DeviceApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final RememberedDevices devices;
    private final Accounts accounts;
    private final Clock clock;

    public DeviceApi(TenantGate gate, AccessGate access, RememberedDevices devices, Accounts accounts, Clock clock) {
        this.gate = gate;
        this.access = access;
        this.devices = devices;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** A device as listed: {@code {"Id", "CreatedAt", "ExpiresAt", "LastUsedAt", "IP", "UserAgent"}}. */
    static ObjectNode view(RememberedDevices.Device d) {
        ObjectNode o = Json.object();
        o.put("Id", d.id());
        o.put("CreatedAt", Json.iso(d.createdAt()));
        o.put("ExpiresAt", Json.iso(d.expiresAt()));
        o.put("LastUsedAt", d.lastUsedAt() == null ? null : Json.iso(d.lastUsedAt()));
        o.put("IP", d.ip());
        o.put("UserAgent", d.userAgent());
        return o;
    }

    private JsonNode list(Account account) {
        return Responses.data(devices.list(account, clock.millis()), DeviceApi::view);
    }

    private JsonNode revoke(Account account, String id) {
        if (!devices.revoke(account, id)) {
            throw ApiException.validation("Id", "This account has no remembered device with that Id.");
        }
        return Responses.deleted();
    }

    private JsonNode revokeAll(Account account) {
        devices.revokeAll(account);
        return Responses.deleted();
    }

    public JsonNode list(LrRequest req) {
        return list(access.signedIn(req).account());
    }

    public JsonNode revoke(LrRequest req) {
        Account account = access.signedIn(req).account();
        req.body(); // not read, but a body that is not a JSON object is refused as everywhere (1084)
        return revoke(account, req.pathParam("id"));
    }

    public JsonNode revokeAll(LrRequest req) {
        Account account = access.signedIn(req).account();
        req.body();
        return revokeAll(account);
    }

    private Account byUid(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        return accounts.get(tenant, req.requiredQuery("uid"));
    }

    public JsonNode listByUid(LrRequest req) {
        return list(byUid(req));
    }

    public JsonNode revokeByUid(LrRequest req) {
        Account account = byUid(req);
        req.body();
        return revoke(account, req.pathParam("id"));
    }

    public JsonNode revokeAllByUid(LrRequest req) {
        Account account = byUid(req);
        req.body();
        return revokeAll(account);
    }
}

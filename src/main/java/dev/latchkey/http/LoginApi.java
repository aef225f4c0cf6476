package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.login.LoginContext;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.tenant.Tenant;

/** Login step 1: {@code POST /identity/v2/auth/login/2fa} and the plain {@code POST /identity/v2/auth/login}. */
public final class LoginApi {
    private final TenantGate gate;
    private final LoginFlow flow;

    public LoginApi(TenantGate gate, LoginFlow flow) {
        this.gate = gate;
        this.flow = flow;
    }

    public JsonNode mfaLogin(LrRequest req) {
        return login(req, true);
    }

    public JsonNode plainLogin(LrRequest req) {
        return login(req, false);
    }

    private JsonNode login(LrRequest req, boolean mfaEndpoint) {
        Tenant tenant = gate.tenant(req);
        req.fields();
        LoginContext ctx = req.loginContext();
        String deviceToken = req.bodyString("device_token"); // Latchkey's remember-this-device extension
        if (deviceToken != null) {
            ctx = ctx.withDeviceToken(deviceToken);
        }
        LoginFlow.Credentials c = new LoginFlow.Credentials(
                req.bodyString("email"), req.bodyString("username"), req.bodyString("phone"), req.bodyString("password"));
        return Responses.login(req, flow.passwordLogin(tenant, c, mfaEndpoint, ctx));
    }
}

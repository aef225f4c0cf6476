package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.login.LoginFlow;
import java.time.Clock;

/** What a signed-in user reads with an access token: {@code GET /auth/account} and {@code GET /auth/account/2fa}. */
public final class AccountApi {
    private final AccessGate gate;
    private final LoginFlow flow;
    private final Clock clock;

    public AccountApi(AccessGate gate, LoginFlow flow, Clock clock) {
        this.gate = gate;
        this.flow = flow;
        this.clock = clock;
    }

    public JsonNode profile(LrRequest req) {
        req.fields();
        return Responses.profile(req, ProfileSchema.render(gate.signedIn(req).account(), clock.millis()));
    }

    public JsonNode mfaSettings(LrRequest req) {
        AccessGate.SignedIn caller = gate.signedIn(req);
        return flow.mfaSettings(caller.tenant(), caller.account(), caller.session().family());
    }
}

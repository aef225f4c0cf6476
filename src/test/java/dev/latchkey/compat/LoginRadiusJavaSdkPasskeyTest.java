package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.loginradius.sdk.helper.LoginRadiusRequest;
import com.loginradius.sdk.util.AsyncHandler;
import com.loginradius.sdk.util.ErrorResponse;
import com.loginradius.sdk.util.LoginRadiusSDK;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.PasskeyEmulator;
import dev.latchkey.support.TestServer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * No official SDK has passkey methods (reference §9); their raw transport, {@code LoginRadiusRequest.execute}, can call
 * begin and finish unchanged: the SDK sends {@code apiKey} and its own header set, and reads the JSON it gets back.
 */
@Isolated
class LoginRadiusJavaSdkPasskeyTest {
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static String call(String method, String path, Map<String, String> params, String payload) {
        AtomicReference<String> ok = new AtomicReference<>();
        AtomicReference<ErrorResponse> failed = new AtomicReference<>();
        LoginRadiusRequest.execute(method, path, params, payload, new AsyncHandler<String>() {
            @Override
            public void onSuccess(String data) {
                ok.set(data);
            }

            @Override
            public void onFailure(ErrorResponse error) {
                failed.set(error);
            }
        });
        if (failed.get() != null) {
            throw new AssertionError("SDK onFailure: " + failed.get().getErrorCode() + " " + failed.get().getDescription());
        }
        return ok.get();
    }

    @Test
    void beginAndFinishThroughTheSdkTransport() {
        TestServer.TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPOrigins\":[\"http://localhost:8080\"]}}");
        LoginRadiusSDK.Initialize.setApiKey(t.apiKey());
        LoginRadiusSDK.Initialize.setApiSecret(t.apiSecret());
        LoginRadiusSDK.Initialize.setCustomDomain(s.base);
        t.account("sdk-passkey@example.com", "sdk-password-1");
        PasskeyEmulator pk = new PasskeyEmulator("http://localhost:8080");

        // Enrollment during the first MFA login, through the SDK transport.
        String token = t.secondFactorToken("sdk-passkey@example.com", "sdk-password-1");
        Map<String, String> params = new HashMap<>();
        params.put("apiKey", t.apiKey());
        params.put("secondFactorAuthenticationToken", token);
        JsonNode begin = Json.parse(call("GET", "identity/v2/auth/login/2fa/register/passkey/begin", params, null));
        params = new HashMap<>(Map.of("apiKey", t.apiKey(), "secondFactorAuthenticationToken", token));
        JsonNode enrolled = Json.parse(call("POST", "identity/v2/auth/login/2fa/register/passkey/finish", params,
                Json.write(pk.register(begin.get("RegisterBeginCredential").get("publicKey")))));
        assertThat(enrolled.get("access_token").asText()).matches("[0-9a-f-]{36}");

        // The MFA login with the passkey: seed 000 through the SDK transport.
        String token2 = t.secondFactorToken("sdk-passkey@example.com", "sdk-password-1");
        params = new HashMap<>(Map.of("apiKey", t.apiKey(), "secondFactorAuthenticationToken", token2));
        JsonNode options = Json.parse(call("GET", "identity/v2/auth/login/2fa/passkey/begin", params, null));
        params = new HashMap<>(Map.of("apiKey", t.apiKey(), "secondFactorAuthenticationToken", token2, "fields", "Email"));
        JsonNode login = Json.parse(call("POST", "identity/v2/auth/login/2fa/passkey/finish", params,
                Json.write(pk.authenticate(options.get("LoginBeginCredential").get("publicKey")))));
        assertThat(login.get("Profile")).isEqualTo(Json.parse("{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"sdk-passkey@example.com\"}]}"));
        assertThat(login.get("refresh_token").asText()).matches("[0-9a-f-]{36}");
    }
}

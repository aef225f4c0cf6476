package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.Backend;
import dev.latchkey.support.NodeSdk;
import dev.latchkey.support.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The authenticator app through the official Node SDK 11.7.0 run by node, unchanged, over HTTPS on port 443 (a TLS
 * proxy in front of the node under test): {@code mfaConfigureByAccessToken}, {@code mfaVerifyAuthenticatorCode},
 * {@code mfaLoginByEmail} then {@code mfaValidateAuthenticatorCode}, {@code mfaResetAuthenticatorByToken} and
 * {@code mfaResetAuthenticatorByUid}; and step-up with the app ({@code mfaReAuthenticate},
 * {@code mfaReAuthenticateByAuthenticatorCode}, {@code verifyMultiFactorOtpReauthentication}), which only this SDK has.
 */
@Isolated
class LoginRadiusNodeSdkAuthenticatorTest {
    private static final String EMAIL = "node.totp@example.com";
    private static final String PASSWORD = "S3cure-Passw0rd!";
    private static final String MFA = "multiFactorAuthenticationApi";
    private static final String REAUTH = "reAuthenticationApi";
    static TestServer s;
    static TestServer.TestTenant t;
    static NodeSdk node;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Backend.H2);
        t = s.mfaTenant(false);
        node = NodeSdk.start(s.server.port(), t.apiKey(), t.apiSecret());
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (s != null) {
            s.close();
        }
    }

    private String code(AuthenticatorDevice app) {
        return app.code(s.clock.instant());
    }

    private String login(AuthenticatorDevice app) throws Exception {
        JsonNode step1 = node.call(MFA, "mfaLoginByEmail", EMAIL, PASSWORD).ok();
        String token = step1.get("SecondFactorAuthentication").get("SecondFactorAuthenticationToken").asText();
        JsonNode login = node.call(MFA, "mfaValidateAuthenticatorCode", Map.of("authenticatorcode", code(app)), token, "Email").ok();
        assertThat(login.get("Profile").get("Email").get(0).get("Value").asText()).isEqualTo(EMAIL);
        return login.get("access_token").asText();
    }

    @Test
    void enableLogInAndResetThroughTheNodeSdk() throws Exception {
        String uid = t.account(EMAIL, PASSWORD);
        String access = t.login(EMAIL, PASSWORD).text("access_token"); // optional MFA, no factor yet: a complete login

        JsonNode settings = node.call(MFA, "mfaConfigureByAccessToken", access).ok();
        assertThat(settings.get("IsAuthenticatorVerified").asBoolean()).isFalse();
        assertThat(settings.get("QRCode").asText()).startsWith("data:image/png;base64,");
        AuthenticatorDevice app = new AuthenticatorDevice(settings.get("ManualEntryCode").asText());

        NodeSdk.Answer wrong = node.call(MFA, "mfaVerifyAuthenticatorCode", access, Map.of("authenticatorcode", app.code(s.clock.instant(), 4)));
        assertThat(wrong.error().get("ErrorCode").asInt()).as(String.valueOf(wrong.error())).isEqualTo(1102);
        JsonNode profile = node.call(MFA, "mfaVerifyAuthenticatorCode", access, Map.of("authenticatorcode", code(app))).ok();
        assertThat(profile.get("Uid").asText()).isEqualTo(uid);

        s.clock.advance(Duration.ofSeconds(30));
        String afterSecondFactor = login(app);

        // Step-up with the app (only the Node SDK has this call), checked server side once.
        assertThat(node.call(REAUTH, "mfaReAuthenticate", afterSecondFactor).ok().get("IsAuthenticatorVerified").asBoolean()).isTrue();
        s.clock.advance(Duration.ofSeconds(30));
        JsonNode proof = node.call(REAUTH, "mfaReAuthenticateByAuthenticatorCode", afterSecondFactor, Map.of("authenticatorcode", code(app))).ok();
        String token = proof.get("SecondFactorValidationToken").asText();
        assertThat(proof.get("ExpireIn").asText()).isNotBlank();
        assertThat(node.call(REAUTH, "verifyMultiFactorOtpReauthentication", Map.of("SecondFactorValidationToken", token), uid).ok()
                .get("IsValid").asBoolean()).isTrue();
        assertThat(node.call(REAUTH, "verifyMultiFactorOtpReauthentication", Map.of("SecondFactorValidationToken", token), uid).error()
                .get("ErrorCode").asInt()).isEqualTo(1193);
        assertThat(node.call(MFA, "mfaResetAuthenticatorByToken", afterSecondFactor, true).ok().get("IsDeleted").asBoolean()).isTrue();

        // Set up again from the same session, then an admin resets it by uid; a second reset finds nothing (1099).
        AuthenticatorDevice second = new AuthenticatorDevice(node.call(MFA, "mfaConfigureByAccessToken", afterSecondFactor).ok()
                .get("ManualEntryCode").asText());
        node.call(MFA, "mfaVerifyAuthenticatorCode", afterSecondFactor, Map.of("authenticatorcode", code(second))).ok();
        assertThat(node.call(MFA, "mfaResetAuthenticatorByUid", true, uid).ok().get("IsDeleted").asBoolean()).isTrue();
        assertThat(node.call(MFA, "mfaResetAuthenticatorByUid", true, uid).error().get("ErrorCode").asInt()).isEqualTo(1099);
    }
}

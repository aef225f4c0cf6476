package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.advanced.ReAuthenticationApi;
import com.loginradius.sdk.models.requestmodels.EventBasedMultiFactorToken;
import com.loginradius.sdk.models.requestmodels.PasswordEventBasedAuthModelWithLockout;
import com.loginradius.sdk.models.requestmodels.ReauthByBackupCodeModel;
import com.loginradius.sdk.models.requestmodels.ReauthByGoogleAuthenticatorCodeModel;
import com.loginradius.sdk.models.responsemodels.EventBasedMultiFactorAuthenticationToken;
import com.loginradius.sdk.models.responsemodels.MultiFactorAuthenticationSettingsResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.PostValidationResponse;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Step-up re-authentication through the official Java SDK 11.0.0, unchanged: mfaReAuthenticate,
 * mfaReAuthenticateByBackupCode, mfaReAuthenticateByGoogleAuth, mfaReAuthenticateByPassword, and the server-side
 * verifyMultiFactorOtpReauthentication and verifyMultiFactorPasswordReauthentication.
 */
@Isolated
class LoginRadiusJavaSdkReauthTest {
    private static final String EMAIL = "sdk.reauth@example.com";
    private static final String PASSWORD = "S3cure-Passw0rd!";
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static ReAuthenticationApi reauth() {
        return new ReAuthenticationApi();
    }

    private static boolean valid(String uid, java.util.UUID token, boolean password) {
        EventBasedMultiFactorToken body = new EventBasedMultiFactorToken();
        body.setSecondFactorValidationToken(token.toString());
        PostValidationResponse r = password
                ? LoginRadiusJavaSdkTest.ok("verifyMultiFactorPasswordReauthentication", h -> reauth().verifyMultiFactorPasswordReauthentication(body, uid, h))
                : LoginRadiusJavaSdkTest.ok("verifyMultiFactorOtpReauthentication", h -> reauth().verifyMultiFactorOtpReauthentication(body, uid, h));
        return r.getIsValid();
    }

    @Test
    void everyReauthenticationTheSdkHasForTheseFactors() {
        TestServer.TestTenant t = s.mfaTenant(false);
        JavaSdk.pointAt(s, t);
        String uid = t.account(EMAIL, PASSWORD);
        String access = t.login(EMAIL, PASSWORD).text("access_token");
        AuthenticatorDevice app = new AuthenticatorDevice(s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(),
                "Authorization", "Bearer " + access).json().get("ManualEntryCode").asText());
        assertThat(s.send("PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + t.apiKey(),
                "{\"authenticatorcode\":\"" + app.code(s.clock.instant()) + "\"}", "Authorization", "Bearer " + access,
                "Content-Type", "application/json").status()).isEqualTo(200);
        List<String> codes = t.backupCodes(uid);

        MultiFactorAuthenticationSettingsResponse settings = LoginRadiusJavaSdkTest.ok("mfaReAuthenticate", h -> reauth().mfaReAuthenticate(access, null, h));
        assertThat(settings.getIsGoogleAuthenticatorVerified()).isTrue();

        ReauthByBackupCodeModel backup = new ReauthByBackupCodeModel();
        backup.setBackupCode(codes.get(0));
        EventBasedMultiFactorAuthenticationToken byCode = LoginRadiusJavaSdkTest.ok("mfaReAuthenticateByBackupCode",
                h -> reauth().mfaReAuthenticateByBackupCode(access, backup, h));
        assertThat(byCode.getExpireIn()).isNotBlank();
        assertThat(valid(uid, byCode.getSecondFactorValidationToken(), false)).isTrue();

        s.clock.advance(Duration.ofSeconds(30));
        ReauthByGoogleAuthenticatorCodeModel google = new ReauthByGoogleAuthenticatorCodeModel();
        google.setGoogleAuthenticatorCode(app.code(s.clock.instant()));
        EventBasedMultiFactorAuthenticationToken byApp = LoginRadiusJavaSdkTest.ok("mfaReAuthenticateByGoogleAuth",
                h -> reauth().mfaReAuthenticateByGoogleAuth(access, google, h));
        assertThat(valid(uid, byApp.getSecondFactorValidationToken(), false)).isTrue();
        LoginRadiusJavaSdkTest.<PostValidationResponse>fails("verifyMultiFactorOtpReauthentication twice", 1193, h -> {
            EventBasedMultiFactorToken again = new EventBasedMultiFactorToken();
            again.setSecondFactorValidationToken(byApp.getSecondFactorValidationToken().toString());
            reauth().verifyMultiFactorOtpReauthentication(again, uid, h);
        });

        PasswordEventBasedAuthModelWithLockout password = new PasswordEventBasedAuthModelWithLockout();
        password.setPassword(PASSWORD);
        EventBasedMultiFactorAuthenticationToken byPassword = LoginRadiusJavaSdkTest.ok("mfaReAuthenticateByPassword",
                h -> reauth().mfaReAuthenticateByPassword(access, password, null, h));
        assertThat(valid(uid, byPassword.getSecondFactorValidationToken(), true)).isTrue();
    }
}

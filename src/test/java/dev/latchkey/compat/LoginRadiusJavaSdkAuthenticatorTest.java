package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.advanced.MultiFactorAuthenticationApi;
import com.loginradius.sdk.models.requestmodels.MultiFactorAuthModelByGoogleAuthenticatorCode;
import com.loginradius.sdk.models.responsemodels.AccessToken;
import com.loginradius.sdk.models.responsemodels.MultiFactorAuthenticationResponse;
import com.loginradius.sdk.models.responsemodels.MultiFactorAuthenticationSettingsResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.DeleteResponse;
import com.loginradius.sdk.models.responsemodels.userprofile.Identity;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The authenticator app through the official Java SDK 11.0.0, unchanged: {@code mfaConfigureByAccessToken} (the QR code
 * and key), {@code mfaUpdateByAccessToken} (enable, legacy Google Authenticator path), {@code mfaLoginByEmail} then
 * {@code mfaValidateGoogleAuthCode}, {@code mfaResetGoogleAuthByToken} and {@code mfaResetGoogleAuthenticatorByUid}.
 */
@Isolated
class LoginRadiusJavaSdkAuthenticatorTest {
    private static final String EMAIL = "sdk.totp@example.com";
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

    private static MultiFactorAuthenticationApi mfa() {
        return new MultiFactorAuthenticationApi();
    }

    private static String secondFactorToken() {
        MultiFactorAuthenticationResponse<Identity> r = LoginRadiusJavaSdkTest.ok("mfaLoginByEmail", h ->
                mfa().mfaLoginByEmail(EMAIL, PASSWORD, null, null, null, null, null, null, h));
        return r.getSecondFactorAuthentication().getSecondFactorAuthenticationToken().toString();
    }

    private static String login(AuthenticatorDevice app) {
        String token = secondFactorToken();
        AccessToken<Identity> t = LoginRadiusJavaSdkTest.ok("mfaValidateGoogleAuthCode", h ->
                mfa().mfaValidateGoogleAuthCode(app.code(s.clock.instant()), token, null, null, h));
        assertThat(t.getProfile().getEmail()).extracting(e -> e.getValue()).containsExactly(EMAIL);
        return t.getAccess_Token().toString();
    }

    @Test
    void enableLogInAndResetThroughTheSdk() {
        TestServer.TestTenant t = s.mfaTenant(false);
        JavaSdk.pointAt(s, t);
        String uid = t.account(EMAIL, PASSWORD);
        String access = t.login(EMAIL, PASSWORD).text("access_token"); // optional MFA, no factor yet: a complete login

        MultiFactorAuthenticationSettingsResponse settings = LoginRadiusJavaSdkTest.ok("mfaConfigureByAccessToken",
                h -> mfa().mfaConfigureByAccessToken(access, null, h));
        assertThat(settings.getIsGoogleAuthenticatorVerified()).isFalse();
        assertThat(settings.getQRCode()).startsWith("data:image/png;base64,");
        AuthenticatorDevice app = new AuthenticatorDevice(settings.getManualEntryCode());

        MultiFactorAuthModelByGoogleAuthenticatorCode wrong = new MultiFactorAuthModelByGoogleAuthenticatorCode();
        wrong.setGoogleAuthenticatorCode(app.code(s.clock.instant(), 4));
        LoginRadiusJavaSdkTest.<Identity>fails("mfaUpdateByAccessToken with a wrong code", 1102,
                h -> mfa().mfaUpdateByAccessToken(access, wrong, null, null, h));
        MultiFactorAuthModelByGoogleAuthenticatorCode right = new MultiFactorAuthModelByGoogleAuthenticatorCode();
        right.setGoogleAuthenticatorCode(app.code(s.clock.instant()));
        Identity profile = LoginRadiusJavaSdkTest.ok("mfaUpdateByAccessToken", h -> mfa().mfaUpdateByAccessToken(access, right, null, null, h));
        assertThat(profile.getUid()).isEqualTo(uid);
        assertThat(LoginRadiusJavaSdkTest.<MultiFactorAuthenticationSettingsResponse>ok("mfaConfigureByAccessToken after",
                h -> mfa().mfaConfigureByAccessToken(access, null, h)).getIsGoogleAuthenticatorVerified()).isTrue();

        s.clock.advance(Duration.ofSeconds(30));
        String afterSecondFactor = login(app);
        DeleteResponse reset = LoginRadiusJavaSdkTest.ok("mfaResetGoogleAuthByToken", h -> mfa().mfaResetGoogleAuthByToken(afterSecondFactor, true, h));
        assertThat(reset.getIsDeleted()).isTrue();

        // Set up again (a new secret for this session), then an admin resets it by uid.
        MultiFactorAuthenticationSettingsResponse again = LoginRadiusJavaSdkTest.ok("mfaConfigureByAccessToken again",
                h -> mfa().mfaConfigureByAccessToken(afterSecondFactor, null, h));
        AuthenticatorDevice second = new AuthenticatorDevice(again.getManualEntryCode());
        MultiFactorAuthModelByGoogleAuthenticatorCode code = new MultiFactorAuthModelByGoogleAuthenticatorCode();
        code.setGoogleAuthenticatorCode(second.code(s.clock.instant()));
        LoginRadiusJavaSdkTest.<Identity>ok("mfaUpdateByAccessToken again", h -> mfa().mfaUpdateByAccessToken(afterSecondFactor, code, null, null, h));
        DeleteResponse byUid = LoginRadiusJavaSdkTest.ok("mfaResetGoogleAuthenticatorByUid", h -> mfa().mfaResetGoogleAuthenticatorByUid(true, uid, h));
        assertThat(byUid.getIsDeleted()).isTrue();
        LoginRadiusJavaSdkTest.<DeleteResponse>fails("mfaResetGoogleAuthenticatorByUid twice", 1099,
                h -> mfa().mfaResetGoogleAuthenticatorByUid(true, uid, h));
    }
}

package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.advanced.MultiFactorAuthenticationApi;
import com.loginradius.sdk.api.advanced.ReAuthenticationApi;
import com.loginradius.sdk.models.requestmodels.EventBasedMultiFactorToken;
import com.loginradius.sdk.models.requestmodels.MultiFactorAuthModelWithLockout;
import com.loginradius.sdk.models.requestmodels.ReauthByOtpModel;
import com.loginradius.sdk.models.responsemodels.AccessToken;
import com.loginradius.sdk.models.responsemodels.EventBasedMultiFactorAuthenticationToken;
import com.loginradius.sdk.models.responsemodels.MultiFactorAuthenticationResponse;
import com.loginradius.sdk.models.responsemodels.MultiFactorAuthenticationSettingsResponse;
import com.loginradius.sdk.models.responsemodels.SMSResponseData;
import com.loginradius.sdk.models.responsemodels.otherobjects.DeleteResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.PostValidationResponse;
import com.loginradius.sdk.models.responsemodels.userprofile.Identity;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The SMS code factor through the official Java SDK 11.0.0, unchanged, every SMS method it has: {@code mfaLoginByEmail} (and
 * {@code mfaLoginByUserName}),
 * {@code mfaUpdatePhoneNumber} (set the phone during a login that must set up MFA), {@code mfaResendOTP},
 * {@code mfaValidateOTPByPhone}; from the account {@code mfaUpdatePhoneNumberByToken} and {@code mfaUpdateSetting};
 * {@code mfaConfigureByAccessToken}; step-up {@code mfaReAuthenticate}, {@code mfaReAuthenticateByOTP} and
 * {@code verifyMultiFactorOtpReauthentication}; resets {@code mfaResetSMSAuthByToken} and {@code mfaResetSMSAuthenticatorByUid}.
 */
@Isolated
class LoginRadiusJavaSdkSmsTest {
    private static final String EMAIL = "sdk.sms@example.com";
    private static final String PASSWORD = "S3cure-Passw0rd!";
    private static final String SID = "AC" + "fedcba9876543210fedcba9876543210";
    private static final String PHONE = "+15555550177";
    private static final String NEW_PHONE = "+447700900123";
    static SmsReceiver sms;
    static TestServer s;

    @BeforeAll
    static void start() {
        sms = new SmsReceiver();
        s = new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging(null, ServerConfig.Messaging.NONE.smtp(),
                new DeliverySettings.Sms(sms.baseUrl(), SID, "sms-token", "+15550000000"), 100, 60_000, null), ServerConfig.Risk.NONE));
    }

    @AfterAll
    static void stop() {
        s.close();
        sms.close();
    }

    private static MultiFactorAuthenticationApi mfa() {
        return new MultiFactorAuthenticationApi();
    }

    private static ReAuthenticationApi reauth() {
        return new ReAuthenticationApi();
    }

    private static String code(String phone, int n) {
        List<SmsReceiver.Request> got = sms.await(phone, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        return got.get(n - 1).form().get("Body").substring(0, 6);
    }

    private static String secondFactorToken() {
        MultiFactorAuthenticationResponse<Identity> r = LoginRadiusJavaSdkTest.ok("mfaLoginByEmail", h ->
                mfa().mfaLoginByEmail(EMAIL, PASSWORD, null, null, null, null, null, null, h));
        return r.getSecondFactorAuthentication().getSecondFactorAuthenticationToken().toString();
    }

    private static MultiFactorAuthModelWithLockout otp(String code) {
        MultiFactorAuthModelWithLockout m = new MultiFactorAuthModelWithLockout();
        m.setOtp(code);
        return m;
    }

    @Test
    void everySmsMethodOfTheSdk() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true,\"IsSmsOTPAuthenticator\":true,"
                + "\"SmsCodesPerPhonePerHour\":100,\"SmsCodesPerAccountPerHour\":100}}");
        JavaSdk.pointAt(s, t);
        String uid = t.account(EMAIL, PASSWORD);

        // A login that must set up MFA sets the phone, has the code resent, and logs in with it.
        String token = secondFactorToken();
        SMSResponseData sent = LoginRadiusJavaSdkTest.ok("mfaUpdatePhoneNumber", h -> mfa().mfaUpdatePhoneNumber(PHONE, token, null, h));
        assertThat(sent.getAccountSid()).isEqualTo(SID);
        assertThat(sent.getSid()).matches("[0-9a-f-]{36}");
        code(PHONE, 1);
        SMSResponseData resent = LoginRadiusJavaSdkTest.ok("mfaResendOTP", h -> mfa().mfaResendOTP(token, null, h));
        assertThat(resent.getSid()).isNotEqualTo(sent.getSid());
        String code = code(PHONE, 2);
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("mfaValidateOTPByPhone with a wrong code", 1067,
                h -> mfa().mfaValidateOTPByPhone(otp(code.equals("000000") ? "111111" : "000000"), token, null, null, h));
        AccessToken<Identity> login = LoginRadiusJavaSdkTest.ok("mfaValidateOTPByPhone",
                h -> mfa().mfaValidateOTPByPhone(otp(code), token, null, null, h));
        assertThat(login.getProfile().getUid()).isEqualTo(uid);
        String access = login.getAccess_Token().toString();

        MultiFactorAuthenticationSettingsResponse settings = LoginRadiusJavaSdkTest.ok("mfaConfigureByAccessToken",
                h -> mfa().mfaConfigureByAccessToken(access, null, h));
        assertThat(settings.getIsOTPAuthenticatorVerified()).isTrue();
        assertThat(settings.getOTPPhoneNo()).isEqualTo("********0177");

        // From the account (this session passed the second factor): move it to another phone with mfaUpdateSetting.
        SMSResponseData byToken = LoginRadiusJavaSdkTest.ok("mfaUpdatePhoneNumberByToken",
                h -> mfa().mfaUpdatePhoneNumberByToken(access, NEW_PHONE, null, h));
        assertThat(byToken.getAccountSid()).isEqualTo(SID);
        Identity profile = LoginRadiusJavaSdkTest.ok("mfaUpdateSetting", h -> mfa().mfaUpdateSetting(access, otp(code(NEW_PHONE, 1)), null, h));
        assertThat(profile.getUid()).isEqualTo(uid);

        // Step-up: mfaReAuthenticate sends a code to the (new) phone; mfaReAuthenticateByOTP proves it; the app checks the proof.
        MultiFactorAuthenticationSettingsResponse reauthStart = LoginRadiusJavaSdkTest.ok("mfaReAuthenticate",
                h -> reauth().mfaReAuthenticate(access, null, h));
        assertThat(reauthStart.getIsOTPAuthenticatorVerified()).isTrue();
        assertThat(reauthStart.getOTPStatus().getAccountSid()).isEqualTo(SID);
        ReauthByOtpModel byOtp = new ReauthByOtpModel();
        byOtp.setOtp(code(NEW_PHONE, 2));
        EventBasedMultiFactorAuthenticationToken proof = LoginRadiusJavaSdkTest.ok("mfaReAuthenticateByOTP",
                h -> reauth().mfaReAuthenticateByOTP(access, byOtp, h));
        EventBasedMultiFactorToken check = new EventBasedMultiFactorToken();
        check.setSecondFactorValidationToken(proof.getSecondFactorValidationToken().toString());
        PostValidationResponse valid = LoginRadiusJavaSdkTest.ok("verifyMultiFactorOtpReauthentication",
                h -> reauth().verifyMultiFactorOtpReauthentication(check, uid, h));
        assertThat(valid.getIsValid()).isTrue();
        LoginRadiusJavaSdkTest.<PostValidationResponse>fails("verifyMultiFactorOtpReauthentication twice", 1193,
                h -> reauth().verifyMultiFactorOtpReauthentication(check, uid, h));

        // Resets: MFA is required, so the user cannot remove the last factor (1121); the admin can, by uid.
        LoginRadiusJavaSdkTest.<DeleteResponse>fails("mfaResetSMSAuthByToken of the last factor", 1121,
                h -> mfa().mfaResetSMSAuthByToken(access, true, h));
        DeleteResponse byUid = LoginRadiusJavaSdkTest.ok("mfaResetSMSAuthenticatorByUid", h -> mfa().mfaResetSMSAuthenticatorByUid(true, uid, h));
        assertThat(byUid.getIsDeleted()).isTrue();
        LoginRadiusJavaSdkTest.<DeleteResponse>fails("mfaResetSMSAuthenticatorByUid twice", 1100,
                h -> mfa().mfaResetSMSAuthenticatorByUid(true, uid, h));
    }

    @Test
    void theUserResetsWhereMfaIsOptional() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,\"IsSmsOTPAuthenticator\":true}}");
        JavaSdk.pointAt(s, t);
        String phone = "+15555550188";
        assertThat(t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + EMAIL
                + "\"}],\"UserName\":\"sdksms\",\"Password\":\"" + PASSWORD + "\"}").status()).isEqualTo(200);
        String passwordOnly = t.login(EMAIL, PASSWORD).text("access_token");
        LoginRadiusJavaSdkTest.<SMSResponseData>ok("mfaUpdatePhoneNumberByToken", h -> mfa().mfaUpdatePhoneNumberByToken(passwordOnly, phone, null, h));
        LoginRadiusJavaSdkTest.<Identity>ok("mfaUpdateSetting", h -> mfa().mfaUpdateSetting(passwordOnly, otp(code(phone, 1)), null, h));
        // Step 1 by username this time (mfaLoginByUserName sends the password first, then the username).
        MultiFactorAuthenticationResponse<Identity> byUserName = LoginRadiusJavaSdkTest.ok("mfaLoginByUserName",
                h -> mfa().mfaLoginByUserName(PASSWORD, "sdksms", null, null, null, null, null, null, h));
        String token = byUserName.getSecondFactorAuthentication().getSecondFactorAuthenticationToken().toString();
        String access = LoginRadiusJavaSdkTest.<AccessToken<Identity>>ok("mfaValidateOTPByPhone",
                h -> mfa().mfaValidateOTPByPhone(otp(code(phone, 2)), token, null, null, h)).getAccess_Token().toString();
        DeleteResponse reset = LoginRadiusJavaSdkTest.ok("mfaResetSMSAuthByToken", h -> mfa().mfaResetSMSAuthByToken(access, true, h));
        assertThat(reset.getIsDeleted()).isTrue();
    }
}

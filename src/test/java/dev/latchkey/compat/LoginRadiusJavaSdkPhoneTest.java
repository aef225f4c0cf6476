package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.authentication.PhoneAuthenticationApi;
import com.loginradius.sdk.models.requestmodels.AuthUserRegistrationModel;
import com.loginradius.sdk.models.requestmodels.EmailModel;
import com.loginradius.sdk.models.requestmodels.PhoneAuthenticationModel;
import com.loginradius.sdk.models.requestmodels.ResetPasswordByOTPModel;
import com.loginradius.sdk.models.responsemodels.AccessToken;
import com.loginradius.sdk.models.responsemodels.SMSResponseData;
import com.loginradius.sdk.models.responsemodels.otherobjects.DeleteResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.ExistResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.PostResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.ServiceInfoModel;
import com.loginradius.sdk.models.responsemodels.otherobjects.ServiceSottInfo;
import com.loginradius.sdk.models.responsemodels.otherobjects.UserProfilePostResponse;
import com.loginradius.sdk.models.responsemodels.userprofile.Identity;
import com.loginradius.sdk.util.Sott;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Phone accounts (reference §16, issue 14) through the official Java SDK 11.0.0, unchanged, every method of its
 * {@code PhoneAuthenticationApi}: {@code userRegistrationByPhone} (a SOTT the SDK makes), {@code checkPhoneNumberAvailability},
 * {@code phoneResendVerificationOTP}, {@code phoneVerificationByOTP} (signs in), {@code loginByPhone},
 * {@code updatePhoneNumber}, {@code phoneResendVerificationOTPByToken} and {@code phoneVerificationOTPByAccessToken} (a new
 * number joins), {@code forgotPasswordByPhoneOTP} and {@code resetPasswordByPhoneOTP}, {@code removePhoneIDByAccessToken}.
 * SMS through a local Twilio-compatible receiver, email through GreenMail.
 */
@Isolated
class LoginRadiusJavaSdkPhoneTest {
    private static final String PASSWORD = "Lattice-Umbra-4417";
    private static final String RESET = "Quarry-Heron-8352";
    private static final String SID = "AC" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    static SmsReceiver sms;
    static Mailbox mail;
    static TestServer s;

    @BeforeAll
    static void start() {
        sms = new SmsReceiver();
        mail = new Mailbox().ignoring(Mailbox::securityNotice);
        s = new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging(null,
                new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "Acme <no-reply@acme.example>"),
                new DeliverySettings.Sms(sms.baseUrl(), SID, "sms-token", "+15550000000"), 100, 60_000, null), ServerConfig.Risk.NONE));
    }

    @AfterAll
    static void stop() {
        s.close();
        sms.close();
        mail.close();
    }

    private static PhoneAuthenticationApi phone() {
        return new PhoneAuthenticationApi();
    }

    /** The code of the {@code n}th SMS to {@code number} (Latchkey's latchkey-phone-code). */
    static String code(SmsReceiver sms, String number, int n) {
        List<SmsReceiver.Request> got = sms.await(number, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        String body = got.get(n - 1).form().get("Body");
        assertThat(body).matches("[0-9]{6} is your Acme code\\. It expires in 10 minutes\\. Do not share it\\.");
        return body.substring(0, 6);
    }

    static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    private static String sott() {
        ServiceSottInfo window = new ServiceSottInfo();
        window.setTimeDifference("10");
        ServiceInfoModel model = new ServiceInfoModel();
        model.setSott(window);
        try {
            return Sott.getSott(model);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PhoneAuthenticationModel credentials(String number, String password) {
        PhoneAuthenticationModel m = new PhoneAuthenticationModel();
        m.setPhone(number);
        m.setPassword(password);
        return m;
    }

    private static void sent(UserProfilePostResponse<SMSResponseData> r) {
        assertThat(r.getIsPosted()).isTrue();
        assertThat(r.getData().getAccountSid()).isEqualTo(SID);
        assertThat(r.getData().getSid()).matches(GUID);
    }

    private static boolean exists(String number) {
        ExistResponse r = LoginRadiusJavaSdkTest.ok("checkPhoneNumberAvailability", h -> phone().checkPhoneNumberAvailability(number, h));
        return r.getIsExist();
    }

    @Test
    void everyPhoneAuthenticationMethodOfTheSdk() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\",\"SendLimits\":{\"PerPhonePerHour\":100,\"PerAccountPerHour\":100}}");
        JavaSdk.pointAt(s, t);
        String number = "+15555550140";
        String next = "+447700900140";

        // Sign up with a PhoneId (the SDK's own SOTT): no session until the number is verified.
        assertThat(exists(number)).isFalse();
        AuthUserRegistrationModel user = new AuthUserRegistrationModel();
        user.setPhoneId(number);
        user.setPassword(PASSWORD);
        user.setFirstName("Sdk");
        UserProfilePostResponse<AccessToken<Identity>> made = LoginRadiusJavaSdkTest.ok("userRegistrationByPhone",
                h -> phone().userRegistrationByPhone(user, sott(), null, null, null, null, null, h));
        assertThat(made.getIsPosted()).isTrue();
        assertThat(made.getData()).isNull();
        String first = code(sms, number, 1);
        assertThat(exists(number)).isTrue();
        LoginRadiusJavaSdkTest.<UserProfilePostResponse<AccessToken<Identity>>>fails("userRegistrationByPhone, the number taken", 1058,
                h -> phone().userRegistrationByPhone(user, sott(), null, null, null, null, null, h));
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("loginByPhone before the number is verified", 1066,
                h -> phone().loginByPhone(credentials(number, PASSWORD), null, null, null, h));

        // The code again, then verified by it: the user is signed in, once.
        UserProfilePostResponse<SMSResponseData> resent = LoginRadiusJavaSdkTest.ok("phoneResendVerificationOTP",
                h -> phone().phoneResendVerificationOTP(number, null, h));
        sent(resent);
        String second = code(sms, number, 2);
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("phoneVerificationByOTP with a wrong code", 1067,
                h -> phone().phoneVerificationByOTP(wrong(second), number, null, null, h));
        if (!first.equals(second)) { // only the newest code lives
            LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("phoneVerificationByOTP with the older code", 1067,
                    h -> phone().phoneVerificationByOTP(first, number, null, null, h));
        }
        AccessToken<Identity> verified = LoginRadiusJavaSdkTest.ok("phoneVerificationByOTP",
                h -> phone().phoneVerificationByOTP(second, number, null, null, h));
        assertThat(verified.getAccess_Token()).isNotNull();
        assertThat(verified.getProfile().getPhoneId()).isEqualTo(number);
        assertThat(verified.getProfile().getPhoneIdVerified()).isTrue();
        assertThat(verified.getProfile().getFirstName()).isEqualTo("Sdk");
        String uid = verified.getProfile().getUid();
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("phoneVerificationByOTP twice", 1068,
                h -> phone().phoneVerificationByOTP(second, number, null, null, h));
        // A verified number: the same answer, nothing sent.
        sent(LoginRadiusJavaSdkTest.ok("phoneResendVerificationOTP of a verified number", h -> phone().phoneResendVerificationOTP(number, null, h)));
        assertThat(sms.to(number)).hasSize(2);

        // Phone + password.
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("loginByPhone with a wrong password", 966,
                h -> phone().loginByPhone(credentials(number, "Wrong-Password-0000"), null, null, null, h));
        AccessToken<Identity> login = LoginRadiusJavaSdkTest.ok("loginByPhone",
                h -> phone().loginByPhone(credentials(number, PASSWORD), null, null, null, h));
        assertThat(login.getProfile().getUid()).isEqualTo(uid);
        assertThat(login.getProfile().getPhoneIdVerified()).isTrue();
        String access = login.getAccess_Token().toString();

        // A new number: its code (sent again by token) makes it the account's, verified.
        sent(LoginRadiusJavaSdkTest.ok("updatePhoneNumber", h -> phone().updatePhoneNumber(access, next, null, h)));
        code(sms, next, 1);
        sent(LoginRadiusJavaSdkTest.ok("phoneResendVerificationOTPByToken", h -> phone().phoneResendVerificationOTPByToken(access, next, null, h)));
        String joining = code(sms, next, 2);
        LoginRadiusJavaSdkTest.<PostResponse>fails("phoneVerificationOTPByAccessToken with a wrong code", 1067,
                h -> phone().phoneVerificationOTPByAccessToken(access, wrong(joining), null, h));
        PostResponse joined = LoginRadiusJavaSdkTest.ok("phoneVerificationOTPByAccessToken",
                h -> phone().phoneVerificationOTPByAccessToken(access, joining, null, h));
        assertThat(joined.getIsPosted()).isTrue();
        assertThat(exists(next)).isTrue();
        assertThat(exists(number)).isFalse();
        LoginRadiusJavaSdkTest.<UserProfilePostResponse<SMSResponseData>>fails("updatePhoneNumber to its own verified number", 1073,
                h -> phone().updatePhoneNumber(access, next, null, h));
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("loginByPhone with the old number", 966,
                h -> phone().loginByPhone(credentials(number, PASSWORD), null, null, null, h));

        // A forgotten password, reset by an SMS code: every session ends.
        sent(LoginRadiusJavaSdkTest.ok("forgotPasswordByPhoneOTP", h -> phone().forgotPasswordByPhoneOTP(next, null, h)));
        String resetCode = code(sms, next, 3);
        ResetPasswordByOTPModel reset = new ResetPasswordByOTPModel();
        reset.setPhone(next);
        reset.setOtp(wrong(resetCode));
        reset.setPassword(RESET);
        LoginRadiusJavaSdkTest.<PostResponse>fails("resetPasswordByPhoneOTP with a wrong code", 1067, h -> phone().resetPasswordByPhoneOTP(reset, h));
        reset.setOtp(resetCode);
        PostResponse done = LoginRadiusJavaSdkTest.ok("resetPasswordByPhoneOTP", h -> phone().resetPasswordByPhoneOTP(reset, h));
        assertThat(done.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<PostResponse>fails("resetPasswordByPhoneOTP twice", 1068, h -> phone().resetPasswordByPhoneOTP(reset, h));
        LoginRadiusJavaSdkTest.<UserProfilePostResponse<SMSResponseData>>fails("updatePhoneNumber with an ended session", 905,
                h -> phone().updatePhoneNumber(access, number, null, h));
        AccessToken<Identity> again = LoginRadiusJavaSdkTest.ok("loginByPhone with the new password",
                h -> phone().loginByPhone(credentials(next, RESET), null, null, null, h));
        assertThat(again.getProfile().getUid()).isEqualTo(uid);

        // A number nobody has: the same answer, nothing sent.
        String nobody = "+15555550149";
        sent(LoginRadiusJavaSdkTest.ok("forgotPasswordByPhoneOTP of nobody", h -> phone().forgotPasswordByPhoneOTP(nobody, null, h)));
        sent(LoginRadiusJavaSdkTest.ok("phoneResendVerificationOTP of nobody", h -> phone().phoneResendVerificationOTP(nobody, null, h)));
        assertThat(sms.to(nobody)).isEmpty();
    }

    @Test
    void removeTheNumberOfAnAccountWithAnEmail() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        JavaSdk.pointAt(s, t);
        String number = "+15555550141";
        String email = "sdk.phone@example.com";
        EmailModel e = new EmailModel();
        e.setType("Primary");
        e.setValue(email);
        AuthUserRegistrationModel user = new AuthUserRegistrationModel();
        user.setEmail(List.of(e));
        user.setPhoneId(number);
        user.setPassword(PASSWORD);
        UserProfilePostResponse<AccessToken<Identity>> made = LoginRadiusJavaSdkTest.ok("userRegistrationByPhone (with an email)",
                h -> phone().userRegistrationByPhone(user, sott(), null, null, null, null, null, h));
        assertThat(made.getIsPosted()).isTrue();
        AccessToken<Identity> verified = LoginRadiusJavaSdkTest.ok("phoneVerificationByOTP",
                h -> phone().phoneVerificationByOTP(code(sms, number, 1), number, null, null, h));
        assertThat(verified.getProfile().getEmail().get(0).getValue()).isEqualTo(email);
        // The code's session proves the phone, not the password: a password login removes the number.
        String access = LoginRadiusJavaSdkTest.<AccessToken<Identity>>ok("loginByPhone",
                h -> phone().loginByPhone(credentials(number, PASSWORD), null, null, null, h)).getAccess_Token().toString();
        LoginRadiusJavaSdkTest.<DeleteResponse>fails("removePhoneIDByAccessToken with the code's session", 1193,
                h -> phone().removePhoneIDByAccessToken(verified.getAccess_Token().toString(), h));
        DeleteResponse removed = LoginRadiusJavaSdkTest.ok("removePhoneIDByAccessToken", h -> phone().removePhoneIDByAccessToken(access, h));
        assertThat(removed.getIsDeleted()).isTrue();
        assertThat(exists(number)).isFalse();
        LoginRadiusJavaSdkTest.<DeleteResponse>fails("removePhoneIDByAccessToken twice", 1292, h -> phone().removePhoneIDByAccessToken(access, h));
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("loginByPhone after removal", 966,
                h -> phone().loginByPhone(credentials(number, PASSWORD), null, null, null, h));
    }

    @Test
    void phoneLoginTurnedOffAndANumberThatIsNoneAreRefused() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\",\"PhoneAuthentication\":{\"Login\":false}}");
        JavaSdk.pointAt(s, t);
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("loginByPhone where phone login is off", 1074,
                h -> phone().loginByPhone(credentials("+15555550142", PASSWORD), null, null, null, h));
        LoginRadiusJavaSdkTest.<UserProfilePostResponse<SMSResponseData>>fails("phoneResendVerificationOTP of no phone number", 1096,
                h -> phone().phoneResendVerificationOTP("not-a-phone", null, h));
    }
}

package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.authentication.OneTouchLoginApi;
import com.loginradius.sdk.api.authentication.PasswordLessLoginApi;
import com.loginradius.sdk.api.authentication.SmartLoginApi;
import com.loginradius.sdk.models.requestmodels.OneTouchLoginByEmailModel;
import com.loginradius.sdk.models.requestmodels.OneTouchLoginByPhoneModel;
import com.loginradius.sdk.models.requestmodels.PasswordLessLoginOtpModel;
import com.loginradius.sdk.models.responsemodels.AccessToken;
import com.loginradius.sdk.models.responsemodels.SMSResponseData;
import com.loginradius.sdk.models.responsemodels.otherobjects.GetResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.PostResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.VerifiedResponse;
import com.loginradius.sdk.models.responsemodels.userprofile.Identity;
import com.loginradius.sdk.models.responsemodels.userprofile.UserProfile;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Sign-in without a password (reference §17, issue 14) through the official Java SDK 11.0.0, unchanged, every method of
 * its {@code PasswordLessLoginApi} ({@code passwordlessLoginByEmail}, {@code passwordlessLoginByUserName},
 * {@code passwordlessLoginVerification}, {@code passwordlessLoginByPhone}, {@code passwordlessLoginPhoneVerification}),
 * {@code SmartLoginApi} ({@code smartLoginByEmail}, {@code smartLoginByUserName}, {@code smartLoginTokenVerification},
 * {@code smartLoginPing}) and {@code OneTouchLoginApi} ({@code oneTouchLoginByEmail}, {@code oneTouchEmailVerification},
 * {@code oneTouchLoginPing}, {@code oneTouchLoginByPhone}, {@code oneTouchLoginOTPVerification}). Links through GreenMail,
 * codes through a local Twilio-compatible receiver. (The email-code verifications are not in 11.0.0: see the Node test.)
 */
@Isolated
class LoginRadiusJavaSdkPasswordlessTest {
    private static final String PASSWORD = "Lattice-Umbra-4417";
    private static final String SID = "AC" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final String APP = "https://app.example.com/";
    private static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    static final String ALL_ON = "\"Passwordless\":{\"EmailLink\":true,\"SmsCode\":true,\"SmartLogin\":true,\"OneTouchLogin\":true},"
            + "\"SendLimits\":{\"PerPhonePerHour\":100,\"PerEmailPerHour\":100,\"PerAccountPerHour\":100},"
            + "\"Security\":{\"AllowedUrls\":[\"" + APP + "\"]}";
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

    /** An active account with a verified email, a username and a verified phone (the Management API's), by the SDK's tenant. */
    static String account(TestServer.TestTenant t, String email, String username, String phone) {
        TestServer.Reply r = t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email
                + "\"}],\"UserName\":\"" + username + "\",\"PhoneId\":\"" + phone + "\",\"Password\":\"" + PASSWORD + "\",\"FirstName\":\"Ann\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.text("Uid");
    }

    /**
     * The {@code n}th mail to {@code address}: the token of its link of kind {@code vtype} (oneclicksignin, smartlogin,
     * onetouchlogin) and the link's start ({@code base}).
     */
    static String linkToken(Mailbox mail, String address, int n, String base, String vtype) {
        List<Mailbox.Mail> got = mail.await(address, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        String text = got.get(n - 1).text();
        Matcher m = Pattern.compile(Pattern.quote(base) + "[^\\s]*[?&]vtype=" + vtype + "&vtoken=(" + GUID + ")").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    private static String code(String phone, int n) {
        return LoginRadiusJavaSdkPhoneTest.code(sms, phone, n);
    }

    private static PasswordLessLoginApi passwordless() {
        return new PasswordLessLoginApi();
    }

    private static SmartLoginApi smart() {
        return new SmartLoginApi();
    }

    private static OneTouchLoginApi oneTouch() {
        return new OneTouchLoginApi();
    }

    @Test
    void passwordlessByEmailLinkAndBySmsCode() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\"," + ALL_ON + "}");
        JavaSdk.pointAt(s, t);
        String email = "sdk.pl@example.com";
        String phone = "+15555550150";
        String uid = account(t, email, "sdkpl", phone);

        // By email: the link, once.
        PostResponse asked = LoginRadiusJavaSdkTest.ok("passwordlessLoginByEmail",
                h -> passwordless().passwordlessLoginByEmail(email, null, APP + "signin", h));
        assertThat(asked.getIsPosted()).isTrue();
        String token = linkToken(mail, email, 1, APP + "signin", "oneclicksignin");
        AccessToken<Identity> byLink = LoginRadiusJavaSdkTest.ok("passwordlessLoginVerification",
                h -> passwordless().passwordlessLoginVerification(token, null, null, h));
        assertThat(byLink.getAccess_Token()).isNotNull();
        assertThat(byLink.getProfile().getUid()).isEqualTo(uid);
        assertThat(byLink.getProfile().getEmailVerified()).isTrue();
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("passwordlessLoginVerification twice", 1062,
                h -> passwordless().passwordlessLoginVerification(token, null, null, h));
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("passwordlessLoginVerification of no link", 1063,
                h -> passwordless().passwordlessLoginVerification(UUID.randomUUID().toString(), null, null, h));

        // By username: the link to the account's address (the hosted page by default).
        PostResponse byName = LoginRadiusJavaSdkTest.ok("passwordlessLoginByUserName",
                h -> passwordless().passwordlessLoginByUserName("sdkpl", null, null, h));
        assertThat(byName.getIsPosted()).isTrue();
        String hostedToken = linkToken(mail, email, 2, "/hosted?apikey=" + t.apiKey(), "oneclicksignin");
        AccessToken<Identity> byNameLink = LoginRadiusJavaSdkTest.ok("passwordlessLoginVerification (username)",
                h -> passwordless().passwordlessLoginVerification(hostedToken, "Uid,UserName", null, h));
        assertThat(byNameLink.getProfile().getUserName()).isEqualTo("sdkpl");

        // Nobody's address: the same answer, nothing sent; a URL the tenant does not allow: 908.
        assertThat(LoginRadiusJavaSdkTest.<PostResponse>ok("passwordlessLoginByEmail of nobody",
                h -> passwordless().passwordlessLoginByEmail("nobody.pl@example.com", null, null, h)).getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<PostResponse>fails("passwordlessLoginByEmail to another site", 908,
                h -> passwordless().passwordlessLoginByEmail(email, null, "https://evil.example.net/", h));
        assertThat(mail.awaitExactly(email, 2)).hasSize(2);
        assertThat(mail.to("nobody.pl@example.com")).isEmpty();

        // By SMS: a code to the verified number, once.
        GetResponse<SMSResponseData> sent = LoginRadiusJavaSdkTest.ok("passwordlessLoginByPhone",
                h -> passwordless().passwordlessLoginByPhone(phone, null, h));
        assertThat(sent.getData().getAccountSid()).isEqualTo(SID);
        assertThat(sent.getData().getSid()).matches(GUID);
        String code = code(phone, 1);
        PasswordLessLoginOtpModel otp = new PasswordLessLoginOtpModel();
        otp.setPhone(phone);
        otp.setOtp(LoginRadiusJavaSdkPhoneTest.wrong(code));
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("passwordlessLoginPhoneVerification with a wrong code", 1067,
                h -> passwordless().passwordlessLoginPhoneVerification(otp, null, null, h));
        otp.setOtp(code);
        AccessToken<Identity> bySms = LoginRadiusJavaSdkTest.ok("passwordlessLoginPhoneVerification",
                h -> passwordless().passwordlessLoginPhoneVerification(otp, null, null, h));
        assertThat(bySms.getProfile().getUid()).isEqualTo(uid);
        assertThat(bySms.getProfile().getPhoneIdVerified()).isTrue();
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("passwordlessLoginPhoneVerification twice", 1068,
                h -> passwordless().passwordlessLoginPhoneVerification(otp, null, null, h));
    }

    @Test
    void eachWayIsOffUntilTheTenantTurnsItOn() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AllowedUrls\":[\"" + APP + "\"]}}");
        JavaSdk.pointAt(s, t);
        LoginRadiusJavaSdkTest.<PostResponse>fails("passwordlessLoginByEmail, off", 1059,
                h -> passwordless().passwordlessLoginByEmail("off@example.com", null, null, h));
        LoginRadiusJavaSdkTest.<GetResponse<SMSResponseData>>fails("passwordlessLoginByPhone, off", 1059,
                h -> passwordless().passwordlessLoginByPhone("+15555550159", null, h));
        LoginRadiusJavaSdkTest.<PostResponse>fails("smartLoginByEmail, off", 1135,
                h -> smart().smartLoginByEmail(UUID.randomUUID().toString(), "off@example.com", null, null, null, h));
        OneTouchLoginByEmailModel body = new OneTouchLoginByEmailModel();
        body.setClientguid(UUID.randomUUID().toString());
        body.setEmail("off@example.com");
        LoginRadiusJavaSdkTest.<PostResponse>fails("oneTouchLoginByEmail, off", 1146, h -> oneTouch().oneTouchLoginByEmail(body, null, null, null, h));
    }

    @Test
    void smartLoginTheDeviceThatAskedTakesTheTokensOnce() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\"," + ALL_ON + "}");
        JavaSdk.pointAt(s, t);
        String email = "sdk.smart@example.com";
        String uid = account(t, email, "sdksmart", "+15555550151");

        String guid = UUID.randomUUID().toString();
        PostResponse asked = LoginRadiusJavaSdkTest.ok("smartLoginByEmail",
                h -> smart().smartLoginByEmail(guid, email, APP + "smart", null, null, h));
        assertThat(asked.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("smartLoginPing before the click", 1139, h -> smart().smartLoginPing(guid, null, h));
        String token = linkToken(mail, email, 1, APP + "smart", "smartlogin");
        VerifiedResponse clicked = LoginRadiusJavaSdkTest.ok("smartLoginTokenVerification", h -> smart().smartLoginTokenVerification(token, null, h));
        assertThat(clicked.getIsPosted()).isTrue();
        assertThat(clicked.getIsVerified()).isTrue();
        LoginRadiusJavaSdkTest.<VerifiedResponse>fails("smartLoginTokenVerification twice", 1138, h -> smart().smartLoginTokenVerification(token, null, h));
        AccessToken<Identity> in = LoginRadiusJavaSdkTest.ok("smartLoginPing", h -> smart().smartLoginPing(guid, null, h));
        assertThat(in.getAccess_Token()).isNotNull();
        assertThat(in.getProfile().getUid()).isEqualTo(uid);
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("smartLoginPing again", 1137, h -> smart().smartLoginPing(guid, null, h));
        LoginRadiusJavaSdkTest.<PostResponse>fails("smartLoginByEmail with a used GUID", 1136,
                h -> smart().smartLoginByEmail(guid, email, APP + "smart", null, null, h));
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("smartLoginPing of an unknown GUID", 1140,
                h -> smart().smartLoginPing(UUID.randomUUID().toString(), null, h));

        // By username, to the hosted page; oneTouchLoginPing is the same ping.
        String byName = UUID.randomUUID().toString();
        assertThat(LoginRadiusJavaSdkTest.<PostResponse>ok("smartLoginByUserName",
                h -> smart().smartLoginByUserName(byName, "sdksmart", null, null, null, h)).getIsPosted()).isTrue();
        String hosted = linkToken(mail, email, 2, "/hosted?apikey=" + t.apiKey(), "smartlogin");
        LoginRadiusJavaSdkTest.<VerifiedResponse>ok("smartLoginTokenVerification (username)", h -> smart().smartLoginTokenVerification(hosted, null, h));
        AccessToken<Identity> viaOneTouch = LoginRadiusJavaSdkTest.ok("oneTouchLoginPing of a smart login",
                h -> oneTouch().oneTouchLoginPing(byName, "Uid", h));
        assertThat(viaOneTouch.getProfile().getUid()).isEqualTo(uid);
    }

    @Test
    void oneTouchLoginMakesTheAccountOnFirstUse() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\"," + ALL_ON + "}");
        JavaSdk.pointAt(s, t);

        // By email, for an address of nobody yet: the account is made when the link is opened.
        String email = "sdk.onetouch@example.com";
        String guid = UUID.randomUUID().toString();
        OneTouchLoginByEmailModel body = new OneTouchLoginByEmailModel();
        body.setClientguid(guid);
        body.setEmail(email);
        body.setName("Olive");
        PostResponse asked = LoginRadiusJavaSdkTest.ok("oneTouchLoginByEmail", h -> oneTouch().oneTouchLoginByEmail(body, null, APP + "touch", null, h));
        assertThat(asked.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("oneTouchLoginPing before the click", 1139, h -> oneTouch().oneTouchLoginPing(guid, null, h));
        String token = linkToken(mail, email, 1, APP + "touch", "onetouchlogin");
        VerifiedResponse clicked = LoginRadiusJavaSdkTest.ok("oneTouchEmailVerification", h -> oneTouch().oneTouchEmailVerification(token, null, h));
        assertThat(clicked.getIsPosted()).isTrue();
        assertThat(clicked.getIsVerified()).isTrue();
        LoginRadiusJavaSdkTest.<VerifiedResponse>fails("oneTouchEmailVerification twice", 1145, h -> oneTouch().oneTouchEmailVerification(token, null, h));
        AccessToken<Identity> in = LoginRadiusJavaSdkTest.ok("oneTouchLoginPing", h -> oneTouch().oneTouchLoginPing(guid, null, h));
        assertThat(in.getAccess_Token()).isNotNull();
        assertThat(in.getProfile().getEmail().get(0).getValue()).isEqualTo(email);
        assertThat(in.getProfile().getEmailVerified()).isTrue();
        assertThat(in.getProfile().getFirstName()).isEqualTo("Olive");
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("oneTouchLoginPing again", 1137, h -> oneTouch().oneTouchLoginPing(guid, null, h));
        LoginRadiusJavaSdkTest.<PostResponse>fails("oneTouchLoginByEmail with a used GUID", 1136,
                h -> oneTouch().oneTouchLoginByEmail(body, null, APP + "touch", null, h));

        // By phone, for a number of nobody yet: the account is made when the code is entered; the next time it signs in.
        String phone = "+15555550152";
        OneTouchLoginByPhoneModel byPhone = new OneTouchLoginByPhoneModel();
        byPhone.setPhone(phone);
        byPhone.setName("Otto");
        PostResponse sent = LoginRadiusJavaSdkTest.ok("oneTouchLoginByPhone", h -> oneTouch().oneTouchLoginByPhone(byPhone, null, h));
        assertThat(sent.getIsPosted()).isTrue();
        String code = code(phone, 1);
        LoginRadiusJavaSdkTest.<AccessToken<UserProfile>>fails("oneTouchLoginOTPVerification with a wrong code", 1067,
                h -> oneTouch().oneTouchLoginOTPVerification(LoginRadiusJavaSdkPhoneTest.wrong(code), phone, null, null, h));
        AccessToken<UserProfile> made = LoginRadiusJavaSdkTest.ok("oneTouchLoginOTPVerification",
                h -> oneTouch().oneTouchLoginOTPVerification(code, phone, null, null, h));
        assertThat(made.getAccess_Token()).isNotNull();
        assertThat(made.getProfile().getPhoneId()).isEqualTo(phone);
        assertThat(made.getProfile().getPhoneIdVerified()).isTrue();
        assertThat(made.getProfile().getFirstName()).isEqualTo("Otto");
        String uid = made.getProfile().getUid();
        LoginRadiusJavaSdkTest.<AccessToken<UserProfile>>fails("oneTouchLoginOTPVerification twice", 1068,
                h -> oneTouch().oneTouchLoginOTPVerification(code, phone, null, null, h));
        LoginRadiusJavaSdkTest.<PostResponse>ok("oneTouchLoginByPhone again", h -> oneTouch().oneTouchLoginByPhone(byPhone, null, h));
        AccessToken<UserProfile> again = LoginRadiusJavaSdkTest.ok("oneTouchLoginOTPVerification again",
                h -> oneTouch().oneTouchLoginOTPVerification(code(phone, 2), phone, null, null, h));
        assertThat(again.getProfile().getUid()).isEqualTo(uid);
    }
}

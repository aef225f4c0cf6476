package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.account.SottApi;
import com.loginradius.sdk.api.authentication.AuthenticationApi;
import com.loginradius.sdk.models.requestmodels.AuthUserRegistrationModel;
import com.loginradius.sdk.models.requestmodels.EmailModel;
import com.loginradius.sdk.models.responsemodels.AccessToken;
import com.loginradius.sdk.models.responsemodels.SottResponseData;
import com.loginradius.sdk.models.responsemodels.otherobjects.ServiceInfoModel;
import com.loginradius.sdk.models.responsemodels.otherobjects.ServiceSottInfo;
import com.loginradius.sdk.models.responsemodels.otherobjects.UserProfilePostResponse;
import com.loginradius.sdk.models.responsemodels.userprofile.Identity;
import com.loginradius.sdk.util.Sott;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Sign-up through the official Java SDK 11.0.0, unchanged: {@code userRegistrationByEmail} with a SOTT from
 * {@code SottApi.generateSott} (the Management API) and with one the SDK makes itself ({@code Sott.getSott}); a bad SOTT
 * is 1049 and an email already registered 936, as the SDK reads them.
 */
@Isolated
class LoginRadiusJavaSdkRegistrationTest {
    private static final String PASSWORD = "S3cure-Passw0rd!";
    static dev.latchkey.support.Mailbox mail;
    static TestServer s;

    @BeforeAll
    static void start() {
        mail = new dev.latchkey.support.Mailbox().ignoring(dev.latchkey.support.Mailbox::securityNotice);
        s = new TestServer(Backend.H2, TestServer.Options.mailTo(mail.port(), "no-reply@acme.example"));
    }

    @AfterAll
    static void stop() {
        s.close();
        mail.close();
    }

    /** The verification token of the {@code n}th email to {@code address}. */
    private static String verificationToken(String address, int n) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("vtype=emailverification&vtoken=([0-9a-f-]{36})")
                .matcher(mail.await(address, n).get(n - 1).text());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** Required verification: sign up, 970 at login, the link sent again, verified with {@code verifyEmail}, then in. */
    @Test
    void verifyTheEmailThroughTheSdk() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\",\"EmailVerification\":{\"Flow\":\"Required\"},"
                + "\"Security\":{\"AllowedUrls\":[\"https://app.example.com/verify\"]}}");
        JavaSdk.pointAt(s, t);
        AuthenticationApi auth = new AuthenticationApi();
        SottResponseData served = LoginRadiusJavaSdkTest.ok("generateSott", h -> new SottApi().generateSott(10, h));
        UserProfilePostResponse<AccessToken<Identity>> made = LoginRadiusJavaSdkTest.ok("userRegistrationByEmail (required verification)",
                h -> auth.userRegistrationByEmail(user("sdk.verify@example.com"), served.getSott(), null, null, null,
                        "https://app.example.com/verify", null, h));
        assertThat(made.getIsPosted()).isTrue();
        assertThat(made.getData()).isNull();
        verificationToken("sdk.verify@example.com", 1);
        assertThat(t.login("sdk.verify@example.com", PASSWORD).json().get("ErrorCode").asInt()).isEqualTo(970);
        com.loginradius.sdk.models.responsemodels.otherobjects.PostResponse resent = LoginRadiusJavaSdkTest.ok("authResendEmailVerification",
                h -> auth.authResendEmailVerification("sdk.verify@example.com", null, "https://app.example.com/verify", h));
        assertThat(resent.getIsPosted()).isTrue();
        String token = verificationToken("sdk.verify@example.com", 2);
        var verified = LoginRadiusJavaSdkTest.<UserProfilePostResponse<com.loginradius.sdk.models.responsemodels.configobjects.EmailVerificationData<Identity>>>ok(
                "verifyEmail", h -> auth.verifyEmail(token, null, null, null, h));
        assertThat(verified.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<UserProfilePostResponse<com.loginradius.sdk.models.responsemodels.configobjects.EmailVerificationData<Identity>>>fails(
                "verifyEmail twice", 974, h -> auth.verifyEmail(token, null, null, null, h));
        assertThat(t.login("sdk.verify@example.com", PASSWORD).status()).isEqualTo(200);
    }

    private static AuthUserRegistrationModel user(String email) {
        EmailModel e = new EmailModel();
        e.setType("Primary");
        e.setValue(email);
        AuthUserRegistrationModel m = new AuthUserRegistrationModel();
        m.setEmail(List.of(e));
        m.setPassword(PASSWORD);
        m.setFirstName("Sdk");
        return m;
    }

    @Test
    void registerWithAServerSottAndWithOneTheSdkMakes() throws Exception {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        JavaSdk.pointAt(s, t);
        AuthenticationApi auth = new AuthenticationApi();

        SottResponseData served = LoginRadiusJavaSdkTest.ok("generateSott", h -> new SottApi().generateSott(10, h));
        assertThat(served.getSott()).contains("*");
        UserProfilePostResponse<AccessToken<Identity>> first = LoginRadiusJavaSdkTest.ok("userRegistrationByEmail (server SOTT)",
                h -> auth.userRegistrationByEmail(user("sdk.one@example.com"), served.getSott(), null, null, null, null, null, h));
        assertThat(first.getIsPosted()).isTrue();
        assertThat(first.getData().getProfile().getEmail().get(0).getValue()).isEqualTo("sdk.one@example.com");
        assertThat(first.getData().getAccess_Token()).isNotNull();

        ServiceSottInfo window = new ServiceSottInfo();
        window.setTimeDifference("10");
        ServiceInfoModel model = new ServiceInfoModel();
        model.setSott(window);
        String local = Sott.getSott(model);
        UserProfilePostResponse<AccessToken<Identity>> second = LoginRadiusJavaSdkTest.ok("userRegistrationByEmail (SDK SOTT)",
                h -> auth.userRegistrationByEmail(user("sdk.two@example.com"), local, null, null, null, null, null, h));
        assertThat(second.getData().getProfile().getFirstName()).isEqualTo("Sdk");

        LoginRadiusJavaSdkTest.<UserProfilePostResponse<AccessToken<Identity>>>fails("userRegistrationByEmail twice", 936,
                h -> auth.userRegistrationByEmail(user("sdk.two@example.com"), local, null, null, null, null, null, h));
        LoginRadiusJavaSdkTest.<UserProfilePostResponse<AccessToken<Identity>>>fails("userRegistrationByEmail, bad SOTT", 1049,
                h -> auth.userRegistrationByEmail(user("sdk.three@example.com"), "bad*sott", null, null, null, null, null, h));
    }
}

package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.account.AccountApi;
import com.loginradius.sdk.api.authentication.AuthenticationApi;
import com.loginradius.sdk.models.responsemodels.UserPasswordHash;
import com.loginradius.sdk.models.responsemodels.otherobjects.PostResponse;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Passwords through the official Java SDK 11.0.0, unchanged: {@code changePassword} (967 for a wrong current password,
 * then the change, after which the old access token is dead), {@code setAccountPasswordByUid} and
 * {@code getAccountPasswordHashByUid}.
 */
@Isolated
class LoginRadiusJavaSdkPasswordTest {
    private static final String EMAIL = "sdk.pw@example.com";
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

    /** Forgot → the emailed link's token → reset, through the SDK ({@code forgotPassword}, {@code resetPasswordByResetToken}). */
    @Test
    void forgotAndResetThroughTheSdk() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AllowedUrls\":[\"https://app.example.com/reset\"]}}");
        JavaSdk.pointAt(s, t);
        t.account("sdk.forgot@example.com", PASSWORD);
        AuthenticationApi auth = new AuthenticationApi();
        PostResponse asked = LoginRadiusJavaSdkTest.ok("forgotPassword",
                h -> auth.forgotPassword("sdk.forgot@example.com", "https://app.example.com/reset", null, h));
        assertThat(asked.getIsPosted()).isTrue();
        String text = mail.await("sdk.forgot@example.com", 1).get(0).text();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("vtoken=([0-9a-f-]{36})").matcher(text);
        assertThat(m.find()).isTrue();
        com.loginradius.sdk.models.requestmodels.ResetPasswordByResetTokenModel model = new com.loginradius.sdk.models.requestmodels.ResetPasswordByResetTokenModel();
        model.setResetToken(m.group(1));
        model.setPassword("Res3t-Passw0rd!");
        com.loginradius.sdk.models.responsemodels.otherobjects.UserProfilePostResponse<com.loginradius.sdk.models.responsemodels.AccessTokenBase>
                reset = LoginRadiusJavaSdkTest.ok("resetPasswordByResetToken", h -> auth.resetPasswordByResetToken(model, h));
        assertThat(reset.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<com.loginradius.sdk.models.responsemodels.otherobjects.UserProfilePostResponse<
                com.loginradius.sdk.models.responsemodels.AccessTokenBase>>fails("resetPasswordByResetToken twice", 974,
                h -> auth.resetPasswordByResetToken(model, h));
        assertThat(t.login("sdk.forgot@example.com", "Res3t-Passw0rd!").status()).isEqualTo(200);
        LoginRadiusJavaSdkTest.<PostResponse>fails("forgotPassword to a URL the site does not allow", 908,
                h -> auth.forgotPassword("sdk.forgot@example.com", "https://evil.example.com/", null, h));
    }

    @Test
    void changeSetAndReadThroughTheSdk() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        JavaSdk.pointAt(s, t);
        String uid = t.account(EMAIL, PASSWORD);
        String access = t.login(EMAIL, PASSWORD).text("access_token");
        AuthenticationApi auth = new AuthenticationApi();
        LoginRadiusJavaSdkTest.<PostResponse>fails("changePassword with a wrong current one", 967,
                h -> auth.changePassword(access, "N3w-Passw0rd!!", "wrong-password", h));
        PostResponse changed = LoginRadiusJavaSdkTest.ok("changePassword", h -> auth.changePassword(access, "N3w-Passw0rd!!", PASSWORD, h));
        assertThat(changed.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<PostResponse>fails("changePassword with the ended session", 905,
                h -> auth.changePassword(access, "Th1rd-Passw0rd!", "N3w-Passw0rd!!", h));
        assertThat(t.login(EMAIL, "N3w-Passw0rd!!").status()).isEqualTo(200);

        AccountApi account = new AccountApi();
        UserPasswordHash set = LoginRadiusJavaSdkTest.ok("setAccountPasswordByUid", h -> account.setAccountPasswordByUid("Th1rd-Passw0rd!", uid, h));
        assertThat(set.getPasswordHash()).startsWith("$argon2id$");
        UserPasswordHash read = LoginRadiusJavaSdkTest.ok("getAccountPasswordHashByUid", h -> account.getAccountPasswordHashByUid(uid, h));
        assertThat(read.getPasswordHash()).isEqualTo(set.getPasswordHash());
        assertThat(t.login(EMAIL, "Th1rd-Passw0rd!").status()).isEqualTo(200);
    }
}

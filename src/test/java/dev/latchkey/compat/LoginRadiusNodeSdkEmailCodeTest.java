package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.NodeSdk;
import dev.latchkey.support.TestServer;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The email code factor through the official Node SDK 11.7.0 run by node, unchanged (the Java SDK 11.0.0 has none of
 * these calls): {@code mfaEmailOtpByAccessToken} and {@code mfaValidateEmailOtpByAccessToken} (set up from the account),
 * {@code mfaLoginByEmail}, {@code mfaEmailOTP} and {@code mfaValidateEmailOtp} (login), step-up with
 * {@code reAuthSendEmailOtp}, {@code reAuthValidateEmailOtp} and {@code verifyMultiFactorOtpReauthentication}, and the
 * resets {@code mfaResetEmailOtpAuthenticatorByAccessToken} and {@code mfaResetEmailOtpAuthenticatorByUid}. Mail through
 * a real SMTP server in the test (GreenMail).
 */
@Isolated
class LoginRadiusNodeSdkEmailCodeTest {
    private static final String EMAIL = "node.email@example.com";
    private static final String PASSWORD = "S3cure-Passw0rd!";
    private static final String MFA = "multiFactorAuthenticationApi";
    private static final String REAUTH = "reAuthenticationApi";
    private static final Pattern CODE = Pattern.compile("([0-9]{6}) is your Acme sign-in code");
    static Mailbox mail;
    static TestServer s;
    static TestServer.TestTenant t;
    static NodeSdk node;

    @BeforeAll
    static void start() throws Exception {
        mail = new Mailbox().ignoring(Mailbox::securityNotice);
        s = new TestServer(Backend.H2, TestServer.Options.mailTo(mail.port(), "Acme <no-reply@acme.example>"));
        t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,\"IsEmailOTPAuthenticator\":true,"
                + "\"EmailCodesPerAccountPerHour\":100}}");
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
        if (mail != null) {
            mail.close();
        }
    }

    private static String code(int n) {
        List<Mailbox.Mail> got = mail.await(EMAIL, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        Matcher m = CODE.matcher(got.get(n - 1).text());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void everyEmailCodeCallOfTheNodeSdk() throws Exception {
        String uid = t.account(EMAIL, PASSWORD);
        String passwordOnly = t.login(EMAIL, PASSWORD).text("access_token");

        // Set up from the account.
        assertThat(node.call(MFA, "mfaEmailOtpByAccessToken", passwordOnly, EMAIL).ok().get("IsPosted").asBoolean()).isTrue();
        String first = code(1);
        NodeSdk.Answer wrong = node.call(MFA, "mfaValidateEmailOtpByAccessToken", passwordOnly,
                Map.of("EmailId", EMAIL, "Otp", first.equals("000000") ? "111111" : "000000"));
        assertThat(wrong.error().get("ErrorCode").asInt()).as(String.valueOf(wrong.error())).isEqualTo(1067);
        JsonNode profile = node.call(MFA, "mfaValidateEmailOtpByAccessToken", passwordOnly, Map.of("EmailId", EMAIL, "Otp", first)).ok();
        assertThat(profile.get("Uid").asText()).isEqualTo(uid);

        // Log in: step 1 sent a code; mfaEmailOTP sends another on request; either logs in.
        JsonNode step1 = node.call(MFA, "mfaLoginByEmail", EMAIL, PASSWORD).ok();
        JsonNode sfa = step1.get("SecondFactorAuthentication");
        assertThat(sfa.get("IsEmailOtpAuthenticatorVerified").asBoolean()).isTrue();
        String token = sfa.get("SecondFactorAuthenticationToken").asText();
        code(2);
        assertThat(node.call(MFA, "mfaEmailOTP", Map.of("EmailId", EMAIL), token).ok().get("IsPosted").asBoolean()).isTrue();
        JsonNode login = node.call(MFA, "mfaValidateEmailOtp", Map.of("EmailId", EMAIL, "Otp", code(3)), token).ok();
        assertThat(login.get("Profile").get("Uid").asText()).isEqualTo(uid);
        String access = login.get("access_token").asText();

        // Step-up by email (only this SDK has these calls), checked server side once.
        assertThat(node.call(REAUTH, "reAuthSendEmailOtp", access, EMAIL).ok().get("IsPosted").asBoolean()).isTrue();
        JsonNode proof = node.call(REAUTH, "reAuthValidateEmailOtp", access, Map.of("EmailId", EMAIL, "Otp", code(4))).ok();
        String validation = proof.get("SecondFactorValidationToken").asText();
        assertThat(node.call(REAUTH, "verifyMultiFactorOtpReauthentication", Map.of("SecondFactorValidationToken", validation), uid).ok()
                .get("IsValid").asBoolean()).isTrue();

        // Resets: the user (this session passed a second factor), then again from the account and by the admin.
        assertThat(node.call(MFA, "mfaResetEmailOtpAuthenticatorByAccessToken", access).ok().get("IsDeleted").asBoolean()).isTrue();
        node.call(MFA, "mfaEmailOtpByAccessToken", access, EMAIL).ok();
        node.call(MFA, "mfaValidateEmailOtpByAccessToken", access, Map.of("EmailId", EMAIL, "Otp", code(5))).ok();
        assertThat(node.call(MFA, "mfaResetEmailOtpAuthenticatorByUid", uid).ok().get("IsDeleted").asBoolean()).isTrue();
        assertThat(node.call(MFA, "mfaResetEmailOtpAuthenticatorByUid", uid).error().get("ErrorCode").asInt()).isEqualTo(1256);
    }
}

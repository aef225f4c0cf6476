package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.loginradius.sdk.api.advanced.MultiFactorAuthenticationApi;
import com.loginradius.sdk.api.authentication.PasswordLessLoginApi;
import com.loginradius.sdk.models.requestmodels.MultiFactorAuthModelWithLockout;
import com.loginradius.sdk.models.responsemodels.AccessToken;
import com.loginradius.sdk.models.responsemodels.MultiFactorAuthenticationResponse;
import com.loginradius.sdk.models.responsemodels.userprofile.Identity;
import com.loginradius.sdk.util.AsyncHandler;
import com.loginradius.sdk.util.ErrorResponse;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The official Java SDK 11.0.0, unchanged, through a login that risk-based authentication asks to confirm: its
 * {@code mfaLoginByPhone} gets the SecondFactorAuthentication answer (with {@code OTPStatus}), {@code mfaValidateOTPByPhone}
 * finishes with the SMS code, and {@code passwordlessLoginVerification} finishes with the emailed link's token.
 * The first login is made over plain HTTP from London through a trusted proxy; the SDK's own logins then come from a
 * new address (127.0.0.1), which this tenant's IP rule answers with a second factor.
 */
@Isolated
@Execution(ExecutionMode.SAME_THREAD)
class LoginRadiusJavaSdkRiskTest {
    static final String PASSWORD = "Sdk-Risk-Passw0rd";

    static <T> T ok(String what, Consumer<AsyncHandler<T>> call) {
        Object[] got = new Object[2];
        call.accept(new AsyncHandler<>() {
            @Override
            public void onSuccess(T data) {
                got[0] = data;
            }

            @Override
            public void onFailure(ErrorResponse e) {
                got[1] = e;
            }
        });
        if (got[1] != null) {
            ErrorResponse e = (ErrorResponse) got[1];
            fail(what + ": " + e.getErrorCode() + " " + e.getMessage() + " " + e.getDescription());
        }
        assertThat(got[0]).as(what).isNotNull();
        @SuppressWarnings("unchecked")
        T data = (T) got[0];
        return data;
    }

    @Test
    void theSdkPassesARiskChallengeBySmsCodeAndByLink() {
        try (SmsReceiver sms = new SmsReceiver(); Mailbox mail = new Mailbox();
             TestServer s = new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging("https://id.example.test",
                     new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "no-reply@latchkey.test"),
                     new DeliverySettings.Sms(sms.baseUrl(), "AC42", "token-42", "+15005550006"), 100, 60_000, null),
                     new ServerConfig.Risk(null, "127.0.0.1/32")))) {
            TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true,\"Action\":\"MFA\"}}}");
            String phone = "+1555" + (1_000_000 + (int) (Math.random() * 8_999_999));
            String email = "sdk-risk-" + UUID.randomUUID() + "@example.com";
            assertThat(t.manage("POST", "/identity/v2/manage/account", "{\"PhoneId\":\"" + phone + "\",\"Password\":\"" + PASSWORD
                    + "\",\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}]}").status()).isEqualTo(200);
            assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"phone\":\"" + phone + "\",\"password\":\"" + PASSWORD + "\"}",
                    "Content-Type", "application/json", "X-Forwarded-For", "81.2.69.142").status()).isEqualTo(200);

            JavaSdk.pointAt(s, t);
            MultiFactorAuthenticationApi mfa = new MultiFactorAuthenticationApi();

            // By SMS code.
            MultiFactorAuthenticationResponse<Identity> step1 = ok("mfaLoginByPhone",
                    h -> mfa.mfaLoginByPhone(PASSWORD, phone, null, null, null, null, null, null, h));
            assertThat(step1.getSecondFactorAuthentication()).isNotNull();
            assertThat(step1.getSecondFactorAuthentication().getOTPStatus().getAccountSid()).isEqualTo("AC42");
            assertThat(step1.getSecondFactorAuthentication().getOTPPhoneNo()).endsWith(phone.substring(phone.length() - 4));
            String token = step1.getSecondFactorAuthentication().getSecondFactorAuthenticationToken().toString();
            String code = sms.await(phone, 1).get(0).form().get("Body").substring(0, 6);
            MultiFactorAuthModelWithLockout model = new MultiFactorAuthModelWithLockout();
            model.setOtp(code);
            AccessToken<Identity> done = ok("mfaValidateOTPByPhone", h -> mfa.mfaValidateOTPByPhone(model, token, null, null, h));
            assertThat(done.getAccess_Token()).isNotNull();
            assertThat(done.getProfile().getPhoneId()).isEqualTo(phone);

            // By the emailed link: a new address again (the SDK's IP is known now, so move the baseline away first).
            s.server.jdbi().useHandle(h -> h.execute("UPDATE accounts SET login_origins = NULL"));
            assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"phone\":\"" + phone + "\",\"password\":\"" + PASSWORD + "\"}",
                    "Content-Type", "application/json", "X-Forwarded-For", "81.2.69.142").status()).isEqualTo(200);
            MultiFactorAuthenticationResponse<Identity> again = ok("mfaLoginByPhone again",
                    h -> mfa.mfaLoginByPhone(PASSWORD, phone, null, null, null, null, null, null, h));
            assertThat(again.getSecondFactorAuthentication().getSecondFactorAuthenticationToken()).isNotNull();
            // The first challenge mailed a link too; the SMS code ended that login, so its link is spent (1062). The second one is new.
            Matcher link = Pattern.compile("vtoken=([0-9a-f-]{36})").matcher(mail.await(email, 2).get(1).text());
            assertThat(link.find()).isTrue();
            AccessToken<Identity> byLink = ok("passwordlessLoginVerification",
                    h -> new PasswordLessLoginApi().passwordlessLoginVerification(link.group(1), null, null, h));
            assertThat(byLink.getProfile().getUid()).isNotNull();
        }
    }
}

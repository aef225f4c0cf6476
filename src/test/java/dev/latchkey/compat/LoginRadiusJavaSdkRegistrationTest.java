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
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
    }

    @AfterAll
    static void stop() {
        s.close();
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

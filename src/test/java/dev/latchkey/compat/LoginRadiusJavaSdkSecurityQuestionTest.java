package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.authentication.AuthenticationApi;
import com.loginradius.sdk.models.responsemodels.SecurityQuestions;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The security-question calls the official Java SDK 11.0.0 has (its MFA API has none for them; the Node SDK test drives
 * those): {@code getSecurityQuestionsByEmail}, {@code …ByUserName}, {@code …ByPhone} and {@code …ByAccessToken}, which
 * Gson reads as {@code SecurityQuestions[]}.
 */
@Isolated
class LoginRadiusJavaSdkSecurityQuestionTest {
    private static final String EMAIL = "sdk.sq@example.com";
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

    @Test
    void theQuestionsOfAnAccountThroughTheSdk() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,"
                + "\"IsSecurityQuestionAuthenticator\":true}}");
        JavaSdk.pointAt(s, t);
        List<String> ids = new ArrayList<>();
        for (String q : new String[] {"What street did you grow up on?", "What was your first pet's name?"}) {
            ids.add(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"" + q + "\"}")
                    .json().get("QuestionId").asText());
        }
        t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + EMAIL
                + "\"}],\"UserName\":\"sdksq\",\"PhoneId\":\"+15555550177\",\"Password\":\"" + PASSWORD + "\"}");
        String access = t.login(EMAIL, PASSWORD).text("access_token");
        assertThat(s.send("PUT", "/identity/v2/auth/account/2fa/securityquestionanswer?apikey=" + t.apiKey(),
                "{\"securityquestionanswer\":[{\"QuestionId\":\"" + ids.get(0) + "\",\"Answer\":\"Mill Road\"},{\"QuestionId\":\""
                        + ids.get(1) + "\",\"Answer\":\"Rex\"}]}", "Authorization", "Bearer " + access, "Content-Type", "application/json")
                .status()).isEqualTo(200);

        AuthenticationApi api = new AuthenticationApi();
        SecurityQuestions[] byEmail = LoginRadiusJavaSdkTest.ok("getSecurityQuestionsByEmail", h -> api.getSecurityQuestionsByEmail(EMAIL, h));
        SecurityQuestions[] byUserName = LoginRadiusJavaSdkTest.ok("getSecurityQuestionsByUserName", h -> api.getSecurityQuestionsByUserName("sdksq", h));
        SecurityQuestions[] byPhone = LoginRadiusJavaSdkTest.ok("getSecurityQuestionsByPhone", h -> api.getSecurityQuestionsByPhone("+15555550177", h));
        SecurityQuestions[] bySession = LoginRadiusJavaSdkTest.ok("getSecurityQuestionsByAccessToken", h -> api.getSecurityQuestionsByAccessToken(access, h));
        java.util.Map<String, SecurityQuestions[]> all = java.util.Map.of("email", byEmail, "username", byUserName, "phone", byPhone,
                "session", bySession);
        for (var e : all.entrySet()) {
            SecurityQuestions[] qs = e.getValue();
            assertThat(qs).as(e.getKey()).extracting(SecurityQuestions::getQuestionId).containsExactly(ids.get(0), ids.get(1));
            assertThat(qs).extracting(SecurityQuestions::getQuestion).containsExactly("What street did you grow up on?", "What was your first pet's name?");
        }
    }
}

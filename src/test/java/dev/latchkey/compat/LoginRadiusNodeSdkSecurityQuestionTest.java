package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.support.Backend;
import dev.latchkey.support.NodeSdk;
import dev.latchkey.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Security questions through the official Node SDK 11.7.0 run by node, unchanged (the Java SDK 11.0.0 has none of the MFA
 * calls): {@code mfaLoginByEmail} then {@code mfaSecurityQuestionAnswer} (set during a login that must set up MFA),
 * {@code mfaSecurityQuestionAnswerVerification}, {@code mfaSecurityQuestionAnswerByAccessToken}, the questions of an
 * account ({@code getSecurityQuestionsByEmail}, {@code …ByUserName}, {@code …ByPhone}, {@code …ByAccessToken}),
 * step-up with {@code reAuthBySecurityQuestion}, and the resets {@code mfaResetSecurityQuestionAuthenticatorByAccessToken}
 * and {@code mfaResetSecurityQuestionAuthenticatorByUid}.
 */
@Isolated
class LoginRadiusNodeSdkSecurityQuestionTest {
    private static final String EMAIL = "node.sq@example.com";
    private static final String PASSWORD = "S3cure-Passw0rd!";
    private static final String MFA = "multiFactorAuthenticationApi";
    private static final String REAUTH = "reAuthenticationApi";
    private static final String AUTH = "authenticationApi";
    static TestServer s;
    static TestServer.TestTenant t;
    static List<String> ids = new ArrayList<>();
    static NodeSdk node;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Backend.H2);
        t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true,\"IsAuthenticator\":false,"
                + "\"IsSecurityQuestionAuthenticator\":true}}");
        for (String q : new String[] {"What street did you grow up on?", "What was your first pet's name?", "Which city were you born in?"}) {
            ids.add(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"" + q + "\"}")
                    .json().get("QuestionId").asText());
        }
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
    }

    private static Map<String, Object> answers(String... idAnswer) {
        List<Map<String, String>> list = new ArrayList<>();
        for (int i = 0; i < idAnswer.length; i += 2) {
            list.add(Map.of("QuestionId", idAnswer[i], "Answer", idAnswer[i + 1]));
        }
        return Map.of("securityquestionanswer", list);
    }

    private static String token() throws Exception {
        return node.call(MFA, "mfaLoginByEmail", EMAIL, PASSWORD).ok().get("SecondFactorAuthentication").get("SecondFactorAuthenticationToken").asText();
    }

    @Test
    void everySecurityQuestionCallOfTheNodeSdk() throws Exception {
        String uid = t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + EMAIL
                + "\"}],\"UserName\":\"nodesq\",\"PhoneId\":\"+15555550166\",\"Password\":\"" + PASSWORD + "\"}").text("Uid");

        // MFA is required and the account has no factor: the login sets the answers and is done.
        JsonNode step1 = node.call(MFA, "mfaLoginByEmail", EMAIL, PASSWORD).ok().get("SecondFactorAuthentication");
        assertThat(step1.get("SecurityQuestions")).hasSize(3);
        JsonNode enrolled = node.call(MFA, "mfaSecurityQuestionAnswer", answers(ids.get(0), "Mill Road", ids.get(1), "Rex"),
                step1.get("SecondFactorAuthenticationToken").asText()).ok();
        assertThat(enrolled.get("Profile").get("Uid").asText()).isEqualTo(uid);

        // Verify at login; a wrong answer is 1093.
        String token = token();
        assertThat(node.call(MFA, "mfaSecurityQuestionAnswerVerification", answers(ids.get(0), "Mill Road", ids.get(1), "Fido"), token).error()
                .get("ErrorCode").asInt()).isEqualTo(1093);
        JsonNode login = node.call(MFA, "mfaSecurityQuestionAnswerVerification", answers(ids.get(0), "mill road", ids.get(1), "REX"), token).ok();
        String access = login.get("access_token").asText();

        // The questions of the account, by each identifier and by its session.
        for (String[] call : new String[][] {{"getSecurityQuestionsByEmail", EMAIL}, {"getSecurityQuestionsByUserName", "nodesq"},
                {"getSecurityQuestionsByPhone", "+15555550166"}, {"getSecurityQuestionsByAccessToken", access}}) {
            JsonNode qs = node.call(AUTH, call[0], call[1]).ok();
            assertThat(qs).as(call[0]).hasSize(2);
            assertThat(qs.get(0).get("QuestionId").asText()).as(call[0]).isEqualTo(ids.get(0));
        }

        // Change them from the account (this session passed a second factor), then step up with the new ones.
        Map<String, Object> replace = new java.util.HashMap<>(answers(ids.get(1), "Rex", ids.get(2), "Oslo"));
        replace.put("ReplaceSecurityQuestionAnswer", true);
        assertThat(node.call(MFA, "mfaSecurityQuestionAnswerByAccessToken", access, replace).ok().get("IsPosted").asBoolean()).isTrue();
        JsonNode proof = node.call(REAUTH, "reAuthBySecurityQuestion", access, answers(ids.get(1), "rex", ids.get(2), "oslo")).ok();
        assertThat(proof.get("SecondFactorValidationToken").asText()).matches("[0-9a-f-]{36}");

        // MFA is required: the user cannot remove the last factor (1121); the admin can, once.
        assertThat(node.call(MFA, "mfaResetSecurityQuestionAuthenticatorByAccessToken", access).error().get("ErrorCode").asInt()).isEqualTo(1121);
        assertThat(node.call(MFA, "mfaResetSecurityQuestionAuthenticatorByUid", uid).ok().get("IsDeleted").asBoolean()).isTrue();
        assertThat(node.call(MFA, "mfaResetSecurityQuestionAuthenticatorByUid", uid).error().get("ErrorCode").asInt()).isEqualTo(1259);
    }
}

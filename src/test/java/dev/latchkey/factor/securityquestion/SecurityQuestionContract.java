package dev.latchkey.factor.securityquestion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Security questions (reference §2.2, §3.3) as an app on LoginRadius calls them: the tenant's catalog, answers set from
 * the account and during a login that must set up MFA, login with every seed parameter and answers written differently
 * (case, spaces, full-width letters), the tenant's number of answers, stored hashes, lockout, reset by user and admin
 * (their own path), step-up, the questions of an account by identifier without telling who has one, and bad input.
 * Runs on H2 and PostgreSQL.
 */
abstract class SecurityQuestionContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";
    private static final String SEED_QUERY = "&prevent_webhook=true&fields=Email,Uid"
            + "&rbabrowseremailtemplate=a&rbacityemailtemplate=b&rbacountryemailtemplate=c&rbaipemailtemplate=d"
            + "&rbadeviceemailtemplate=e&rbabrowsersmstemplate=f&rbacitysmstemplate=g&rbacountrysmstemplate=h"
            + "&rbaipsmstemplate=i&rbadevicesmstemplate=j&smstemplate2fa=k";

    /** A tenant offering security questions, with a catalog of three; returns it and the question ids in order. */
    private record Site(TestTenant t, List<String> ids) {}

    private Site site(boolean required, String more) {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":" + required
                + ",\"IsSecurityQuestionAuthenticator\":true" + more + "}}");
        List<String> ids = new ArrayList<>();
        for (String q : new String[] {"What street did you grow up on?", "What was your first pet's name?", "Which city were you born in?"}) {
            Reply added = s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", Json.write(Json.object().put("Question", q)));
            assertThat(added.status()).as(added.raw()).isEqualTo(200);
            assertThat(added.json().get("Question").asText()).isEqualTo(q);
            ids.add(added.json().get("QuestionId").asText());
        }
        return new Site(t, ids);
    }

    private static String email() {
        return "sq." + UUID.randomUUID() + "@example.com";
    }

    private static String answers(String... idAnswer) {
        StringBuilder b = new StringBuilder("{\"securityquestionanswer\":[");
        for (int i = 0; i < idAnswer.length; i += 2) {
            b.append(i == 0 ? "" : ",").append("{\"QuestionId\":\"").append(idAnswer[i]).append("\",\"Answer\":\"").append(idAnswer[i + 1]).append("\"}");
        }
        return b.append("]}").toString();
    }

    private Reply setFromAccount(TestTenant t, String access, String body) {
        return s.send("PUT", "/identity/v2/auth/account/2fa/securityquestionanswer?apikey=" + t.apiKey(), body,
                "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    private Reply verify(TestTenant t, String token, String body, String query) {
        return s.send("POST", "/identity/v2/auth/login/2fa/verification/securityquestionanswer?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token + query, body, "Content-Type", "application/json");
    }

    private Reply verify(TestTenant t, String token, String body) {
        return verify(t, token, body, "");
    }

    private Reply reset(TestTenant t, String access) {
        return s.send("DELETE", "/identity/v2/auth/account/2fa/authenticator/securityquestionanswer?apikey=" + t.apiKey(), "{}",
                "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    private Reply mfaSettings(TestTenant t, String access) {
        return s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    /** An optional-MFA account that set two answers from the account; returns that (password-only) session. */
    private String answeredFromAccount(Site site, String email) {
        site.t().account(email, PASSWORD);
        String access = site.t().login(email, PASSWORD).text("access_token");
        Reply set = setFromAccount(site.t(), access, answers(site.ids().get(0), "Mill Road", site.ids().get(2), "Zürich"));
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        return access;
    }

    @Test
    void setFromTheAccountThenLogInWithAnswersWrittenDifferently() {
        Site site = site(false, "");
        TestTenant t = site.t();
        List<String> ids = site.ids();
        String email = email();
        String uid = t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        assertThat(mfaSettings(t, access).json().get("IsSecurityQuestionAuthenticatorVerified").asBoolean()).isFalse();

        assertError(setFromAccount(t, access, answers(ids.get(0), "Mill Road")), 403, 1260); // two are asked for
        assertError(setFromAccount(t, access, answers(ids.get(0), "a", ids.get(0), "b")), 403, 1134);
        assertError(setFromAccount(t, access, answers("0123456789abcdef0123456789abcdef", "a", ids.get(1), "b")), 403, 1134);
        assertError(setFromAccount(t, access, answers(ids.get(0), "   ", ids.get(1), "b")), 403, 1134);
        Reply set = setFromAccount(t, access, answers(ids.get(0), "Mill Road", ids.get(2), "Zürich"));
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        assertThat(set.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        JsonNode settings = mfaSettings(t, access).json();
        assertThat(settings.get("IsSecurityQuestionAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(settings.get("SecurityQuestions")).isEqualTo(Json.parse("[{\"QuestionId\":\"" + ids.get(0)
                + "\",\"Question\":\"What street did you grow up on?\"},{\"QuestionId\":\"" + ids.get(2)
                + "\",\"Question\":\"Which city were you born in?\"}]"));

        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(sfa.get("IsSecurityQuestionAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(sfa.get("SecurityQuestions")).isEqualTo(settings.get("SecurityQuestions"));
        String token = sfa.get("SecondFactorAuthenticationToken").asText();
        assertError(verify(t, token, answers(ids.get(0), "Mill Road", ids.get(2), "Geneva")), 403, 1093);
        assertError(verify(t, token, answers(ids.get(0), "Mill Road")), 403, 1260);
        // Case, spaces, full-width letters, a composed accent and a zero-width space do not matter.
        Reply login = verify(t, token, "{\"SecurityQuestionAnswer\":[{\"questionid\":\"" + ids.get(0).toUpperCase()
                + "\",\"answer\":\"  ＭＩＬＬ \\t  road \"},{\"QuestionId\":\"" + ids.get(2) + "\",\"Answer\":\"zu\\u0308\\u200brich\"}]}", SEED_QUERY);
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.json().get("Profile")).isEqualTo(Json.parse("{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email
                + "\"}],\"Uid\":\"" + uid + "\"}"));
    }

    @Test
    void answersAreStoredAsPasswordHashes() {
        Site site = site(false, "");
        String email = email();
        answeredFromAccount(site, email);
        List<String> stored = s.server.jdbi().withHandle(h -> h.createQuery("SELECT answer_hash FROM security_answers a JOIN accounts c "
                + "ON c.uid = a.uid WHERE c.tenant_id = (SELECT id FROM tenants WHERE api_key = :k)").bind("k", site.t().apiKey())
                .mapTo(String.class).list());
        assertThat(stored).hasSize(2).allMatch(v -> v.startsWith("$argon2id$")).noneMatch(v -> v.toLowerCase().contains("mill"));
    }

    @Test
    void aLoginThatMustSetUpMfaSetsAnswersAndIsDone() {
        Site site = site(true, ",\"IsAuthenticator\":false");
        TestTenant t = site.t();
        String email = email();
        String uid = t.account(email, PASSWORD);
        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(sfa.get("IsSecurityQuestionAuthenticatorVerified").asBoolean()).isFalse();
        assertThat(sfa.get("SecurityQuestions")).hasSize(3); // the catalog, to choose from
        String token = sfa.get("SecondFactorAuthenticationToken").asText();
        assertError(s.send("PUT", "/identity/v2/auth/login/2fa/securityquestionanswer?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + token, answers(site.ids().get(1), "Rex"), "Content-Type", "application/json"), 403, 1260);
        Reply login = s.send("PUT", "/identity/v2/auth/login/2fa/securityquestionanswer?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + token, answers(site.ids().get(1), "Rex", site.ids().get(2), "Oslo"), "Content-Type", "application/json");
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.json().get("Profile").get("Uid").asText()).isEqualTo(uid);
        assertThat(login.text("access_token")).matches("[0-9a-f-]{36}");
        // The next login asks for them, and the catalog is no longer shown.
        JsonNode next = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(next.get("IsSecurityQuestionAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(next.get("SecurityQuestions")).hasSize(2);
        assertThat(verify(t, next.get("SecondFactorAuthenticationToken").asText(), answers(site.ids().get(1), "rex", site.ids().get(2), "OSLO"))
                .status()).isEqualTo(200);
    }

    @Test
    void anAccountWithAFactorCannotSetAnswersDuringALogin() {
        Site site = site(true, "");
        TestTenant t = site.t();
        String email = email();
        String uid = t.account(email, PASSWORD);
        t.backupCodes(uid);
        String token = t.secondFactorToken(email, PASSWORD);
        assertError(s.send("PUT", "/identity/v2/auth/login/2fa/securityquestionanswer?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + token, answers(site.ids().get(1), "Rex", site.ids().get(2), "Oslo"), "Content-Type", "application/json"), 403, 1257);
        assertError(verify(t, token, answers(site.ids().get(1), "Rex", site.ids().get(2), "Oslo")), 403, 1259);
    }

    @Test
    void wrongAnswersCountTowardTheOneLockoutAndATokenWorksOnce() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,"
                + "\"IsSecurityQuestionAuthenticator\":true},\"Security\":{\"MaxSecondFactorAttemptsPerToken\":2,\"MaxSecondFactorAttempts\":3}}");
        List<String> ids = new ArrayList<>();
        for (String q : new String[] {"Q1?", "Q2?"}) {
            ids.add(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"" + q + "\"}").json().get("QuestionId").asText());
        }
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        assertThat(setFromAccount(t, access, answers(ids.get(0), "one", ids.get(1), "two")).status()).isEqualTo(200);
        String token = t.secondFactorToken(email, PASSWORD);
        String wrong = answers(ids.get(0), "one", ids.get(1), "three");
        String right = answers(ids.get(0), "one", ids.get(1), "two");
        assertError(verify(t, token, wrong), 403, 1093);
        assertError(verify(t, token, wrong), 403, 1093);
        assertError(verify(t, token, right), 403, 1103);
        assertError(verify(t, t.secondFactorToken(email, PASSWORD), wrong), 403, 1093); // third: locks
        assertError(t.login(email, PASSWORD), 403, 1198);
        s.clock.advance(Duration.ofSeconds(901));
        // The same right answers in 20 parallel requests on one login: it logs in once.
        String last = t.secondFactorToken(email, PASSWORD);
        List<Reply> replies = Parallel.times(20, () -> verify(t, last, right));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(replies.stream().filter(r -> r.status() != 200)).allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1103));
    }

    @Test
    void theUserResetsWithARecentSecondFactorAndTheAdminByUid() {
        Site site = site(false, "");
        TestTenant t = site.t();
        String email = email();
        String passwordOnly = answeredFromAccount(site, email);
        assertError(reset(t, passwordOnly), 403, 1193);
        // Changing them needs the proof too.
        assertError(setFromAccount(t, passwordOnly, answers(site.ids().get(1), "Rex", site.ids().get(2), "Oslo")), 403, 1193);
        String token = t.secondFactorToken(email, PASSWORD);
        String access = verify(t, token, answers(site.ids().get(0), "mill road", site.ids().get(2), "zurich".replace("u", "ü"))).text("access_token");
        // ReplaceSecurityQuestionAnswer: false adds to them, true replaces them.
        assertThat(setFromAccount(t, access, "{\"securityquestionanswer\":[{\"QuestionId\":\"" + site.ids().get(1)
                + "\",\"Answer\":\"Rex\"}],\"ReplaceSecurityQuestionAnswer\":false}").status()).isEqualTo(200);
        assertThat(mfaSettings(t, access).json().get("SecurityQuestions")).hasSize(3);
        assertThat(setFromAccount(t, access, "{\"securityquestionanswer\":[{\"QuestionId\":\"" + site.ids().get(1)
                + "\",\"Answer\":\"Rex\"},{\"QuestionId\":\"" + site.ids().get(2) + "\",\"Answer\":\"Oslo\"}],\"ReplaceSecurityQuestionAnswer\":true}")
                .status()).isEqualTo(200);
        assertThat(mfaSettings(t, access).json().get("SecurityQuestions")).hasSize(2);

        Reply deleted = reset(t, access);
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertError(reset(t, access), 403, 1259);

        assertThat(setFromAccount(t, access, answers(site.ids().get(1), "Rex", site.ids().get(2), "Oslo")).status()).isEqualTo(200);
        String uid = t.manage("GET", "/identity/v2/manage/account?email=" + email, null).text("Uid");
        assertError(s.mfaTenant(false).manage("DELETE", "/identity/v2/manage/account/2fa/authenticator/securityquestionanswer?uid=" + uid, null),
                403, 938);
        Reply byAdmin = t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator/securityquestionanswer?uid=" + uid, null);
        assertThat(byAdmin.status()).as(byAdmin.raw()).isEqualTo(200);
        assertError(t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator/securityquestionanswer?uid=" + uid, null), 403, 1259);
    }

    @Test
    void stepUpWithSecurityQuestions() {
        Site site = site(false, "");
        TestTenant t = site.t();
        String email = email();
        String access = answeredFromAccount(site, email);
        String uid = t.manage("GET", "/identity/v2/manage/account?email=" + email, null).text("Uid");
        Reply wrong = s.send("POST", "/identity/v2/auth/account/reauth/2fa/securityquestionanswer/verify?apikey=" + t.apiKey(),
                answers(site.ids().get(0), "Mill Road", site.ids().get(2), "Bern"), "Authorization", "Bearer " + access, "Content-Type", "application/json");
        assertError(wrong, 403, 1093);
        Reply proof = s.send("POST", "/identity/v2/auth/account/reauth/2fa/securityquestionanswer/verify?apikey=" + t.apiKey(),
                answers(site.ids().get(0), "Mill Road", site.ids().get(2), "Zürich"), "Authorization", "Bearer " + access, "Content-Type", "application/json");
        assertThat(proof.status()).as(proof.raw()).isEqualTo(200);
        Reply valid = t.manage("POST", "/identity/v2/manage/account/" + uid + "/reauth/2fa",
                "{\"SecondFactorValidationToken\":\"" + proof.text("SecondFactorValidationToken") + "\"}");
        assertThat(valid.json()).isEqualTo(Json.parse("{\"IsValid\":true}"));
        assertThat(reset(t, access).status()).isEqualTo(200);
    }

    @Test
    void theQuestionsOfAnAccountByIdentifierDoNotTellWhoHasOne() {
        Site site = site(false, "");
        TestTenant t = site.t();
        String email = email();
        String access = answeredFromAccount(site, email);
        Reply own = s.get("/identity/v2/auth/securityquestion/email?apikey=" + t.apiKey() + "&email=" + email.toUpperCase());
        assertThat(own.status()).as(own.raw()).isEqualTo(200);
        assertThat(own.json()).isEqualTo(mfaSettings(t, access).json().get("SecurityQuestions"));
        assertThat(s.get("/identity/v2/auth/securityquestion/accesstoken?apikey=" + t.apiKey(), "Authorization", "Bearer " + access).json())
                .isEqualTo(own.json());
        // Nobody, or an account without answers: as many questions of the catalog, the same each time.
        String nobody = "nobody." + UUID.randomUUID() + "@example.com";
        JsonNode decoy = s.get("/identity/v2/auth/securityquestion/email?apikey=" + t.apiKey() + "&email=" + nobody).json();
        assertThat(decoy).hasSize(2);
        assertThat(decoy.get(0).get("QuestionId").asText()).isIn(site.ids());
        assertThat(s.get("/identity/v2/auth/securityquestion/email?apikey=" + t.apiKey() + "&email=" + nobody).json()).isEqualTo(decoy);
        String none = email();
        t.account(none, PASSWORD);
        assertThat(s.get("/identity/v2/auth/securityquestion/email?apikey=" + t.apiKey() + "&email=" + none).json()).hasSize(2);
        assertThat(s.get("/identity/v2/auth/securityquestion/username?apikey=" + t.apiKey() + "&username=nobody").json()).hasSize(2);
        assertThat(s.get("/identity/v2/auth/securityquestion/phone?apikey=" + t.apiKey() + "&phone=%2B15555550100").json()).hasSize(2);
        assertError(s.get("/identity/v2/auth/securityquestion/email?apikey=" + t.apiKey()), 403, 908);
        assertError(s.get("/identity/v2/auth/securityquestion/email?apikey=" + s.mfaTenant(false).apiKey() + "&email=" + email), 403, 1257);
    }

    @Test
    void theCatalogIsTheTenantsOwn() {
        Site site = site(false, "");
        Site other = site(false, "");
        TestTenant t = site.t();
        JsonNode listed = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", null).json();
        assertThat(listed.get("Data")).hasSize(3);
        assertThat(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"\"}").json().get("ErrorCode").asInt())
                .isEqualTo(1134);
        assertThat(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"" + "q".repeat(501) + "\"}")
                .json().get("ErrorCode").asInt()).isEqualTo(1134);
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        // Another tenant's questions are not this one's.
        assertError(setFromAccount(t, access, answers(other.ids().get(0), "a", other.ids().get(1), "b")), 403, 1134);
        answeredFromAccount(site, email());
        // Removing a question removes its answers.
        Reply removed = s.admin("DELETE", "/admin/v1/tenants/" + t.apiKey() + "/security-questions/" + site.ids().get(0), null);
        assertThat(removed.status()).as(removed.raw()).isEqualTo(200);
        assertThat(s.admin("DELETE", "/admin/v1/tenants/" + t.apiKey() + "/security-questions/" + site.ids().get(0), null).status()).isEqualTo(404);
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", null).json().get("Data")).hasSize(2);
        int left = s.server.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM security_answers WHERE question_id = :q")
                .bind("q", site.ids().get(0)).mapTo(Integer.class).one());
        assertThat(left).isZero();
        assertThat(s.get("/admin/v1/tenants/" + t.apiKey() + "/security-questions").status()).isIn(401, 403);
    }

    @Test
    void badInputsAreAnsweredInLoginRadiusShape() {
        Site site = site(false, "");
        TestTenant t = site.t();
        String email = email();
        answeredFromAccount(site, email);
        String token = t.secondFactorToken(email, PASSWORD);
        assertError(verify(t, token, "{}"), 403, 908);
        assertError(verify(t, token, "{\"securityquestionanswer\":\"Mill Road\"}"), 403, 1134);
        assertError(verify(t, token, "{\"securityquestionanswer\":[]}"), 403, 1134);
        assertError(verify(t, token, "{\"securityquestionanswer\":[{\"QuestionId\":1,\"Answer\":\"a\"}]}"), 403, 1134);
        assertError(verify(t, token, "{\"securityquestionanswer\":[\"a\",\"b\"]}"), 403, 1134);
        assertError(verify(t, token, answers(site.ids().get(0), "Mill\\u0000Road", site.ids().get(2), "x")), 403, 1134);
        assertError(verify(t, token, answers(site.ids().get(0), "x".repeat(100_000), site.ids().get(2), "Zürich")), 403, 1093);
        StringBuilder many = new StringBuilder("{\"securityquestionanswer\":[");
        for (int i = 0; i < 11; i++) {
            many.append(i == 0 ? "" : ",").append("{\"QuestionId\":\"x\",\"Answer\":\"y\"}");
        }
        assertError(verify(t, token, many + "]}"), 403, 1134);
        assertError(verify(t, UUID.randomUUID().toString(), answers(site.ids().get(0), "Mill Road", site.ids().get(2), "Zürich")), 403, 1103);
    }

    @Test
    void theWebhookEventsCanBeSubscribedTo() {
        List<String> names = new ArrayList<>();
        site(false, "").t().manage("GET", "/v2/manage/webhook/events", null).json().get("Data").forEach(e -> names.add(e.asText()));
        assertThat(names).contains("SecurityQuestionAuthenticatorAdded", "SecurityQuestionAuthenticatorRemoved");
    }
}

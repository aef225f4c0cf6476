package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.factor.Factors;
import dev.latchkey.factor.securityquestion.SecurityQuestions;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginContext;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.tenant.Tenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Security questions' own calls, besides the checks every factor shares ({@link SecondFactorApi}): the tenant's catalog
 * (admin API), answers set during a login ({@code PUT /login/2fa/securityquestionanswer}) or from the account
 * ({@code PUT /account/2fa/securityquestionanswer}), and the questions of an account
 * ({@code GET /auth/securityquestion/{email,username,phone,accesstoken}}).
 */
public final class SecurityQuestionApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final AdminGate admin;
    private final LoginFlow flow;
    private final RecentSecondFactor proof;
    private final SecurityQuestions questions;

    public SecurityQuestionApi(TenantGate gate, AccessGate access, AdminGate admin, LoginFlow flow, RecentSecondFactor proof, Factors factors) {
        this.gate = gate;
        this.access = access;
        this.admin = admin;
        this.flow = flow;
        this.proof = proof;
        this.questions = factors.get("securityquestion", SecurityQuestions.class);
    }

    /**
     * The body's {@code securityquestionanswer}: an array of 1 to 10 {@code {"QuestionId", "Answer"}} (keys in any case);
     * 908 missing, 1134 anything else.
     */
    static List<SecurityQuestions.Answer> answers(LrRequest req) {
        JsonNode list = Json.field(req.body(), "securityquestionanswer");
        if (list == null || list.isNull()) {
            throw LrError.required("securityquestionanswer");
        }
        if (!list.isArray() || list.isEmpty() || list.size() > 10) {
            throw ApiException.validation("securityquestionanswer", "The securityquestionanswer field is an array of 1 to 10 "
                    + "{\"QuestionId\", \"Answer\"} objects.");
        }
        List<SecurityQuestions.Answer> out = new ArrayList<>();
        for (JsonNode item : list) {
            JsonNode id = item.isObject() ? Json.field(item, "QuestionId") : null;
            JsonNode answer = item.isObject() ? Json.field(item, "Answer") : null;
            if (id == null || !id.isTextual() || answer == null || !answer.isTextual()) {
                throw ApiException.validation("securityquestionanswer", "Each answer is {\"QuestionId\": \"…\", \"Answer\": \"…\"}, both strings.");
            }
            out.add(new SecurityQuestions.Answer(id.asText(), answer.asText()));
        }
        return out;
    }

    private void requireOffered(Tenant tenant) {
        if (!tenant.mfaEnabled()) {
            throw LrError.MFA_NOT_ENABLED.error();
        }
        if (!questions.offeredBy(tenant)) {
            throw questions.notOffered();
        }
    }

    /**
     * {@code PUT /login/2fa/securityquestionanswer} with the 2FA token: the answers set the factor up and finish the login
     * (the login response). Only a login that may add a factor with the password alone may; any other answers 1257.
     */
    public JsonNode setDuringLogin(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String token = req.secondFactorToken();
        req.fields();
        LoginContext ctx = req.loginContext();
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        List<SecurityQuestions.Answer> given = answers(req);
        requireOffered(tenant);
        LoginFlow.Pending pending = flow.pending(tenant, token);
        if (pending.challenge().risk() != null || !flow.mayEnrollWithPasswordAlone(pending.account())) {
            throw LrError.SECURITY_QUESTIONS_NOT_ENABLED.withDescription("This sign-in cannot set up security questions: the account "
                    + "already has a second factor (answer it), or the sign-in must be confirmed first.");
        }
        if (given.size() < tenant.securityQuestionsToAnswer()) {
            throw LrError.SECURITY_ANSWERS_TOO_FEW.error();
        }
        Map<String, String> hashes = questions.prepare(tenant, given);
        FactorChange change = new FactorChange(ctx.preventWebhook(), true, ctx.origin());
        return Responses.login(req, flow.completeSecondFactor(tenant, pending, ctx, questions.id(),
                (h, account) -> flow.mayEnrollWithPasswordAloneLocked(h, account) && questions.enrollDuringLogin(h, tenant, account, hashes, change),
                LrError.SECURITY_QUESTIONS_NOT_ENABLED, true));
    }

    /**
     * {@code PUT /auth/account/2fa/securityquestionanswer} (access token) with the answers and
     * {@code ReplaceSecurityQuestionAnswer}: {@code {"IsPosted": true}}. Changing them needs a recent second factor when
     * the account has one.
     */
    public JsonNode setFromAccount(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        List<SecurityQuestions.Answer> given = answers(req);
        JsonNode replace = Json.field(req.body(), "ReplaceSecurityQuestionAnswer");
        if (replace != null && !replace.isNull() && !replace.isBoolean()) {
            throw ApiException.validation("ReplaceSecurityQuestionAnswer", "The ReplaceSecurityQuestionAnswer field must be true or false.");
        }
        requireOffered(caller.tenant());
        proof.require(caller.tenant(), caller.account(), caller.session().secondFactorAt());
        Map<String, String> hashes = questions.prepare(caller.tenant(), given);
        questions.setFromAccount(caller.tenant(), caller.account(), hashes, replace != null && replace.asBoolean(false),
                new FactorChange(req.preventWebhook(), true, req.origin(Audit.Actor.USER)));
        return Responses.posted();
    }

    /** {@code GET /auth/securityquestion/email?email=} (and {@code /username?username=}, {@code /phone?phone=}): the questions to ask. */
    public Endpoint questionsBy(String kind) {
        return req -> {
            Tenant tenant = gate.tenant(req);
            String value = req.identifierQuery(kind); // a '+' the Java SDK sent unencoded kept
            if (value == null || value.isBlank()) {
                throw LrError.required(kind);
            }
            if (value.length() > 320) {
                throw LrError.PARAMETER_FORMAT.withDescription("The " + kind + " parameter is too long.");
            }
            requireOffered(tenant);
            return list(questions.questionsFor(tenant, kind, value));
        };
    }

    /** {@code GET /auth/securityquestion/accesstoken} (access token): the signed-in account's questions. */
    public JsonNode questionsOfSession(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        requireOffered(caller.tenant());
        return list(questions.questionsOf(caller.account()));
    }

    private static ArrayNode list(List<SecurityQuestions.Question> qs) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        qs.forEach(q -> out.add(q.toJson()));
        return out;
    }

    // ── The catalog (admin key) ─────────────────────────────────────────────────────────────────────────────────────

    /** {@code GET /admin/v1/tenants/{apikey}/security-questions}: {@code {"Data": [{"QuestionId", "Question"}]}}. */
    public JsonNode catalog(LrRequest req) {
        Tenant tenant = admin.tenant(req);
        return Responses.data(questions.catalog(tenant), SecurityQuestions.Question::toJson);
    }

    /** {@code POST /admin/v1/tenants/{apikey}/security-questions} with {@code {"Question"}}: the new question. */
    public JsonNode addQuestion(LrRequest req) {
        Tenant tenant = admin.tenant(req);
        return questions.addQuestion(tenant, req.bodyString("Question")).toJson();
    }

    /** {@code DELETE /admin/v1/tenants/{apikey}/security-questions/{id}}: it and every answer to it; 404 for none. */
    public JsonNode removeQuestion(LrRequest req) {
        Tenant tenant = admin.tenant(req);
        if (!questions.removeQuestion(tenant, req.pathParam("id").toLowerCase(java.util.Locale.ROOT))) {
            throw AdminGate.notFound("No such security question for this tenant.");
        }
        return Responses.deleted();
    }
}

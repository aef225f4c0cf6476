package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.CodeFactor;
import dev.latchkey.factor.EnabledByCode;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.factor.Factors;
import dev.latchkey.factor.ResetByFlag;
import dev.latchkey.factor.SecondFactor;
import dev.latchkey.login.LoginContext;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.login.StepUp;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;

/**
 * The endpoints every second factor shares, written once: step 2 with a typed code (the 2FA token, {@code fields},
 * {@code prevent_webhook} / {@code X-PreventWebhook} and the {@code rba*template} names, the same counting and the same
 * login response), turning a factor on from the account with a code, and LoginRadius's reset by body flag. The route
 * table names the factor and the parameter; the factor only checks its answer.
 */
public final class SecondFactorApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final LoginFlow flow;
    private final Factors factors;
    private final Accounts accounts;
    private final RecentSecondFactor proof;
    private final StepUp stepUp;
    private final Clock clock;

    public SecondFactorApi(TenantGate gate, AccessGate access, LoginFlow flow, Factors factors, Accounts accounts, RecentSecondFactor proof,
                           StepUp stepUp, Clock clock) {
        this.stepUp = stepUp;
        this.gate = gate;
        this.access = access;
        this.flow = flow;
        this.factors = factors;
        this.accounts = accounts;
        this.proof = proof;
        this.clock = clock;
    }

    /**
     * How an answer is read from a request: the code the factor checks, or null for one too long to be right (refused as
     * wrong without being checked); a missing part is refused with the name of its parameter.
     */
    @FunctionalInterface
    public interface Answer {
        String read(LrRequest req);

        /** The code in the body's {@code field}. */
        static Answer body(String field) {
            return req -> bounded(req.requiredBodyString(field));
        }

        /** The code in the query's {@code parameter}. */
        static Answer query(String parameter) {
            return req -> bounded(req.requiredQuery(parameter));
        }

        /** The email factor's {@code {"emailid", "Otp"}}: the address the code went to and the code. */
        static Answer emailCode() {
            return req -> {
                String email = req.requiredBodyString("emailid");
                String otp = req.requiredBodyString("otp");
                return email.length() > 320 || bounded(otp) == null ? null : dev.latchkey.factor.email.EmailCodes.answer(email, otp);
            };
        }

        /**
         * Security questions' {@code {"securityquestionanswer": [{"QuestionId", "Answer"}, …]}}, as the one string the factor
         * checks; an answer or id too long to be right makes the whole answer wrong without being checked.
         */
        static Answer securityQuestions() {
            return req -> {
                java.util.List<dev.latchkey.factor.securityquestion.SecurityQuestions.Answer> answers = SecurityQuestionApi.answers(req);
                boolean bounded = answers.stream().allMatch(a -> a.questionId().length() <= 64 && a.answer().length() <= 1024);
                return bounded ? dev.latchkey.factor.securityquestion.SecurityQuestions.encode(answers) : null;
            };
        }

        private static String bounded(String code) {
            return code.length() > CodeFactor.MAX_CODE_LENGTH ? null : code;
        }
    }

    /** Step 2 with the code in the body's {@code field} ({@code PUT /login/2fa/verification/…}): the login response. */
    public Endpoint loginWithCode(String factorId, String field) {
        return loginWith(factorId, Answer.body(field));
    }

    /** Step 2 with the code in the query ({@code GET /login/2fa/backupcode?backupcode=} of the older SDKs). */
    public Endpoint loginWithCodeInQuery(String factorId, String parameter) {
        return loginWith(factorId, Answer.query(parameter));
    }

    /** Step 2 with an answer read by {@code answer}: the login response. */
    public Endpoint loginWith(String factorId, Answer answer) {
        CodeFactor factor = factors.get(factorId, CodeFactor.class);
        return req -> login(req, factor, answer);
    }

    private JsonNode login(LrRequest req, CodeFactor factor, Answer answer) {
        Tenant tenant = gate.tenant(req);
        String token = req.secondFactorToken();
        req.fields();
        LoginContext ctx = req.loginContext();
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        String code = answer.read(req);
        if (!factor.offeredBy(tenant)) {
            throw factor.notOffered();
        }
        // The token is read and checked in step 2's transaction, with the account's row lock (one round trip on PostgreSQL).
        return Responses.login(req, flow.completeSecondFactor(tenant, token, ctx, factor.id(), pending -> {
            boolean riskChallenge = pending.challenge().risk() != null;
            SecondFactor.Enrollment enrollment = SecondFactor.Enrollment.login(pending.challenge().tokenHash())
                    .by(new FactorChange(ctx.preventWebhook(), true, ctx.origin()));
            return new LoginFlow.Verification() {
                @Override
                public boolean verify(org.jdbi.v3.core.Handle h, dev.latchkey.account.Account account) {
                    if (code == null) {
                        return false;
                    }
                    // Only a login that proved the password of an account that never had a factor may set one up here.
                    boolean mayEnroll = !riskChallenge && flow.mayEnrollWithPasswordAloneLocked(h, account);
                    return factor.verify(h, tenant, account, code, mayEnroll ? enrollment : null, enrollment.boundTo(), ctx.origin()).right();
                }

                @Override
                public boolean writesWhenWrong() {
                    return factor.writesWhenWrong();
                }

                /** A factor whose check is one conditional update (a backup code) checks in step 2's one statement. */
                @Override
                public dev.latchkey.store.Piece piece(dev.latchkey.account.Account account, long now) {
                    return code == null ? null : factor.verifying(account, code, now);
                }
            };
        }, factor.wrongCode(), pending -> !pending.account().mfaEnrolled()));
    }

    /**
     * {@code PUT /auth/account/2fa/verification/…} with the code in the body's {@code field}: the factor is on, answered
     * with the profile. An account that already has a factor needs a recent second factor (see {@link RecentSecondFactor}).
     */
    public Endpoint enableWithCode(String factorId, String field) {
        return enableWith(factorId, Answer.body(field));
    }

    /** {@link #enableWithCode} with an answer read by {@code answer}. */
    public Endpoint enableWith(String factorId, Answer answer) {
        EnabledByCode factor = factors.get(factorId, EnabledByCode.class);
        return req -> {
            AccessGate.SignedIn caller = access.signedIn(req);
            req.fields();
            String code = answer.read(req);
            if (!caller.tenant().mfaEnabled()) {
                throw LrError.MFA_NOT_ENABLED.error();
            }
            if (!factor.offeredBy(caller.tenant())) {
                throw factor.notOffered();
            }
            proof.require(caller.tenant(), caller.account(), caller.session().secondFactorAt());
            FactorChange change = new FactorChange(req.preventWebhook(), true, req.origin(Audit.Actor.USER));
            Account now = factor.enable(caller.tenant(), caller.account(), code == null ? "" : code,
                    SecondFactor.Enrollment.session(caller.session().family()), change);
            return Responses.profile(req, ProfileSchema.render(now, clock.millis()));
        };
    }

    /**
     * Step-up re-authentication with a code factor ({@code PUT /auth/account/reauth/2fa/…}, access token): answers
     * {@code {"SecondFactorValidationToken", "ExpireIn"}}; wrong answers count toward the lockout as at login.
     */
    public Endpoint reauthWithCode(String factorId, String field) {
        return reauthWith(factorId, Answer.body(field));
    }

    /** {@link #reauthWithCode} with an answer read by {@code answer}. */
    public Endpoint reauthWith(String factorId, Answer answer) {
        CodeFactor factor = factors.get(factorId, CodeFactor.class);
        return req -> {
            AccessGate.SignedIn caller = access.signedIn(req);
            String code = answer.read(req);
            StepUp.requireMfa(caller.tenant());
            if (!factor.offeredBy(caller.tenant())) {
                throw factor.notOffered();
            }
            LoginContext ctx = req.loginContext();
            // An account without this factor answers the factor's own error (1099 for the authenticator), counted as wrong.
            StepUp.Proof proof = stepUp.withSecondFactor(caller.tenant(), caller.account(), caller.session().family(), ctx,
                    "re-authentication: " + factor.id(), (h, account) -> code != null
                            && factor.verify(h, caller.tenant(), account, code, null, SecondFactor.sessionAttempt(caller.session().family()),
                            ctx.origin()).right(), factor.wrongCode());
            return Responses.stepUp(proof);
        };
    }

    /** {@code DELETE /auth/account/2fa/authenticator} with {@code {"<flag>": true}}: a recent second factor needed. */
    public JsonNode resetByUser(LrRequest req) {
        return resetForUser(req, this::flagged);
    }

    /** {@code DELETE /manage/account/2fa/authenticator?uid=} with the same body (apikey + apisecret). */
    public JsonNode resetByUid(LrRequest req) {
        return resetForUid(req, this::flagged);
    }

    /**
     * {@code DELETE /auth/account/2fa/authenticator/<factor>} (a factor reset by its own path, as the email code): a recent
     * second factor needed; the body names nothing.
     */
    public Endpoint resetByUserPath(String factorId) {
        ResetByFlag factor = factors.get(factorId, ResetByFlag.class);
        return req -> resetForUser(req, r -> byPath(r, factor));
    }

    /** {@code DELETE /manage/account/2fa/authenticator/<factor>?uid=} (apikey + apisecret). */
    public Endpoint resetByUidPath(String factorId) {
        ResetByFlag factor = factors.get(factorId, ResetByFlag.class);
        return req -> resetForUid(req, r -> byPath(r, factor));
    }

    /** The user's reset of the factor {@code which} picks from the request: a recent second factor needed. */
    private JsonNode resetForUser(LrRequest req, java.util.function.Function<LrRequest, ResetByFlag> which) {
        AccessGate.SignedIn caller = access.signedIn(req);
        ResetByFlag factor = which.apply(req);
        proof.require(caller.tenant(), caller.account(), caller.session().secondFactorAt());
        factor.reset(caller.tenant(), caller.account(), new FactorChange(req.preventWebhook(), true, req.origin(Audit.Actor.USER)),
                flow.afterRemoval(caller.tenant(), true));
        return Responses.deleted();
    }

    /** The application's reset, by uid, of the factor {@code which} picks from the request. */
    private JsonNode resetForUid(LrRequest req, java.util.function.Function<LrRequest, ResetByFlag> which) {
        Tenant tenant = gate.tenantWithSecret(req);
        Account account = accounts.get(tenant, req.requiredQuery("uid"));
        ResetByFlag factor = which.apply(req);
        factor.reset(tenant, account, new FactorChange(req.preventWebhook(), false, req.origin(Audit.Actor.APP)), flow.afterRemoval(tenant, false));
        return Responses.deleted();
    }

    /** A factor named by the path: the body is not read, but one that is not a JSON object is refused as everywhere (1084). */
    private static ResetByFlag byPath(LrRequest req, ResetByFlag factor) {
        req.body();
        return factor;
    }

    /** The factor the body names with {@code true}; 1121 for any other body (none, false, several, unknown). */
    private ResetByFlag flagged(LrRequest req) {
        ResetByFlag found = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = req.body().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ResetByFlag f = factors.resetBy(e.getKey()).orElse(null);
            if (f == null || !e.getValue().isBoolean()) {
                throw LrError.MFA_REMOVAL_INVALID.error();
            }
            if (e.getValue().asBoolean()) {
                if (found != null) {
                    throw LrError.MFA_REMOVAL_INVALID.error();
                }
                found = f;
            }
        }
        if (found == null) {
            throw LrError.MFA_REMOVAL_INVALID.error();
        }
        return found;
    }
}

package dev.latchkey.factor.securityquestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Identifiers;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.CodeFactor;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.factor.FactorContext;
import dev.latchkey.factor.FactorRemoval;
import dev.latchkey.factor.ResetByFlag;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Security questions: LoginRadius's "Security Question" second factor (reference §2.2, §3.3). The tenant keeps a catalog
 * of questions (admin API, CLI); an account answers {@code TwoFactorAuthentication.SecurityQuestionsToAnswer} of them
 * (set during a login that may add a factor, or from the account) and answers that many again to pass. Answers are
 * normalised (Unicode NFKC, case folded, invisible format characters dropped, runs of spaces made one, trimmed) and
 * stored with the password hash (Argon2id, peppered): a stolen database does not give them away.
 */
public final class SecurityQuestions implements CodeFactor, ResetByFlag {
    /** The most answers one request may carry, and the longest question and answer. */
    static final int MAX_ANSWERS = 10;
    static final int MAX_ANSWER = 256;
    static final int MAX_QUESTION = 500;
    /** A catalog holds at most this many questions. */
    static final int MAX_CATALOG = 100;

    /** A question of the catalog, as LoginRadius shows it ({@code {"QuestionId", "Question"}}). */
    public record Question(String id, String text) {
        public ObjectNode toJson() {
            return Json.object().put("QuestionId", id).put("Question", text);
        }
    }

    /** One answer as a request gives it. */
    public record Answer(String questionId, String answer) {}

    private final FactorContext c;
    private final PasswordHasher hasher;
    private final SecurityQuestionStore store = new SecurityQuestionStore();

    public SecurityQuestions(FactorContext context, PasswordHasher hasher) {
        this.c = context;
        this.hasher = hasher;
    }

    @Override
    public String id() {
        return "securityquestion";
    }

    @Override
    public Set<String> webhookEvents() {
        return Set.of("SecurityQuestionAuthenticatorAdded", "SecurityQuestionAuthenticatorRemoved");
    }

    /** Reset by its own path, not by a body flag. */
    @Override
    public Set<String> resetFlags() {
        return Set.of();
    }

    /** {@code TwoFactorAuthentication.IsSecurityQuestionAuthenticator}: off unless turned on (ASVS 2.5.2 discourages them). */
    @Override
    public boolean offeredBy(Tenant tenant) {
        return tenant.offersFactor("IsSecurityQuestionAuthenticator", false);
    }

    @Override
    public ApiException notOffered() {
        return LrError.SECURITY_QUESTIONS_NOT_ENABLED.error();
    }

    @Override
    public String configuredCondition() {
        return "EXISTS (SELECT 1 FROM security_answers WHERE uid = :uid)";
    }

    /**
     * {@code IsSecurityQuestionAuthenticatorVerified}, and {@code SecurityQuestions}: the account's questions when it has
     * them, the tenant's catalog while they may be set up now.
     */
    @Override
    public void describe(Handle h, Tenant tenant, Account account, boolean configured, Enrollment enrollment, ObjectNode sfa) {
        sfa.put("IsSecurityQuestionAuthenticatorVerified", configured);
        if (!offeredBy(tenant)) {
            return;
        }
        List<SecurityQuestionStore.Question> shown = configured ? store.answered(h, account.uid())
                : enrollment != null ? store.catalog(h, tenant.id()) : List.of();
        if (!shown.isEmpty()) {
            ArrayNode list = sfa.putArray("SecurityQuestions");
            shown.forEach(q -> list.add(new Question(q.id(), q.text()).toJson()));
        }
    }

    /** {@code Questions}: the questions the account answered (never the answers). */
    @Override
    public void describeState(Handle h, Account account, boolean configured, ObjectNode state) {
        ArrayNode list = state.putArray("Questions");
        store.answered(h, account.uid()).forEach(q -> list.add(new Question(q.id(), q.text()).toJson()));
    }

    // ── The catalog (operators) ─────────────────────────────────────────────────────────────────────────────────────

    public List<Question> catalog(Tenant tenant) {
        return c.jdbi().withHandle(h -> store.catalog(h, tenant.id())).stream().map(q -> new Question(q.id(), q.text())).toList();
    }

    /** Adds a question; 1134 for an empty or too long one, or a full catalog. */
    public Question addQuestion(Tenant tenant, String text) {
        String q = text == null ? "" : text.strip();
        if (q.isEmpty() || q.length() > MAX_QUESTION) {
            throw ApiException.validation("Question", "A question is 1 to " + MAX_QUESTION + " characters.");
        }
        String id = Secrets.guid().replace("-", "");
        c.jdbi().useTransaction(h -> {
            if (store.catalog(h, tenant.id()).size() >= MAX_CATALOG) {
                throw ApiException.validation("Question", "A catalog holds at most " + MAX_CATALOG + " questions.");
            }
            store.addQuestion(h, tenant.id(), id, q, c.clock().millis());
        });
        return new Question(id, q);
    }

    /** Removes a question and every answer to it; false when there is no such question. */
    public boolean removeQuestion(Tenant tenant, String id) {
        return c.jdbi().inTransaction(h -> store.removeQuestion(h, tenant.id(), id) == 1);
    }

    // ── The questions of an account ─────────────────────────────────────────────────────────────────────────────────

    /** The account's questions (none when it has not set them up). */
    public List<Question> questionsOf(Account account) {
        return c.jdbi().withHandle(h -> store.answered(h, account.uid())).stream().map(q -> new Question(q.id(), q.text())).toList();
    }

    /**
     * {@code GET /auth/securityquestion/{email,username,phone}}: the questions of the account with that identifier. An
     * unknown identifier, or an account without answers, gets as many questions of the catalog, the same ones every
     * time for the same identifier: the answer does not tell who has an account (or which account set them up).
     */
    public List<Question> questionsFor(Tenant tenant, String kind, String value) {
        return c.jdbi().withHandle(h -> {
            Account account = c.accounts().byIdentifier(h, tenant.id(), kind, Identifiers.key(kind, value)).orElse(null);
            List<SecurityQuestionStore.Question> own = account == null ? List.of() : store.answered(h, account.uid());
            if (!own.isEmpty()) {
                return own.stream().map(q -> new Question(q.id(), q.text())).toList();
            }
            List<SecurityQuestionStore.Question> catalog = new ArrayList<>(store.catalog(h, tenant.id()));
            // A keyed hash of the identifier picks them: stable for one identifier, unpredictable without the server key.
            String seed = c.secrets().hash("security-question-decoy:" + tenant.id() + ":" + kind + ":" + Identifiers.key(kind, value));
            java.util.Collections.shuffle(catalog, new java.util.Random(seed.hashCode()));
            return catalog.stream().limit(tenant.securityQuestionsToAnswer()).map(q -> new Question(q.id(), q.text())).toList();
        });
    }

    // ── Setting answers ─────────────────────────────────────────────────────────────────────────────────────────────

    /**
     * The answers of a request checked against the catalog and hashed (before any transaction: hashing is slow): each
     * question of the catalog at most once, each answer 1 to 256 characters once normalised; 1134 otherwise.
     */
    public Map<String, String> prepare(Tenant tenant, List<Answer> answers) {
        Set<String> catalog = new LinkedHashSet<>();
        c.jdbi().useHandle(h -> store.catalog(h, tenant.id()).forEach(q -> catalog.add(q.id())));
        Map<String, String> normalised = new LinkedHashMap<>();
        for (Answer a : answers) {
            String qid = a.questionId() == null ? "" : a.questionId().strip().toLowerCase(Locale.ROOT);
            if (!catalog.contains(qid)) {
                throw ApiException.validation("QuestionId", "'" + (qid.length() > 40 ? qid.substring(0, 40) + "…" : qid)
                        + "' is not a security question of this site.");
            }
            String n = a.answer() == null ? "" : normalize(a.answer());
            if (n.isEmpty() || n.length() > MAX_ANSWER) {
                throw ApiException.validation("Answer", "An answer is 1 to " + MAX_ANSWER + " characters.");
            }
            if (normalised.put(qid, n) != null) {
                throw ApiException.validation("QuestionId", "Each question is answered once.");
            }
        }
        Map<String, String> hashes = new LinkedHashMap<>();
        normalised.forEach((q, n) -> hashes.put(q, hasher.hash(n)));
        return hashes;
    }

    /**
     * {@code PUT /auth/account/2fa/securityquestionanswer}: sets {@code hashes} ({@link #prepare}); {@code replace}
     * ({@code ReplaceSecurityQuestionAnswer}) drops the others. The account must end with at least the tenant's number of
     * answers (1260).
     */
    public void setFromAccount(Tenant tenant, Account account, Map<String, String> hashes, boolean replace, FactorChange change) {
        long now = c.clock().millis();
        c.jdbi().useTransaction(h -> {
            c.accounts().lockRow(h, account.uid());
            Set<String> after = new LinkedHashSet<>(replace ? Set.of() : store.hashes(h, account.uid()).keySet());
            after.addAll(hashes.keySet());
            if (after.size() < tenant.securityQuestionsToAnswer()) {
                throw LrError.SECURITY_ANSWERS_TOO_FEW.error();
            }
            boolean had = isConfigured(h, account);
            store.setAnswers(h, tenant.id(), account.uid(), hashes, replace, now);
            set(h, tenant, account, had, change, now);
        });
    }

    /**
     * {@code PUT /auth/login/2fa/securityquestionanswer}: in the login's transaction, the answers set up the factor of an
     * account that may add one now (the caller checked it); at least the tenant's number (1260).
     */
    public boolean enrollDuringLogin(Handle h, Tenant tenant, Account account, Map<String, String> hashes, FactorChange change) {
        if (hashes.size() < tenant.securityQuestionsToAnswer()) {
            throw LrError.SECURITY_ANSWERS_TOO_FEW.error();
        }
        long now = c.clock().millis();
        store.setAnswers(h, tenant.id(), account.uid(), hashes, true, now);
        set(h, tenant, account, false, change, now);
        return true;
    }

    private void set(Handle h, Tenant tenant, Account account, boolean had, FactorChange change, long now) {
        c.accounts().setMfaEnrolled(h, account.uid(), true);
        tell(h, tenant, account, "SecurityQuestionAuthenticatorAdded", Audit.FACTOR_ADDED,
                had ? "The answers to your security questions were changed" : "Security questions were set up", change, now);
    }

    // ── Answering ───────────────────────────────────────────────────────────────────────────────────────────────────

    /** The answers as the one string {@link #verify} takes. */
    public static String encode(List<Answer> answers) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        answers.forEach(x -> a.addObject().put("QuestionId", x.questionId()).put("Answer", x.answer()));
        return Json.write(a);
    }

    private static List<Answer> decode(String encoded) {
        List<Answer> out = new ArrayList<>();
        for (JsonNode n : Json.parse(encoded)) {
            out.add(new Answer(n.path("QuestionId").asText(), n.path("Answer").asText()));
        }
        return out;
    }

    @Override
    public LrError wrongCode() {
        return LrError.SECURITY_ANSWER_INCORRECT;
    }

    /**
     * Right when the tenant's number of the account's questions (or all of them, if it has fewer) are answered, and
     * every answer given is right. Fewer: 1260; none set up: 1259 (both counted as wrong answers).
     */
    @Override
    public Verdict verify(Handle h, Tenant tenant, Account account, String encoded, Enrollment enrollment, Audit.Origin origin) {
        Map<String, String> hashes = store.hashes(h, account.uid());
        if (hashes.isEmpty()) {
            throw LrError.SECURITY_QUESTIONS_NOT_VERIFIED.error();
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (Answer a : decode(encoded)) {
            given.putIfAbsent(a.questionId().strip().toLowerCase(Locale.ROOT), a.answer());
        }
        if (given.size() < Math.min(tenant.securityQuestionsToAnswer(), hashes.size())) {
            throw LrError.SECURITY_ANSWERS_TOO_FEW.error();
        }
        boolean right = true;
        for (Map.Entry<String, String> g : given.entrySet()) {
            String hash = hashes.get(g.getKey());
            String n = normalize(g.getValue());
            // Every answer is checked (no early exit): the time does not tell which one was wrong.
            right &= hash != null && n.length() <= MAX_ANSWER && hasher.verify(n, hash);
        }
        return right ? Verdict.RIGHT : Verdict.WRONG;
    }

    @Override
    public void reset(Tenant tenant, Account account, FactorChange change, FactorRemoval removal) {
        c.jdbi().useTransaction(h -> {
            c.accounts().lockRow(h, account.uid());
            if (store.removeAnswers(h, account.uid()) == 0) {
                throw LrError.SECURITY_QUESTIONS_NOT_VERIFIED.error();
            }
            removal.removed(h, account);
            tell(h, tenant, account, "SecurityQuestionAuthenticatorRemoved", Audit.FACTOR_REMOVED, "Security questions were removed", change,
                    c.clock().millis());
        });
    }

    private void tell(Handle h, Tenant tenant, Account account, String event, String auditEvent, String notice, FactorChange change, long now) {
        c.announce(h, tenant, account, event, auditEvent, "security questions", notice, change, now);
    }

    /**
     * An answer as it is compared: invisible format characters (zero-width spaces, joiners, direction marks) dropped,
     * Unicode NFKC (full-width letters, ligatures and composed accents become their usual form), case folded, every run
     * of spaces one space, trimmed. "  Ｍｉｌｌ  Road " and "mill road" are the same answer.
     */
    static String normalize(String answer) {
        String n = answer.replaceAll("\\p{Cf}", "");
        n = Normalizer.normalize(n, Normalizer.Form.NFKC);
        n = n.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return n.replaceAll("[\\p{Z}\\s]+", " ").strip();
    }
}

package dev.latchkey.factor.securityquestion;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** A tenant's question catalog and an account's answers (their hashes). */
final class SecurityQuestionStore {
    /** A question of the catalog. */
    record Question(String id, String text) {}

    List<Question> catalog(Handle h, long tenantId) {
        return h.createQuery("SELECT question_id, question FROM security_questions WHERE tenant_id = :t ORDER BY position, question_id")
                .bind("t", tenantId).map((rs, c) -> new Question(rs.getString(1), rs.getString(2))).list();
    }

    void addQuestion(Handle h, long tenantId, String id, String text, long now) {
        int position = h.createQuery("SELECT COALESCE(MAX(position), 0) + 1 FROM security_questions WHERE tenant_id = :t").bind("t", tenantId)
                .mapTo(Integer.class).one();
        h.createUpdate("""
                        INSERT INTO security_questions (tenant_id, question_id, question, position, created_at)
                        VALUES (:t, :id, :q, :p, :now)""")
                .bind("t", tenantId).bind("id", id).bind("q", text).bind("p", position).bind("now", now).execute();
    }

    int removeQuestion(Handle h, long tenantId, String id) {
        h.createUpdate("DELETE FROM security_answers WHERE tenant_id = :t AND question_id = :id").bind("t", tenantId).bind("id", id).execute();
        return h.createUpdate("DELETE FROM security_questions WHERE tenant_id = :t AND question_id = :id").bind("t", tenantId).bind("id", id).execute();
    }

    /** The account's answered questions, in the catalog's order. */
    List<Question> answered(Handle h, String uid) {
        return h.createQuery("""
                        SELECT q.question_id, q.question FROM security_answers a
                        JOIN security_questions q ON q.tenant_id = a.tenant_id AND q.question_id = a.question_id
                        WHERE a.uid = :uid ORDER BY q.position, q.question_id""")
                .bind("uid", uid).map((rs, c) -> new Question(rs.getString(1), rs.getString(2))).list();
    }

    /** Question id → answer hash, for the account. */
    Map<String, String> hashes(Handle h, String uid) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        h.createQuery("SELECT question_id, answer_hash FROM security_answers WHERE uid = :uid").bind("uid", uid)
                .map((rs, c) -> Map.entry(rs.getString(1), rs.getString(2))).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Sets these answers ({@code replace}: the account's others go). */
    void setAnswers(Handle h, long tenantId, String uid, Map<String, String> hashes, boolean replace, long now) {
        if (replace) {
            h.createUpdate("DELETE FROM security_answers WHERE uid = :uid").bind("uid", uid).execute();
        }
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            h.createUpdate("DELETE FROM security_answers WHERE uid = :uid AND question_id = :q").bind("uid", uid).bind("q", e.getKey()).execute();
            h.createUpdate("""
                            INSERT INTO security_answers (uid, tenant_id, question_id, answer_hash, created_at)
                            VALUES (:uid, :t, :q, :hash, :now)""")
                    .bind("uid", uid).bind("t", tenantId).bind("q", e.getKey()).bind("hash", e.getValue()).bind("now", now).execute();
        }
    }

    int removeAnswers(Handle h, String uid) {
        return h.createUpdate("DELETE FROM security_answers WHERE uid = :uid").bind("uid", uid).execute();
    }
}

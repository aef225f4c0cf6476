-- A tenant's catalog of security questions (LoginRadius's SecurityQuestions configuration): what accounts may answer.
CREATE TABLE security_questions (
    tenant_id   BIGINT       NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    question_id VARCHAR(32)  NOT NULL,
    question    VARCHAR(500) NOT NULL,
    position    INT          NOT NULL,   -- the catalog's order: 1, 2, … as added
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, question_id)
);

-- An account's answers, normalised and stored with the password hash (Argon2id, peppered): the security question factor.
-- A question removed from the catalog takes its answers with it.
CREATE TABLE security_answers (
    uid         VARCHAR(36)  NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    tenant_id   BIGINT       NOT NULL,
    question_id VARCHAR(32)  NOT NULL,
    answer_hash VARCHAR(200) NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (uid, question_id),
    FOREIGN KEY (tenant_id, question_id) REFERENCES security_questions (tenant_id, question_id) ON DELETE CASCADE
);

-- Forgotten passwords: the reset link's token, a keyed hash, single use (used_at), short-lived.
CREATE TABLE password_resets (
    token_hash VARCHAR(100) PRIMARY KEY,
    tenant_id  BIGINT       NOT NULL REFERENCES tenants (id),
    uid        VARCHAR(36)  NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_resets_uid ON password_resets (uid, created_at);

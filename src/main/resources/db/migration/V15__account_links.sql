-- Links emailed to an account (kind 'reset': a forgotten password; 'verify': an email address to confirm): a keyed hash of
-- the token, the address it concerns, single use (used_at), expiring.
CREATE TABLE account_links (
    token_hash VARCHAR(100) PRIMARY KEY,
    tenant_id  BIGINT       NOT NULL REFERENCES tenants (id),
    uid        VARCHAR(36)  NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    kind       VARCHAR(16)  NOT NULL,
    email      VARCHAR(320),
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    used_at    BIGINT
);
CREATE INDEX account_links_uid ON account_links (uid, kind, created_at);

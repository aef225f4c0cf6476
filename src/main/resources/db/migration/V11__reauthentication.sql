-- Step-up re-authentication: a SecondFactorValidationToken proves that the signed-in user just passed one of the
-- account's second factors (kind '2fa') or typed the password (kind 'password'). Kept as a keyed hash, used once by
-- the application's server-side check, gone with the account.
CREATE TABLE reauth_tokens (
    token_hash VARCHAR(64) PRIMARY KEY,
    uid        VARCHAR(36) NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    kind       VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX reauth_tokens_uid ON reauth_tokens (uid);

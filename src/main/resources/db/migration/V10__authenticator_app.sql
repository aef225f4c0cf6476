-- The authenticator app (TOTP): an account's verified secret, sealed under the server key, and the last 30-second step
-- a code was accepted for (a code is accepted once: only a later step moves it forward).
CREATE TABLE authenticators (
    uid        VARCHAR(36) PRIMARY KEY REFERENCES accounts (uid) ON DELETE CASCADE,
    secret     VARCHAR(200) NOT NULL,
    last_step  BIGINT,
    created_at BIGINT NOT NULL
);

-- Secrets shown for enrollment and not yet confirmed with a code, each bound to the login (its 2FA token's hash) or the
-- session (its refresh family) it was shown to; at most a few per account, dropped when one is confirmed.
CREATE TABLE authenticator_enrollments (
    bound_to   VARCHAR(120) PRIMARY KEY,
    uid        VARCHAR(36) NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    secret     VARCHAR(200) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX authenticator_enrollments_uid ON authenticator_enrollments (uid);

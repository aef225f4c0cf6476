-- Hardening: throttling of failed logins, sessions that end, second factors that stay, an audit trail, bounded growth.

-- Failed first-factor attempts per client address (a fixed window) and per identifier that names no account (locked like
-- an account, so a lockout says nothing about whether the account exists). key_hash is a keyed hash of
-- 'address:<ip>' or 'identifier:<kind>:<value>': neither addresses nor attempted identifiers are stored in the clear.
CREATE TABLE login_throttle (
    tenant_id    BIGINT      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key_hash     VARCHAR(64) NOT NULL,
    failures     INT         NOT NULL DEFAULT 0,
    window_start BIGINT      NOT NULL,
    locked_until BIGINT,
    PRIMARY KEY (tenant_id, key_hash)
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);

-- Sessions: every access and refresh token carries the account's session generation at issue; blocking the account,
-- setting its password or revoking all its tokens moves the generation on, which ends them all at once (any node, no
-- token left behind by a login that raced the change). A refresh token's family is the chain of pairs one login started:
-- presenting a refresh token that was already used revokes the whole family. second_factor_at: when the login that
-- started the session passed a second factor (null: the password alone), the proof that sensitive changes ask for.
ALTER TABLE accounts ADD COLUMN session_generation INT NOT NULL DEFAULT 0;
ALTER TABLE access_tokens ADD COLUMN generation INT NOT NULL DEFAULT 0;
ALTER TABLE access_tokens ADD COLUMN family VARCHAR(36);
ALTER TABLE access_tokens ADD COLUMN second_factor_at BIGINT;
ALTER TABLE refresh_tokens ADD COLUMN generation INT NOT NULL DEFAULT 0;
ALTER TABLE refresh_tokens ADD COLUMN family VARCHAR(36);
ALTER TABLE refresh_tokens ADD COLUMN second_factor_at BIGINT;
-- How a refresh token ended: 'refresh' (consumed by rotation: presenting it again ends its family), 'revoke', 'logout',
-- 'reuse' (its family ended). A revoked or logged-out token presented again is only refused.
ALTER TABLE refresh_tokens ADD COLUMN ended_by VARCHAR(16);
CREATE INDEX access_tokens_family ON access_tokens (family);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX access_tokens_expires ON access_tokens (expires_at);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
CREATE INDEX second_factor_tokens_expires ON second_factor_tokens (expires_at);
CREATE INDEX webauthn_challenges_expires ON webauthn_challenges (expires_at);
CREATE INDEX risk_events_created ON risk_events (created_at);

-- An account that has had a second factor keeps needing one: using up its last backup code does not turn MFA off.
-- Only an explicit removal of its last factor (by the user with a recent second factor, or by an admin) clears it.
ALTER TABLE accounts ADD COLUMN mfa_enrolled BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE accounts SET mfa_enrolled = TRUE
WHERE uid IN (SELECT uid FROM backup_codes) OR uid IN (SELECT uid FROM passkeys);

-- The audit trail: what happened, to whom, from where, with what outcome. No request parameter suppresses it (unlike
-- webhooks). No foreign keys: the trail outlives the accounts and tenants it names; it is pruned by age only.
CREATE TABLE audit_events (
    id          VARCHAR(36)   PRIMARY KEY,
    tenant_id   BIGINT,                    -- null for server-wide events
    created_at  BIGINT        NOT NULL,
    event       VARCHAR(48)   NOT NULL,    -- e.g. 'Login', 'LoginFailed', 'AccountLocked', 'FactorAdded', 'SessionsRevoked'
    outcome     VARCHAR(16)   NOT NULL,    -- 'success', 'failure' or 'refused'
    actor       VARCHAR(16)   NOT NULL,    -- 'user', 'app' (Management API), 'admin' (admin API), 'system'
    uid         VARCHAR(36),
    identifier  VARCHAR(320),              -- what a failed login named (kept as sent, cut to 320)
    ip          VARCHAR(64),
    user_agent  VARCHAR(512),
    error_code  INT,
    details     VARCHAR(2000)
);
CREATE INDEX audit_events_tenant ON audit_events (tenant_id, created_at);
CREATE INDEX audit_events_created ON audit_events (created_at);
CREATE INDEX audit_events_uid ON audit_events (uid, created_at);

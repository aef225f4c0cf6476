-- Passkeys (WebAuthn credentials) as a second factor, and the single-use WebAuthn challenges.

CREATE TABLE passkeys (
    id              VARCHAR(36)   PRIMARY KEY,
    tenant_id       BIGINT        NOT NULL REFERENCES tenants (id),
    uid             VARCHAR(36)   NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    credential_id   VARCHAR(1400) NOT NULL,   -- base64url; WebAuthn allows ids of up to 1023 bytes
    credential      VARCHAR(20000) NOT NULL,  -- base64url of the attested credential data (AAGUID, id, COSE public key)
    sign_count      BIGINT        NOT NULL,
    uv_initialized  BOOLEAN       NOT NULL,
    backup_eligible BOOLEAN       NOT NULL,
    backup_state    BOOLEAN       NOT NULL,
    transports      VARCHAR(200),
    enrolled_via    VARCHAR(16)   NOT NULL,   -- 'login' (during an MFA login) or 'account' (signed in)
    possibly_cloned BOOLEAN       NOT NULL DEFAULT FALSE,
    created_at      BIGINT        NOT NULL,
    last_used_at    BIGINT,
    CONSTRAINT passkeys_credential_unique UNIQUE (tenant_id, credential_id)
);
CREATE INDEX passkeys_uid ON passkeys (uid);

-- A challenge is bound to what it was issued for (the hash of a 2FA token or of an access token) and consumed
-- by one UPDATE in the transaction that finishes the ceremony.
CREATE TABLE webauthn_challenges (
    challenge  VARCHAR(64) PRIMARY KEY,   -- base64url of 32 random bytes
    tenant_id  BIGINT      NOT NULL REFERENCES tenants (id),
    uid        VARCHAR(36) NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    purpose    VARCHAR(16) NOT NULL,      -- 'login' or 'enroll'
    bound_to   VARCHAR(64) NOT NULL,
    created_at BIGINT      NOT NULL,
    expires_at BIGINT      NOT NULL,
    used_at    BIGINT
);
CREATE INDEX webauthn_challenges_bound ON webauthn_challenges (bound_to);

-- One-time codes sent by SMS (issue 14): a phone number to verify ('verify', also a new number the account asked for),
-- a forgotten password ('reset'), a passwordless sign-in ('login'), a one-touch sign-in ('onetouch', whose number may
-- belong to no account yet: uid NULL; name: the new account's, when one is made). Kept as a keyed hash bound to tenant, kind and number; one live code per kind and
-- number (a new send ends the older ones); failures counted on the row before each comparison (5 kill it); used once.
CREATE TABLE phone_codes (
    id         VARCHAR(36)  PRIMARY KEY,
    tenant_id  BIGINT       NOT NULL REFERENCES tenants (id),
    uid        VARCHAR(36)  REFERENCES accounts (uid) ON DELETE CASCADE,
    kind       VARCHAR(16)  NOT NULL,
    phone_key  VARCHAR(64)  NOT NULL,
    phone      VARCHAR(64)  NOT NULL,
    name       VARCHAR(200),
    code_hash  VARCHAR(100) NOT NULL,
    failures   INT          NOT NULL DEFAULT 0,
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    used_at    BIGINT
);
CREATE INDEX phone_codes_phone ON phone_codes (tenant_id, kind, phone_key);
CREATE INDEX phone_codes_expiry ON phone_codes (expires_at);

-- Smart login and one-touch login by email: the asking device's client GUID (a keyed hash), the emailed link's token (a
-- keyed hash), when the link was opened (verified_at) and when the waiting device took its tokens (done_at, once).
-- A one-touch address may belong to no account yet (uid NULL: the account is made when the link is opened).
CREATE TABLE sign_in_polls (
    client_hash VARCHAR(100) PRIMARY KEY,
    tenant_id   BIGINT       NOT NULL REFERENCES tenants (id),
    kind        VARCHAR(16)  NOT NULL,
    uid         VARCHAR(36)  REFERENCES accounts (uid) ON DELETE CASCADE,
    email       VARCHAR(320),
    name        VARCHAR(200),
    link_hash   VARCHAR(100) UNIQUE,
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL,
    verified_at BIGINT,
    done_at     BIGINT
);
CREATE INDEX sign_in_polls_expiry ON sign_in_polls (expires_at);

-- Sends per hour (emails and SMS of the passwordless and phone flows) by key: a phone, an address, an account, a client
-- address (keyed hashes), counted in fixed hourly windows, shared by every node.
CREATE TABLE send_tally (
    tenant_id    BIGINT       NOT NULL REFERENCES tenants (id),
    key_hash     VARCHAR(100) NOT NULL,
    window_start BIGINT       NOT NULL,
    sends        INT          NOT NULL,
    PRIMARY KEY (tenant_id, key_hash)
);
CREATE INDEX send_tally_window ON send_tally (window_start);

-- A login waiting for its second factor whose first factor was no password (an emailed link or code, an SMS code): its
-- session will hold no proof of the password.
ALTER TABLE second_factor_tokens ADD COLUMN without_password BOOLEAN DEFAULT FALSE NOT NULL;

-- The SMS code factor: an account's verified phone for second-factor codes, sealed under the server key.
CREATE TABLE sms_factors (
    uid        VARCHAR(36)  PRIMARY KEY REFERENCES accounts (uid) ON DELETE CASCADE,
    phone      VARCHAR(400) NOT NULL,
    created_at BIGINT       NOT NULL
);

-- Codes sent by SMS and not yet used: keyed hashes only. bound_to is null for a code sent to the verified phone (step 1,
-- resend, step-up); otherwise the login (its 2FA token's hash) or the session (its refresh family) that is setting up the
-- phone in phone (sealed), which only a code sent to it confirms. A right code is deleted by the statement that accepts it.
CREATE TABLE sms_codes (
    id         VARCHAR(36)  PRIMARY KEY,
    uid        VARCHAR(36)  NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    bound_to   VARCHAR(120),
    phone      VARCHAR(400),
    code_hash  VARCHAR(100) NOT NULL,
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL
);
CREATE INDEX sms_codes_uid ON sms_codes (uid, expires_at);

-- The hourly limit of codes sent to one phone number counts the message outbox by recipient.
CREATE INDEX message_outbox_recipient ON message_outbox (tenant_id, recipient, created_at);

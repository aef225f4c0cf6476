-- The SMS code factor: an account's verified phone for second-factor codes, sealed under the server key.
CREATE TABLE sms_factors (
    uid        VARCHAR(36)  PRIMARY KEY REFERENCES accounts (uid) ON DELETE CASCADE,
    phone      VARCHAR(400) NOT NULL,
    created_at BIGINT       NOT NULL
);

-- The email code factor: on for an account (its codes go to the account's own email addresses).
CREATE TABLE email_factors (
    uid        VARCHAR(36)  PRIMARY KEY REFERENCES accounts (uid) ON DELETE CASCADE,
    created_at BIGINT       NOT NULL
);

-- Codes sent by SMS or email (factor 'sms' or 'email') and not yet used: keyed hashes only. Each is bound to the attempt
-- it was sent for (a login's 2FA token hash, a session's refresh family); an enrolling one sets the factor up when used
-- (for SMS, to the phone in target, sealed). A right code is deleted by the statement that accepts it.
CREATE TABLE factor_codes (
    id         VARCHAR(36)  PRIMARY KEY,
    uid        VARCHAR(36)  NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    factor     VARCHAR(16)  NOT NULL,
    bound_to   VARCHAR(120) NOT NULL,
    enrolling  BOOLEAN      NOT NULL,
    target     VARCHAR(400),
    code_hash  VARCHAR(100) NOT NULL,
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL
);
CREATE INDEX factor_codes_uid ON factor_codes (uid, factor, expires_at);

-- The hourly limit of codes sent to one phone number counts the message outbox by recipient.
CREATE INDEX message_outbox_recipient ON message_outbox (tenant_id, recipient, created_at);

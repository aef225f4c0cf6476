-- Risk-based authentication (RBA) and the email/SMS notifications it sends.

-- Where an account's past logins came from, for RBA: {"Device": {"<value>": [lastSeenAt, lastSeenLogin]}, "Browser": …,
-- "City": …, "Country": …, "IP": …}. Read and written under the account's row lock in the login's transaction; NULL until
-- the first login assessed with RBA on (that login sets the baseline).
ALTER TABLE accounts ADD COLUMN login_origins VARCHAR(200000);

-- A pending login remembers how the first factor named the account ('email', 'username', 'phone': after a phone login
-- notifications go by SMS) and, when RBA asked for a second factor, the risk challenge: the assessment (signals that fired,
-- the login's origin, recorded as known once the challenge is passed), the hashed SMS code and the hashed one-click token.
ALTER TABLE second_factor_tokens ADD COLUMN login_kind VARCHAR(16);
ALTER TABLE second_factor_tokens ADD COLUMN risk VARCHAR(4000);
ALTER TABLE second_factor_tokens ADD COLUMN otp_hash VARCHAR(64);
ALTER TABLE second_factor_tokens ADD COLUMN oneclick_hash VARCHAR(64);
CREATE INDEX second_factor_tokens_oneclick ON second_factor_tokens (oneclick_hash);

-- A tenant's named email and SMS templates (Mustache). Names match case-insensitively (name_key is the lower-cased name).
CREATE TABLE message_templates (
    tenant_id   BIGINT        NOT NULL REFERENCES tenants (id),
    channel     VARCHAR(8)    NOT NULL,   -- 'email' or 'sms'
    name_key    VARCHAR(200)  NOT NULL,
    name        VARCHAR(200)  NOT NULL,
    subject     VARCHAR(1000),            -- email only
    html        VARCHAR(200000),          -- email only
    body        VARCHAR(200000) NOT NULL, -- the email's text part, or the SMS
    created_at  BIGINT        NOT NULL,
    modified_at BIGINT        NOT NULL,
    PRIMARY KEY (tenant_id, channel, name_key)
);

-- Emails and SMS waiting to be sent: rendered and written in the transaction of the login that causes them, then sent by
-- the dispatcher of any node (OutboxDispatcher's bookkeeping columns). The rendered content can hold a one-time code or
-- link, so it is stored AES-GCM encrypted under the server key and erased once delivered (or failed for good).
CREATE TABLE message_outbox (
    id              VARCHAR(36)   PRIMARY KEY,
    tenant_id       BIGINT        NOT NULL REFERENCES tenants (id),
    uid             VARCHAR(36),              -- the account it is about (kept after the account is deleted: no foreign key)
    channel         VARCHAR(8)    NOT NULL,   -- 'email' or 'sms'
    purpose         VARCHAR(32)   NOT NULL,   -- 'risk-notice', 'risk-admin-notice', 'one-click-sign-in', 'sms-otp'
    template        VARCHAR(200)  NOT NULL,   -- the template's name
    recipient       VARCHAR(320)  NOT NULL,
    content         VARCHAR(1000000),
    status          VARCHAR(16)   NOT NULL,
    attempts        INT           NOT NULL DEFAULT 0,
    next_attempt_at BIGINT        NOT NULL,
    claimed_until   BIGINT,
    last_error      VARCHAR(1000),
    created_at      BIGINT        NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX message_outbox_due ON message_outbox (status, next_attempt_at);
CREATE INDEX message_outbox_tenant ON message_outbox (tenant_id, created_at);
CREATE INDEX message_outbox_uid ON message_outbox (uid, created_at);

-- Logins where a risk signal fired, and what was done: for operators (admin API) and audits.
CREATE TABLE risk_events (
    id         VARCHAR(36)  PRIMARY KEY,
    tenant_id  BIGINT       NOT NULL REFERENCES tenants (id),
    uid        VARCHAR(36)  NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    created_at BIGINT       NOT NULL,
    signals    VARCHAR(100) NOT NULL,   -- e.g. 'Device,IP', in LoginRadius's order
    action     VARCHAR(16)  NOT NULL,   -- 'Notify', 'MFA', 'Block'
    ip         VARCHAR(64),
    city       VARCHAR(200),
    country    VARCHAR(8),
    browser    VARCHAR(200),
    device     VARCHAR(200)
);
CREATE INDEX risk_events_tenant ON risk_events (tenant_id, created_at);

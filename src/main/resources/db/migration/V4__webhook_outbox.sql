-- Webhook events waiting for delivery: written in the same transaction as the change that causes them, one row per
-- subscribed webhook, then delivered by the dispatcher of any node. A row is claimed by one conditional UPDATE.

CREATE TABLE webhook_outbox (
    id              VARCHAR(36)  PRIMARY KEY,            -- the delivery id, sent as X-Latchkey-Delivery
    tenant_id       BIGINT       NOT NULL REFERENCES tenants (id),
    webhook_id      VARCHAR(36)  NOT NULL,
    event           VARCHAR(64)  NOT NULL,
    payload         VARCHAR(1000000) NOT NULL,           -- the exact body sent (and signed)
    status          VARCHAR(16)  NOT NULL,               -- 'pending', 'delivered', 'failed'
    attempts        INT          NOT NULL DEFAULT 0,
    next_attempt_at BIGINT       NOT NULL,
    claimed_until   BIGINT,
    last_error      VARCHAR(1000),
    created_at      BIGINT       NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_attempt_at);

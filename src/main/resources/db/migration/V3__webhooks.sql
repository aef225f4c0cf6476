-- Webhook subscriptions (LoginRadius's /v2/manage/webhook API and the legacy /api/v2/webhook).

CREATE TABLE webhooks (
    id              VARCHAR(36)  PRIMARY KEY,
    tenant_id       BIGINT       NOT NULL REFERENCES tenants (id),
    event           VARCHAR(64)  NOT NULL,
    target_url      VARCHAR(2048) NOT NULL,
    name            VARCHAR(200),
    headers         VARCHAR(20000) NOT NULL,   -- JSON object of extra request headers
    query_params    VARCHAR(20000) NOT NULL,   -- JSON object of extra query parameters
    auth_type       VARCHAR(16),               -- NULL, 'Basic' or 'Bearer'
    auth_username   VARCHAR(200),
    auth_secret_enc VARCHAR(2000),             -- Basic password or Bearer token, AES-GCM under the server key
    created_at      BIGINT       NOT NULL,
    modified_at     BIGINT       NOT NULL
);
CREATE INDEX webhooks_tenant_event ON webhooks (tenant_id, event);

-- Remember this device (Latchkey's extension): after a second factor, a device token (stored as a keyed hash) lets the
-- account's next logins from that device skip the second factor until it expires, is revoked, or the password or a factor
-- changes. Risk-based authentication still judges those logins.
CREATE TABLE remembered_devices (
    id           VARCHAR(36)  PRIMARY KEY,
    tenant_id    BIGINT       NOT NULL REFERENCES tenants (id),
    uid          VARCHAR(36)  NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
    token_hash   VARCHAR(100) NOT NULL UNIQUE,
    created_at   BIGINT       NOT NULL,
    expires_at   BIGINT       NOT NULL,
    last_used_at BIGINT,
    ip           VARCHAR(64),
    user_agent   VARCHAR(500)
);
CREATE INDEX remembered_devices_uid ON remembered_devices (uid, expires_at);

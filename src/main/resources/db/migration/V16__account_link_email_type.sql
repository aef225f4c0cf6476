-- An email address added to an account waits for its owner's click before it joins the profile: the link remembers the
-- address's Type ("Primary", "Secondary", ...). Kind 'delete' links confirm an account's deletion.
ALTER TABLE account_links ADD COLUMN email_type VARCHAR(64);
-- A verification email also carries a one-time code (PUT /auth/email with {"email", "otp"}): its keyed hash, and the
-- address's comparison key (how the code is found, and which links die when the address leaves the account).
ALTER TABLE account_links ADD COLUMN email_key VARCHAR(320);
ALTER TABLE account_links ADD COLUMN otp_hash VARCHAR(100);
CREATE INDEX account_links_email_key ON account_links (tenant_id, email_key);
-- Wrong verification codes tried for an address, whatever link they came with (a new email does not reset them): at 5
-- its codes stop working until the row is purged, a day after the last wrong one.
CREATE TABLE email_code_failures (
    tenant_id  BIGINT       NOT NULL REFERENCES tenants (id),
    email_key  VARCHAR(320) NOT NULL,
    failures   INT          NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, email_key)
);
-- When a session last proved the password (its login, or a re-authentication with the password): what changing the
-- account's email addresses asks of an account without a second factor.
ALTER TABLE access_tokens ADD COLUMN password_at BIGINT;
ALTER TABLE refresh_tokens ADD COLUMN password_at BIGINT;

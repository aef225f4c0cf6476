-- The networks of an account's recent completed logins (keyed hashes, newest first, at most 5): during a flood of
-- logins, a login from one of them may use the password hasher's priority lane.
ALTER TABLE accounts ADD COLUMN trusted_addresses VARCHAR(100);

-- When an attempt was last counted before evaluation: a count left at the limit with no attempt counted for a minute
-- is not attempts in flight (a lowered limit, a node that died mid-login), so the next attempt is evaluated again.
ALTER TABLE accounts ADD COLUMN attempt_reserved_at BIGINT;
ALTER TABLE login_throttle ADD COLUMN attempt_reserved_at BIGINT;

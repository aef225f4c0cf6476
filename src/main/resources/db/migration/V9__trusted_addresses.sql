-- The networks of an account's recent completed logins (keyed hashes, newest first, at most 5): during a flood of
-- logins, a login from one of them may use the password hasher's priority lane.
ALTER TABLE accounts ADD COLUMN trusted_addresses VARCHAR(100);

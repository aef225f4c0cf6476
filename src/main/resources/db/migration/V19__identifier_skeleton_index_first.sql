-- Issue 16: the skeleton index (V7) led with (tenant_id, kind), the primary key's first columns, so a planner without
-- statistics for the table (PostgreSQL after a table grew since its last ANALYZE: a new install, an import, autovacuum off)
-- could look an identifier up through it and read every identifier of the tenant of that kind, once per login. Led by the
-- skeleton, it fits only the look-alike check, and the identifier's primary key is the one index an exact lookup can use.
DROP INDEX account_identifiers_skeleton;
CREATE INDEX account_identifiers_skeleton ON account_identifiers (skeleton, tenant_id, kind);

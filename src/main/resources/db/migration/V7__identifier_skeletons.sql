-- Identifiers are compared on a Unicode key (NFKC_Casefold; see account/Identifiers.java) and checked against look-alikes:
-- each carries its UTS #39 skeleton. V8 (a Java migration: the key and skeleton need ICU) rewrites existing rows.
ALTER TABLE account_identifiers ADD COLUMN skeleton VARCHAR(1000);
CREATE INDEX account_identifiers_skeleton ON account_identifiers (tenant_id, kind, skeleton);

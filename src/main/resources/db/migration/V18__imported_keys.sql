-- Another node's hashing keys (its hash key and password pepper), adopted by a tenant import so that the password
-- hashes and backup codes it brought still verify here. Sealed under this node's key; named by the source's key id.
CREATE TABLE imported_keys (
    id         VARCHAR(40)  PRIMARY KEY,
    sealed     VARCHAR(2000) NOT NULL,
    created_at BIGINT       NOT NULL
);

-- An imported backup code keeps its source's keyed hash, tagged with the source's key id: '<id>:<hex>'.
ALTER TABLE backup_codes ALTER COLUMN code_hash SET DATA TYPE VARCHAR(100);

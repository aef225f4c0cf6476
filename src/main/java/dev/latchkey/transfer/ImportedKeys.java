package dev.latchkey.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import java.util.Base64;
import org.jdbi.v3.core.Jdbi;

/**
 * The hashing keys of nodes whose tenants were imported here (table {@code imported_keys}, sealed under this node's key),
 * adopted by {@link Secrets} so that their password hashes and backup codes verify. Every node reads the table at start
 * and again every {@link #REFRESH_MILLIS} (an import on one node reaches the others within that; LatchkeyServer schedules
 * it), and an import's own node adopts at once. A password rehashes to this node's key at its next login; backup codes keep their tag until used.
 */
public final class ImportedKeys {
    public static final long REFRESH_MILLIS = 30_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImportedKeys.class);
    private final Jdbi jdbi;
    private final Secrets secrets;
    public ImportedKeys(Jdbi jdbi, Secrets secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    /** {@link #load}, logging instead of throwing: the node's scheduler calls it every {@link #REFRESH_MILLIS}. */
    public void refresh() {
        try {
            load();
        } catch (RuntimeException e) {
            LOG.warn("reading imported keys failed (retried): {}", e.toString());
        }
    }

    /** Adopts every key in the table. */
    public void load() {
        jdbi.useHandle(h -> h.createQuery("SELECT id, sealed FROM imported_keys").map((rs, c) -> new String[] {rs.getString(1), rs.getString(2)})
                .forEach(row -> adopt(row[0], Json.parse(secrets.decrypt(row[1])))));
    }

    /** Stores (once) and adopts the keys of the node named {@code id}: {"HashKey", "PasswordPepper"}, base64. */
    public void register(String id, JsonNode keys, long now) {
        byte[] hashKey = decode(keys.path("HashKey").asText(""));
        byte[] pepper = decode(keys.path("PasswordPepper").asText(""));
        // A KeyId is a claim of the file: it must be the one its hash key makes, and an id adopted before keeps its keys.
        if (hashKey.length < 16 || pepper.length < 16 || !id.equals(Secrets.keyIdOf(hashKey))) {
            throw new IllegalArgumentException("The export's KeyId is not the one of the hashing keys it holds.");
        }
        byte[] adopted = secrets.adoptedPepper(id);
        if (adopted != null && !java.security.MessageDigest.isEqual(adopted, pepper)) {
            throw new IllegalArgumentException("The export's KeyId names hashing keys adopted before, with another password pepper.");
        }
        secrets.adopt(id, hashKey, pepper);
        jdbi.useHandle(h -> {
            boolean known = h.createQuery("SELECT COUNT(*) FROM imported_keys WHERE id = :id").bind("id", id).mapTo(Integer.class).one() > 0;
            if (!known) {
                try {
                    h.createUpdate("INSERT INTO imported_keys (id, sealed, created_at) VALUES (:id, :s, :now)")
                            .bind("id", id).bind("s", secrets.encrypt(Json.write(keys))).bind("now", now).execute();
                } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
                    // another node registered the same keys at the same moment
                }
            }
        });
    }

    private static byte[] decode(String b64) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private void adopt(String id, JsonNode keys) {
        secrets.adopt(id, decode(keys.path("HashKey").asText()), decode(keys.path("PasswordPepper").asText()));
    }
}

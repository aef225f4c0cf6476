package dev.latchkey.server;

import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.crypto.Secrets;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The rules a node's two keys follow at every start: long enough (unless the operator consents, for benchmarks and
 * tests), and the secret key the one the database was set up with.
 */
final class ServerKeys {
    /** 32 characters: the generated keys have 64 (hex of 32 random bytes); a person's short phrase is guessable. */
    static final int MINIMUM_LENGTH = 32;
    /** Set to {@link PasswordHasher#INSECURE_CONSENT} to accept shorter keys (benchmarks and tests only). */
    static final String SHORT_KEYS_CONSENT = "LATCHKEY_ALLOW_SHORT_KEYS";
    /** The server_settings row that holds the key check value. */
    static final String KEY_CHECK = "key_check";

    private ServerKeys() {}

    /** Refuses a key given by the operator that is too short; {@code consent} is the value of {@link #SHORT_KEYS_CONSENT}. */
    static void requireLongEnough(String secretKey, String adminKey, String consent) {
        String problem = problem("the secret key", "--secret-key", secretKey, consent);
        if (problem != null) {
            throw new StartupFailure(problem + " Leave it out and the first start generates one in DATA_DIR/secret.key, "
                    + "or make one with 'openssl rand -hex 32'.");
        }
        problem = problem("the admin key", "--admin-key", adminKey, consent);
        if (problem != null) {
            throw new StartupFailure(problem + " Leave it out and the first start generates one, or make one with 'openssl rand -hex 32'.");
        }
    }

    /** Refuses a scrape token ({@code --metrics-token}) that is too short, as the keys are refused. */
    static void requireLongEnoughToken(String metricsToken, String consent) {
        String problem = problem("the metrics token", "--metrics-token", metricsToken, consent);
        if (problem != null) {
            throw new StartupFailure(problem + " Leave it out (the admin key scrapes /metrics too), or make one with 'openssl rand -hex 32'.");
        }
    }

    /** What is wrong with the key, or null when it is long enough, absent, or the operator consented to a short one. */
    static String problem(String what, String option, String key, String consent) {
        if (key == null || key.length() >= MINIMUM_LENGTH || PasswordHasher.INSECURE_CONSENT.equals(consent)) {
            return null;
        }
        String variable = "LATCHKEY_" + option.substring(2).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        return Character.toUpperCase(what.charAt(0)) + what.substring(1) + " (" + option + ", " + option + "-file or " + variable + ") has "
                + key.length() + " characters; it needs at least " + MINIMUM_LENGTH + ".";
    }

    /**
     * Refuses a secret key that is not the one the database was set up with: every token, code and tenant secret in it
     * would be unreadable, and every call would fail. The database keeps a keyed hash of a fixed label (the key check
     * value), never the key. A database from before the check is checked against a tenant's sealed API secret, then
     * given its value.
     */
    static void requireTheDatabasesKey(Jdbi jdbi, Secrets secrets) {
        String expected = secrets.hash("latchkey/key-check");
        Optional<String> stored = ServerSettings.get(jdbi, KEY_CHECK);
        if (stored.isEmpty()) {
            Optional<String> sealed = jdbi.withHandle(h -> h.createQuery("SELECT api_secret_enc FROM tenants ORDER BY id")
                    .setMaxRows(1).mapTo(String.class).findFirst());
            if (sealed.isPresent() && !opens(secrets, sealed.get())) {
                throw anotherKey();
            }
            if (ServerSettings.claim(jdbi, KEY_CHECK, expected)) {
                return;
            }
            // Another node starting at the same time stored it first: compare with theirs.
            stored = ServerSettings.get(jdbi, KEY_CHECK);
        }
        String theirs = stored.orElseThrow(() -> new IllegalStateException("cannot store the key check value in server_settings"));
        if (!Secrets.constantTimeEquals(theirs, expected)) {
            throw anotherKey();
        }
    }

    private static boolean opens(Secrets secrets, String sealed) {
        try {
            secrets.decrypt(sealed);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static StartupFailure anotherKey() {
        return new StartupFailure("This database was set up with another secret key, so this node could read none of its tokens, "
                + "codes or tenant secrets. Start it with the secret key the database was set up with (--secret-key, --secret-key-file "
                + "or LATCHKEY_SECRET_KEY; by default DATA_DIR/secret.key of the node that created it): every node of a database "
                + "needs the same one.");
    }
}

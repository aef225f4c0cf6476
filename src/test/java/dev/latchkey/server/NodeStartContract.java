package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a node checks when it starts, on the store its subclass names: the secret key must be the one the database was
 * set up with (a key check value kept in server_settings, never the key), so a node given another key refuses to start
 * instead of failing every call.
 */
abstract class NodeStartContract {
    static final String OTHER_SECRET_KEY = "another-secret-key-0123456789abcdef";

    Path dataDir;
    String pgUrl;

    abstract Backend backend();

    @BeforeEach
    void freshStore() throws Exception {
        dataDir = Files.createTempDirectory("latchkey-start");
        pgUrl = backend() == Backend.POSTGRES ? Backend.freshPostgresSchema() : null;
    }

    @AfterEach
    void dropStore() {
        if (pgUrl != null) {
            Backend.dropPostgresSchema(pgUrl);
        }
    }

    ServerConfig config(String secretKey, String adminKey) {
        return config(secretKey, adminKey, 4);
    }

    ServerConfig config(String secretKey, String adminKey, int poolSize) {
        return new ServerConfig("127.0.0.1", 0, dataDir, pgUrl, pgUrl == null ? null : Backend.PG_USER, pgUrl == null ? null : Backend.PG_PASSWORD,
                adminKey, secretKey, poolSize, PasswordHasher.DEFAULT, true, 100, 60_000, TestServer.Options.DEFAULT.messaging(), ServerConfig.Risk.NONE);
    }

    static final String ANOTHER_KEY_MESSAGE = "This database was set up with another secret key, so this node could read none of its "
            + "tokens, codes or tenant secrets. Start it with the secret key the database was set up with (--secret-key, "
            + "--secret-key-file or LATCHKEY_SECRET_KEY; by default DATA_DIR/secret.key of the node that created it): every node "
            + "of a database needs the same one.";

    /**
     * No pool size given: a PostgreSQL at a loopback address (the tests') shares the node's processors, so the pool is twice
     * those plus one (5 on two cores); H2, and a PostgreSQL elsewhere, 16. A size given is taken as it is.
     */
    @Test
    void withoutAPoolSizeTheNodeSizesItsPoolByWhereTheDatabaseRuns() {
        int processors = Runtime.getRuntime().availableProcessors();
        try (LatchkeyServer node = LatchkeyServer.start(config(TestServer.SECRET_KEY, TestServer.ADMIN_KEY, 0), Clock.systemUTC())) {
            boolean beside = pgUrl != null && (pgUrl.startsWith("jdbc:postgresql://127.0.0.1:") || pgUrl.startsWith("jdbc:postgresql://localhost:"));
            assertThat(node.dbPoolSize()).as(pgUrl).isEqualTo(beside ? Math.min(16, Math.max(4, 2 * processors + 1)) : 16);
        }
        try (LatchkeyServer node = LatchkeyServer.start(config(TestServer.SECRET_KEY, TestServer.ADMIN_KEY, 3), Clock.systemUTC())) {
            assertThat(node.dbPoolSize()).isEqualTo(3);
        }
    }

    @Test
    void aNodeGivenAnotherSecretKeyRefusesToStart() {
        try (LatchkeyServer first = LatchkeyServer.start(config(TestServer.SECRET_KEY, TestServer.ADMIN_KEY), Clock.systemUTC())) {
            assertThat(first.port()).isPositive();
        }
        assertThatThrownBy(() -> LatchkeyServer.start(config(OTHER_SECRET_KEY, TestServer.ADMIN_KEY), Clock.systemUTC()).close())
                .isInstanceOf(StartupFailure.class).hasMessage(ANOTHER_KEY_MESSAGE);
        try (LatchkeyServer again = LatchkeyServer.start(config(TestServer.SECRET_KEY, TestServer.ADMIN_KEY), Clock.systemUTC())) {
            assertThat(again.port()).isPositive();
        }
    }

    @Test
    void aDatabaseFromBeforeTheKeyCheckIsCheckedAgainstItsTenants() {
        try (LatchkeyServer first = LatchkeyServer.start(config(TestServer.SECRET_KEY, TestServer.ADMIN_KEY), Clock.systemUTC())) {
            assertThat(first.bootstrap().demoApiKey()).isNotNull();
            // As a database created before the key check value existed.
            first.jdbi().useHandle(h -> h.execute("DELETE FROM server_settings WHERE name = 'key_check'"));
        }
        assertThatThrownBy(() -> LatchkeyServer.start(config(OTHER_SECRET_KEY, TestServer.ADMIN_KEY), Clock.systemUTC()).close())
                .isInstanceOf(StartupFailure.class).hasMessage(ANOTHER_KEY_MESSAGE);
        try (LatchkeyServer again = LatchkeyServer.start(config(TestServer.SECRET_KEY, TestServer.ADMIN_KEY), Clock.systemUTC())) {
            int stored = again.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM server_settings WHERE name = 'key_check'")
                    .mapTo(Integer.class).one());
            assertThat(stored).isEqualTo(1);
        }
        assertThatThrownBy(() -> LatchkeyServer.start(config(OTHER_SECRET_KEY, TestServer.ADMIN_KEY), Clock.systemUTC()).close())
                .isInstanceOf(StartupFailure.class).hasMessage(ANOTHER_KEY_MESSAGE);
    }

    @Test
    void theKeyCheckValueIsNotTheKey() {
        try (LatchkeyServer node = LatchkeyServer.start(config(TestServer.SECRET_KEY, TestServer.ADMIN_KEY), Clock.systemUTC())) {
            String stored = node.jdbi().withHandle(h -> h.createQuery("SELECT setting FROM server_settings WHERE name = 'key_check'")
                    .mapTo(String.class).one());
            assertThat(stored).matches("[0-9a-f]{64}").doesNotContain(TestServer.SECRET_KEY);
        }
    }
}

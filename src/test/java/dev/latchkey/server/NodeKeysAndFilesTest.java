package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keys long enough, and the data directory, the secret key and the H2 files readable by the owner only. */
class NodeKeysAndFilesTest {
    private static ServerConfig config(Path dataDir, String secretKey, String adminKey) {
        return new ServerConfig("127.0.0.1", 0, dataDir, null, null, null, adminKey, secretKey, 4, PasswordHasher.DEFAULT, true, 100, 60_000,
                TestServer.Options.DEFAULT.messaging(), ServerConfig.Risk.NONE);
    }

    @Test
    void shortKeysAreRefusedBeforeAnythingIsCreated() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("LATCHKEY_ALLOW_SHORT_KEYS") == null);
        Path dataDir = Files.createTempDirectory("latchkey-keys").resolve("data");
        String shortKey = "x".repeat(31);
        assertThatThrownBy(() -> LatchkeyServer.start(config(dataDir, TestServer.SECRET_KEY, shortKey), Clock.systemUTC()).close())
                .isInstanceOf(StartupFailure.class)
                .hasMessage("The admin key (--admin-key, --admin-key-file or LATCHKEY_ADMIN_KEY) has 31 characters; it needs at least 32. "
                        + "Leave it out and the first start generates one, or make one with 'openssl rand -hex 32'.");
        assertThatThrownBy(() -> LatchkeyServer.start(config(dataDir, shortKey, TestServer.ADMIN_KEY), Clock.systemUTC()).close())
                .isInstanceOf(StartupFailure.class)
                .hasMessage("The secret key (--secret-key, --secret-key-file or LATCHKEY_SECRET_KEY) has 31 characters; it needs at least 32. "
                        + "Leave it out and the first start generates one in DATA_DIR/secret.key, or make one with 'openssl rand -hex 32'.");
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void shortKeysNeedTheOperatorsConsent() {
        assertThat(ServerKeys.problem("the admin key", "--admin-key", "x".repeat(31), null)).isNotNull();
        assertThat(ServerKeys.problem("the admin key", "--admin-key", "x".repeat(31), "yes")).isNotNull();
        assertThat(ServerKeys.problem("the admin key", "--admin-key", "x".repeat(31), "for-benchmarks-and-tests")).isNull();
        assertThat(ServerKeys.problem("the admin key", "--admin-key", "x".repeat(32), null)).isNull();
    }

    @Test
    void theDataDirectoryTheSecretKeyAndTheH2FilesAreTheOwnersOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileAttributeView(Path.of("."), java.nio.file.attribute.PosixFileAttributeView.class) != null);
        Path parent = Files.createTempDirectory("latchkey-perm");
        Path dataDir = parent.resolve("data");
        String secret = LatchkeyServer.secretKeyFromDataDir(dataDir);
        assertThat(perms(dataDir)).isEqualTo("rwx------");
        assertThat(perms(dataDir.resolve("secret.key"))).isEqualTo("rw-------");
        assertThat(LatchkeyServer.secretKeyFromDataDir(dataDir)).isEqualTo(secret).hasSize(64);
        try (LatchkeyServer node = LatchkeyServer.start(config(dataDir, secret, null), Clock.systemUTC())) {
            try (Stream<Path> files = Files.list(dataDir)) {
                files.filter(f -> f.getFileName().toString().startsWith("latchkey."))
                        .forEach(f -> assertThat(perms(f)).as(f.toString()).isEqualTo("rw-------"));
            }
            assertThat(dataDir.resolve("latchkey.mv.db")).exists();
        }

        // A data directory that exists, open to others, is tightened.
        Path open = Files.createDirectory(parent.resolve("open"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        LatchkeyServer.secretKeyFromDataDir(open);
        assertThat(perms(open)).isEqualTo("rwx------");
    }

    private static String perms(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

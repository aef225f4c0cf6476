package dev.latchkey.server;

import dev.latchkey.crypto.PasswordHasher;
import java.nio.file.Path;

/** Everything a node needs to start; built by the CLI from flags and LATCHKEY_* variables, or by tests. */
public record ServerConfig(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                           String adminKey, String secretKey, int dbPoolSize, PasswordHasher.Params passwordParams,
                           boolean allowPrivateWebhookTargets) {
}

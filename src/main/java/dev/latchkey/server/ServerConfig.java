package dev.latchkey.server;

import dev.latchkey.crypto.PasswordHasher;
import java.nio.file.Path;

/** Everything a node needs to start; built by the CLI from flags and LATCHKEY_* variables, or by tests. */
public record ServerConfig(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                           String adminKey, String secretKey, int dbPoolSize, PasswordHasher.Params passwordParams,
                           boolean allowPrivateWebhookTargets, long webhookBackoffMillis, long webhookRetryForMillis) {
    /** Webhook retries: first after about a second, doubling, for 24 hours. */
    public static final long DEFAULT_WEBHOOK_BACKOFF_MILLIS = 1000;
    public static final long DEFAULT_WEBHOOK_RETRY_FOR_MILLIS = 24L * 3600 * 1000;
}

package dev.latchkey.server;

import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.webhook.HostResolver;
import java.nio.file.Path;

/**
 * Everything a node needs to start; built by the CLI from flags and LATCHKEY_* variables, or by tests. {@code dbPoolSize}
 * 0: sized by where the database runs ({@link dev.latchkey.store.Database#defaultPoolSize}).
 */
public record ServerConfig(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                           String adminKey, String secretKey, int dbPoolSize, PasswordHasher.Params passwordParams,
                           boolean allowPrivateWebhookTargets, long webhookBackoffMillis, long webhookRetryForMillis,
                           Messaging messaging, Risk risk, Limits limits, HostResolver webhookResolver, Observability observability) {

    /** {@link Observability#DEFAULT}: no scrape token, no management port, no access log (embedded nodes, tests). */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                        String adminKey, String secretKey, int dbPoolSize, PasswordHasher.Params passwordParams,
                        boolean allowPrivateWebhookTargets, long webhookBackoffMillis, long webhookRetryForMillis,
                        Messaging messaging, Risk risk, Limits limits, HostResolver webhookResolver) {
        this(host, port, dataDir, dbUrl, dbUser, dbPassword, adminKey, secretKey, dbPoolSize, passwordParams,
                allowPrivateWebhookTargets, webhookBackoffMillis, webhookRetryForMillis, messaging, risk, limits, webhookResolver,
                Observability.DEFAULT);
    }

    /**
     * What operators watch a node with. {@code metricsToken}: a token Prometheus may scrape {@code /metrics} with besides
     * the admin key (null: the admin key only); {@code managementPort}: a second port, on the same host, that serves only
     * {@code /metrics} and {@code /health/ready} (null: none; 0: any free port); {@code accessLog}: one line per request on
     * the logger {@code latchkey.access}. {@code latchkey serve} turns the access log on unless told not to.
     */
    public record Observability(String metricsToken, Integer managementPort, boolean accessLog) {
        public static final Observability DEFAULT = new Observability(null, null, false);
    }

    /** Webhook targets resolved by the system's resolver. */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                        String adminKey, String secretKey, int dbPoolSize, PasswordHasher.Params passwordParams,
                        boolean allowPrivateWebhookTargets, long webhookBackoffMillis, long webhookRetryForMillis,
                        Messaging messaging, Risk risk, Limits limits) {
        this(host, port, dataDir, dbUrl, dbUser, dbPassword, adminKey, secretKey, dbPoolSize, passwordParams,
                allowPrivateWebhookTargets, webhookBackoffMillis, webhookRetryForMillis, messaging, risk, limits, HostResolver.system());
    }

    /**
     * Bounds on what a node holds and keeps: how many passwords may wait for a core to be hashed before the next login is
     * refused with 429 ({@code passwordHashingQueue}); how long the audit trail is kept; how long risk events and failed
     * webhook deliveries and messages are kept ({@code retentionMillis}; expired tokens, challenges and throttling rows go
     * as soon as they expire); whether access tokens and API secrets are refused in the query string (they then go in
     * {@code Authorization: Bearer} and {@code X-LoginRadius-ApiSecret}).
     */
    public record Limits(int passwordHashingQueue, long auditRetentionMillis, long retentionMillis, boolean refuseTokensInQuery) {
        public static final long DAY = 24L * 3600 * 1000;
        public static final Limits DEFAULT = new Limits(
                PasswordHasher.QUEUE_PER_CORE * Math.max(1, Runtime.getRuntime().availableProcessors()), 365 * DAY, 30 * DAY, false);
    }
    /** Webhook retries: first after about a second, doubling, for 24 hours. */
    public static final long DEFAULT_WEBHOOK_BACKOFF_MILLIS = 1000;
    public static final long DEFAULT_WEBHOOK_RETRY_FOR_MILLIS = 24L * 3600 * 1000;

    /** The default {@link Limits}, webhook targets resolved by the system's resolver. */
    public ServerConfig(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                        String adminKey, String secretKey, int dbPoolSize, PasswordHasher.Params passwordParams,
                        boolean allowPrivateWebhookTargets, long webhookBackoffMillis, long webhookRetryForMillis,
                        Messaging messaging, Risk risk) {
        this(host, port, dataDir, dbUrl, dbUser, dbPassword, adminKey, secretKey, dbPoolSize, passwordParams,
                allowPrivateWebhookTargets, webhookBackoffMillis, webhookRetryForMillis, messaging, risk, Limits.DEFAULT);
    }

    /**
     * Email and SMS, server-wide (tenants may bring their own): the SMTP server and sender, the SMS provider, how long an
     * unsent message is retried, and the public URL of the node (the default target of one-click sign-in links; null:
     * {@code http://localhost:<port>}), and PEM certificates to trust for SMTP over TLS besides the system's (an internal
     * relay's private CA; null: the system's only).
     */
    public record Messaging(String publicUrl, DeliverySettings.Smtp smtp, DeliverySettings.Sms sms, long backoffMillis, long retryForMillis,
                            Path smtpCaFile) {
        public static final Messaging NONE = new Messaging(null, new DeliverySettings.Smtp(null, 587, "starttls", null, null, null),
                new DeliverySettings.Sms(DeliverySettings.TWILIO, null, null, null), 1000, 24L * 3600 * 1000, null);
    }

    /**
     * Risk-based authentication: the GeoIP database (MaxMind City format; null: the City and Country signals are off) and
     * the proxies whose forwarding headers are believed (comma-separated addresses or CIDR networks; null: none).
     */
    public record Risk(Path geoipDb, String trustedProxies) {
        public static final Risk NONE = new Risk(null, null);
    }
}

package dev.latchkey.cli;

import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.Bootstrap;
import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.LogFormat;
import dev.latchkey.server.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Starts a Latchkey node. Every option can also be given as the LATCHKEY_* environment variable shown.",
                "Without --db-url the store is an embedded H2 database in --data-dir."})
final class ServeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", defaultValue = "${env:LATCHKEY_HOST:-0.0.0.0}", description = "Address to listen on (LATCHKEY_HOST). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "${env:LATCHKEY_PORT:-8080}", description = "Port to listen on, 0 for any free port (LATCHKEY_PORT). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--data-dir", defaultValue = "${env:LATCHKEY_DATA_DIR:-latchkey-data}", description = "Directory for the H2 database and the generated secret key (LATCHKEY_DATA_DIR). Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--db-url", defaultValue = "${env:LATCHKEY_DB_URL}", description = "JDBC URL of a PostgreSQL database, e.g. jdbc:postgresql://127.0.0.1:5432/latchkey (LATCHKEY_DB_URL). Default: embedded H2.")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "${env:LATCHKEY_DB_USER}", description = "Database user (LATCHKEY_DB_USER).")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:LATCHKEY_DB_PASSWORD}", description = "Database password (LATCHKEY_DB_PASSWORD).")
    String dbPassword;

    @Option(names = "--db-pool-size", defaultValue = "${env:LATCHKEY_DB_POOL_SIZE:-auto}", description = {
            "Database connections per node, 1 to 1000 (LATCHKEY_DB_POOL_SIZE). auto: for a PostgreSQL on this machine (localhost,",
            "127.x or ::1), which shares the node's processors, twice the processors plus one (5 on two cores), at most 16;",
            "otherwise (another machine, the embedded H2) 16. Default: ${DEFAULT-VALUE}."})
    String dbPoolSize;

    @Option(names = "--admin-key", defaultValue = "${env:LATCHKEY_ADMIN_KEY}",
            description = {"Admin API key, at least 32 characters (LATCHKEY_ADMIN_KEY); kept as a hash.",
                    "Default: one generated and printed on the first start. Better from a file: --admin-key-file."})
    String adminKey;

    @Option(names = "--admin-key-file", defaultValue = "${env:LATCHKEY_ADMIN_KEY_FILE}",
            description = "A file holding the admin key, so it is on no command line (LATCHKEY_ADMIN_KEY_FILE). Readable by its owner only, please.")
    Path adminKeyFile;

    @Option(names = "--secret-key", defaultValue = "${env:LATCHKEY_SECRET_KEY}", description = {
            "Server secret key, at least 32 characters (LATCHKEY_SECRET_KEY): keys the hashes of tokens and codes, encrypts tenant secrets.",
            "The database remembers which key it was set up with and refuses another. Every node of a cluster needs the same one.",
            "Default: read from, or created in, DATA_DIR/secret.key."})
    String secretKey;

    @Option(names = "--secret-key-file", defaultValue = "${env:LATCHKEY_SECRET_KEY_FILE}",
            description = "A file holding the secret key, so it is on no command line (LATCHKEY_SECRET_KEY_FILE). Readable by its owner only, please.")
    Path secretKeyFile;

    @Option(names = "--password-hashing", defaultValue = "${env:LATCHKEY_PASSWORD_HASHING:-owasp}",
            description = {"Argon2id parameters for new password hashes (LATCHKEY_PASSWORD_HASHING): owasp (m=19 MiB, t=2, p=1) or minimal.",
                    "minimal is for benchmarks and tests only and is refused unless LATCHKEY_ALLOW_INSECURE_HASHING=for-benchmarks-and-tests."})
    String passwordHashing;

    @Option(names = "--webhooks-allow-private-targets", arity = "0..1", fallbackValue = "true", defaultValue = "${env:LATCHKEY_WEBHOOKS_ALLOW_PRIVATE_TARGETS:-false}",
            description = "Let tenants subscribe webhooks to loopback and private-network addresses (LATCHKEY_WEBHOOKS_ALLOW_PRIVATE_TARGETS). Default: ${DEFAULT-VALUE}.")
    boolean webhooksAllowPrivateTargets;

    @Option(names = "--webhook-retry-hours", defaultValue = "${env:LATCHKEY_WEBHOOK_RETRY_HOURS:-24}",
            description = "How long an undelivered webhook event is retried before it is marked failed (LATCHKEY_WEBHOOK_RETRY_HOURS). Default: ${DEFAULT-VALUE}.")
    int webhookRetryHours;

    @Option(names = "--public-url", defaultValue = "${env:LATCHKEY_PUBLIC_URL}",
            description = {"The URL users reach this node at, e.g. https://id.example.com (LATCHKEY_PUBLIC_URL): emailed links (one-click",
                    "sign-in, password reset, email verification) point at its hosted page unless a tenant sets",
                    "RiskBasedAuthentication.OneClickSignInUrl or the request names one of Security.AllowedUrls. Default: http://localhost:PORT."})
    String publicUrl;

    @Option(names = "--smtp-host", defaultValue = "${env:LATCHKEY_SMTP_HOST}", description = "SMTP server for email, e.g. smtp.example.com (LATCHKEY_SMTP_HOST). Default: none (tenants may bring their own).")
    String smtpHost;

    @Option(names = "--smtp-port", defaultValue = "${env:LATCHKEY_SMTP_PORT:-587}", description = "SMTP port (LATCHKEY_SMTP_PORT). Default: ${DEFAULT-VALUE}.")
    int smtpPort;

    @Option(names = "--smtp-security", defaultValue = "${env:LATCHKEY_SMTP_SECURITY:-starttls}",
            description = "starttls (required, never plain), tls (implicit TLS, usually port 465) or none (LATCHKEY_SMTP_SECURITY). Default: ${DEFAULT-VALUE}.")
    String smtpSecurity;

    @Option(names = "--smtp-username", defaultValue = "${env:LATCHKEY_SMTP_USERNAME}", description = "SMTP user name (LATCHKEY_SMTP_USERNAME).")
    String smtpUsername;

    @Option(names = "--smtp-password", defaultValue = "${env:LATCHKEY_SMTP_PASSWORD}", description = "SMTP password (LATCHKEY_SMTP_PASSWORD).")
    String smtpPassword;

    @Option(names = "--smtp-ca-file", defaultValue = "${env:LATCHKEY_SMTP_CA_FILE}",
            description = "PEM certificates to trust for SMTP over TLS besides the system's, e.g. an internal relay's CA (LATCHKEY_SMTP_CA_FILE).")
    Path smtpCaFile;

    @Option(names = "--mail-from", defaultValue = "${env:LATCHKEY_MAIL_FROM}", description = "Sender of email, e.g. 'Acme <no-reply@acme.test>' (LATCHKEY_MAIL_FROM).")
    String mailFrom;

    @Option(names = "--sms-url", defaultValue = "${env:LATCHKEY_SMS_URL:-https://api.twilio.com}",
            description = "Base URL of a Twilio-compatible SMS API (LATCHKEY_SMS_URL). Default: ${DEFAULT-VALUE}.")
    String smsUrl;

    @Option(names = "--sms-account-sid", defaultValue = "${env:LATCHKEY_SMS_ACCOUNT_SID}", description = "SMS provider account SID (LATCHKEY_SMS_ACCOUNT_SID).")
    String smsAccountSid;

    @Option(names = "--sms-auth-token", defaultValue = "${env:LATCHKEY_SMS_AUTH_TOKEN}", description = "SMS provider auth token (LATCHKEY_SMS_AUTH_TOKEN).")
    String smsAuthToken;

    @Option(names = "--sms-from", defaultValue = "${env:LATCHKEY_SMS_FROM}", description = "Sender number of SMS, e.g. +15005550006 (LATCHKEY_SMS_FROM).")
    String smsFrom;

    @Option(names = "--message-retry-hours", defaultValue = "${env:LATCHKEY_MESSAGE_RETRY_HOURS:-24}",
            description = "How long an unsent email or SMS is retried before it is marked failed (LATCHKEY_MESSAGE_RETRY_HOURS). Default: ${DEFAULT-VALUE}.")
    int messageRetryHours;

    @Option(names = "--geoip-db", defaultValue = "${env:LATCHKEY_GEOIP_DB}",
            description = {"A MaxMind-format City database (GeoIP2 or GeoLite2 City .mmdb) for the City and Country risk signals (LATCHKEY_GEOIP_DB).",
                    "Default: none, and those two signals never fire."})
    Path geoipDb;

    @Option(names = "--trusted-proxies", defaultValue = "${env:LATCHKEY_TRUSTED_PROXIES}",
            description = {"Addresses or CIDR networks of proxies (and application backends) whose X-Origin-IP and X-Forwarded-For",
                    "headers give the client's address, e.g. 10.0.0.0/8,127.0.0.1 (LATCHKEY_TRUSTED_PROXIES). Default: none."})
    String trustedProxies;

    @Option(names = "--password-hashing-queue", defaultValue = "${env:LATCHKEY_PASSWORD_HASHING_QUEUE:--1}",
            description = {"How many logins may wait for a core to hash their password before the next one is answered 429 at once",
                    "(LATCHKEY_PASSWORD_HASHING_QUEUE). Default: 16 per core."})
    int passwordHashingQueue;

    @Option(names = "--audit-retention-days", defaultValue = "${env:LATCHKEY_AUDIT_RETENTION_DAYS:-365}",
            description = "How long the audit trail is kept (LATCHKEY_AUDIT_RETENTION_DAYS). Default: ${DEFAULT-VALUE}.")
    int auditRetentionDays;

    @Option(names = "--retention-days", defaultValue = "${env:LATCHKEY_RETENTION_DAYS:-30}",
            description = {"How long risk events and failed webhook deliveries and messages are kept (LATCHKEY_RETENTION_DAYS).",
                    "Expired tokens, challenges and links go as soon as they expire. Default: ${DEFAULT-VALUE}."})
    int retentionDays;

    @Option(names = "--refuse-tokens-in-query", arity = "0..1", fallbackValue = "true", defaultValue = "${env:LATCHKEY_REFUSE_TOKENS_IN_QUERY:-false}",
            description = {"Refuse access tokens and API secrets in the query string, where proxies and logs keep them; clients then send",
                    "Authorization: Bearer and X-LoginRadius-ApiSecret (LATCHKEY_REFUSE_TOKENS_IN_QUERY). Default: ${DEFAULT-VALUE}."})
    boolean refuseTokensInQuery;

    @Option(names = "--metrics-token", defaultValue = "${env:LATCHKEY_METRICS_TOKEN}",
            description = {"A token Prometheus scrapes GET /metrics with (Authorization: Bearer), at least 32 characters, instead of the admin",
                    "key (LATCHKEY_METRICS_TOKEN). Default: none; the admin key always may. Better from a file: --metrics-token-file."})
    String metricsToken;

    @Option(names = "--metrics-token-file", defaultValue = "${env:LATCHKEY_METRICS_TOKEN_FILE}",
            description = "A file holding the metrics token, so it is on no command line (LATCHKEY_METRICS_TOKEN_FILE). Readable by its owner only, please.")
    Path metricsTokenFile;

    @Option(names = "--management-port", defaultValue = "${env:LATCHKEY_MANAGEMENT_PORT}",
            description = {"A second port, on --host, that serves only /metrics (still behind the admin key or metrics token) and",
                    "/health/ready, e.g. to keep them off the public load balancer (LATCHKEY_MANAGEMENT_PORT). Default: none."})
    Integer managementPort;

    @Option(names = "--log-format", defaultValue = "${env:LATCHKEY_LOG_FORMAT:-text}",
            description = {"text, or json: one JSON object per line (timestamp, level, logger, thread, message, correlationId, exception)",
                    "(LATCHKEY_LOG_FORMAT). Default: ${DEFAULT-VALUE}."})
    String logFormat;

    @Option(names = "--class-archive", defaultValue = "${env:LATCHKEY_CLASS_ARCHIVE:-auto}",
            description = {"auto: java -jar latchkey.jar serve runs the node in a child JVM that maps a class archive of the node's own start,",
                    "written by the first start when it stops, kept in ~/.cache/latchkey (ready in about 30%% less time); off: in this JVM,",
                    "without one (LATCHKEY_CLASS_ARCHIVE). Default: ${DEFAULT-VALUE}."})
    String classArchive;

    @Option(names = "--access-log", arity = "0..1", fallbackValue = "true", defaultValue = "${env:LATCHKEY_ACCESS_LOG:-true}",
            description = {"One line per request on the logger latchkey.access: method, route or path without its query string, status,",
                    "duration, bytes, client address, correlation id; never a query string, header value or body (LATCHKEY_ACCESS_LOG).",
                    "Default: ${DEFAULT-VALUE}."})
    boolean accessLog;

    private ServerConfig.Limits limits() {
        ServerConfig.Limits d = ServerConfig.Limits.DEFAULT;
        return new ServerConfig.Limits(passwordHashingQueue < 0 ? d.passwordHashingQueue() : passwordHashingQueue,
                Math.max(1, auditRetentionDays) * ServerConfig.Limits.DAY, Math.max(1, retentionDays) * ServerConfig.Limits.DAY,
                refuseTokensInQuery);
    }

    private PasswordHasher.Params hashing() {
        switch (passwordHashing.toLowerCase(java.util.Locale.ROOT)) {
            case "owasp":
                return PasswordHasher.DEFAULT;
            case "minimal":
                if (!PasswordHasher.INSECURE_CONSENT.equals(System.getenv("LATCHKEY_ALLOW_INSECURE_HASHING"))) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                            "--password-hashing minimal is refused: it is for benchmarks and tests only "
                                    + "(set LATCHKEY_ALLOW_INSECURE_HASHING=" + PasswordHasher.INSECURE_CONSENT + " to accept it)");
                }
                System.err.println("WARNING: minimal Argon2id parameters: passwords are NOT protected. Benchmarks and tests only.");
                return PasswordHasher.MINIMAL;
            default:
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--password-hashing must be owasp or minimal, not " + passwordHashing);
        }
    }

    /**
     * A key given on the command line, in the environment or in a file (read and trimmed); null when none. Both at
     * once is refused, as is a file that cannot be read or holds nothing; a file others can read is warned about.
     */
    private String key(String what, String option, String variable, String value, Path file) {
        boolean given = value != null && !value.isBlank();
        if (given && file != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give the " + what + " once: " + option + " (" + variable
                    + ") or " + option + "-file (" + variable + "_FILE), not both.");
        }
        if (file == null) {
            return given ? value : null;
        }
        String key;
        try {
            key = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (java.io.IOException | RuntimeException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + "-file: cannot read " + file + ".");
        }
        if (key.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + "-file: " + file + " holds no key.");
        }
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions = java.nio.file.Files.getPosixFilePermissions(file);
            if (permissions.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || permissions.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                spec.commandLine().getErr().println("WARNING: " + file + " (the " + what + ") is readable by others ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(permissions) + "): chmod 600 " + file);
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            // no POSIX permissions to check here
        }
        return key;
    }

    @Override
    public Integer call() {
        PasswordHasher.Params params = hashing();
        String format = logFormat.toLowerCase(java.util.Locale.ROOT);
        if (!LogFormat.known(format)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--log-format must be text or json, not " + logFormat);
        }
        if (!classArchive.equalsIgnoreCase("auto") && !classArchive.equalsIgnoreCase("off")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--class-archive must be auto or off, not " + classArchive);
        }
        if (managementPort != null && (managementPort < 0 || managementPort > 65535)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--management-port must be a port, 0 to 65535, not " + managementPort);
        }
        String givenMetricsToken = key("metrics token", "--metrics-token", "LATCHKEY_METRICS_TOKEN", metricsToken, metricsTokenFile);
        LogFormat.use(format);
        String givenAdminKey = key("admin key", "--admin-key", "LATCHKEY_ADMIN_KEY", adminKey, adminKeyFile);
        String givenSecretKey = key("secret key", "--secret-key", "LATCHKEY_SECRET_KEY", secretKey, secretKeyFile);
        String secret = givenSecretKey != null ? givenSecretKey : LatchkeyServer.secretKeyFromDataDir(dataDir);
        String security = smtpSecurity.toLowerCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("none", "starttls", "tls").contains(security)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--smtp-security must be none, starttls or tls, not " + smtpSecurity);
        }
        try {
            dev.latchkey.http.ClientAddress.trusting(trustedProxies);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--trusted-proxies: " + e.getMessage());
        }
        if (smtpCaFile != null && !java.nio.file.Files.isReadable(smtpCaFile)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--smtp-ca-file: cannot read " + smtpCaFile);
        }
        if (geoipDb != null && !java.nio.file.Files.isReadable(geoipDb)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--geoip-db: cannot read " + geoipDb);
        }
        int poolSize = 0; // auto: LatchkeyServer sizes the pool by where the database runs
        String givenPoolSize = dbPoolSize.strip();
        if (!"auto".equalsIgnoreCase(givenPoolSize)) {
            try {
                poolSize = Integer.parseInt(givenPoolSize);
            } catch (NumberFormatException e) {
                poolSize = -1;
            }
            if (poolSize < 1 || poolSize > 1000) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--db-pool-size must be auto or a number of connections from 1 to 1000, not '" + dbPoolSize + "'");
            }
        }
        ServerConfig.Messaging messaging = new ServerConfig.Messaging(blankToNull(publicUrl),
                new DeliverySettings.Smtp(blankToNull(smtpHost), smtpPort, security, blankToNull(smtpUsername), blankToNull(smtpPassword), blankToNull(mailFrom)),
                new DeliverySettings.Sms(blankToNull(smsUrl), blankToNull(smsAccountSid), blankToNull(smsAuthToken), blankToNull(smsFrom)),
                ServerConfig.Messaging.NONE.backoffMillis(), Math.max(1, messageRetryHours) * 3_600_000L, smtpCaFile);
        ServerConfig cfg = new ServerConfig(host, port, dataDir, blankToNull(dbUrl), blankToNull(dbUser), blankToNull(dbPassword),
                givenAdminKey, secret, poolSize, params, webhooksAllowPrivateTargets,
                ServerConfig.DEFAULT_WEBHOOK_BACKOFF_MILLIS, Math.max(1, webhookRetryHours) * 3_600_000L,
                messaging, new ServerConfig.Risk(geoipDb, blankToNull(trustedProxies)), limits(), dev.latchkey.webhook.HostResolver.system(),
                new ServerConfig.Observability(givenMetricsToken, managementPort, accessLog));
        returnMemoryWhenIdle();
        LatchkeyServer server = LatchkeyServer.start(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "latchkey-shutdown"));
        Bootstrap.Result boot = server.bootstrap();
        if (boot.newAdminKey() != null || boot.demoApiKey() != null) {
            StringBuilder b = new StringBuilder("\nLatchkey first start. Shown once; keep them safe:\n");
            if (boot.newAdminKey() != null) {
                b.append("  export LATCHKEY_ADMIN_KEY=").append(boot.newAdminKey()).append('\n');
            }
            if (boot.demoApiKey() != null) {
                b.append("  # demo tenant (MFA enabled, optional)\n");
                b.append("  export LR_APIKEY=").append(boot.demoApiKey()).append('\n');
                b.append("  export LR_APISECRET=").append(boot.demoApiSecret()).append('\n');
            }
            System.out.println(b);
        }
        System.out.println("Latchkey ready on http://" + (host.equals("0.0.0.0") ? "localhost" : host) + ":" + server.port());
        return 0;
    }

    /**
     * When {@link dev.latchkey.server.LatchkeyServer} collects an idle node's heap, G1 keeps at most 30% of it free, so
     * the memory goes back to the operating system. Only when the JVM was not given its own settings (these flags are
     * manageable, so an operator's -XX options win).
     */
    private static void returnMemoryWhenIdle() {
        java.util.List<String> jvmArgs = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotspot =
                    java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (jvmArgs.stream().noneMatch(a -> a.contains("HeapFreeRatio"))) {
                hotspot.setVMOption("MinHeapFreeRatio", "10");
                hotspot.setVMOption("MaxHeapFreeRatio", "30");
            }
        } catch (RuntimeException e) {
            // another collector, or flags not manageable on this JVM: keep its defaults
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

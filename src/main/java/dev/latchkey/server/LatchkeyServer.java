package dev.latchkey.server;

import dev.latchkey.account.AccountStore;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.audit.AuditApi;
import dev.latchkey.login.LoginThrottle;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.factor.backupcode.BackupCodeApi;
import dev.latchkey.factor.backupcode.BackupCodes;
import dev.latchkey.factor.passkey.PasskeyApi;
import dev.latchkey.factor.passkey.Passkeys;
import dev.latchkey.http.AccessGate;
import dev.latchkey.http.AdminGate;
import dev.latchkey.http.ClientAddress;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.message.MessageDispatcher;
import dev.latchkey.message.MessageTemplates;
import dev.latchkey.message.Messages;
import dev.latchkey.message.SmtpMailer;
import dev.latchkey.message.TemplateApi;
import dev.latchkey.message.TwilioSms;
import dev.latchkey.outbox.OutboxDispatcher;
import dev.latchkey.risk.GeoIp;
import dev.latchkey.risk.RiskBasedAuthentication;
import dev.latchkey.risk.RiskChallengeApi;
import dev.latchkey.risk.RiskEvents;
import dev.latchkey.risk.UserAgents;
import dev.latchkey.http.AccountApi;
import dev.latchkey.http.AdminApi;
import dev.latchkey.http.HostedApi;
import dev.latchkey.http.HttpServer;
import dev.latchkey.http.LoginApi;
import dev.latchkey.http.ManageAccountApi;
import dev.latchkey.http.Routes;
import dev.latchkey.http.TenantGate;
import dev.latchkey.http.TokenApi;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.SecondFactorChallenges;
import dev.latchkey.store.Database;
import dev.latchkey.store.Purge;
import dev.latchkey.tenant.TenantStore;
import dev.latchkey.webhook.WebhookApi;
import dev.latchkey.webhook.WebhookDispatcher;
import dev.latchkey.webhook.WebhookOutbox;
import dev.latchkey.webhook.WebhookSettings;
import dev.latchkey.webhook.Webhooks;
import dev.latchkey.tenant.Tenants;
import dev.latchkey.token.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Latchkey node: wires the stores, use cases and HTTP layer, and owns their life cycle. */
public final class LatchkeyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatchkeyServer.class);

    private final Database db;
    private final HttpServer http;
    private final Bootstrap.Result bootstrap;

    private final java.util.concurrent.ScheduledExecutorService idle;

    private final List<OutboxDispatcher> dispatchers;
    private final GeoIp geo;
    private final Purge purge;

    private LatchkeyServer(Database db, HttpServer http, List<OutboxDispatcher> dispatchers, GeoIp geo, Purge purge, Bootstrap.Result bootstrap) {
        this.db = db;
        this.purge = purge;
        this.http = http;
        this.dispatchers = dispatchers;
        this.geo = geo;
        this.bootstrap = bootstrap;
        this.idle = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latchkey-idle");
            t.setDaemon(true);
            return t;
        });
        long[] state = {-1, 0}; // requests seen at the last look; whether this idle period was collected
        idle.scheduleWithFixedDelay(() -> returnMemoryIfIdle(state), 10, 10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * After a burst of load the JVM keeps the heap it grew to (gigabytes on a large machine, where the default maximum
     * is a quarter of RAM). When a node has served nothing for 10 s and holds more than 128 MiB of heap, one full
     * collection gives the free part back to the operating system, once per idle period. It never runs while requests
     * arrive. (The garbage of the burst counts as used until a collection, which an idle JVM never starts by itself, so
     * how much of the heap looks used says nothing here.)
     */
    private void returnMemoryIfIdle(long[] state) {
        long requests = http.requestCount();
        if (requests != state[0]) {
            state[0] = requests;
            state[1] = 0;
            return;
        }
        if (state[1] == 0 && Runtime.getRuntime().totalMemory() > 128L * 1024 * 1024) {
            System.gc();
            state[1] = 1;
        }
    }

    public static LatchkeyServer start(ServerConfig cfg) {
        return start(cfg, Clock.systemUTC());
    }

    /** Starts with the given clock (tests move time forward to expire tokens). */
    public static LatchkeyServer start(ServerConfig cfg, Clock clock) {
        String dbUrl = cfg.dbUrl();
        if (dbUrl == null) {
            try {
                Files.createDirectories(cfg.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dbUrl = Database.h2Url(cfg.dataDir());
        }
        Database db = new Database(dbUrl, cfg.dbUser(), cfg.dbPassword(), cfg.dbPoolSize());
        try {
            Secrets secrets = new Secrets(cfg.secretKey());
            PasswordHasher hasher = new PasswordHasher(cfg.passwordParams(), cfg.limits().passwordHashingQueue());
            Audit audit = new Audit(db.jdbi());
            TenantStore tenantStore = new TenantStore(db.jdbi());
            MessageTemplates templates = new MessageTemplates(db.jdbi(), clock);
            Tenants tenants = new Tenants(tenantStore, secrets, clock, (id, settings) -> {
                templates.checkReferences(id, settings);
                WebhookSettings.check(id, settings);
            });
            Bootstrap.Result boot = Bootstrap.run(db.jdbi(), secrets, tenants, cfg.adminKey());

            AccountStore accountStore = new AccountStore();
            WebhookOutbox outbox = new WebhookOutbox();
            io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            Accounts accounts = new Accounts(db.jdbi(), accountStore, hasher, outbox, audit, clock);
            Tokens tokens = new Tokens(db.jdbi(), secrets, audit, clock);
            BackupCodes backupCodes = new BackupCodes(db.jdbi(), accountStore, secrets, outbox, audit, clock);
            Passkeys passkeys = new Passkeys(db.jdbi(), accountStore, outbox, audit, clock);
            RecentSecondFactor proof = new RecentSecondFactor(clock);

            ServerConfig.Messaging messaging = cfg.messaging();
            DeliverySettings delivery = new DeliverySettings(messaging.smtp(), messaging.sms(), secrets);
            Messages messages = new Messages(secrets);
            GeoIp geo = cfg.risk().geoipDb() == null ? GeoIp.NONE : GeoIp.open(cfg.risk().geoipDb());
            RiskEvents riskEvents = new RiskEvents();
            int[] boundPort = {cfg.port()};
            RiskBasedAuthentication rba = new RiskBasedAuthentication(secrets, geo, new UserAgents().warmUp(), templates, messages,
                    delivery, riskEvents, () -> messaging.publicUrl() != null ? messaging.publicUrl().replaceAll("/+$", "")
                            : "http://localhost:" + boundPort[0]);

            LoginFlow flow = new LoginFlow(db.jdbi(), accountStore, new SecondFactorChallenges(secrets), tokens, hasher,
                    List.of(backupCodes, passkeys), outbox, rba, new LoginThrottle(db.jdbi(), secrets), audit, clock);
            TenantGate gate = new TenantGate(tenantStore, secrets, clock);
            AccessGate access = new AccessGate(gate, tokens);
            AdminGate adminGate = new AdminGate(secrets, boot.adminKeyHash(), tenants);

            List<Routes.Route> routes = Routes.table(
                    new LoginApi(gate, flow),
                    new BackupCodeApi(gate, access, flow, backupCodes, accounts, proof),
                    new PasskeyApi(gate, access, flow, passkeys, accounts, secrets, proof, clock),
                    new RiskChallengeApi(gate, flow, rba),
                    new AccountApi(access, flow, clock),
                    new TokenApi(gate, tokens, accountStore),
                    new ManageAccountApi(gate, accounts, clock),
                    new WebhookApi(gate, new Webhooks(db.jdbi(), secrets, clock, cfg.allowPrivateWebhookTargets())),
                    new AdminApi(tenants, adminGate, db.jdbi(), outbox, messages, riskEvents, metrics, audit, clock),
                    new TemplateApi(adminGate, templates),
                    new AuditApi(adminGate, tenants, audit),
                    new HostedApi(gate, flow, backupCodes, passkeys),
                    req -> {
                        db.jdbi().useHandle(h -> h.execute("SELECT 1"));
                        return Json.object().put("Status", "ready");
                    });
            HttpServer http = new HttpServer(cfg.host(), cfg.port(), routes, ClientAddress.trusting(cfg.risk().trustedProxies()),
                    cfg.limits().refuseTokensInQuery()).start();
            boundPort[0] = http.port();
            List<OutboxDispatcher> dispatchers = List.of(
                    new WebhookDispatcher(db.jdbi(), secrets, clock, cfg.webhookBackoffMillis(), cfg.webhookRetryForMillis(), metrics).start(),
                    new MessageDispatcher(db.jdbi(), secrets, tenantStore, delivery, new SmtpMailer(messaging.smtpCaFile()), new TwilioSms(), clock,
                            messaging.backoffMillis(), messaging.retryForMillis(), metrics).start());
            LOG.info("Latchkey serving on http://{}:{} ({} store, Argon2id {}, GeoIP {})", cfg.host(), http.port(),
                    db.isH2() ? "H2 " + cfg.dataDir().toAbsolutePath() : "PostgreSQL", hasher.params(),
                    geo.enabled() ? cfg.risk().geoipDb() : "off: the City and Country signals never fire");
            Purge purge = new Purge(db.jdbi(), clock, cfg.limits().retentionMillis(), cfg.limits().auditRetentionMillis()).start();
            return new LatchkeyServer(db, http, dispatchers, geo, purge, boot);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** The node's database, for operational tools and tests. */
    public org.jdbi.v3.core.Jdbi jdbi() {
        return db.jdbi();
    }

    /** What the first start created (admin key, demo tenant), to print once; empty on later starts. */
    public Bootstrap.Result bootstrap() {
        return bootstrap;
    }

    /** Reads the secret key from the data directory, creating it (readable by the owner only) on a first start. */
    public static String secretKeyFromDataDir(Path dataDir) {
        Path file = dataDir.resolve("secret.key");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(dataDir);
            String key = Secrets.newSecretKey();
            Files.writeString(file, key + "\n");
            try {
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the purge of expired rows now (tests, operators' tools); it also runs every 10 minutes. */
    public java.util.Map<String, Integer> purgeNow() {
        return purge.run();
    }

    @Override
    public void close() {
        idle.shutdownNow();
        purge.close();
        http.stop();
        dispatchers.forEach(OutboxDispatcher::close);
        geo.close();
        db.close();
    }
}

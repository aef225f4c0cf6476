package dev.latchkey.server;

import dev.latchkey.account.AccountStore;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.http.AuditApi;
import dev.latchkey.login.LoginThrottle;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.http.BackupCodeApi;
import dev.latchkey.http.SecondFactorApi;
import dev.latchkey.factor.FactorContext;
import dev.latchkey.factor.Factors;
import dev.latchkey.factor.backupcode.BackupCodes;
import dev.latchkey.http.PasskeyApi;
import dev.latchkey.factor.passkey.Passkeys;
import dev.latchkey.http.AccessGate;
import dev.latchkey.http.AdminGate;
import dev.latchkey.http.ClientAddress;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.message.MessageDispatcher;
import dev.latchkey.message.MessageTemplates;
import dev.latchkey.message.Messages;
import dev.latchkey.message.SecurityNotices;
import dev.latchkey.message.SmtpMailer;
import dev.latchkey.http.TemplateApi;
import dev.latchkey.message.TwilioSms;
import dev.latchkey.outbox.OutboxDispatcher;
import dev.latchkey.risk.GeoIp;
import dev.latchkey.risk.RiskBasedAuthentication;
import dev.latchkey.http.RiskChallengeApi;
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
import dev.latchkey.login.StepUp;
import dev.latchkey.http.ReauthApi;
import dev.latchkey.store.Database;
import dev.latchkey.store.Purge;
import dev.latchkey.tenant.TenantStore;
import dev.latchkey.webhook.TargetAddresses;
import dev.latchkey.webhook.TargetUrls;
import dev.latchkey.http.WebhookApi;
import dev.latchkey.webhook.WebhookDispatcher;
import dev.latchkey.webhook.WebhookOutbox;
import dev.latchkey.webhook.WebhookSettings;
import dev.latchkey.webhook.Webhooks;
import dev.latchkey.tenant.Tenants;
import dev.latchkey.token.Tokens;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Latchkey node: wires the stores, use cases and HTTP layer, and owns their life cycle. */
public final class LatchkeyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatchkeyServer.class);

    private final Database db;
    private final HttpServer http;
    private final HttpServer management;
    private final NodeMetrics metrics;
    private final Bootstrap.Result bootstrap;

    private final java.util.concurrent.ScheduledExecutorService idle;

    private final List<OutboxDispatcher> dispatchers;
    private final GeoIp geo;
    private final Purge purge;
    private final Audit audit;

    private LatchkeyServer(Database db, HttpServer http, HttpServer management, NodeMetrics metrics, List<OutboxDispatcher> dispatchers,
                           GeoIp geo, Purge purge, Audit audit, Bootstrap.Result bootstrap) {
        this.db = db;
        this.management = management;
        this.metrics = metrics;
        this.audit = audit;
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
        idleTick(http.requestCount(), state, Runtime.getRuntime().totalMemory(), LatchkeyServer::collectAndShrink,
                LatchkeyServer::trimNativeHeap);
    }

    /**
     * One look of the idle timer ({@code state}: the request count at the last look, and whether this idle period was
     * collected). The C heap is trimmed at every look while the node stays idle, not once: the JIT goes on compiling
     * for a minute or more after the load stops (the methods the pollers and timers run reach its thresholds late),
     * and each C2 compilation mallocs and frees megabytes that glibc keeps; trimmed once, an idle node's RSS grew back
     * by 14 to 18 MiB within the next minute, 35 MiB in one JVM (BENCHMARKS.md, sixteenth session). A trim after the
     * first took about 0.1 ms in a small JVM.
     */
    static void idleTick(long requests, long[] state, long committedHeap, Runnable collect, Runnable trim) {
        if (requests != state[0]) {
            state[0] = requests;
            state[1] = 0;
            return;
        }
        if (state[1] == 0) {
            if (committedHeap > 128L * 1024 * 1024) {
                collect.run();
            }
            state[1] = 1;
        }
        trim.run();
    }

    /**
     * Gives the C heap's free memory back to the operating system ({@code jcmd System.trim_native_heap}, in the JDK since
     * 17.0.x on glibc): under load the JIT, the JDBC drivers and Jetty's buffers leave malloc arenas that glibc keeps
     * mapped. Answers what the JVM reported (RSS before and after), or null where the command is not there.
     */
    static String trimNativeHeap() {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                    new Object[] {null}, new String[] {String[].class.getName()});
            return out == null ? null : out.toString().strip();
        } catch (javax.management.JMException | RuntimeException e) {
            return null; // another JDK or C library: nothing to trim
        }
    }

    /**
     * One full collection that keeps little free heap: a full collection shrinks the heap to what MaxHeapFreeRatio allows
     * (70% free by default: three times the live data stays committed), so for this one it is lowered to 10%, then put
     * back (both ratios are manageable flags; where they are not, the collection runs with the JVM's own).
     */
    static void collectAndShrink() {
        com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory.getPlatformMXBean(
                com.sun.management.HotSpotDiagnosticMXBean.class);
        String min = null;
        String max = null;
        try {
            min = vm.getVMOption("MinHeapFreeRatio").getValue();
            max = vm.getVMOption("MaxHeapFreeRatio").getValue();
            vm.setVMOption("MinHeapFreeRatio", "0");
            vm.setVMOption("MaxHeapFreeRatio", "10");
        } catch (RuntimeException e) {
            min = null; // not settable here: collect as the JVM would
        }
        try {
            System.gc();
        } finally {
            if (min != null) {
                try {
                    vm.setVMOption("MaxHeapFreeRatio", max);
                    vm.setVMOption("MinHeapFreeRatio", min);
                } catch (RuntimeException e) {
                    // left lowered: the heap grows again under load all the same
                }
            }
        }
    }

    /**
     * How long after it listens a node loads what its first requests would otherwise wait for: Argon2's compiled code and
     * a generator's memory, ICU's data, the breached-password list, webauthn4j, the user-agent regexes (about 0.8 s of
     * CPU with the OWASP parameters, half of it the regexes, on the benchmark machine). Start-up is CPU-bound on small
     * machines: made during it, they delayed ready by 0.11-0.17 s on two cores (issue 16, BENCHMARKS.md). A login that
     * comes sooner loads what it needs itself: the first login sent as soon as a restarted node was ready took 0.39-0.42 s
     * instead of 0.26-0.28 s, so from the launch to its answer the time is the same.
     */
    static final long WARM_UP_AFTER_MILLIS = 1_000;

    /** Runs each warm-up in turn; one that fails is only a first request that will be slower. */
    static void warmUp(List<Runnable> warmUps) {
        for (Runnable w : warmUps) {
            if (Thread.currentThread().isInterrupted()) {
                return; // the node is stopping
            }
            try {
                w.run();
            } catch (RuntimeException e) {
                LOG.debug("a warm-up failed: {}", e.toString());
            }
        }
    }

    public static LatchkeyServer start(ServerConfig cfg) {
        return start(cfg, Clock.systemUTC());
    }

    /**
     * Starts with the given clock (tests move time forward to expire tokens). A start that cannot succeed for a reason
     * the operator can fix throws {@link StartupFailure} saying what to do. What a first start shows once (a generated
     * admin key, the demo tenant) is created only when the node listens, so a failed first start loses nothing.
     */
    public static LatchkeyServer start(ServerConfig cfg, Clock clock) {
        ServerKeys.requireLongEnough(cfg.secretKey(), cfg.adminKey(), System.getenv(ServerKeys.SHORT_KEYS_CONSENT));
        ServerKeys.requireLongEnoughToken(cfg.observability().metricsToken(), System.getenv(ServerKeys.SHORT_KEYS_CONSENT));
        // Jackson's mapper (0.24 s of class loading, which the first request paid) is made beside the database's opening.
        java.util.concurrent.CompletableFuture.runAsync(Json::object);
        NodeMetrics nodeMetrics = new NodeMetrics();
        Database db;
        try {
            db = openDatabase(cfg, nodeMetrics.registry);
        } catch (RuntimeException e) {
            nodeMetrics.close();
            throw e;
        }
        HttpServer http = null;
        HttpServer management = null;
        List<OutboxDispatcher> dispatchers = List.of();
        GeoIp geo = GeoIp.NONE;
        Audit audit = null;
        try {
            Secrets secrets = new Secrets(cfg.secretKey());
            ServerKeys.requireTheDatabasesKey(db.jdbi(), secrets);
            dev.latchkey.transfer.ImportedKeys importedKeys = new dev.latchkey.transfer.ImportedKeys(db.jdbi(), secrets);
            importedKeys.load();
            PasswordHasher hasher = new PasswordHasher(cfg.passwordParams(), cfg.limits().passwordHashingQueue(), secrets.passwordPepper(),
                    secrets::adoptedPepper);
            io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics = nodeMetrics.registry;
            audit = new Audit(db.jdbi()).observedBy(new dev.latchkey.audit.LoginMeters(metrics)).start();
            TenantStore tenantStore = new TenantStore(db.jdbi());
            MessageTemplates templates = new MessageTemplates(db.jdbi(), clock);
            Tenants tenants = new Tenants(tenantStore, secrets, clock, (tenantId, settings) -> {
                templates.checkReferences(tenantId, settings);
                DeliverySettings.checkTenantSettings(settings);
                WebhookSettings.check(tenantId, settings);
            });

            AccountStore accountStore = new AccountStore();
            WebhookOutbox outbox = new WebhookOutbox();
            ServerConfig.Messaging messaging = cfg.messaging();
            DeliverySettings delivery = new DeliverySettings(messaging.smtp(), messaging.sms(), secrets);
            Messages messages = new Messages(secrets);
            SecurityNotices notices = new SecurityNotices(templates, messages, delivery);
            Accounts accounts = new Accounts(db.jdbi(), accountStore, hasher, outbox, audit, notices, clock);
            Tokens tokens = new Tokens(db.jdbi(), secrets, audit, clock, !db.isH2());
            FactorContext factorContext = new FactorContext(db.jdbi(), accountStore, secrets, outbox, audit, notices, clock);
            BackupCodes backupCodes = new BackupCodes(factorContext);
            Passkeys passkeys = new Passkeys(factorContext);
            dev.latchkey.message.CodeSender codeSender = new dev.latchkey.message.CodeSender(templates, messages, delivery);
            // The registry of second factors: a factor is its package, its migration, a line here and its routes.
            Factors factors = new Factors(List.of(
                    backupCodes,
                    passkeys,
                    new dev.latchkey.factor.authenticator.AuthenticatorApp(factorContext),
                    new dev.latchkey.factor.sms.SmsCodes(factorContext, codeSender),
                    new dev.latchkey.factor.email.EmailCodes(factorContext, codeSender),
                    new dev.latchkey.factor.securityquestion.SecurityQuestions(factorContext, hasher)));
            RecentSecondFactor proof = new RecentSecondFactor(clock);

            TargetAddresses targetAddresses = new TargetAddresses(cfg.allowPrivateWebhookTargets());
            geo = cfg.risk().geoipDb() == null ? GeoIp.NONE : GeoIp.open(cfg.risk().geoipDb());
            RiskEvents riskEvents = new RiskEvents(metrics);
            int[] boundPort = {cfg.port()};
            // Where emailed links point (one-click sign-in, reset, verification): --public-url, else this node once it listens.
            java.util.function.Supplier<String> publicUrl = () -> messaging.publicUrl() != null ? messaging.publicUrl().replaceAll("/+$", "")
                    : "http://localhost:" + boundPort[0];
            UserAgents userAgents = new UserAgents();
            RiskBasedAuthentication rba = new RiskBasedAuthentication(secrets, geo, userAgents, templates, messages,
                    delivery, riskEvents, publicUrl);

            SecondFactorChallenges challenges = new SecondFactorChallenges(secrets);
            StepUp stepUp = new StepUp(db.jdbi(), accountStore, challenges, tokens, hasher, secrets, audit, clock);
            dev.latchkey.login.RememberedDevices devices = new dev.latchkey.login.RememberedDevices(db.jdbi(), secrets);
            LoginFlow flow = new LoginFlow(db.jdbi(), accountStore, challenges, tokens, hasher,
                    factors, outbox, rba, new LoginThrottle(db.jdbi(), secrets), audit, devices, clock, !db.isH2());
            TenantGate gate = new TenantGate(tenantStore, secrets, clock);
            AccessGate access = new AccessGate(gate, tokens);
            // Known once the node listens (see Bootstrap); until then the admin API refuses every key.
            java.util.concurrent.atomic.AtomicReference<String> adminKeyHash = new java.util.concurrent.atomic.AtomicReference<>();
            AdminGate adminGate = new AdminGate(secrets, adminKeyHash::get, tenants);

            dev.latchkey.http.AccountMail accountMail = new dev.latchkey.http.AccountMail(db.jdbi(), accountStore,
                    new dev.latchkey.account.AccountLinks(db.jdbi(), secrets, dev.latchkey.account.AccountLinks.RESET),
                    new dev.latchkey.account.AccountLinks(db.jdbi(), secrets, dev.latchkey.account.AccountLinks.VERIFY),
                    new dev.latchkey.account.AccountLinks(db.jdbi(), secrets, dev.latchkey.account.AccountLinks.DELETE), codeSender,
                    publicUrl, clock);
            SecondFactorApi sharedFactorApi = new SecondFactorApi(gate, access, flow, factors, accounts, proof, stepUp, clock);
            dev.latchkey.http.SignInSends signInSends = new dev.latchkey.http.SignInSends(accountMail,
                    new dev.latchkey.account.PhoneCodes(db.jdbi(), secrets),
                    new dev.latchkey.account.AccountLinks(db.jdbi(), secrets, dev.latchkey.account.AccountLinks.PASSWORDLESS),
                    new dev.latchkey.account.SignInPolls(db.jdbi(), secrets), new dev.latchkey.message.SendLimits(db.jdbi(), secrets));
            RiskChallengeApi riskApi = new RiskChallengeApi(gate, flow, rba, factors, sharedFactorApi);
            dev.latchkey.http.PhoneApi phoneApi = new dev.latchkey.http.PhoneApi(gate, access, accounts, flow, signInSends, proof, clock);
            Routes.Route ready = new Routes.Route(Routes.Method.GET, Routes.READY, req -> {
                db.jdbi().useHandle(h -> h.execute("SELECT 1"));
                return Json.object().put("Status", "ready");
            });
            List<Routes.Route> routes = Routes.table(
                    new LoginApi(gate, flow),
                    sharedFactorApi,
                    new dev.latchkey.http.SmsCodeApi(gate, access, flow, factors),
                    new dev.latchkey.http.EmailCodeApi(gate, access, flow, factors),
                    new dev.latchkey.http.SecurityQuestionApi(gate, access, adminGate, flow, proof, factors),
                    new dev.latchkey.http.DeviceApi(gate, access, devices, accounts, clock),
                    new dev.latchkey.http.RegistrationApi(gate, accounts, flow, secrets, accountMail, phoneApi, clock),
                    new dev.latchkey.http.PasswordApi(gate, access, accounts, stepUp, accountMail),
                    new dev.latchkey.http.EmailVerificationApi(gate, accounts, flow, accountMail, clock),
                    new BackupCodeApi(gate, access, backupCodes, accounts, proof),
                    new PasskeyApi(gate, access, flow, passkeys, accounts, secrets, proof, stepUp, clock),
                    riskApi,
                    phoneApi,
                    new dev.latchkey.http.PasswordlessApi(gate, accounts, flow, signInSends, riskApi, clock),
                    new AccountApi(access, flow, clock),
                    new dev.latchkey.http.ProfileApi(gate, access, accounts, accountMail, proof),
                    new TokenApi(gate, tokens, accountStore),
                    new ManageAccountApi(gate, accounts, accountMail, clock),
                    new WebhookApi(gate, new Webhooks(db.jdbi(), secrets, clock, new TargetUrls(cfg.webhookResolver(), targetAddresses)), audit, clock),
                    new AdminApi(tenants, adminGate, db.jdbi(), outbox, messages, riskEvents, metrics, audit, clock),
                    new TemplateApi(adminGate, templates, audit, clock),
                    new AuditApi(adminGate, tenants, audit),
                    new dev.latchkey.http.TransferApi(adminGate, new dev.latchkey.transfer.TenantTransfer(db.jdbi(), secrets, tenants, accounts,
                            importedKeys, templates, audit, clock)),
                    new HostedApi(gate, flow, factors, secrets, codeSender, clock),
                    new ReauthApi(gate, access, flow, stepUp, accounts),
                    ready.endpoint(),
                    new dev.latchkey.http.AdminAccountApi(adminGate, accounts, accountStore, factors, tokens, devices, db.jdbi(), clock),
                    new dev.latchkey.http.AdminStatsApi(adminGate, audit, riskEvents, db.jdbi(), clock));
            HttpServer.Observability watched = new HttpServer.Observability(
                    new dev.latchkey.http.MetricsEndpoint(metrics, adminGate, secrets, cfg.observability().metricsToken()), metrics,
                    cfg.observability().accessLog());
            http = listen(cfg, routes, watched);
            if (cfg.observability().managementPort() != null) {
                management = listenForManagement(cfg, ready, watched);
            }
            boundPort[0] = http.port();
            Bootstrap.Result boot = Bootstrap.run(db.jdbi(), secrets, tenants, cfg.adminKey());
            adminKeyHash.set(boot.adminKeyHash());
            dispatchers = List.of(
                    new WebhookDispatcher(db.jdbi(), secrets, clock, cfg.webhookBackoffMillis(), cfg.webhookRetryForMillis(), metrics,
                            cfg.webhookResolver(), targetAddresses).start(),
                    new MessageDispatcher(db.jdbi(), secrets, tenantStore, delivery, new SmtpMailer(messaging.smtpCaFile()), new TwilioSms(), clock,
                            messaging.backoffMillis(), messaging.retryForMillis(), metrics).start());
            LOG.info("Latchkey serving on http://{}:{} ({} store, Argon2id {}, GeoIP {}{})", cfg.host(), http.port(),
                    (db.isH2() ? "H2 " + cfg.dataDir().toAbsolutePath() : "PostgreSQL") + ", " + db.poolSize() + " connections", hasher.params(),
                    geo.enabled() ? cfg.risk().geoipDb() : "off: the City and Country signals never fire",
                    management == null ? "" : "; /metrics and /health/ready also on port " + management.port());
            Purge purge = new Purge(db.jdbi(), clock, cfg.limits().retentionMillis(), cfg.limits().auditRetentionMillis()).start();
            LatchkeyServer server = new LatchkeyServer(db, http, management, nodeMetrics, dispatchers, geo, purge, audit, boot);
            // What the first logins would otherwise load or compile: after start-up, off its path (WARM_UP_AFTER_MILLIS).
            server.idle.schedule(() -> warmUp(List.of(
                    hasher::warmUp, // Argon2's code, and a generator's memory
                    dev.latchkey.account.Identifiers::warmUp, // ICU's normalisation and confusables data
                    () -> dev.latchkey.account.BreachedPasswords.contains("warm-up"),
                    Passkeys::warmUp, // webauthn4j's mappers
                    userAgents::warmUp)), // the user-agent regexes
                    WARM_UP_AFTER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            server.idle.scheduleWithFixedDelay(importedKeys::refresh, dev.latchkey.transfer.ImportedKeys.REFRESH_MILLIS,
                    dev.latchkey.transfer.ImportedKeys.REFRESH_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            return server;
        } catch (RuntimeException e) {
            if (http != null) {
                http.stop();
            }
            if (management != null) {
                management.stop();
            }
            if (audit != null) {
                audit.close();
            }
            dispatchers.forEach(OutboxDispatcher::close);
            geo.close();
            db.close();
            nodeMetrics.close();
            throw e;
        }
    }

    /**
     * The store: H2 in the data directory (made owner-only), or the PostgreSQL of {@code --db-url}. What commonly goes
     * wrong is told as what to do: a URL that is no JDBC URL, an H2 database another node holds, a database that cannot
     * be reached.
     */
    private static Database openDatabase(ServerConfig cfg, io.micrometer.core.instrument.MeterRegistry metrics) {
        String url = cfg.dbUrl();
        if (url == null) {
            DataDirectory.prepare(cfg.dataDir());
            url = Database.h2Url(cfg.dataDir());
        } else {
            String problem = Database.urlProblem(url);
            if (problem != null) {
                throw new StartupFailure(problem);
            }
        }
        Database db;
        try {
            int poolSize = cfg.dbPoolSize() > 0 ? cfg.dbPoolSize() : Database.defaultPoolSize(url, Runtime.getRuntime().availableProcessors());
            db = new Database(url, cfg.dbUser(), cfg.dbPassword(), poolSize, metrics);
        } catch (RuntimeException e) {
            if (Database.isH2InUse(e)) {
                throw new StartupFailure("The H2 database in " + cfg.dataDir().toAbsolutePath() + " is in use by another process, "
                        + "most likely another Latchkey node: H2 serves one node. Stop the other node or give this one another "
                        + "--data-dir; for several nodes, use PostgreSQL (--db-url jdbc:postgresql://host:5432/db).", e);
            }
            throw new StartupFailure("Cannot use the database " + Database.shown(url) + ": " + Database.reason(e)
                    + (cfg.dbUrl() == null ? ". Check --data-dir (LATCHKEY_DATA_DIR)." : ". Check --db-url, --db-user and --db-password "
                    + "(LATCHKEY_DB_URL, LATCHKEY_DB_USER, LATCHKEY_DB_PASSWORD) and that the database server runs."), e);
        }
        if (db.isH2()) {
            DataDirectory.restrictDatabaseFiles(cfg.dataDir());
        }
        return db;
    }

    /** Starts the HTTP server; a port another process holds is told with the option that picks another. */
    private static HttpServer listen(ServerConfig cfg, List<Routes.Route> routes, HttpServer.Observability watched) {
        try {
            int cores = Runtime.getRuntime().availableProcessors();
            // The hasher's places (a core each, its queue, its priority lane) and one per core for the logins it refuses.
            int passwordLogins = cores + cfg.limits().passwordHashingQueue() + cores + cores;
            return new HttpServer(cfg.host(), cfg.port(), routes, ClientAddress.trusting(cfg.risk().trustedProxies()),
                    cfg.limits().refuseTokensInQuery(), passwordLogins, watched).start();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("already in use")) {
                    String why = String.valueOf(t.getMessage());
                    if (why.contains("in use")) {
                        throw new StartupFailure("Port " + cfg.port() + " on " + cfg.host() + " is already in use by another program. "
                                + "Stop it, or give this node another port with --port (LATCHKEY_PORT).", e);
                    }
                    throw new StartupFailure("Cannot listen on " + cfg.host() + ":" + cfg.port() + " (" + why + "). Check --host "
                            + "(LATCHKEY_HOST; 0.0.0.0 listens on every address) and --port (LATCHKEY_PORT).", e);
                }
            }
            throw e;
        }
    }

    /** The management port ({@code --management-port}): {@code /metrics} and {@code /health/ready} only. */
    private static HttpServer listenForManagement(ServerConfig cfg, Routes.Route ready, HttpServer.Observability watched) {
        int port = cfg.observability().managementPort();
        try {
            return HttpServer.management(cfg.host(), port, ready, ClientAddress.trusting(cfg.risk().trustedProxies()), watched).start();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("already in use")) {
                    throw new StartupFailure("Cannot listen on the management port " + port + " on " + cfg.host() + " ("
                            + t.getMessage() + "). Give it another with --management-port (LATCHKEY_MANAGEMENT_PORT).", e);
                }
            }
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** The management port, or -1 when there is none. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /** The routes this node serves (the API's description is checked against them). */
    public List<Routes.Route> routes() {
        return http.routes();
    }

    /** The database pool's size this node took (given, or by where the database runs). */
    public int dbPoolSize() {
        return db.poolSize();
    }

    /** The node's database, for operational tools and tests. */
    public org.jdbi.v3.core.Jdbi jdbi() {
        return db.jdbi();
    }

    /** What the first start created (admin key, demo tenant), to print once; empty on later starts. */
    public Bootstrap.Result bootstrap() {
        return bootstrap;
    }

    /**
     * Reads the secret key from the data directory, creating it (and the directory) readable by the owner only on a
     * first start.
     */
    public static String secretKeyFromDataDir(Path dataDir) {
        return DataDirectory.secretKey(dataDir);
    }

    /** Writes the refusals the audit trail counts in memory now (tests); it also happens every few seconds. */
    public void flushAudit() {
        audit.flushRefusals();
    }

    /** Runs the purge of expired rows now (tests, operators' tools); it also runs every 10 minutes. */
    public java.util.Map<String, Integer> purgeNow() {
        return purge.run();
    }

    /**
     * Stops in the order that lets each part finish with the next still there: no new requests (those in flight are
     * answered), then the purge and the dispatchers, then the database last.
     */
    @Override
    public void close() {
        dev.latchkey.store.Background.stop(idle, "the idle timer");
        http.stop();
        if (management != null) {
            management.stop();
        }
        purge.close();
        audit.close();
        dispatchers.forEach(OutboxDispatcher::close);
        geo.close();
        db.close();
        metrics.close();
        LOG.info("Latchkey stopped");
    }
}

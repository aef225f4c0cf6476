package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics}: Prometheus's text format, for the admin key or the scrape token only, on the node's port and on
 * the management port; what it counts (logins by outcome and factor, lockouts, risk actions), the request histogram by
 * route template, the pool's and the JVM's meters. One node for the class: counters are read as differences.
 */
class MetricsTest {
    static final String SCRAPE_TOKEN = "scrape-token-0123456789abcdefghijklmnop";
    static TestServer s;

    @BeforeAll
    static void start() {
        // Proxies on loopback are believed (X-Origin-IP), so a login can come from "another address" (risk-based authentication).
        s = new TestServer(Backend.H2, TestServer.Options.DEFAULT.withRisk(new ServerConfig.Risk(null, "127.0.0.1/32")),
                new ServerConfig.Observability(SCRAPE_TOKEN, 0, false));
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    // ── Access ───────────────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void onlyTheAdminKeyOrTheScrapeTokenMayScrape() {
        for (String[] headers : new String[][] {{}, {"Authorization", "Bearer wrong-token-0123456789abcdefghijklmnop"},
                {"Authorization", "Bearer " + SCRAPE_TOKEN + "x"}, {"Authorization", "Basic " + SCRAPE_TOKEN},
                {"Authorization", "Bearer "}}) {
            Reply r = s.get("/metrics", headers);
            assertThat(r.status()).as(String.join(" ", headers)).isEqualTo(401);
            assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(6002);
            assertThat(r.json().get("Description").asText()).isEqualTo("Access Unauthorized, please use valid authorization to access this endpoint.");
            assertThat(r.raw()).doesNotContain("jvm_");
        }
        for (String key : new String[] {TestServer.ADMIN_KEY, SCRAPE_TOKEN}) {
            Reply r = s.get("/metrics", "Authorization", "Bearer " + key);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.raw()).contains("# TYPE latchkey_logins_total counter");
        }
        // The scrape token is no admin key.
        assertThat(s.get("/admin/v1/tenants", "Authorization", "Bearer " + SCRAPE_TOKEN).status()).isEqualTo(401);
    }

    @Test
    void theManagementPortServesMetricsAndReadinessOnly() throws Exception {
        int port = s.server.managementPort();
        assertThat(port).isPositive().isNotEqualTo(s.server.port());
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> open = get(client, port, "/metrics", null);
        assertThat(open.statusCode()).isEqualTo(401);
        assertThat(open.body()).contains("\"ErrorCode\":6002");
        HttpResponse<String> scraped = get(client, port, "/metrics", SCRAPE_TOKEN);
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("jvm_memory_used_bytes", "hikaricp_connections_active");
        HttpResponse<String> ready = get(client, port, "/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"Status\":\"ready\"}");
        for (String other : new String[] {"/admin/v1/tenants", "/", "/hosted", "/identity/v2/auth/account"}) {
            assertThat(get(client, port, other, TestServer.ADMIN_KEY).statusCode()).as(other).isEqualTo(404);
        }
        // Readiness is still on the main port.
        assertThat(s.get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void aShortScrapeTokenOrABusyManagementPortIsRefusedAtStart() throws Exception {
        java.nio.file.Path dataDir = java.nio.file.Files.createTempDirectory("latchkey-metrics").resolve("data");
        if (System.getenv("LATCHKEY_ALLOW_SHORT_KEYS") == null) {
            assertThatThrownBy(() -> LatchkeyServer.start(config(dataDir, new ServerConfig.Observability("x".repeat(31), null, false)),
                    java.time.Clock.systemUTC()).close())
                    .isInstanceOf(StartupFailure.class)
                    .hasMessage("The metrics token (--metrics-token, --metrics-token-file or LATCHKEY_METRICS_TOKEN) has 31 characters; it needs "
                            + "at least 32. Leave it out (the admin key scrapes /metrics too), or make one with 'openssl rand -hex 32'.");
            assertThat(dataDir).doesNotExist();
        }
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            assertThatThrownBy(() -> LatchkeyServer.start(config(dataDir, new ServerConfig.Observability(null, port, false)),
                    java.time.Clock.systemUTC()).close())
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageStartingWith("Cannot listen on the management port " + port + " on 127.0.0.1 (")
                    .hasMessageEndingWith("). Give it another with --management-port (LATCHKEY_MANAGEMENT_PORT).");
        }
        // The failed start let go of everything: the same data directory starts a node.
        LatchkeyServer.start(config(dataDir, ServerConfig.Observability.DEFAULT), java.time.Clock.systemUTC()).close();
    }

    private static ServerConfig config(java.nio.file.Path dataDir, ServerConfig.Observability observability) {
        return new ServerConfig("127.0.0.1", 0, dataDir, null, null, null, TestServer.ADMIN_KEY, TestServer.SECRET_KEY, 4,
                dev.latchkey.crypto.PasswordHasher.DEFAULT, true, 100, 60_000, TestServer.Options.DEFAULT.messaging(), ServerConfig.Risk.NONE,
                ServerConfig.Limits.DEFAULT, dev.latchkey.webhook.HostResolver.system(), observability);
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ── What it counts ───────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void anMfaLoginIsCountedByOutcomeAndFactorAndTimedByRoute() {
        TestTenant t = s.tenant("{\"Name\":\"m\",\"TwoFactorAuthentication\":{\"IsEnabled\":true},\"Security\":{\"MaxPasswordAttempts\":3}}");
        String uid = t.account("ann@example.com", "correct-horse-1");
        List<String> codes = t.backupCodes(uid);
        Samples before = scrape();

        assertThat(t.login("ann@example.com", "wrong-horse-1").status()).isEqualTo(401); // a failed login
        String token = t.secondFactorToken("ann@example.com", "correct-horse-1");
        assertThat(t.redeem(token, "aaaaa-bbbbb").json().get("ErrorCode").asInt()).isEqualTo(1129); // a wrong backup code
        Reply done = t.redeem(token, codes.get(0));
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.text("access_token")).isNotNull();

        // A request is timed once its answer is sent: wait for the last one.
        Samples after = scrapeUntil(x -> x.delta(before, "http_server_requests_seconds_count", "method", "PUT",
                "route", "/identity/v2/auth/login/2fa/verification/backupcode", "status", "200") > 0);
        assertThat(after.delta(before, "latchkey_logins_total", "outcome", "success", "factor", "backupcode")).isEqualTo(1);
        assertThat(after.delta(before, "latchkey_logins_total", "outcome", "failure", "factor", "password")).isEqualTo(1);
        assertThat(after.delta(before, "latchkey_logins_total", "outcome", "failure", "factor", "backupcode")).isEqualTo(1);
        assertThat(after.delta(before, "latchkey_second_factor_failures_total", "factor", "backupcode")).isEqualTo(1);
        assertThat(after.delta(before, "latchkey_logins_total", "outcome", "success", "factor", "password")).isZero();
        // The request histogram: route templates with their buckets, never a path with a uid in it.
        assertThat(after.find("http_server_requests_seconds_bucket", "method", "POST", "route", "/identity/v2/auth/login/2fa", "status", "200"))
                .isNotEmpty();
        assertThat(after.find("http_server_requests_seconds_bucket", "method", "POST", "route", "/identity/v2/auth/login/2fa", "status", "401"))
                .isNotEmpty();
        assertThat(after.delta(before, "http_server_requests_seconds_count", "method", "PUT",
                "route", "/identity/v2/auth/login/2fa/verification/backupcode", "status", "200")).isEqualTo(1);
        assertThat(after.find("http_server_requests_seconds_bucket", "route", "/identity/v2/auth/login/2fa", "le", "+Inf")).isNotEmpty();
        assertThat(after.text).doesNotContain(uid).doesNotContain(token).doesNotContain(t.apiKey());
        t.manage("GET", "/identity/v2/manage/account/" + uid, null);
        Samples byUid = scrapeUntil(x -> !x.find("http_server_requests_seconds_count", "route", "/identity/v2/manage/account/{uid}").isEmpty());
        assertThat(byUid.find("http_server_requests_seconds_count", "method", "GET", "route", "/identity/v2/manage/account/{uid}")).isNotEmpty();
        assertThat(byUid.text()).doesNotContain(uid);
        // The pool and the JVM.
        assertThat(after.find("hikaricp_connections_active", "pool", "latchkey")).isNotEmpty();
        assertThat(after.find("hikaricp_connections_max", "pool", "latchkey")).containsExactly(8.0);
        assertThat(after.find("latchkey_db_connections_waiting")).containsExactly(0.0); // waiting before the pool, not in it
        assertThat(after.find("jvm_memory_used_bytes", "area", "heap")).isNotEmpty();
        assertThat(after.find("jvm_threads_live_threads")).isNotEmpty();
        assertThat(after.find("jvm_classes_loaded_classes")).isNotEmpty();
        assertThat(after.find("process_uptime_seconds")).isNotEmpty();
        assertThat(after.find("system_cpu_count")).isNotEmpty();
    }

    @Test
    void lockoutsAndRefusalsAreCounted() {
        TestTenant t = s.tenant("{\"Name\":\"l\",\"Security\":{\"MaxPasswordAttempts\":2}}");
        t.account("bob@example.com", "correct-horse-2");
        Samples before = scrape();
        assertThat(t.login("bob@example.com", "wrong-horse-2").status()).isEqualTo(401);
        assertThat(t.login("bob@example.com", "wrong-horse-2").status()).isEqualTo(401); // the second locks
        Reply locked = t.login("bob@example.com", "correct-horse-2");
        assertThat(locked.json().get("ErrorCode").asInt()).isEqualTo(1198);
        Samples after = scrape();
        assertThat(after.delta(before, "latchkey_logins_total", "outcome", "failure", "factor", "password")).isEqualTo(2);
        assertThat(after.delta(before, "latchkey_lockouts_total", "factor", "password")).isEqualTo(1);
        assertThat(after.delta(before, "latchkey_logins_total", "outcome", "refused", "factor", "password")).isEqualTo(1);
        assertThat(after.delta(before, "latchkey_logins_total", "outcome", "success", "factor", "password")).isZero();
        // The node's own counters, as JSON for the admin API.
        Reply json = s.admin("GET", "/admin/v1/metrics", null);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.json().get("latchkey.lockouts.password").asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(json.json().has("latchkey.webhook.deliveries.delivered")).isTrue();
        json.json().fieldNames().forEachRemaining(name -> assertThat(name).startsWith("latchkey."));
    }

    @Test
    void riskActionsAreCounted() {
        TestTenant t = s.tenant("{\"Name\":\"r\",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true,\"Action\":\"Block\",\"NotifyUser\":false}}}");
        t.account("cy@example.com", "correct-horse-3");
        Samples before = scrape();
        String body = "{\"email\":\"cy@example.com\",\"password\":\"correct-horse-3\"}";
        Reply first = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), body, "Content-Type", "application/json",
                "X-Origin-IP", "81.2.69.142");
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        Reply elsewhere = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), body, "Content-Type", "application/json",
                "X-Origin-IP", "89.160.20.112");
        assertThat(elsewhere.json().get("ErrorCode").asInt()).as(elsewhere.raw()).isEqualTo(1164);
        Samples after = scrape();
        assertThat(after.delta(before, "latchkey_risk_actions_total", "action", "block")).isEqualTo(1);
        assertThat(after.delta(before, "latchkey_risk_actions_total", "action", "notify")).isZero();
        assertThat(after.delta(before, "latchkey_logins_total", "outcome", "success", "factor", "password")).isEqualTo(1);
        assertThat(after.delta(before, "latchkey_logins_total", "outcome", "refused", "factor", "other")).isEqualTo(1);
    }

    /** docs/grafana-dashboard.json: a Prometheus datasource input, and every meter its queries read is one the node publishes. */
    @Test
    void theDashboardReadsMetersTheNodePublishes() throws Exception {
        com.fasterxml.jackson.databind.JsonNode dashboard = dev.latchkey.json.Json.parse(
                java.nio.file.Files.readString(java.nio.file.Path.of("docs/grafana-dashboard.json")));
        assertThat(dashboard.at("/__inputs/0/pluginId").asText()).isEqualTo("prometheus");
        List<String> queries = new ArrayList<>();
        dashboard.get("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.get("expr").asText())));
        assertThat(queries).hasSizeGreaterThan(15);
        // A collection pause is published once the collector has paused; a request once one was answered.
        System.gc();
        assertThat(s.get("/health/ready").status()).isEqualTo(200);
        Samples now = scrape();
        for (long until = System.currentTimeMillis() + 5_000; (now.find("jvm_gc_pause_seconds_sum").isEmpty()
                || now.find("http_server_requests_seconds_bucket").isEmpty()) && System.currentTimeMillis() < until; ) {
            Thread.sleep(100);
            now = scrape();
        }
        java.util.Set<String> published = new java.util.HashSet<>();
        now.all().forEach(x -> published.add(x.name()));
        Matcher meter = Pattern.compile("\\b(?:latchkey|http_server|hikaricp|jvm|process)_[a-z_]+").matcher(String.join("\n", queries));
        int names = 0;
        while (meter.find()) {
            assertThat(published).as(meter.group()).contains(meter.group());
            names++;
        }
        assertThat(names).isGreaterThan(15);
        assertThat(String.join("\n", queries)).contains("histogram_quantile(0.5, ", "histogram_quantile(0.99, ",
                "http_server_requests_seconds_bucket", "hikaricp_connections_active", "jvm_memory_used_bytes", "latchkey_lockouts_total",
                "latchkey_risk_actions_total", "latchkey_logins_total");
    }

    // ── Reading the text format ──────────────────────────────────────────────────────────────────────────────────

    private static Samples scrape() {
        Reply r = s.get("/metrics", "Authorization", "Bearer " + SCRAPE_TOKEN);
        assertThat(r.status()).isEqualTo(200);
        return new Samples(r.raw());
    }

    /** A scrape that shows what {@code expected} looks for (asked again for up to 5 s), or the last one. */
    private static Samples scrapeUntil(java.util.function.Predicate<Samples> expected) {
        Samples now = scrape();
        for (long until = System.currentTimeMillis() + 5_000; !expected.test(now) && System.currentTimeMillis() < until; ) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now = scrape();
        }
        return now;
    }

    /** The samples of one scrape: name, labels, value. */
    record Samples(String text, List<Sample> all) {
        record Sample(String name, Map<String, String> labels, double value) {}

        private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        Samples(String text) {
            this(text, parse(text));
        }

        private static List<Sample> parse(String text) {
            List<Sample> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                assertThat(m.matches()).as(line).isTrue();
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
            }
            return out;
        }

        /** The values of the samples named so whose labels include the given pairs. */
        List<Double> find(String name, String... labels) {
            return all.stream().filter(x -> x.name().equals(name) && has(x.labels(), labels)).map(Sample::value).toList();
        }

        /** The one sample named so with exactly the given labels' values; 0 when absent. */
        double value(String name, String... labels) {
            List<Double> found = find(name, labels);
            assertThat(found.size()).as(name + " " + String.join(",", labels)).isLessThanOrEqualTo(1);
            return found.isEmpty() ? 0 : found.get(0);
        }

        double delta(Samples before, String name, String... labels) {
            return value(name, labels) - before.value(name, labels);
        }

        private static boolean has(Map<String, String> actual, String... labels) {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(actual.get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }
    }
}

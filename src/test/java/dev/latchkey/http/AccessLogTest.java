package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.server.JsonLogLayout;
import dev.latchkey.server.LogFormat;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log (one line per request, logger {@code latchkey.access}: never a query string, a header's value or a
 * body), the correlation id (taken when sane, else made; echoed, in the MDC, in the 500's log line), and the JSON log
 * format ({@code --log-format json}).
 */
class AccessLogTest {
    static final String API_KEY = "0b1e5f7e-aaaa-4bbb-8ccc-0123456789ab";
    static final String API_SECRET = "secret-in-the-query-5f1d2c3b";
    static final String ACCESS_TOKEN = "token-in-the-query-77aa66bb";
    static final String BEARER = "bearer-in-the-header-99cc88dd";

    static TestServer s;
    static final Captured access = new Captured();
    static final Captured failures = new Captured();

    /** Keeps events, their MDC and message fixed at the moment they were logged. */
    static final class Captured extends AppenderBase<ILoggingEvent> {
        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            events.add(event);
        }

        /** The event with this correlation id, waited for (the access line is written once the answer is sent). */
        ILoggingEvent await(String correlationId) {
            long until = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < until) {
                for (ILoggingEvent e : events) {
                    if (correlationId.equals(e.getMDCPropertyMap().get("correlationId"))) {
                        return e;
                    }
                }
                sleep(20);
            }
            throw new AssertionError("no log line with correlation id " + correlationId + " in " + events.stream().map(ILoggingEvent::getFormattedMessage).toList());
        }

        boolean none(String correlationId) {
            sleep(300);
            return events.stream().noneMatch(e -> correlationId.equals(e.getMDCPropertyMap().get("correlationId")));
        }
    }

    @BeforeAll
    static void start() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        access.setContext(context);
        access.start();
        context.getLogger("latchkey.access").addAppender(access);
        failures.setContext(context);
        failures.start();
        context.getLogger(HttpServer.class).addAppender(failures);
        s = new TestServer(Backend.H2, TestServer.Options.DEFAULT, new ServerConfig.Observability(null, null, true));
    }

    @AfterAll
    static void stop() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger("latchkey.access").detachAppender(access);
        context.getLogger(HttpServer.class).detachAppender(failures);
        if (s != null) {
            s.close();
        }
    }

    @Test
    void aRequestIsOneLineWithoutItsQueryStringOrHeaders() {
        String query = "?apikey=" + API_KEY + "&apisecret=" + API_SECRET + "&access_token=" + ACCESS_TOKEN;
        Reply r = s.get("/identity/v2/auth/account" + query, "Authorization", "Bearer " + BEARER, "X-Correlation-Id", "req-1.A_b",
                "User-Agent", "agent-" + API_SECRET);
        assertThat(r.status()).isEqualTo(403); // an unknown apikey
        assertThat(r.headers().firstValue("X-Correlation-Id")).hasValue("req-1.A_b");
        ILoggingEvent line = access.await("req-1.A_b");
        assertThat(line.getLoggerName()).isEqualTo("latchkey.access");
        assertThat(line.getLevel().toString()).isEqualTo("INFO");
        assertThat(line.getFormattedMessage()).isEqualTo("GET /identity/v2/auth/account 403 " + line.getKeyValuePairs().get(3).value
                + " ms " + r.raw().getBytes(StandardCharsets.UTF_8).length + " B from 127.0.0.1 [correlation id req-1.A_b]");
        String json = new JsonLogLayout().doLayout(line);
        assertThat(json).endsWith("\n").doesNotContain("\n" + "{");
        JsonNode parsed = Json.parse(json);
        assertThat(parsed.get("level").asText()).isEqualTo("INFO");
        assertThat(parsed.get("logger").asText()).isEqualTo("latchkey.access");
        assertThat(parsed.get("correlationId").asText()).isEqualTo("req-1.A_b");
        assertThat(parsed.get("method").asText()).isEqualTo("GET");
        assertThat(parsed.get("path").asText()).isEqualTo("/identity/v2/auth/account");
        assertThat(parsed.get("status").asInt()).isEqualTo(403);
        assertThat(parsed.get("bytes").asLong()).isEqualTo(r.raw().getBytes(StandardCharsets.UTF_8).length);
        assertThat(parsed.get("durationMs").isIntegralNumber()).isTrue();
        assertThat(parsed.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(parsed.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(parsed.has("thread")).isTrue();
        for (String secret : new String[] {API_KEY, API_SECRET, ACCESS_TOKEN, BEARER, "apikey", "?", "Bearer", "agent-"}) {
            assertThat(line.getFormattedMessage()).doesNotContain(secret);
            assertThat(json).doesNotContain(secret);
        }
    }

    @Test
    void aPathNoRouteMatchesIsLoggedWithoutItsQuery() {
        Reply r = s.get("/no/such/place?apikey=" + API_KEY + "&apisecret=" + API_SECRET, "X-Correlation-Id", "req-404");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(404);
        assertThat(r.headers().firstValue("X-Correlation-Id")).hasValue("req-404");
        String message = access.await("req-404").getFormattedMessage();
        assertThat(message).startsWith("GET /no/such/place 404 ").doesNotContain(API_KEY).doesNotContain(API_SECRET).doesNotContain("?");
        // A route's template is logged, never the uid in its path.
        TestServer.TestTenant t = s.mfaTenant(false);
        String uid = t.account("dee@example.com", "correct-horse-4");
        Reply got = s.send("GET", "/identity/v2/manage/account/" + uid + "?apikey=" + t.apiKey() + "&apisecret=" + t.apiSecret(), null,
                "X-Correlation-Id", "req-uid");
        assertThat(got.status()).isEqualTo(200);
        assertThat(access.await("req-uid").getFormattedMessage()).startsWith("GET /identity/v2/manage/account/{uid} 200 ").doesNotContain(uid);
    }

    @Test
    void aCorrelationIdIsTakenOnlyWhenSane() {
        String[] insane = {"two words", "x".repeat(65), "<script>", "id\u00e9", "a/b", ""};
        for (String offered : insane) {
            Reply r = s.get("/health/ready", "X-Correlation-Id", offered);
            String echoed = r.headers().firstValue("X-Correlation-Id").orElseThrow();
            assertThat(echoed).as(offered).isNotEqualTo(offered).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(access.await(echoed).getFormattedMessage()).doesNotContain(offered.isEmpty() ? "\u0000" : offered);
        }
        assertThat(s.get("/health/ready", "X-Correlation-Id", "x".repeat(64)).headers().firstValue("X-Correlation-Id")).hasValue("x".repeat(64));
        // None offered: each request gets its own.
        String first = s.get("/health/ready").headers().firstValue("X-Correlation-Id").orElseThrow();
        String second = s.get("/").headers().firstValue("X-Correlation-Id").orElseThrow();
        assertThat(first).isNotEqualTo(second);
        assertThat(access.await(second).getFormattedMessage()).startsWith("GET / 200 ");
        assertThat(RequestTelemetry.correlationId("ok-id_1.2")).isEqualTo("ok-id_1.2");
        assertThat(RequestTelemetry.correlationId(null)).hasSize(36);
    }

    @Test
    void anUnexpectedFailureIsLoggedWithTheRequestsCorrelationId() {
        try (TestServer broken = new TestServer(Backend.H2, TestServer.Options.DEFAULT, new ServerConfig.Observability(null, null, true))) {
            TestServer.TestTenant t = broken.mfaTenant(false);
            String uid = t.account("broken@example.com", "broken-password");
            broken.server.jdbi().useHandle(h -> h.execute("DROP TABLE backup_codes"));
            Reply r = broken.send("GET", "/identity/v2/manage/account/2fa/backupcode?uid=" + uid + "&apikey=" + t.apiKey() + "&apisecret="
                    + t.apiSecret(), null, "X-Correlation-Id", "req-500");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(7909);
            assertThat(r.headers().allValues("X-Correlation-Id")).containsExactly("req-500");
            ILoggingEvent failure = failures.await("req-500");
            assertThat(failure.getFormattedMessage()).isEqualTo(
                    "unexpected failure on GET /identity/v2/manage/account/2fa/backupcode [correlation id req-500]");
            assertThat(failure.getThrowableProxy()).isNotNull();
            JsonNode json = Json.parse(new JsonLogLayout().doLayout(failure));
            assertThat(json.get("level").asText()).isEqualTo("ERROR");
            assertThat(json.get("correlationId").asText()).isEqualTo("req-500");
            assertThat(json.get("exception").asText()).contains("backup_codes");
            assertThat(access.await("req-500").getFormattedMessage()).startsWith("GET /identity/v2/manage/account/2fa/backupcode 500 ");
        }
    }

    @Test
    void theAccessLogCanBeTurnedOff() {
        try (TestServer quiet = new TestServer(Backend.H2)) {
            Reply r = quiet.get("/health/ready", "X-Correlation-Id", "req-quiet");
            assertThat(r.headers().firstValue("X-Correlation-Id")).hasValue("req-quiet");
            assertThat(access.none("req-quiet")).isTrue();
        }
    }

    @Test
    void jsonFormatWritesOneObjectPerLine() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDERR");
        Encoder<ILoggingEvent> text = console.getEncoder();
        PrintStream err = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            LogFormat.use("json");
            org.slf4j.Logger log = LoggerFactory.getLogger("latchkey.test");
            org.slf4j.MDC.put("correlationId", "req-json");
            try {
                log.info("a line with \"quotes\"\nand a newline");
                log.warn("a failure", new IllegalStateException("broken"));
            } finally {
                org.slf4j.MDC.remove("correlationId");
            }
        } finally {
            console.stop();
            console.setEncoder(text);
            console.start();
            System.setErr(err);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("latchkey.test")).toList();
        assertThat(lines).hasSize(2);
        JsonNode first = Json.parse(lines.get(0));
        assertThat(first.get("message").asText()).isEqualTo("a line with \"quotes\"\nand a newline");
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("latchkey.test");
        assertThat(first.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(first.get("correlationId").asText()).isEqualTo("req-json");
        assertThat(first.has("exception")).isFalse();
        JsonNode second = Json.parse(lines.get(1));
        assertThat(second.get("level").asText()).isEqualTo("WARN");
        assertThat(second.get("exception").asText()).startsWith("java.lang.IllegalStateException: broken");
        // text changes nothing
        LogFormat.use("text");
        assertThat(console.getEncoder()).isSameAs(text);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

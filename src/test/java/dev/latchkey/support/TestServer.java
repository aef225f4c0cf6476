package dev.latchkey.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.json.Json;
import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real Latchkey node on a random port, over H2 in a temp directory or a fresh PostgreSQL schema, and an HTTP client. */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdefghij";
    public static final String SECRET_KEY = "test-secret-key-0123456789abcdef";

    public final Backend backend;
    public final MutableClock clock = new MutableClock();
    public final LatchkeyServer server;
    public final String base;
    private final String pgUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An HTTP answer: status, parsed JSON (null when not JSON), the raw text and the headers. */
    public record Reply(int status, JsonNode json, String raw, java.net.http.HttpHeaders headers) {
        public String text(String field) {
            return json.path(field).asText(null);
        }
    }

    public TestServer(Backend backend) {
        this(backend, PasswordHasher.DEFAULT);
    }

    public TestServer(Backend backend, PasswordHasher.Params hashing) {
        this(backend, hashing, null, Options.DEFAULT);
    }

    /**
     * What a test node is given beyond its store: email and SMS delivery, the GeoIP database and trusted proxies.
     * Unsent messages are retried after 100 ms, doubling, for a minute.
     */
    public record Options(ServerConfig.Messaging messaging, ServerConfig.Risk risk, ServerConfig.Limits limits, WebhookTargets webhookTargets) {
        public static final Options DEFAULT = new Options(new ServerConfig.Messaging(null, ServerConfig.Messaging.NONE.smtp(),
                ServerConfig.Messaging.NONE.sms(), 100, 60_000, null), ServerConfig.Risk.NONE, ServerConfig.Limits.DEFAULT,
                WebhookTargets.LOOPBACK_RECEIVERS);

        /** A node whose email goes to a local SMTP server on {@code port} (a GreenMail {@link Mailbox}), from {@code from}; no SMS, no risk. */
        public static Options mailTo(int port, String from) {
            return new Options(new ServerConfig.Messaging(null, new dev.latchkey.message.DeliverySettings.Smtp("127.0.0.1", port, "none", null,
                    null, from), ServerConfig.Messaging.NONE.sms(), 100, 60_000, null), ServerConfig.Risk.NONE);
        }

        public Options(ServerConfig.Messaging messaging, ServerConfig.Risk risk) {
            this(messaging, risk, ServerConfig.Limits.DEFAULT, WebhookTargets.LOOPBACK_RECEIVERS);
        }

        public Options withLimits(ServerConfig.Limits newLimits) {
            return new Options(messaging, risk, newLimits, webhookTargets);
        }

        public Options withRisk(ServerConfig.Risk newRisk) {
            return new Options(messaging, newRisk, limits, webhookTargets);
        }

        public Options withWebhookTargets(WebhookTargets targets) {
            return new Options(messaging, risk, limits, targets);
        }

        /** MaxMind's test City database (src/test/resources/geoip). */
        public static java.nio.file.Path geoipTestDb() {
            try {
                return java.nio.file.Path.of(TestServer.class.getResource("/geoip/GeoIP2-City-Test.mmdb").toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Where webhooks may go: test receivers listen on loopback, so by default private targets are allowed and names
     * resolve through the system; the SSRF tests refuse them and answer names from a map of their own.
     */
    public record WebhookTargets(boolean allowPrivate, dev.latchkey.webhook.HostResolver resolver) {
        public static final WebhookTargets LOOPBACK_RECEIVERS = new WebhookTargets(true, dev.latchkey.webhook.HostResolver.system());
    }

    public TestServer(Backend backend, Options options) {
        this(backend, PasswordHasher.DEFAULT, null, options);
    }

    /** A node watched with {@code observability}: a scrape token, a management port, the access log. */
    public TestServer(Backend backend, Options options, ServerConfig.Observability observability) {
        this(backend, PasswordHasher.DEFAULT, null, options, SECRET_KEY, observability);
    }

    /** A second node over the same PostgreSQL schema as {@code first} (same secret key): the two-node tests. */
    public static TestServer sharing(TestServer first) {
        if (first.pgUrl == null) {
            throw new IllegalArgumentException("nodes share a PostgreSQL database");
        }
        return new TestServer(Backend.POSTGRES, PasswordHasher.DEFAULT, first.pgUrl, first.options);
    }

    /** A node with its own secret key (another deployment: what it hashes and seals, no other node can read). */
    public static TestServer withSecretKey(Backend backend, String secretKey) {
        return new TestServer(backend, PasswordHasher.DEFAULT, null, Options.DEFAULT, secretKey);
    }

    public final Options options;

    private final boolean ownsSchema;

    private TestServer(Backend backend, PasswordHasher.Params hashing, String sharedPgUrl, Options options) {
        this(backend, hashing, sharedPgUrl, options, SECRET_KEY, ServerConfig.Observability.DEFAULT);
    }

    private TestServer(Backend backend, PasswordHasher.Params hashing, String sharedPgUrl, Options options, String secretKey) {
        this(backend, hashing, sharedPgUrl, options, secretKey, ServerConfig.Observability.DEFAULT);
    }

    private TestServer(Backend backend, PasswordHasher.Params hashing, String sharedPgUrl, Options options, String secretKey,
                       ServerConfig.Observability observability) {
        this.backend = backend;
        this.options = options;
        try {
            Path dir = Files.createTempDirectory("latchkey-test");
            this.ownsSchema = sharedPgUrl == null;
            this.pgUrl = sharedPgUrl != null ? sharedPgUrl : backend == Backend.POSTGRES ? Backend.freshPostgresSchema() : null;
            ServerConfig cfg = new ServerConfig("127.0.0.1", 0, dir, pgUrl,
                    pgUrl == null ? null : Backend.PG_USER, pgUrl == null ? null : Backend.PG_PASSWORD,
                    ADMIN_KEY, secretKey, 8, hashing, options.webhookTargets().allowPrivate(), 100, 60_000, options.messaging(),
                    options.risk(), options.limits(), options.webhookTargets().resolver(), observability);
            this.server = LatchkeyServer.start(cfg, clock);
            this.base = "http://127.0.0.1:" + server.port();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    public Reply send(String method, String pathAndQuery, String body, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30));
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = r.body().isEmpty() ? null : Json.parse(r.body());
            } catch (RuntimeException e) {
                json = null;
            }
            return new Reply(r.statusCode(), json, r.body(), r.headers());
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    public Reply get(String pathAndQuery, String... headers) {
        return send("GET", pathAndQuery, null, headers);
    }

    public Reply admin(String method, String path, String body) {
        return send(method, path, body, "Authorization", "Bearer " + ADMIN_KEY, "Content-Type", "application/json");
    }

    /** A tenant created through the admin API; {@code body} as the admin API takes it. */
    public TestTenant tenant(String body) {
        Reply r = admin("POST", "/admin/v1/tenants", body);
        if (r.status() != 200) {
            throw new IllegalStateException(r.raw());
        }
        return new TestTenant(this, r.text("ApiKey"), r.text("ApiSecret"));
    }

    public TestTenant mfaTenant(boolean required) {
        return tenant("{\"Name\":\"t\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":" + required + "}}");
    }

    @Override
    public void close() {
        server.close();
        if (pgUrl != null && ownsSchema) {
            Backend.dropPostgresSchema(pgUrl);
        }
    }

    /** A tenant's keys and the calls tests make with them. */
    public record TestTenant(TestServer s, String apiKey, String apiSecret) {
        public Reply manage(String method, String path, String body) {
            String sep = path.contains("?") ? "&" : "?";
            return s.send(method, path + sep + "apikey=" + apiKey + "&apisecret=" + apiSecret, body, "Content-Type", "application/json");
        }

        /** Creates an account with an email and password; returns its Uid. */
        public String account(String email, String password) {
            Reply r = manage("POST", "/identity/v2/manage/account",
                    "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"" + password + "\",\"FirstName\":\"Test\"}");
            if (r.status() != 200) {
                throw new IllegalStateException(r.raw());
            }
            return r.text("Uid");
        }

        public Reply login(String email, String password) {
            return s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + apiKey,
                    "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", "Content-Type", "application/json");
        }

        /** Step 1 that must ask for a second factor; returns the SecondFactorAuthenticationToken. */
        public String secondFactorToken(String email, String password) {
            Reply r = login(email, password);
            String t = r.json().path("SecondFactorAuthentication").path("SecondFactorAuthenticationToken").asText(null);
            if (r.status() != 200 || t == null) {
                throw new IllegalStateException(r.raw());
            }
            return t;
        }

        public java.util.List<String> backupCodes(String uid) {
            Reply r = manage("GET", "/identity/v2/manage/account/2fa/backupcode/reset?uid=" + uid, null);
            if (r.status() != 200) {
                throw new IllegalStateException(r.raw());
            }
            java.util.List<String> codes = new java.util.ArrayList<>();
            r.json().get("BackUpCodes").forEach(c -> codes.add(c.asText()));
            return codes;
        }

        public Reply redeem(String token, String code) {
            ObjectNode body = Json.object().put("backupcode", code);
            return s.send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + apiKey
                    + "&secondfactorauthenticationtoken=" + token, Json.write(body), "Content-Type", "application/json");
        }
    }
}

package dev.latchkey.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Login events delivered over real HTTP to a receiver on loopback: payload, signature, suppression, retries. */
class WebhookDeliveryTest {
    static TestServer s;
    static HttpServer receiver;
    static final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    /** How many requests to /flaky fail with 500 before it answers 200. */
    static final AtomicInteger failuresLeft = new AtomicInteger();

    record Received(String path, String query, String protocol, Map<String, List<String>> headers, String body) {}

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Backend.H2);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 200;
            if (ex.getRequestURI().getPath().equals("/flaky") && failuresLeft.getAndDecrement() > 0) {
                status = 500;
            }
            if (ex.getRequestURI().getPath().equals("/moved")) {
                ex.getResponseHeaders().add("Location", url("/moved-here"));
                status = 302;
            }
            received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestURI().getQuery(), ex.getProtocol(),
                    Map.copyOf(ex.getRequestHeaders()), body));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
        s.close();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private static List<Received> waitFor(String path, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            List<Received> got;
            synchronized (received) {
                got = received.stream().filter(r -> r.path().equals(path)).toList();
            }
            if (got.size() >= count) {
                return got;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + count + " deliveries to " + path + "; got " + received);
    }

    @Test
    void aLoginIsDeliveredSignedWithTheDocumentedPayload() throws Exception {
        TestTenant t = s.mfaTenant(false);
        Reply hook = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"" + url("/login") + "\","
                + "\"Headers\":{\"X-Team\":\"blue\"},\"QueryParams\":{\"src\":\"latchkey\"},"
                + "\"Authentication\":{\"AuthType\":\"Basic\",\"BasicAuth\":{\"Username\":\"hook\",\"Password\":\"s3cret\"}}}");
        String uid = t.account("hooked@example.com", "hooked-password");
        assertThat(t.login("hooked@example.com", "hooked-password").status()).isEqualTo(200);

        Received r = waitFor("/login", 1).get(0);
        JsonNode payload = Json.parse(r.body());
        List<String> keys = new ArrayList<>();
        payload.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("HookName", "Time", "HookId", "Data");
        assertThat(payload.get("HookName").asText()).isEqualTo("login");
        assertThat(payload.get("HookId").asText()).isEqualTo(hook.json().get("Id").asText());
        assertThat(payload.get("Time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(payload.get("Data").get("Uid").asText()).isEqualTo(uid);
        assertThat(payload.get("Data").get("NoOfLogins").asInt()).isEqualTo(1);
        // signature = upper-case hex HMAC-SHA256 of the raw body, keyed with the tenant's API secret.
        assertThat(r.headers().get("Signature").get(0)).isEqualTo(WebhookDispatcher.sign(t.apiSecret(), r.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(r.headers().get("Signature").get(0)).matches("[0-9A-F]{64}");
        assertThat(r.headers().get("X-latchkey-delivery").get(0)).matches("[0-9a-f-]{36}");
        assertThat(r.headers().get("X-team").get(0)).isEqualTo("blue");
        assertThat(r.headers().get("Authorization").get(0)).isEqualTo("Basic aG9vazpzM2NyZXQ=");
        assertThat(r.query()).isEqualTo("src=latchkey");
        // HTTP/1.1, with no offer to upgrade the connection to HTTP/2 (h2c), which some receivers and proxies refuse.
        assertThat(r.protocol()).isEqualTo("HTTP/1.1");
        assertThat(r.headers()).doesNotContainKeys("Upgrade", "Http2-settings");
        assertThat(r.headers().getOrDefault("Connection", List.of()).toString().toLowerCase(java.util.Locale.ROOT)).doesNotContain("upgrade");
    }

    /** Headers a receiver might want, of every kind the subscription validation accepts (20: the most a webhook has). */
    static final Map<String, String> ACCEPTED_HEADERS = new java.util.LinkedHashMap<>();

    static {
        ACCEPTED_HEADERS.put("Accept", "application/json");
        ACCEPTED_HEADERS.put("Accept-Encoding", "br");
        ACCEPTED_HEADERS.put("Accept-Language", "en-GB, fr;q=0.8");
        ACCEPTED_HEADERS.put("Authorization", "Token abc.def");
        ACCEPTED_HEADERS.put("Cache-Control", "no-cache");
        ACCEPTED_HEADERS.put("Cookie", "session=abc; team=blue");
        ACCEPTED_HEADERS.put("Date", "Tue, 15 Nov 1994 08:12:31 GMT");
        ACCEPTED_HEADERS.put("Forwarded", "for=192.0.2.60;proto=http");
        ACCEPTED_HEADERS.put("If-Match", "\"xyzzy\"");
        ACCEPTED_HEADERS.put("Max-Forwards", "3");
        ACCEPTED_HEADERS.put("Origin", "https://app.example.com");
        ACCEPTED_HEADERS.put("Referer", "https://app.example.com/");
        ACCEPTED_HEADERS.put("Request-Id", "|abc.1");
        ACCEPTED_HEADERS.put("X-Forwarded-For", "203.0.113.9");
        ACCEPTED_HEADERS.put("X-Api-Key", "k-123");
        ACCEPTED_HEADERS.put("X-Tab", "a\tb");
        ACCEPTED_HEADERS.put("X-Spaces", "a  b");
        ACCEPTED_HEADERS.put("X-Empty", "");
        ACCEPTED_HEADERS.put("X-Symbols", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
        ACCEPTED_HEADERS.put("x.odd_name!#$%&'*+^`|~", "v");
    }

    /**
     * The header lines of one request, exactly as they arrived (the receiver above, the JDK's, rewrites some values:
     * a tab becomes a space), read off a plain socket; answers 200.
     */
    static List<String[]> rawHeadersOfOneRequest(java.net.ServerSocket server) throws Exception {
        try (java.net.Socket socket = server.accept()) {
            socket.setSoTimeout(15_000);
            java.io.InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("the request ended early: " + head);
                }
                head.write(b);
            }
            List<String[]> fields = new ArrayList<>();
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            int length = 0;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                // Optional whitespace around a value is not part of it (RFC 9110, 5.5).
                String[] field = {lines[i].substring(0, colon), lines[i].substring(colon + 1).replaceAll("^[ \t]+|[ \t]+$", "")};
                fields.add(field);
                if (field[0].equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(field[1]);
                }
            }
            in.readNBytes(length);
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return fields;
        }
    }

    @Test
    void everyHeaderTheSubscriptionAcceptsIsDeliveredAsGiven() throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            TestTenant t = s.mfaTenant(false);
            com.fasterxml.jackson.databind.node.ObjectNode body = Json.object().put("Event", "Login")
                    .put("TargetUrl", "http://127.0.0.1:" + raw.getLocalPort() + "/headers");
            ACCEPTED_HEADERS.forEach(body.putObject("Headers")::put);
            Reply hook = t.manage("POST", "/v2/manage/webhook", Json.write(body));
            assertThat(hook.status()).as(hook.raw()).isEqualTo(200);
            t.account("headers@example.com", "headers-password");
            assertThat(t.login("headers@example.com", "headers-password").status()).isEqualTo(200);
            List<String[]> fields = rawHeadersOfOneRequest(raw);
            List<String> wrong = new ArrayList<>();
            ACCEPTED_HEADERS.forEach((name, value) -> {
                List<String> got = fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).toList();
                if (!got.equals(List.of(value))) {
                    wrong.add(name + ": sent [" + value + "], received " + got);
                }
            });
            assertThat(wrong).isEmpty();
        }
    }

    @Test
    void headersSavedBeforeTheyWereRefusedAreLeftOutOfDeliveries() throws Exception {
        TestTenant t = s.mfaTenant(false);
        Reply hook = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"" + url("/stored") + "\"}");
        // As an older Latchkey accepted them: written straight to the store.
        s.server.jdbi().useHandle(h -> h.createUpdate("UPDATE webhooks SET headers = :h WHERE id = :id")
                .bind("h", "{\"Expect\":\"100-continue\",\"Upgrade\":\"h2c\",\"X-Bell\":\"a\\u0007b\",\"X-Kept\":\"yes\"}")
                .bind("id", hook.json().get("Id").asText()).execute());
        t.account("stored@example.com", "stored-password");
        assertThat(t.login("stored@example.com", "stored-password").status()).isEqualTo(200);
        Received r = waitFor("/stored", 1).get(0);
        assertThat(r.headers().get("X-kept")).containsExactly("yes");
        assertThat(r.headers()).doesNotContainKeys("Expect", "Upgrade", "X-bell");
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        TestTenant t = s.mfaTenant(false);
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"" + url("/moved") + "\"}");
        t.account("moved@example.com", "moved-password");
        assertThat(t.login("moved@example.com", "moved-password").status()).isEqualTo(200);
        waitFor("/moved", 1);
        Thread.sleep(500);
        synchronized (received) {
            assertThat(received.stream().filter(r -> r.path().equals("/moved-here"))).isEmpty();
        }
        JsonNode delivery = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/webhook-deliveries", null).json().get("Data").get(0);
        assertThat(delivery.get("Status").asText()).isEqualTo("pending");
        assertThat(delivery.get("LastError").asText()).isEqualTo("HTTP 302");
    }

    @Test
    void suppressionByQueryAndHeaderTheHeaderWinning() throws Exception {
        TestTenant t = s.mfaTenant(false);
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"" + url("/quiet") + "\"}");
        t.account("quiet@example.com", "quiet-password");
        String body = "{\"email\":\"quiet@example.com\",\"password\":\"quiet-password\"}";
        assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey() + "&prevent_webhook=true", body).status()).isEqualTo(200);
        assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), body, "X-PreventWebhook", "true").status()).isEqualTo(200);
        // Header false beats query true: this one is delivered, and it is the only one.
        assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey() + "&prevent_webhook=true", body,
                "X-PreventWebhook", "false").status()).isEqualTo(200);
        List<Received> got = waitFor("/quiet", 1);
        Thread.sleep(1000);
        synchronized (received) {
            got = received.stream().filter(r -> r.path().equals("/quiet")).toList();
        }
        assertThat(got).hasSize(1);
        assertThat(Json.parse(got.get(0).body()).get("Data").get("NoOfLogins").asInt()).isEqualTo(3);
    }

    @Test
    void accountAndSecondFactorChangesFireTheirEvents() throws Exception {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPOrigins\":[\"http://localhost:8080\"]}}");
        List<String> events = List.of("CreateTraditionalAccount", "UpdateProfile", "SetPassword", "BlockAccount", "DeleteAccount",
                "BackupCodesGenerated", "BackupCodesReset", "PasskeyAdded", "PasskeyRemoved");
        for (String e : events) {
            t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"" + e + "\",\"TargetUrl\":\"" + url("/events/" + e) + "\"}");
        }
        // Suppressed: no CreateTraditionalAccount for this one.
        assertThat(s.send("POST", "/identity/v2/manage/account?apikey=" + t.apiKey() + "&apisecret=" + t.apiSecret() + "&prevent_webhook=true",
                "{\"UserName\":\"silent\"}").status()).isEqualTo(200);
        String uid = t.account("events@example.com", "events-password");
        t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"LastName\":\"Changed\"}");
        t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"Password\":\"events-password\"}");
        String first = t.login("events@example.com", "events-password").json().get("access_token").asText();
        JsonNode generated = s.get("/identity/v2/auth/account/2fa/backupcode?apikey=" + t.apiKey(), "Authorization", "Bearer " + first).json();
        // Changing factors once one exists takes a session that passed a second factor.
        String access = t.redeem(t.secondFactorToken("events@example.com", "events-password"),
                generated.get("BackUpCodes").get(0).asText()).json().get("access_token").asText();
        s.get("/identity/v2/auth/account/2fa/backupcode/reset?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        dev.latchkey.support.PasskeyEmulator pk = new dev.latchkey.support.PasskeyEmulator("http://localhost:8080");
        JsonNode begin = s.get("/identity/v2/auth/account/2fa/register/passkey/begin?apikey=" + t.apiKey(), "Authorization", "Bearer " + access).json();
        assertThat(s.send("POST", "/identity/v2/auth/account/2fa/register/passkey/finish?apikey=" + t.apiKey(),
                Json.write(pk.register(begin.get("RegisterBeginCredential").get("publicKey"))), "Authorization", "Bearer " + access).status()).isEqualTo(200);
        assertThat(s.send("DELETE", "/identity/v2/auth/account/2fa/authenticator/passkey?apikey=" + t.apiKey(), "{}",
                "Authorization", "Bearer " + access).status()).isEqualTo(200);
        t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"IsActive\":false}");
        t.manage("DELETE", "/identity/v2/manage/account/" + uid, "{}");

        for (String e : events) {
            Received r = waitFor("/events/" + e, 1).get(0);
            JsonNode payload = Json.parse(r.body());
            List<String> keys = new ArrayList<>();
            payload.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as(e).containsExactly("HookName", "Time", "HookId", "Data");
            assertThat(payload.get("HookName").asText()).as(e).isEqualTo(e.toLowerCase(java.util.Locale.ROOT));
            assertThat(payload.get("Data").get("Uid").asText()).as(e).isEqualTo(uid);
            assertThat(r.headers().get("Signature").get(0)).as(e)
                    .isEqualTo(WebhookDispatcher.sign(t.apiSecret(), r.body().getBytes(StandardCharsets.UTF_8)));
        }
        Thread.sleep(500);
        synchronized (received) {
            assertThat(received.stream().filter(r -> r.path().equals("/events/CreateTraditionalAccount"))).hasSize(1);
            assertThat(received.stream().filter(r -> r.path().equals("/events/UpdateProfile"))).hasSize(3);
            assertThat(received.stream().filter(r -> r.path().equals("/events/SetPassword"))).hasSize(1);
        }
    }

    @Test
    void operatorsSeeDeliveriesAndFailuresAndResend() throws Exception {
        TestTenant t = s.mfaTenant(false);
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"" + url("/ops") + "\"}");
        // A receiver that is not listening: connection refused, retried, visible with its error.
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:1/nobody\"}");
        t.account("ops@example.com", "ops-password");
        assertThat(t.login("ops@example.com", "ops-password").status()).isEqualTo(200);
        Received first = waitFor("/ops", 1).get(0);
        String delivery = first.headers().get("X-latchkey-delivery").get(0);
        Thread.sleep(500);

        Reply delivered = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/webhook-deliveries?status=delivered", null);
        assertThat(delivered.status()).isEqualTo(200);
        assertThat(delivered.json().get("Data")).hasSize(1);
        assertThat(delivered.json().get("Data").get(0).get("Id").asText()).isEqualTo(delivery);
        Reply pending = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/webhook-deliveries?status=pending", null);
        assertThat(pending.json().get("Data")).hasSize(1);
        JsonNode stuck = pending.json().get("Data").get(0);
        assertThat(stuck.get("Attempts").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(stuck.get("LastError").asText()).isNotBlank();

        // Re-send the delivered one: the receiver gets the same delivery again.
        assertThat(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/webhook-deliveries/" + delivery + "/resend", "{}").json())
                .isEqualTo(Json.parse("{\"IsPosted\":true}"));
        List<Received> twice = waitFor("/ops", 2);
        assertThat(twice.get(1).headers().get("X-latchkey-delivery").get(0)).isEqualTo(delivery);
        assertThat(twice.get(1).body()).isEqualTo(first.body());
        assertThat(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/webhook-deliveries/" + UUID.randomUUID() + "/resend", "{}").status())
                .isEqualTo(404);
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/webhook-deliveries?status=lost", null).status()).isEqualTo(400);
        assertThat(s.send("GET", "/admin/v1/tenants/" + t.apiKey() + "/webhook-deliveries", null).status()).isEqualTo(401);
    }

    @Test
    void aReceiverThatFailsThreeTimesGetsTheEventOnceMore() throws Exception {
        TestTenant t = s.mfaTenant(false);
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"" + url("/flaky") + "\"}");
        t.account("flaky@example.com", "flaky-password");
        failuresLeft.set(3);
        assertThat(t.login("flaky@example.com", "flaky-password").status()).isEqualTo(200);
        waitFor("/flaky", 4);
        Thread.sleep(1500);
        List<Received> got;
        synchronized (received) {
            got = received.stream().filter(r -> r.path().equals("/flaky")).toList();
        }
        String delivery = got.get(0).headers().get("X-latchkey-delivery").get(0);
        assertThat(got).hasSize(4);
        // The same delivery each time: same id, same signed body.
        assertThat(got.stream().map(r -> r.headers().get("X-latchkey-delivery").get(0)).distinct()).hasSize(1);
        assertThat(got.stream().map(Received::body).distinct()).hasSize(1);
        String status = s.server.jdbi().withHandle(h -> h.createQuery(
                "SELECT status FROM webhook_outbox WHERE id = :id").bind("id", delivery)
                .mapTo(String.class).one());
        assertThat(status).isEqualTo("delivered");
        JsonNode metrics = s.admin("GET", "/admin/v1/metrics", null).json();
        assertThat(metrics.get("latchkey.webhook.deliveries.retried").asDouble()).isGreaterThanOrEqualTo(3);
        assertThat(metrics.get("latchkey.webhook.deliveries.delivered").asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(metrics.has("latchkey.webhook.deliveries.failed")).isTrue();
    }
}

package dev.latchkey.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhook targets on a node that refuses private ones (as in production) and resolves names from the test's own map:
 * what a subscription may point at, and that a delivery connects only to addresses it checked itself, whatever the
 * name answered when the subscription was made (DNS rebinding). Nothing here connects anywhere but loopback: the
 * public-looking addresses in the map are only ever checked, never reached.
 */
class WebhookTargetTest {
    /** Host name (lower case) → its addresses, as the node's resolver answers; address literals are read as such. */
    static final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    static final List<String> lookups = Collections.synchronizedList(new ArrayList<>());
    static TestServer strict;
    static HttpServer receiver;
    static final List<String> received = Collections.synchronizedList(new ArrayList<>());

    static List<InetAddress> resolve(String host) throws UnknownHostException {
        lookups.add(host);
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return List.of(InetAddress.getByName(host)); // a literal: parsed, not looked up
        }
        List<InetAddress> a = names.get(host.toLowerCase(Locale.ROOT));
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return a;
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        strict = new TestServer(Backend.H2, TestServer.Options.DEFAULT.withWebhookTargets(
                new TestServer.WebhookTargets(false, WebhookTargetTest::resolve)));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            received.add(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
        strict.close();
    }

    static Reply subscribe(TestTenant t, String url) {
        return t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"" + url + "\"}");
    }

    static String refusal(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(403); // LoginRadius answers 1134 with 403
        assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1134);
        assertThat(r.json().get("Errors").get(0).get("FieldName").asText()).isEqualTo("TargetUrl");
        return r.json().get("Errors").get(0).get("ErrorMessage").asText();
    }

    @Test
    void privateAndSpecialTargetsAreRefusedAtSubscriptionNamingTheOperatorsOption() {
        TestTenant t = strict.mfaTenant(false);
        assertThat(refusal(subscribe(t, "http://127.0.0.1:9/h"))).isEqualTo("The TargetUrl's host 127.0.0.1 is not allowed: "
                + "127.0.0.1 is a loopback address; private and local addresses are refused unless the operator starts Latchkey "
                + "with --webhooks-allow-private-targets.");
        for (String url : List.of("http://100.64.0.1/h", "http://198.18.0.1/h", "http://10.0.0.1/h", "http://[::1]/h",
                "http://[64:ff9b::7f00:1]/h", "http://[2002:7f00:1::1]/h", "http://[::127.0.0.1]/h", "http://[fd00::1]/h",
                "http://169.254.169.254/latest/meta-data")) {
            assertThat(refusal(subscribe(t, url))).as(url).contains("--webhooks-allow-private-targets");
        }
        for (String url : List.of("http://0.0.0.0:9/h", "http://224.0.0.1/h", "http://255.255.255.255/h", "http://240.0.0.1/h",
                "http://192.0.2.1/h", "http://[2001:db8::1]/h", "http://[ff02::1]/h", "http://[64:ff9b::c000:201]/h")) {
            assertThat(refusal(subscribe(t, url))).as(url).endsWith("which never receives webhooks.");
        }
    }

    @Test
    void aNameIsCheckedByEveryAddressItResolvesTo() {
        TestTenant t = strict.mfaTenant(false);
        names.put("public.hooks.test", List.of(ip("93.184.216.34"), ip("2606:2800:220:1::1")));
        names.put("mixed.hooks.test", List.of(ip("93.184.216.34"), ip("10.1.2.3")));
        names.put("nat64.hooks.test", List.of(ip("64:ff9b::a9fe:a9fe")));
        assertThat(subscribe(t, "https://public.hooks.test/h").status()).isEqualTo(200);
        assertThat(refusal(subscribe(t, "https://mixed.hooks.test/h"))).isEqualTo("The TargetUrl's host mixed.hooks.test is not allowed: "
                + "10.1.2.3 is a private network address; private and local addresses are refused unless the operator starts "
                + "Latchkey with --webhooks-allow-private-targets.");
        assertThat(refusal(subscribe(t, "https://nat64.hooks.test/h"))).startsWith("The TargetUrl's host nat64.hooks.test is not allowed: "
                + "64:ff9b:0:0:0:0:a9fe:a9fe is a link-local address;");
        assertThat(refusal(subscribe(t, "https://nowhere.hooks.test/h"))).isEqualTo("The TargetUrl's host does not resolve.");
        assertThat(lookups).contains("public.hooks.test", "mixed.hooks.test", "nowhere.hooks.test");
    }

    /** The tenant's first delivery once an attempt has finished, delivered or not (or fails the test after 15 s). */
    static JsonNode awaitAttempt(TestTenant t) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode data = strict.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/webhook-deliveries", null).json().get("Data");
            if (data.size() > 0 && (!data.get(0).get("LastError").isNull() || !data.get(0).get("Status").asText().equals("pending"))) {
                return data.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no delivery attempted");
    }

    @Test
    void aNameThatRebindsToLoopbackAfterTheSubscriptionIsRefusedAtDelivery() throws Exception {
        // The name is "localhost" so that code which looked it up again with the system's resolver at delivery (instead
        // of checking what the node's resolver answers) would reach the receiver, and this test would see it.
        names.put("localhost", List.of(ip("93.184.216.34")));
        TestTenant t = strict.mfaTenant(false);
        assertThat(subscribe(t, "http://localhost:" + receiver.getAddress().getPort() + "/rebound").status()).isEqualTo(200);
        names.put("localhost", List.of(ip("127.0.0.1")));
        lookups.clear();
        t.account("rebind@example.com", "rebind-password");
        assertThat(t.login("rebind@example.com", "rebind-password").status()).isEqualTo(200);

        JsonNode delivery = awaitAttempt(t);
        assertThat(delivery.get("Status").asText()).isEqualTo("pending"); // retried like any failure, in case the name comes back
        assertThat(delivery.get("LastError").asText()).isEqualTo("not sent: every address of localhost is refused "
                + "(127.0.0.1 is a loopback address; private and local addresses are refused unless the operator starts Latchkey "
                + "with --webhooks-allow-private-targets)");
        assertThat(lookups).contains("localhost");
        Thread.sleep(300);
        assertThat(received).doesNotContain("/rebound");
    }
}

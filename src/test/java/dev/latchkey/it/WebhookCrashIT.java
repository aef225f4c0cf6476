package dev.latchkey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.support.JarNode;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** A node killed with SIGKILL while events wait in the outbox (the receiver is down) delivers them all after a restart. */
class WebhookCrashIT {
    static final String ADMIN = "crash-admin-key-0123456789abcdefghij";
    static final String SECRET = "crash-secret-key-0123456789abcdef";
    static final Map<String, String> ENV = Map.of("LATCHKEY_ALLOW_INSECURE_HASHING", "for-benchmarks-and-tests");

    @Test
    void undeliveredEventsSurviveAKill() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // nobody listens here until the receiver starts below
        }
        Path dir = Files.createTempDirectory("latchkey-webhook-crash");
        String[] args = {"--data-dir", dir.toString(), "--admin-key", ADMIN, "--secret-key", SECRET, "--password-hashing", "minimal",
            "--webhooks-allow-private-targets", "true"};
        JarNode node = JarNode.start(ENV, args);
        String apiKey;
        String apiSecret;
        try {
            JarNode.Reply tenant = node.send("POST", "/admin/v1/tenants", "{}", "Authorization", "Bearer " + ADMIN);
            apiKey = tenant.json().get("ApiKey").asText();
            apiSecret = tenant.json().get("ApiSecret").asText();
            String q = "?apikey=" + apiKey + "&apisecret=" + apiSecret;
            assertThat(node.send("POST", "/v2/manage/webhook" + q, "{\"Event\":\"CreateTraditionalAccount\",\"TargetUrl\":\"http://127.0.0.1:"
                    + port + "/h\"}").status()).isEqualTo(200);
            for (int i = 0; i < 10; i++) {
                assertThat(node.send("POST", "/identity/v2/manage/account" + q, "{\"UserName\":\"crash-" + i + "\"}").status()).isEqualTo(200);
            }
            Thread.sleep(500); // some attempts fail (connection refused) and are rescheduled
        } finally {
            node.kill();
        }

        Set<String> received = ConcurrentHashMap.newKeySet();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        receiver.createContext("/", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        JarNode again = JarNode.start(ENV, args);
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (received.size() < 10 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(received).hasSize(10);
            for (int i = 0; i < 10; i++) {
                String name = "crash-" + i;
                assertThat(received).anyMatch(body -> body.contains("\"UserName\":\"" + name + "\""));
            }
        } finally {
            again.stop();
            receiver.stop(0);
        }
    }
}

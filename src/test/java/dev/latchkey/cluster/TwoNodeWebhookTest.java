package dev.latchkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two nodes' dispatchers over one PostgreSQL outbox: every event delivered, none twice after a 2xx. */
class TwoNodeWebhookTest {
    @Test
    void dispatchersOnTwoNodesDeliverEachEventOnce() throws Exception {
        Map<String, AtomicInteger> byDelivery = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byDelivery.computeIfAbsent(ex.getRequestHeaders().getFirst("X-Latchkey-Delivery"), k -> new AtomicInteger()).incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        TestServer a = new TestServer(Backend.POSTGRES);
        TestServer b = TestServer.sharing(a);
        try {
            TestTenant t = a.tenant("{}");
            t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"CreateTraditionalAccount\",\"TargetUrl\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/h\"}");
            TestTenant onB = new TestTenant(b, t.apiKey(), t.apiSecret());
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                created.add((i % 2 == 0 ? t : onB).manage("POST", "/identity/v2/manage/account",
                        "{\"UserName\":\"two-" + i + "\"}").text("Uid"));
            }
            long deadline = System.currentTimeMillis() + 20_000;
            while (byDelivery.size() < 60 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1000); // any duplicate would arrive by now
            assertThat(created).hasSize(60).doesNotContainNull();
            assertThat(byDelivery).hasSize(60);
            assertThat(byDelivery.values()).allMatch(n -> n.get() == 1);
            long delivered = a.server.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM webhook_outbox WHERE status = 'delivered'").mapTo(Long.class).one());
            assertThat(delivered).isEqualTo(60);
        } finally {
            b.close();
            a.close();
            receiver.stop(0);
        }
    }
}

package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The line password logins wait in ({@link PasswordLoginLine}), on a server whose login endpoint is held open. */
class PasswordLoginLineTest {
    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpServer server, String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void loginsBeyondTheLimitWaitThenGet429InLoginRadiusShapeWhileOtherRequestsPassBy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(1);
        Endpoint held = req -> {
            inside.countDown();
            release.await(10, TimeUnit.SECONDS);
            return Json.object().put("Held", true);
        };
        List<Routes.Route> routes = List.of(new Routes.Route(Routes.Method.POST, "/identity/v2/auth/login", held),
                new Routes.Route(Routes.Method.POST, "/identity/v2/auth/login/2fa", held),
                new Routes.Route(Routes.Method.GET, "/health/ready", req -> Json.object().put("Status", "ready")),
                new Routes.Route(Routes.Method.POST, "/identity/v2/auth/register", req -> Json.object().put("Other", true)));
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        HttpServer server = new HttpServer("127.0.0.1", 0, routes, ClientAddress.trusting(""), false, 1,
                new HttpServer.Observability(null, registry, false)).start();
        try {
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return send(server, "POST", "/identity/v2/auth/login");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
            // The one place is taken: the next login, in any spelling of the path, waits its turn, then is refused.
            long start = System.nanoTime();
            List<HttpResponse<String>> waited = new ArrayList<>();
            for (String path : List.of("/IDENTITY/v2/auth/login/2fa/", "/identity/v2/auth/login?apikey=x")) {
                waited.add(send(server, "POST", path));
            }
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            for (HttpResponse<String> r : waited) {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                JsonNode body = Json.parse(r.body());
                assertThat(body.get("ErrorCode").asInt()).isEqualTo(429);
                assertThat(body.get("Message").asText()).isEqualTo("Too many requests in a particular time frame");
            }
            assertThat(waitedMillis).isGreaterThanOrEqualTo(2 * PasswordLoginLine.MAX_WAIT.toMillis() - 100);
            // Everything else passes by at once.
            assertThat(send(server, "GET", "/health/ready").statusCode()).isEqualTo(200);
            assertThat(send(server, "POST", "/identity/v2/auth/register").statusCode()).isEqualTo(200);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            // The place is back.
            assertThat(send(server, "POST", "/identity/v2/auth/login").statusCode()).isEqualTo(200);
            // The line's refusals are timed under their routes, though no route ran.
            for (String route : List.of("/identity/v2/auth/login/2fa", "/identity/v2/auth/login")) {
                io.micrometer.core.instrument.Timer refused = registry.find("http.server.requests").tags("method", "POST", "route", route,
                        "status", "429").timer();
                assertThat(refused).as(route).isNotNull();
                assertThat(refused.count()).isEqualTo(1);
            }
        } finally {
            release.countDown();
            server.stop();
        }
    }
}

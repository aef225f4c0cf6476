package dev.latchkey.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server that answers like Twilio's Messages API and keeps every request it got, exactly as received:
 * the test's SMS provider.
 */
public final class SmsReceiver implements AutoCloseable {
    /** One request: method, path, the headers that matter, the raw body and its form fields. */
    public record Request(String method, String path, String authorization, String contentType, String body, Map<String, String> form) {
        public String to() {
            return form.get("To");
        }
    }

    private final HttpServer server;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus = 503;

    public SmsReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ex.sendResponseHeaders(failStatus, -1);
                ex.close();
                return;
            }
            received.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRequestHeaders().getFirst("Content-Type"), body, form(body)));
            byte[] answer = ("{\"sid\":\"SM" + java.util.UUID.randomUUID().toString().replace("-", "") + "\",\"status\":\"queued\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(201, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code n} requests are answered {@code status} (and not kept): 503, the provider is down; 400, it refuses. */
    public void failNext(int n, int status) {
        failStatus = status;
        failNext.set(n);
    }

    public List<Request> to(String phone) {
        return received.stream().filter(r -> phone.equals(r.to())).toList();
    }

    /** Waits up to 15 s until {@code phone} has received {@code count} SMS; returns them. */
    public List<Request> await(String phone, int count) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (to(phone).size() < count && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return to(phone);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

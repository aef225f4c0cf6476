package dev.latchkey.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What is kept of every request, whoever answered it (a route, a page, Javalin's 404, the password-login line's 429):
 * <ul>
 * <li>a correlation id: the caller's {@code X-Correlation-Id} when it is a sane token (at most 64 of
 * {@code [A-Za-z0-9._-]}), else a new one; echoed in the answer's {@code X-Correlation-Id}, in SLF4J's MDC
 * ({@value #MDC_KEY}) while the request is handled, and in the 500's log line;</li>
 * <li>{@code http_server_requests_seconds{method, route, status}}, a histogram with Micrometer's buckets from 1 ms to 10 s
 * (about 60; longer is counted in {@code +Inf}), for p50 and p99 by {@code histogram_quantile}: the route is the template of
 * the route table ({@code /identity/v2/manage/account/{uid}}), never the path, which holds uids and tokens;
 * {@code NOT_FOUND} and {@code UNKNOWN} when no route answered;</li>
 * <li>one access log line (logger {@code latchkey.access}, INFO), when turned on: method, the route template or else the
 * path without its query string (where apikey, apisecret, tokens and codes travel), status, duration, bytes of the
 * answer, client address, correlation id. Never the query string, a header's value or a body.</li>
 * </ul>
 * Written by Jetty once the answer is sent ({@link RequestLog}), so every request is counted once.
 */
final class RequestTelemetry implements RequestLog {
    static final String HEADER = "X-Correlation-Id";
    static final String MDC_KEY = "correlationId";
    /** The request attribute holding the {@link Exchange}. */
    static final String EXCHANGE = "latchkey.exchange";
    private static final Logger ACCESS = LoggerFactory.getLogger("latchkey.access");
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    /** One request's correlation id, and the route template that answered it (set by the handler; null: none). */
    static final class Exchange {
        final String correlationId;
        volatile String route;

        Exchange(String correlationId) {
            this.correlationId = correlationId;
        }
    }

    private final MeterRegistry registry;
    private final boolean accessLog;
    private final ClientAddress clientAddress;

    /** {@code registry}: where the timers go (null: nowhere); {@code accessLog}: whether to write the access log. */
    RequestTelemetry(MeterRegistry registry, boolean accessLog, ClientAddress clientAddress) {
        this.registry = registry;
        this.accessLog = accessLog;
        this.clientAddress = clientAddress;
    }

    /** The caller's correlation id when it is a sane token, else a new one. */
    static String correlationId(String offered) {
        return offered != null && SANE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    }

    /** The handler that gives each request its correlation id, outside every other. */
    Handler.Wrapper correlating(Handler inner) {
        Handler.Wrapper wrapper = new Handler.Wrapper() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Exchange exchange = new Exchange(correlationId(request.getHeaders().get(HEADER)));
                request.setAttribute(EXCHANGE, exchange);
                response.getHeaders().put(HEADER, exchange.correlationId);
                MDC.put(MDC_KEY, exchange.correlationId);
                try {
                    return super.handle(request, response, callback);
                } finally {
                    MDC.remove(MDC_KEY);
                }
            }
        };
        wrapper.setHandler(inner);
        return wrapper;
    }

    @Override
    public void log(Request request, Response response) {
        Exchange exchange = request.getAttribute(EXCHANGE) instanceof Exchange x ? x : null;
        int status = response.getStatus();
        String route = exchange != null && exchange.route != null ? exchange.route : status == 404 ? "NOT_FOUND" : "UNKNOWN";
        String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "OTHER";
        long nanos = Math.max(0, System.nanoTime() - request.getBeginNanoTime());
        if (registry != null) {
            Timer.builder("http.server.requests")
                    .description("HTTP requests by method, route template and status")
                    .tags("method", method, "route", route, "status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry)
                    .record(nanos, TimeUnit.NANOSECONDS);
        }
        if (accessLog && ACCESS.isInfoEnabled()) {
            String path = exchange != null && exchange.route != null ? exchange.route : shown(request.getHttpURI().getPath());
            String client = clientAddress.resolve(Request.getRemoteAddr(request), request.getHeaders().get("X-Origin-IP"),
                    request.getHeaders().get("X-Forwarded-For"));
            String id = exchange != null ? exchange.correlationId : "-";
            long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
            long bytes = Response.getContentBytesWritten(response);
            String previous = MDC.get(MDC_KEY);
            MDC.put(MDC_KEY, id);
            try {
                ACCESS.atInfo().addKeyValue("method", method).addKeyValue("path", path).addKeyValue("status", status)
                        .addKeyValue("durationMs", millis).addKeyValue("bytes", bytes).addKeyValue("client", client)
                        .log("{} {} {} {} ms {} B from {} [correlation id {}]", method, path, status, millis, bytes, client, id);
            } finally {
                if (previous == null) {
                    MDC.remove(MDC_KEY);
                } else {
                    MDC.put(MDC_KEY, previous);
                }
            }
        }
    }

    /**
     * A path no route matched, as it may be logged: no query string (never part of it here), at most 200 characters, and
     * nothing but printable ASCII (Jetty keeps it percent-encoded; anything else becomes {@code ?}).
     */
    static String shown(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        int cut = path.indexOf('?');
        String p = cut < 0 ? path : path.substring(0, cut);
        StringBuilder out = new StringBuilder(Math.min(p.length(), 200));
        for (int i = 0; i < p.length() && out.length() < 200; i++) {
            char c = p.charAt(i);
            out.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}

package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Javalin set up for LoginRadius's wire: the route table, JSON answers, and every failure in LoginRadius's error shape. */
public final class HttpServer {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String ANSWERED = "latchkey.answered";

    private final Javalin app;
    private final List<Routes.Route> routes;
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();

    /** How long a stopping node waits for requests in flight to finish. */
    public static final long DRAIN_MILLIS = 15_000;

    public HttpServer(String host, int port, List<Routes.Route> routes, ClientAddress clientAddress) {
        this(host, port, routes, clientAddress, false);
    }

    /** {@code refuseTokensInQuery}: see {@link LrRequest#LrRequest(Context, ClientAddress, boolean)}. */
    public HttpServer(String host, int port, List<Routes.Route> routes, ClientAddress clientAddress, boolean refuseTokensInQuery) {
        this(host, port, routes, clientAddress, refuseTokensInQuery, 0);
    }

    /** {@code passwordLogins}: how many password logins are handled at once ({@link PasswordLoginLine}; 0: no limit). */
    public HttpServer(String host, int port, List<Routes.Route> routes, ClientAddress clientAddress, boolean refuseTokensInQuery,
                      int passwordLogins) {
        this(host, port, routes, clientAddress, refuseTokensInQuery, passwordLogins, Observability.NONE);
    }

    /**
     * What a node is watched with: {@code /metrics} (null: not served), the registry request timers go to (null: none),
     * and whether every request is written to the access log ({@link RequestTelemetry}).
     */
    public record Observability(MetricsEndpoint metrics, io.micrometer.core.instrument.MeterRegistry registry, boolean accessLog) {
        public static final Observability NONE = new Observability(null, null, false);
    }

    public HttpServer(String host, int port, List<Routes.Route> routes, ClientAddress clientAddress, boolean refuseTokensInQuery,
                      int passwordLogins, Observability observability) {
        this(host, port, routes, clientAddress, refuseTokensInQuery, passwordLogins, observability, true);
    }

    /**
     * The management port's server ({@code --management-port}): {@code /health/ready} and {@code /metrics} (still behind
     * the admin key or scrape token), nothing else; its requests are timed and logged as the main port's.
     */
    public static HttpServer management(String host, int port, Routes.Route ready, ClientAddress clientAddress, Observability observability) {
        return new HttpServer(host, port, List.of(ready), clientAddress, false, 0, observability, false);
    }

    private HttpServer(String host, int port, List<Routes.Route> routes, ClientAddress clientAddress, boolean refuseTokensInQuery,
                       int passwordLogins, Observability observability, boolean pages) {
        RequestTelemetry telemetry = new RequestTelemetry(observability.registry(), observability.accessLog(), clientAddress);
        this.routes = List.copyOf(routes);
        this.app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            QueuedThreadPool pool = new QueuedThreadPool(200, 8, 60_000);
            pool.setName("latchkey-http");
            config.jetty.threadPool = pool;
            // Graceful stop: refuse new connections, let requests in flight finish (Javalin attaches inside this wrapper).
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(DRAIN_MILLIS);
                DoubleSlashes paths = new DoubleSlashes();
                if (passwordLogins > 0) {
                    paths.setHandler(new PasswordLoginLine(passwordLogins));
                }
                server.setHandler(new GracefulHandler(telemetry.correlating(paths)));
                server.setRequestLog(telemetry);
                server.setErrorHandler(new JettyErrors());
            });
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyErrors()));
            config.router.caseInsensitiveRoutes = true;
            config.router.ignoreTrailingSlashes = true;
            config.http.prefer405over404 = true;
            config.startup.showJavalinBanner = false;
            config.routes.before(ctx -> {
                requests.incrementAndGet();
                correlated(ctx);
            });
            config.routes.after(HttpServer::uncorrelated);
            for (Routes.Route r : routes) {
                Handler h = ctx -> {
                    route(ctx, r.path());
                    answer(ctx, 200, Json.bytes(r.endpoint().handle(new LrRequest(ctx, clientAddress, refuseTokensInQuery))));
                };
                switch (r.method()) {
                    case GET -> config.routes.get(r.path(), h);
                    case POST -> config.routes.post(r.path(), h);
                    case PUT -> config.routes.put(r.path(), h);
                    case PATCH -> config.routes.patch(r.path(), h);
                    case DELETE -> config.routes.delete(r.path(), h);
                }
            }
            for (Routes.Page page : pages ? Routes.PAGES : List.<Routes.Page>of()) {
                byte[] content = resource(page.resource());
                config.routes.get(page.path(), ctx -> {
                    route(ctx, page.path());
                    ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'");
                    ctx.header("X-Content-Type-Options", "nosniff");
                    ctx.contentType(page.contentType()).result(content);
                });
            }
            if (observability.metrics() != null) {
                config.routes.get(Routes.METRICS.path(), ctx -> {
                    route(ctx, Routes.METRICS.path());
                    String scrape = observability.metrics().scrape(new LrRequest(ctx, clientAddress, refuseTokensInQuery));
                    ctx.header("Cache-Control", "no-store");
                    ctx.contentType(Routes.METRICS.contentType()).result(scrape);
                });
            }
            config.routes.exception(ApiException.class, (e, ctx) -> {
                if (e.retryAfterSeconds > 0) {
                    ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
                }
                answer(ctx, e.status, Json.bytes(e.body()));
            });
            config.routes.exception(dev.latchkey.crypto.PasswordHasher.Busy.class, (e, ctx) -> {
                // Password hashing is saturated (a Management API call that sets a password): nothing was done.
                ctx.header("Retry-After", "1");
                answer(ctx, 429, Json.bytes(LrError.TOO_MANY_REQUESTS.error().body()));
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                // The request's correlation id, already in the answer's X-Correlation-Id and the MDC.
                RequestTelemetry.Exchange exchange = ctx.attribute(RequestTelemetry.EXCHANGE);
                String correlationId = exchange != null ? exchange.correlationId : UUID.randomUUID().toString();
                LOG.error("unexpected failure on {} {} [correlation id {}]", ctx.method(), routeOrPath(ctx), correlationId, e);
                ctx.header(RequestTelemetry.HEADER, correlationId);
                ApiException internal = LrError.INTERNAL.error();
                answer(ctx, internal.status, Json.bytes(internal.body()));
            });
            config.routes.error(404, "*", ctx -> unanswered(ctx, LrError.NOT_FOUND));
            config.routes.error(405, "*", ctx -> unanswered(ctx, LrError.METHOD_NOT_ALLOWED));
        });
    }

    /** Names the route template that answers this request, for the request's timer and access log line. */
    private static void route(Context ctx, String template) {
        RequestTelemetry.Exchange exchange = ctx.attribute(RequestTelemetry.EXCHANGE);
        if (exchange != null) {
            exchange.route = template;
        }
    }

    private static String routeOrPath(Context ctx) {
        RequestTelemetry.Exchange exchange = ctx.attribute(RequestTelemetry.EXCHANGE);
        return exchange != null && exchange.route != null ? exchange.route : RequestTelemetry.shown(ctx.path());
    }

    private static final String CORRELATED_HERE = "latchkey.correlatedHere";

    /**
     * The correlation id in the MDC where the request runs on another thread than the one it arrived on (a password login
     * that waited in {@link PasswordLoginLine}); taken out again after the request.
     */
    private static void correlated(Context ctx) {
        RequestTelemetry.Exchange exchange = ctx.attribute(RequestTelemetry.EXCHANGE);
        if (exchange != null && org.slf4j.MDC.get(RequestTelemetry.MDC_KEY) == null) {
            org.slf4j.MDC.put(RequestTelemetry.MDC_KEY, exchange.correlationId);
            ctx.attribute(CORRELATED_HERE, Boolean.TRUE);
        }
    }

    private static void uncorrelated(Context ctx) {
        if (ctx.attribute(CORRELATED_HERE) != null) {
            org.slf4j.MDC.remove(RequestTelemetry.MDC_KEY);
        }
    }

    private static byte[] resource(String name) {
        try (java.io.InputStream in = HttpServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Every API answer is JSON and is never stored by a cache: many carry a token, a code or a secret, and an error may
     * answer the same URL another time.
     */
    private static void answer(Context ctx, int status, byte[] body) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        ctx.status(status).contentType(JSON).result(body);
    }

    private static void unanswered(Context ctx, LrError error) {
        if (ctx.attribute(ANSWERED) == null) {
            answer(ctx, error.status, Json.bytes(error.error().body()));
        }
    }

    public HttpServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The route table this server serves (the static pages are {@link Routes#PAGES}). */
    public List<Routes.Route> routes() {
        return routes;
    }

    /** Requests received since start (for the idle detector). */
    public long requestCount() {
        return requests.get();
    }

    public void stop() {
        app.stop();
    }
}

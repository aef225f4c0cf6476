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
                server.setHandler(new GracefulHandler(paths));
                server.setErrorHandler(new JettyErrors());
            });
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyErrors()));
            config.router.caseInsensitiveRoutes = true;
            config.router.ignoreTrailingSlashes = true;
            config.http.prefer405over404 = true;
            config.startup.showJavalinBanner = false;
            config.routes.before(ctx -> requests.incrementAndGet());
            for (Routes.Route r : routes) {
                Handler h = ctx -> answer(ctx, 200, Json.bytes(r.endpoint().handle(new LrRequest(ctx, clientAddress, refuseTokensInQuery))));
                switch (r.method()) {
                    case GET -> config.routes.get(r.path(), h);
                    case POST -> config.routes.post(r.path(), h);
                    case PUT -> config.routes.put(r.path(), h);
                    case PATCH -> config.routes.patch(r.path(), h);
                    case DELETE -> config.routes.delete(r.path(), h);
                }
            }
            for (Routes.Page page : Routes.PAGES) {
                byte[] content = resource(page.resource());
                config.routes.get(page.path(), ctx -> {
                    ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'");
                    ctx.header("X-Content-Type-Options", "nosniff");
                    ctx.contentType(page.contentType()).result(content);
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
                String correlationId = UUID.randomUUID().toString();
                LOG.error("unexpected failure on {} {} [correlation id {}]", ctx.method(), ctx.path(), correlationId, e);
                ctx.header("X-Correlation-Id", correlationId);
                ApiException internal = LrError.INTERNAL.error();
                answer(ctx, internal.status, Json.bytes(internal.body()));
            });
            config.routes.error(404, "*", ctx -> unanswered(ctx, LrError.NOT_FOUND));
            config.routes.error(405, "*", ctx -> unanswered(ctx, LrError.METHOD_NOT_ALLOWED));
        });
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

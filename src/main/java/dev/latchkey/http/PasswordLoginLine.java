package dev.latchkey.http;

import java.time.Duration;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The line password logins wait in: at most {@code concurrent} of them are handled at once; the others wait, holding no
 * thread, up to {@link #MAX_WAIT} (then 429 with {@code Retry-After: 1}, in LoginRadius's shape), and beyond
 * {@link #MAX_WAITING} waiting the next is answered 429 at once. Every other request passes by.
 * <p>Why: a flood of bogus logins is refused cheaply once the password hasher is saturated, but each refusal still costs
 * CPU, and with hundreds of them handled at once (one thread each) the few threads that hash, including a real user's,
 * got a hundredth of the CPU: a login took seconds. Bounded here, the hashes keep their share, and health checks and
 * every other endpoint get threads at once.
 */
final class PasswordLoginLine extends QoSHandler {
    static final Duration MAX_WAIT = Duration.ofSeconds(2);
    static final int MAX_WAITING = 1024;

    /** {@code concurrent}: the password hasher's places plus a few per core for the logins it refuses. */
    PasswordLoginLine(int concurrent) {
        setMaxRequestCount(concurrent);
        setMaxSuspend(MAX_WAIT);
        setMaxSuspendedRequestCount(MAX_WAITING);
        setRejectStatusCode(429);
        include(PasswordLoginLine::isPasswordLogin);
    }

    /** {@code POST /identity/v2/auth/login} and {@code /login/2fa}, as the routes match them (any case, trailing slash). */
    static boolean isPasswordLogin(Request request) {
        return passwordLoginRoute(request) != null;
    }

    /** The route of a password login ({@code /identity/v2/auth/login} or {@code /login/2fa}), or null. */
    private static String passwordLoginRoute(Request request) {
        if (!"POST".equalsIgnoreCase(request.getMethod())) {
            return null;
        }
        String path = Request.getPathInContext(request);
        if (path == null) {
            return null;
        }
        path = path.toLowerCase(Locale.ROOT);
        while (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        return path.equals("/identity/v2/auth/login") || path.equals("/identity/v2/auth/login/2fa") ? path : null;
    }

    /** A login answered here (429) is timed and logged under its route all the same. */
    private static void named(Request request) {
        if (request.getAttribute(RequestTelemetry.EXCHANGE) instanceof RequestTelemetry.Exchange exchange) {
            exchange.route = passwordLoginRoute(request);
        }
    }

    @Override
    protected void reject(Request request, Response response, Callback callback, int status) {
        named(request);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        super.reject(request, response, callback, status);
    }

    @Override
    protected void failSuspended(Request request, Response response, Callback callback, int status, Throwable failure) {
        named(request);
        if (status == 429) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        super.failSuspended(request, response, callback, status, failure);
    }
}

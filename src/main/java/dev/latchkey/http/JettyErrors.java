package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What the web server answers by itself, before any route sees the request (a URI it cannot parse, a request line or
 * headers too large, an HTTP version it does not speak, broken framing): LoginRadius's JSON error shape instead of
 * Jetty's HTML page, with Jetty's status and, where LoginRadius has no code for it, the status as {@code ErrorCode}.
 */
final class JettyErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        ApiException e = error(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.bytes(e.body())), callback);
    }

    static ApiException error(int code) {
        LrError known = switch (code) {
            case 400 -> LrError.BAD_REQUEST;
            case 404 -> LrError.NOT_FOUND;
            case 405 -> LrError.METHOD_NOT_ALLOWED;
            case 414 -> LrError.URI_TOO_LONG;
            case 429 -> LrError.TOO_MANY_REQUESTS;
            case 431 -> LrError.HEADERS_TOO_LARGE;
            case 505 -> LrError.HTTP_VERSION_NOT_SUPPORTED;
            default -> code >= 500 ? LrError.INTERNAL : LrError.BAD_REQUEST;
        };
        ApiException e = known.error().withStatus(code);
        if (known == LrError.BAD_REQUEST && code != 400) {
            // A status LoginRadius has no code for (413, 408, …): say which, in the same shape.
            return known.withDescription("The web server refused the request: " + code + " " + HttpStatus.getMessage(code) + ".").withStatus(code);
        }
        return e;
    }
}

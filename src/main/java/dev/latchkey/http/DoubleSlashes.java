package dev.latchkey.http;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A client configured with a base URL that ends in a slash ({@code https://id.example.com/}, an SDK's custom domain)
 * sends {@code //identity/v2/...}: the empty segments are dropped, so the path reaches its route.
 */
final class DoubleSlashes extends Handler.Wrapper {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.contains("//")) {
            return super.handle(request, response, callback);
        }
        HttpURI collapsed = HttpURI.build(request.getHttpURI()).path(path.replaceAll("/{2,}", "/"));
        return super.handle(new Request.Wrapper(request) {
            @Override
            public HttpURI getHttpURI() {
                return collapsed;
            }
        }, response, callback);
    }
}

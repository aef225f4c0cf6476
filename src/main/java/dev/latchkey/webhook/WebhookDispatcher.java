package dev.latchkey.webhook;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import dev.latchkey.outbox.OutboxDispatcher;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.jdbi.v3.core.Jdbi;

/**
 * Delivers webhook events from {@code webhook_outbox} ({@link OutboxDispatcher} does the claiming, retries and
 * bookkeeping): a POST of the stored payload, signed with HMAC-SHA256 of the raw body keyed by the tenant's API secret
 * (header {@code signature}, upper-case hex, as LoginRadius), with the subscription's headers, query and credentials;
 * a 2xx is delivered.
 *
 * <p>The target is the tenant's choice, so every connection is checked: Jetty's client asks {@link CheckedResolver}
 * for the addresses of the host, which resolves it with the node's {@link HostResolver}, drops what
 * {@link TargetAddresses} refuses and hands Jetty only the rest; when nothing is left the attempt fails without
 * connecting (and is retried like any failure). Checking the name at subscription alone is not enough: a name can
 * answer with a public address then and with 127.0.0.1 at delivery. TLS still verifies the certificate against the
 * URL's host name. Redirects are not followed (a 3xx is a failed attempt), no cookies are kept, and requests are
 * HTTP/1.1 without an offer to upgrade to HTTP/2.
 */
public final class WebhookDispatcher extends OutboxDispatcher {
    static final int MAX_IN_FLIGHT = 16;
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final String USER_AGENT = "Latchkey-Webhooks/0.1";

    private final Secrets secrets;
    private final HttpClient http;

    public WebhookDispatcher(Jdbi jdbi, Secrets secrets, Clock clock, long backoffMillis, long retryForMillis, MeterRegistry metrics,
                             HostResolver resolver, TargetAddresses addresses) {
        super("webhook_outbox", "webhook_id", "latchkey-webhooks", jdbi, clock, backoffMillis, retryForMillis, MAX_IN_FLIGHT, metrics,
                "latchkey.webhook.deliveries");
        this.secrets = secrets;
        this.http = client(resolver, addresses);
    }

    /** The HTTP client deliveries use; not started. */
    static HttpClient client(HostResolver resolver, TargetAddresses addresses) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_IN_FLIGHT + 8, 1);
        threads.setName("latchkey-webhook-http");
        threads.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        // Verifies the receiver's certificate against the URL's host name, not against the address that was checked.
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        connector.setSslContextFactory(tls);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("latchkey-webhook-http-timeouts", true));
        client.setSocketAddressResolver(new CheckedResolver(resolver, addresses, threads));
        client.setConnectTimeout(TIMEOUT.toMillis());
        client.setFollowRedirects(false);
        client.getProtocolHandlers().remove(RedirectProtocolHandler.NAME);
        client.setHttpCookieStore(new HttpCookieStore.Empty()); // one receiver's cookies must never reach another tenant's
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        client.setDestinationIdleTimeout(300_000); // forget receivers not called for a while (one destination per host)
        return client;
    }

    /**
     * Jetty's resolver hook: the addresses of a delivery's host that {@link TargetAddresses} allows, or a failure that
     * says why none is. Runs the (blocking) lookup on the client's threads, never on its selector.
     */
    static final class CheckedResolver implements SocketAddressResolver {
        private final HostResolver resolver;
        private final TargetAddresses addresses;
        private final Executor executor;

        CheckedResolver(HostResolver resolver, TargetAddresses addresses, Executor executor) {
            this.resolver = resolver;
            this.addresses = addresses;
            this.executor = executor;
        }

        @Override
        public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
            try {
                executor.execute(() -> {
                    try {
                        promise.succeeded(allowed(host, port));
                    } catch (IOException | RuntimeException e) {
                        promise.failed(e);
                    }
                });
            } catch (RuntimeException rejected) {
                promise.failed(rejected);
            }
        }

        List<InetSocketAddress> allowed(String host, int port) throws IOException {
            String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            List<InetAddress> resolved = resolver.resolve(name);
            List<InetSocketAddress> allowed = new ArrayList<>();
            List<String> refusals = new ArrayList<>();
            for (InetAddress a : resolved) {
                String refusal = addresses.refusal(a);
                if (refusal == null) {
                    allowed.add(new InetSocketAddress(a, port));
                } else {
                    refusals.add(refusal);
                }
            }
            if (allowed.isEmpty()) {
                throw resolved.isEmpty() ? new UnknownHostException(name)
                        : new RefusedTarget("not sent: every address of " + name + " is refused (" + String.join("), (", refusals) + ")");
            }
            return allowed;
        }
    }

    /** A delivery whose host resolved only to refused addresses: nothing was connected to. */
    static final class RefusedTarget extends IOException {
        RefusedTarget(String message) {
            super(message, null);
        }
    }

    private volatile boolean clientStarted;
    private boolean closed; // guarded by this: a delivery racing the node's stop does not start the client again

    /**
     * Starts the HTTP client on the first delivery rather than with the node: starting it took 0.2 s of the node's start
     * (issue 16), and a node whose tenants have no webhooks never needs it.
     */
    private void startClient() {
        if (clientStarted) {
            return;
        }
        synchronized (this) {
            if (!clientStarted && !closed) {
                try {
                    http.start();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start the webhook HTTP client", e);
                }
                clientStarted = true;
            }
        }
    }

    private record Attempt(String id, String payload, String targetUrl, String headers, String queryParams, String authType,
                           String authUsername, String authSecret, String apiSecretSealed) {}

    @Override
    protected CompletableFuture<Outcome> deliver(String id) {
        Attempt a = jdbi.withHandle(h -> h.createQuery("""
                        SELECT o.id, o.payload, w.target_url, w.headers, w.query_params, w.auth_type,
                               w.auth_username, w.auth_secret_enc, t.api_secret_enc
                        FROM webhook_outbox o JOIN tenants t ON t.id = o.tenant_id LEFT JOIN webhooks w ON w.id = o.webhook_id
                        WHERE o.id = :id""")
                .bind("id", id)
                .map((rs, c) -> new Attempt(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)))
                .findOne().orElse(null));
        if (a == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (a.targetUrl() == null) {
            return CompletableFuture.completedFuture(Outcome.fail("the webhook was deleted"));
        }
        byte[] body = a.payload().getBytes(StandardCharsets.UTF_8);
        String signature = sign(secrets.decrypt(a.apiSecretSealed()), body);
        String authorization = null;
        if ("Basic".equals(a.authType())) {
            String pair = a.authUsername() + ":" + secrets.decrypt(a.authSecret());
            authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        } else if ("Bearer".equals(a.authType())) {
            authorization = "Bearer " + secrets.decrypt(a.authSecret());
        }
        String auth = authorization;
        startClient();
        Request request = http.newRequest(URI.create(withQuery(a.targetUrl(), a.queryParams())))
                .method(HttpMethod.POST)
                .version(HttpVersion.HTTP_1_1)
                .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    Json.parse(a.headers()).fields().forEachRemaining(f -> {
                        // A header saved before the rules of Webhooks.headerValue refused it is left out, not sent broken.
                        if (Webhooks.isDeliverableHeader(f.getKey(), f.getValue().asText())) {
                            h.put(f.getKey(), f.getValue().asText());
                        }
                    });
                    h.put("signature", signature);
                    h.put("X-Latchkey-Delivery", a.id());
                    if (auth != null) {
                        h.put(HttpHeader.AUTHORIZATION, auth);
                    }
                })
                .body(new BytesRequestContent("application/json", body));
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        request.send(result -> outcome.complete(outcome(result)));
        return outcome;
    }

    private static Outcome outcome(Result result) {
        if (result.isFailed()) {
            Throwable failure = result.getFailure();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof RefusedTarget refused) {
                    return Outcome.retry(refused.getMessage());
                }
            }
            return Outcome.retry(failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
        }
        int status = result.getResponse().getStatus();
        return status >= 200 && status < 300 ? Outcome.DELIVERED : Outcome.retry("HTTP " + status);
    }

    static String sign(String apiSecret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(apiSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().withUpperCase().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String withQuery(String url, String queryJson) {
        StringBuilder q = new StringBuilder();
        Json.parse(queryJson).fields().forEachRemaining(f -> q.append(q.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(f.getValue().asText(), StandardCharsets.UTF_8)));
        if (q.length() == 0) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + q;
    }

    @Override
    public void close() {
        super.close();
        synchronized (this) {
            closed = true;
        }
        try {
            http.stop();
        } catch (Exception e) {
            // stopping: nothing more to deliver
        }
    }
}

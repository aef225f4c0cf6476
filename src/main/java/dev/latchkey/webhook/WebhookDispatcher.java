package dev.latchkey.webhook;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import dev.latchkey.outbox.OutboxDispatcher;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;

/**
 * Delivers webhook events from {@code webhook_outbox} ({@link OutboxDispatcher} does the claiming, retries and
 * bookkeeping): a POST of the stored payload, signed with HMAC-SHA256 of the raw body keyed by the tenant's API secret
 * (header {@code signature}, upper-case hex, as LoginRadius), with the subscription's headers, query and credentials;
 * a 2xx is delivered.
 */
public final class WebhookDispatcher extends OutboxDispatcher {
    static final int MAX_IN_FLIGHT = 16;
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Secrets secrets;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();

    public WebhookDispatcher(Jdbi jdbi, Secrets secrets, Clock clock, long backoffMillis, long retryForMillis,
                             io.micrometer.core.instrument.MeterRegistry metrics) {
        super("webhook_outbox", "latchkey-webhooks", jdbi, clock, backoffMillis, retryForMillis, MAX_IN_FLIGHT, metrics,
                "latchkey.webhook.deliveries");
        this.secrets = secrets;
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(withQuery(a.targetUrl(), a.queryParams())))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Latchkey-Webhooks/0.1")
                .header("signature", sign(secrets.decrypt(a.apiSecretSealed()), body))
                .header("X-Latchkey-Delivery", a.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        Json.parse(a.headers()).fields().forEachRemaining(f -> b.header(f.getKey(), f.getValue().asText()));
        if ("Basic".equals(a.authType())) {
            String pair = a.authUsername() + ":" + secrets.decrypt(a.authSecret());
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else if ("Bearer".equals(a.authType())) {
            b.header("Authorization", "Bearer " + secrets.decrypt(a.authSecret()));
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                return Outcome.retry(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            }
            return r.statusCode() >= 200 && r.statusCode() < 300 ? Outcome.DELIVERED : Outcome.retry("HTTP " + r.statusCode());
        });
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
}

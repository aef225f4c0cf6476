package dev.latchkey.webhook;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
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
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox, on every node at once: a due row is claimed by one conditional UPDATE (so two nodes never send
 * the same attempt), sent asynchronously with a timeout (a slow receiver holds one of a bounded number of slots, never a
 * request thread), signed with HMAC-SHA256 of the raw body keyed by the tenant's API secret (header {@code signature},
 * upper-case hex, as LoginRadius), and marked delivered on a 2xx; otherwise retried with exponential backoff and jitter
 * until {@code retryFor} has passed since the event, then marked failed and kept.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    static final int MAX_IN_FLIGHT = 16;
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** A claim outlives the longest attempt, so a node that dies mid-attempt releases its rows by themselves. */
    static final long CLAIM_MILLIS = 60_000;

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final Clock clock;
    private final long backoffMillis;
    private final long retryForMillis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "latchkey-webhooks");
        t.setDaemon(true);
        return t;
    });

    private final io.micrometer.core.instrument.Counter delivered;
    private final io.micrometer.core.instrument.Counter retried;
    private final io.micrometer.core.instrument.Counter failed;

    public WebhookDispatcher(Jdbi jdbi, Secrets secrets, Clock clock, long backoffMillis, long retryForMillis,
                             io.micrometer.core.instrument.MeterRegistry metrics) {
        this.delivered = metrics.counter("latchkey.webhook.deliveries", "outcome", "delivered");
        this.retried = metrics.counter("latchkey.webhook.deliveries", "outcome", "retried");
        this.failed = metrics.counter("latchkey.webhook.deliveries", "outcome", "failed");
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.clock = clock;
        this.backoffMillis = backoffMillis;
        this.retryForMillis = retryForMillis;
    }

    /** Delivered events are kept this long for operators, then removed; failed ones are kept. */
    static final long KEEP_DELIVERED_MILLIS = 7L * 24 * 3600 * 1000;

    public WebhookDispatcher start() {
        poller.scheduleWithFixedDelay(this::pollSafely, 200, 200, TimeUnit.MILLISECONDS);
        poller.scheduleWithFixedDelay(this::pruneSafely, 1, 60, TimeUnit.MINUTES);
        return this;
    }

    private void pruneSafely() {
        try {
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM webhook_outbox WHERE status = 'delivered' AND delivered_at < :before")
                    .bind("before", clock.millis() - KEEP_DELIVERED_MILLIS).execute());
        } catch (RuntimeException e) {
            LOG.warn("pruning delivered webhook events failed: {}", e.toString());
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("webhook dispatch round failed: {}", e.toString());
        }
    }

    /** One round: claim what is due (as many as there are free slots) and send it. */
    void poll() {
        long now = clock.millis();
        List<String> due = jdbi.withHandle(h -> h.createQuery("""
                        SELECT id FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= :now
                        AND (claimed_until IS NULL OR claimed_until < :now) ORDER BY next_attempt_at LIMIT 64""")
                .bind("now", now).mapTo(String.class).list());
        for (String id : due) {
            if (!slots.tryAcquire()) {
                return;
            }
            boolean claimed = jdbi.withHandle(h -> h.createUpdate("""
                            UPDATE webhook_outbox SET claimed_until = :until, attempts = attempts + 1
                            WHERE id = :id AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < :now)""")
                    .bind("until", now + CLAIM_MILLIS).bind("id", id).bind("now", now).execute() == 1);
            if (claimed) {
                send(id);
            } else {
                slots.release();
            }
        }
    }

    private record Attempt(String id, String payload, long createdAt, int attempts, String targetUrl, String headers,
                           String queryParams, String authType, String authUsername, String authSecret, String apiSecretSealed) {}

    private void send(String id) {
        Attempt a = jdbi.withHandle(h -> h.createQuery("""
                        SELECT o.id, o.payload, o.created_at, o.attempts, w.target_url, w.headers, w.query_params, w.auth_type,
                               w.auth_username, w.auth_secret_enc, t.api_secret_enc
                        FROM webhook_outbox o JOIN tenants t ON t.id = o.tenant_id LEFT JOIN webhooks w ON w.id = o.webhook_id
                        WHERE o.id = :id""")
                .bind("id", id)
                .map((rs, c) -> new Attempt(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11)))
                .findOne().orElse(null));
        if (a == null) {
            slots.release();
            return;
        }
        if (a.targetUrl() == null) {
            finish(a, false, "the webhook was deleted", true);
            return;
        }
        try {
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
            http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null) {
                    finish(a, false, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), false);
                } else {
                    boolean ok = r.statusCode() >= 200 && r.statusCode() < 300;
                    finish(a, ok, ok ? null : "HTTP " + r.statusCode(), false);
                }
            });
        } catch (RuntimeException e) {
            finish(a, false, e.toString(), false);
        }
    }

    /** Marks the attempt's outcome (only while the row is still pending, so a late duplicate changes nothing). */
    private void finish(Attempt a, boolean ok, String error, boolean permanent) {
        try {
            long now = clock.millis();
            String trimmed = error == null ? null : error.length() > 900 ? error.substring(0, 900) : error;
            jdbi.useHandle(h -> {
                if (ok) {
                    h.createUpdate("""
                                    UPDATE webhook_outbox SET status = 'delivered', delivered_at = :now, claimed_until = NULL, last_error = NULL
                                    WHERE id = :id AND status = 'pending'""").bind("now", now).bind("id", a.id()).execute();
                    delivered.increment();
                } else if (permanent || now - a.createdAt() >= retryForMillis) {
                    h.createUpdate("""
                                    UPDATE webhook_outbox SET status = 'failed', claimed_until = NULL, last_error = :err
                                    WHERE id = :id AND status = 'pending'""").bind("err", trimmed).bind("id", a.id()).execute();
                    failed.increment();
                } else {
                    h.createUpdate("""
                                    UPDATE webhook_outbox SET next_attempt_at = :next, claimed_until = NULL, last_error = :err
                                    WHERE id = :id AND status = 'pending'""")
                            .bind("next", now + backoff(a.attempts())).bind("err", trimmed).bind("id", a.id()).execute();
                    retried.increment();
                }
            });
        } finally {
            slots.release();
        }
    }

    /** Exponential (base × 2^(attempt-1), at most an hour) with ±25% jitter, so receivers coming back are not stampeded. */
    long backoff(int attempts) {
        long base = backoffMillis * (1L << Math.min(Math.max(attempts - 1, 0), 20));
        long capped = Math.min(base, 3_600_000L);
        double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Math.max(1, (long) (capped * jitter));
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
        poller.shutdownNow();
    }
}

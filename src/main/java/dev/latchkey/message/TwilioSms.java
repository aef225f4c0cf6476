package dev.latchkey.message;

import dev.latchkey.outbox.OutboxDispatcher.Outcome;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * Twilio's Messages API, or any API compatible with it: {@code POST {BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json}
 * with the form fields {@code To}, {@code From} and {@code Body}, HTTP Basic {@code AccountSid:AuthToken}. A 2xx is sent;
 * 429 and 5xx are retried; another 4xx (a number the provider refuses) fails for good. The URL is the operator's choice
 * ({@code --sms-url}, or a tenant's {@code Sms.BaseUrl} with that tenant's own credentials), so it is not held to the
 * webhook target rules.
 */
public final class TwilioSms implements SmsProvider {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * The JDK's client, made on the first message rather than with the node (its SSL context and selector thread took
     * 0.14 s of the node's start, and a node whose tenants send no SMS never needs it). It keeps no state of a tenant's,
     * so one per JVM. HTTP/1.1: the JDK's client otherwise offers plain-HTTP providers an upgrade to HTTP/2 (h2c), which
     * some refuse.
     */
    private static final class Client {
        static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public CompletableFuture<Outcome> send(DeliverySettings.Sms s, String to, String body, String messageId) {
        String url = s.baseUrl().replaceAll("/+$", "") + "/2010-04-01/Accounts/" + URLEncoder.encode(s.accountSid(), StandardCharsets.UTF_8)
                + "/Messages.json";
        String form = "To=" + enc(to) + "&From=" + enc(s.from()) + "&Body=" + enc(body);
        String basic = Base64.getEncoder().encodeToString((s.accountSid() + ":" + s.authToken()).getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("User-Agent", "Latchkey-Messages/0.1")
                .header("I-Twilio-Idempotency-Token", messageId)
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();
        return Client.HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
            if (e != null) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return Outcome.retry(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            }
            int status = r.statusCode();
            if (status >= 200 && status < 300) {
                return Outcome.DELIVERED;
            }
            String error = "HTTP " + status + " " + abbreviate(r.body());
            return status == 429 || status >= 500 ? Outcome.retry(error) : Outcome.fail(error);
        });
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) : s;
    }
}

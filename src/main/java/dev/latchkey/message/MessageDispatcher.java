package dev.latchkey.message;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import dev.latchkey.outbox.OutboxDispatcher;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;

/**
 * Sends {@code message_outbox}: email over SMTP, SMS through the provider, with the tenant's delivery settings as they
 * are at the time of the attempt (an operator who fixes a wrong password sees the queued messages go). Claims, retries
 * and bookkeeping are {@link OutboxDispatcher}'s. A message's content (it may hold a code or a link) is erased once it
 * is delivered or has failed for good: nothing re-sends a message.
 */
public final class MessageDispatcher extends OutboxDispatcher {
    static final int MAX_IN_FLIGHT = 16;

    private final Secrets secrets;
    private final TenantStore tenants;
    private final DeliverySettings delivery;
    private final SmtpMailer mailer;
    private final SmsProvider sms;

    public MessageDispatcher(Jdbi jdbi, Secrets secrets, TenantStore tenants, DeliverySettings delivery, SmtpMailer mailer,
                             SmsProvider sms, Clock clock, long backoffMillis, long retryForMillis, MeterRegistry metrics) {
        // A tenant's mail route and its SMS route: its own server or provider, or the node's.
        super("message_outbox", "CAST(tenant_id AS VARCHAR(20)) || ' ' || channel", "latchkey-messages", jdbi, clock,
                backoffMillis, retryForMillis, MAX_IN_FLIGHT, metrics, "latchkey.messages.deliveries");
        this.secrets = secrets;
        this.tenants = tenants;
        this.delivery = delivery;
        this.mailer = mailer;
        this.sms = sms;
    }

    private record Row(String id, String apiKey, String channel, String recipient, String content) {}

    @Override
    protected String onDeliveredSet() {
        return ", content = NULL";
    }

    @Override
    protected String onFailedSet() {
        return ", content = NULL";
    }

    @Override
    protected CompletableFuture<Outcome> deliver(String id) {
        Row row = jdbi.withHandle(h -> h.createQuery("""
                        SELECT m.id, t.api_key, m.channel, m.recipient, m.content
                        FROM message_outbox m JOIN tenants t ON t.id = m.tenant_id WHERE m.id = :id""")
                .bind("id", id)
                .map((rs, c) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .findOne().orElse(null));
        if (row == null) {
            return CompletableFuture.completedFuture(null);
        }
        Tenant tenant = tenants.byApiKey(row.apiKey()).orElse(null);
        if (tenant == null || row.content() == null) {
            return CompletableFuture.completedFuture(Outcome.fail("nothing to send"));
        }
        JsonNode content = Json.parse(secrets.decrypt(row.content()));
        if (MessageTemplates.Channel.EMAIL.key().equals(row.channel())) {
            DeliverySettings.Smtp smtp = delivery.smtp(tenant);
            if (!smtp.configured()) {
                return CompletableFuture.completedFuture(Outcome.retry("no SMTP server is configured (--smtp-host, --mail-from or the tenant's Email settings)"));
            }
            return mailer.send(smtp, row.recipient(), new MessageTemplates.Rendered(text(content, "Subject"), text(content, "Html"),
                    text(content, "Text")), row.id());
        }
        DeliverySettings.Sms settings = delivery.sms(tenant);
        if (!settings.configured()) {
            return CompletableFuture.completedFuture(Outcome.retry("no SMS provider is configured (--sms-* or the tenant's Sms settings)"));
        }
        return sms.send(settings, row.recipient(), text(content, "Body"), row.id());
    }

    private static String text(JsonNode n, String k) {
        JsonNode v = n.get(k);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public void close() {
        super.close();
        mailer.close();
    }
}

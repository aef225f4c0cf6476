package dev.latchkey.message;

import dev.latchkey.outbox.OutboxDispatcher.Outcome;
import java.util.concurrent.CompletableFuture;

/** Sends one SMS through a provider's API. The first (and so far only) provider speaks Twilio's Messages API. */
public interface SmsProvider {
    /** Sends {@code body} to {@code to}; {@code messageId} identifies it across retries (providers that dedupe use it). */
    CompletableFuture<Outcome> send(DeliverySettings.Sms settings, String to, String body, String messageId);
}

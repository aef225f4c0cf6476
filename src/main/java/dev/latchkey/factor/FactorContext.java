package dev.latchkey.factor;

import dev.latchkey.account.AccountStore;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.message.SecurityNotices;
import dev.latchkey.webhook.WebhookOutbox;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * What a factor needs from the rest of Latchkey: the database, the accounts' rows (for their lock and MFA flag), the
 * server's keys, and the three ways a change is told (webhook, audit trail, security notice). One argument, so adding a
 * factor does not change the wiring of the others.
 */
public record FactorContext(Jdbi jdbi, AccountStore accounts, Secrets secrets, WebhookOutbox outbox, Audit audit,
                            SecurityNotices notices, Clock clock) {}

package dev.latchkey.store;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded growth: what has expired or outlived its retention is deleted on a schedule, on every node (the deletes are
 * idempotent, so nodes need not agree on who runs them), in batches so that no statement holds many locks for long.
 * <ul>
 * <li>access tokens and 2FA tokens (one-click links and SMS codes live in the latter) once expired; refresh tokens once
 *     expired (a used one is kept until then, so that presenting it again still ends its session); WebAuthn challenges
 *     once used or expired; throttling rows a day after their window ended and their lock passed;</li>
 * <li>risk events and failed webhook deliveries and messages after {@code retentionMillis}, delivered ones after
 *     {@link #KEEP_DELIVERED_MILLIS}; the audit trail after {@code auditRetentionMillis}.</li>
 * </ul>
 */
public final class Purge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Purge.class);
    static final int BATCH = 1000;
    /** Delivered webhook events and messages are kept this long for operators (failed ones {@code retentionMillis}). */
    public static final long KEEP_DELIVERED_MILLIS = 7L * 24 * 3600 * 1000;
    /**
     * An outbox row delivered before {@code :now}. A row is sent only once due, so it was due before it was delivered:
     * the due-time bound makes it a range of the {@code (status, next_attempt_at)} index. Bounded by the delivery time
     * alone, it read every delivered row kept, a week of every tenant's traffic ({@code OutboxDueRowsContract}).
     */
    public static final String DELIVERED = "status = 'delivered' AND next_attempt_at < :now AND delivered_at < :now";
    /** Throttling rows are kept this long after they last mattered (the longest address window a tenant may set). */
    static final long THROTTLE_KEEP_MILLIS = 24L * 3600 * 1000;

    private final Jdbi jdbi;
    private final Clock clock;
    private final long retentionMillis;
    private final long auditRetentionMillis;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "latchkey-purge");
        t.setDaemon(true);
        return t;
    });

    public Purge(Jdbi jdbi, Clock clock, long retentionMillis, long auditRetentionMillis) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.retentionMillis = retentionMillis;
        this.auditRetentionMillis = auditRetentionMillis;
    }

    /** Runs every 10 minutes, the first time a minute after start (off start-up's path). */
    public Purge start() {
        return startIn(60_000);
    }

    /** Runs every 10 minutes, the first time {@code delayMillis} from now. */
    Purge startIn(long delayMillis) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                Map<String, Integer> n = run();
                if (n.values().stream().anyMatch(c -> c > 0)) {
                    LOG.info("purged {}", n);
                }
            } catch (RuntimeException e) {
                LOG.warn("purge failed (retried in 10 minutes): {}", e.toString());
            }
        }, delayMillis, 600_000, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass over every table; returns how many rows each lost. */
    public Map<String, Integer> run() {
        long now = clock.millis();
        Map<String, Integer> deleted = new LinkedHashMap<>();
        deleted.put("access_tokens", batched("access_tokens", "token_hash", "expires_at < :now", now));
        deleted.put("refresh_tokens", batched("refresh_tokens", "token_hash", "expires_at < :now", now));
        deleted.put("second_factor_tokens", batched("second_factor_tokens", "token_hash", "expires_at < :now", now));
        deleted.put("webauthn_challenges", batched("webauthn_challenges", "challenge", "expires_at < :now OR used_at IS NOT NULL", now));
        deleted.put("reauth_tokens", batched("reauth_tokens", "token_hash", "expires_at < :now OR used_at IS NOT NULL", now));
        deleted.put("authenticator_enrollments", batched("authenticator_enrollments", "bound_to", "expires_at < :now", now));
        deleted.put("factor_codes", batched("factor_codes", "id", "expires_at < :now", now));
        deleted.put("remembered_devices", batched("remembered_devices", "id", "expires_at < :now", now));
        deleted.put("account_links", batched("account_links", "token_hash", "expires_at < :now", now));
        deleted.put("email_code_failures", jdbi.withHandle(h -> h.createUpdate("DELETE FROM email_code_failures WHERE updated_at < :before")
                .bind("before", now - 86_400_000L).execute()));
        // Kept a day past their end: a late code still answers "used" or "expired", a reused client GUID still 1136.
        deleted.put("phone_codes", batched("phone_codes", "id", "expires_at < :now", now - 86_400_000L));
        deleted.put("sign_in_polls", batched("sign_in_polls", "client_hash", "expires_at < :now", now - 86_400_000L));
        deleted.put("send_tally", jdbi.withHandle(h -> h.createUpdate("DELETE FROM send_tally WHERE window_start < :before")
                .bind("before", now - 3_600_000L).execute()));
        deleted.put("login_throttle", jdbi.withHandle(h -> h.createUpdate("""
                        DELETE FROM login_throttle WHERE window_start < :before AND (locked_until IS NULL OR locked_until < :before)""")
                .bind("before", now - THROTTLE_KEEP_MILLIS).execute()));
        deleted.put("risk_events", batched("risk_events", "id", "created_at < :now", now - retentionMillis));
        for (String outbox : new String[] {"webhook_outbox", "message_outbox"}) {
            deleted.put(outbox, batched(outbox, "id", "status = 'failed' AND created_at < :now", now - retentionMillis)
                    + batched(outbox, "id", DELIVERED, now - KEEP_DELIVERED_MILLIS));
        }
        deleted.put("audit_events", batched("audit_events", "id", "created_at < :now", now - auditRetentionMillis));
        return deleted;
    }

    /** Deletes the rows matching {@code condition} (with {@code :now} bound to {@code time}), a batch at a time. */
    private int batched(String table, String key, String condition, long time) {
        int total = 0;
        int n = BATCH;
        while (n == BATCH && !scheduler.isShutdown()) { // a stop ends the pass between batches
            n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE " + key + " IN (" + batchOf(table, key, condition) + ")")
                    .bind("now", time).execute());
            total += n;
        }
        return total;
    }

    /** The keys of up to {@link #BATCH} rows of {@code table} matching {@code condition}: what one statement deletes. */
    public static String batchOf(String table, String key, String condition) {
        return "SELECT " + key + " FROM " + table + " WHERE " + condition + " LIMIT " + BATCH;
    }

    /** Stops after the batch under way (see {@link Background}: never interrupted inside a statement). */
    @Override
    public void close() {
        Background.stop(scheduler, "the purge");
    }
}

package dev.latchkey.audit;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.store.Piece;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The audit trail: every login, failed or refused attempt, lockout, second factor added, reset or removed, session
 * ended, and every change made with the API secret or the admin key, with when, which tenant and account, from where
 * and with what outcome. Unlike webhooks, no request parameter suppresses it. Written in the transaction of what it
 * records (a failure in the transaction that counts it), so it exists exactly when that happened; pruned by age only.
 */
public final class Audit implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Audit.class);
    /** How often refusals counted in memory ({@link #refused}) are written. */
    public static final long TALLY_MILLIS = 5_000;
    /** What came of it: done, a wrong answer, or refused before any answer was evaluated. */
    public enum Outcome {
        SUCCESS, FAILURE, REFUSED;

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Who acted: the user (public endpoints), an application with the API secret, an operator with the admin key, the server. */
    public enum Actor {
        USER, APP, ADMIN, SYSTEM;

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Who made the request, and from where (the client address as {@code --trusted-proxies} resolves it). */
    public record Origin(Actor actor, String ip, String userAgent) {
        public static final Origin SYSTEM = new Origin(Actor.SYSTEM, null, null);
    }

    /**
     * One entry. {@code event}: one of the names below; {@code identifier}: what a login named (kept for failed logins,
     * where there may be no account); {@code details}: a short free text (the factor, the reason).
     */
    public record Event(String event, Outcome outcome, String uid, String identifier, Integer errorCode, String details) {
        public static Event success(String event, String uid, String details) {
            return new Event(event, Outcome.SUCCESS, uid, null, null, details);
        }
    }

    public static final String LOGIN = "Login";
    public static final String LOGIN_FAILED = "LoginFailed";
    public static final String LOGIN_REFUSED = "LoginRefused";
    public static final String ACCOUNT_LOCKED = "AccountLocked";
    public static final String FACTOR_ADDED = "FactorAdded";
    public static final String FACTOR_RESET = "FactorReset";
    public static final String FACTOR_REMOVED = "FactorRemoved";
    public static final String SESSION_ENDED = "SessionEnded";
    public static final String SESSIONS_ENDED = "SessionsEnded";
    public static final String ACCOUNT_CREATED = "AccountCreated";
    public static final String ACCOUNT_UPDATED = "AccountUpdated";
    public static final String ACCOUNT_BLOCKED = "AccountBlocked";
    public static final String ACCOUNT_DELETED = "AccountDeleted";
    public static final String PASSWORD_SET = "PasswordSet";
    public static final String TENANT_CREATED = "TenantCreated";
    public static final String TENANT_UPDATED = "TenantUpdated";
    public static final String TENANT_DELETED = "TenantDeleted";
    public static final String TEMPLATE_SAVED = "TemplateSaved";
    public static final String TEMPLATE_DELETED = "TemplateDeleted";
    public static final String WEBHOOK_SAVED = "WebhookSaved";
    public static final String WEBHOOK_DELETED = "WebhookDeleted";
    public static final String REAUTHENTICATED = "Reauthenticated";

    /**
     * Told of each entry once it happened for good: after the transaction that wrote it committed (an entry of a
     * transaction that rolled back is never told), or at once for a refusal counted in memory. Metrics count logins here.
     * Called on the thread that committed; it must be quick and must not throw.
     */
    @FunctionalInterface
    public interface Observer {
        void recorded(Event e);
    }

    private final Jdbi jdbi;
    private volatile Observer observer = e -> {};
    private final RefusalTally tally = new RefusalTally();
    private final java.util.concurrent.ScheduledExecutorService flusher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "latchkey-audit");
        t.setDaemon(true);
        return t;
    });

    public Audit(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Tells {@code o} of every entry from now on (see {@link Observer}). */
    public Audit observedBy(Observer o) {
        this.observer = o;
        return this;
    }

    /** Writes the refusals counted in memory every {@link #TALLY_MILLIS}. */
    public Audit start() {
        flusher.scheduleWithFixedDelay(() -> {
            try {
                flushRefusals();
            } catch (RuntimeException e) {
                LOG.warn("writing refused requests to the audit trail failed (retried): {}", e.toString());
            }
        }, TALLY_MILLIS, TALLY_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * A refusal that evaluated nothing and may come in floods (a full hashing queue, an address over its limit): counted
     * in memory and written within {@link #TALLY_MILLIS}, one entry per tenant, address and reason, with how many and
     * when (see {@link RefusalTally}).
     */
    public void refused(Long tenantId, Origin origin, Event e, long now) {
        tally.add(tenantId, origin, e, now);
        observe(e);
    }

    /** Writes the refusals counted so far, in one transaction (tests, and at stop). */
    public void flushRefusals() {
        List<RefusalTally.Entry> entries = tally.drain();
        if (!entries.isEmpty()) {
            // Observed when counted (refused), not again here.
            jdbi.useTransaction(h -> entries.forEach(en -> insert(h, en.tenantId(), en.origin(), en.event(), en.at())));
        }
    }

    /** Stops the writer after writing what it counted (the database must still be open). */
    @Override
    public void close() {
        dev.latchkey.store.Background.stop(flusher, "the audit writer");
        try {
            flushRefusals();
        } catch (RuntimeException e) {
            LOG.warn("writing refused requests to the audit trail at stop failed: {}", e.toString());
        }
    }

    /** Records {@code e} in the caller's transaction; the {@link Observer} hears of it once that commits. */
    public void record(Handle h, Long tenantId, Origin origin, Event e, long now) {
        insert(h, tenantId, origin, e, now);
        if (h.isInTransaction()) {
            h.afterCommit(() -> observe(e));
        } else {
            observe(e); // auto-commit: written already
        }
    }

    private void observe(Event e) {
        try {
            observer.recorded(e);
        } catch (RuntimeException failure) {
            LOG.warn("an observer of the audit trail failed: {}", failure.toString());
        }
    }

    private void insert(Handle h, Long tenantId, Origin origin, Event e, long now) {
        piece(tenantId, origin, e, now).execute(h);
    }

    /**
     * {@link #record(Handle, Long, Origin, Event, long)} as a piece of the caller's statement (PostgreSQL: see {@link Piece}),
     * named {@code audit}, which the caller runs in {@code h}'s transaction; the observers hear of it once that commits. It
     * binds {@code :t}, {@code :uid} and {@code :now} as the tenant, the event's account and the time.
     */
    public Piece entry(Handle h, Long tenantId, Origin origin, Event e, long now) {
        if (!h.isInTransaction()) {
            throw new IllegalStateException("an audit entry as a piece of a statement needs the caller's transaction");
        }
        h.afterCommit(() -> observe(e));
        return piece(tenantId, origin, e, now);
    }

    /**
     * {@link #entry}, inserted only when the piece named {@code onlyFor} returned a row ({@link Piece#onlyFor}); the
     * observers hear of it only if the caller then calls {@link #observeOnCommit}, once it knows the row was written.
     */
    public Piece conditionalEntry(Long tenantId, Origin origin, Event e, long now, String onlyFor) {
        return piece(tenantId, origin, e, now).onlyFor(onlyFor);
    }

    /** The observers hear of {@code e}, a {@link #conditionalEntry} its statement wrote, when {@code h}'s transaction commits. */
    public void observeOnCommit(Handle h, Event e) {
        h.afterCommit(() -> observe(e));
    }

    private static Piece piece(Long tenantId, Origin origin, Event e, long now) {
        String id = Secrets.guid();
        return new Piece("audit", """
                INSERT INTO audit_events (id, tenant_id, created_at, event, outcome, actor, uid, identifier, ip, user_agent, error_code, details)
                VALUES (:id, :t, :now, :event, :outcome, :actor, :uid, :identifier, :ip, :ua, :code, :details)""",
                s -> s.bind("id", id).bind("t", tenantId).bind("now", now).bind("event", e.event())
                        .bind("outcome", e.outcome().key()).bind("actor", origin.actor().key()).bind("uid", e.uid())
                        .bind("identifier", cut(e.identifier(), 320)).bind("ip", cut(origin.ip(), 64)).bind("ua", cut(origin.userAgent(), 512))
                        .bind("code", e.errorCode()).bind("details", cut(e.details(), 2000)));
    }

    /** Records {@code e} in its own transaction (what it records committed elsewhere, or changed nothing). */
    public void record(Long tenantId, Origin origin, Event e, long now) {
        jdbi.useHandle(h -> record(h, tenantId, origin, e, now));
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /**
     * How many entries of the tenant named each of {@code events} per hour since {@code from}: hours since the epoch →
     * event → count (the operators' charts; one indexed range of the tenant's entries).
     */
    public java.util.Map<Long, java.util.Map<String, Long>> hourly(long tenantId, long from, List<String> events) {
        java.util.Map<Long, java.util.Map<String, Long>> counts = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT created_at / 3600000, event, COUNT(*) FROM audit_events
                        WHERE tenant_id = :t AND created_at >= :from AND event IN (<events>)
                        GROUP BY created_at / 3600000, event""")
                .bind("t", tenantId).bind("from", from).bindList("events", events)
                .map((rs, c) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3)})
                .forEach(row -> counts.computeIfAbsent((Long) row[0], hour -> new java.util.HashMap<>()).put((String) row[1], (Long) row[2])));
        return counts;
    }

    /** What operators filter the trail by; null fields do not filter. {@code before}: only entries older than this time. */
    public record Query(Long tenantId, String uid, String event, Long before, int limit) {}

    /** An entry of the trail as operators read it ({@code apiKey} null once its tenant is deleted). */
    public record Entry(String id, Long tenantId, String apiKey, long createdAt, String event, String outcome, String actor, String uid,
                        String identifier, String ip, String userAgent, Integer errorCode, String details) {}

    /** Entries newest first. */
    public java.util.List<Entry> list(Query q) {
        StringBuilder sql = new StringBuilder("""
                SELECT e.*, t.api_key FROM audit_events e LEFT JOIN tenants t ON t.id = e.tenant_id WHERE 1 = 1""");
        // Only the filters given are bound: Jdbi refuses named values that a query without any filter does not declare.
        java.util.Map<String, Object> filters = new java.util.HashMap<>();
        if (q.tenantId() != null) {
            sql.append(" AND e.tenant_id = :t");
            filters.put("t", q.tenantId());
        }
        if (q.uid() != null) {
            sql.append(" AND e.uid = :uid");
            filters.put("uid", q.uid());
        }
        if (q.event() != null) {
            sql.append(" AND e.event = :event");
            filters.put("event", q.event());
        }
        if (q.before() != null) {
            sql.append(" AND e.created_at < :before");
            filters.put("before", q.before());
        }
        sql.append(" ORDER BY e.created_at DESC, e.seq DESC LIMIT ").append(q.limit());
        return jdbi.withHandle(h -> h.createQuery(sql.toString())
                .bindMap(filters)
                .map((rs, c) -> {
                    long t = rs.getLong("tenant_id");
                    Long tenantId = rs.wasNull() ? null : t;
                    int code = rs.getInt("error_code");
                    Integer errorCode = rs.wasNull() ? null : code;
                    return new Entry(rs.getString("id"), tenantId, rs.getString("api_key"), rs.getLong("created_at"), rs.getString("event"),
                            rs.getString("outcome"), rs.getString("actor"), rs.getString("uid"), rs.getString("identifier"), rs.getString("ip"),
                            rs.getString("user_agent"), errorCode, rs.getString("details"));
                }).list());
    }
}

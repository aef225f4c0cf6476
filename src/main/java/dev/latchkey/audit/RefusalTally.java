package dev.latchkey.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refusals that cost no evaluation (a full password-hashing queue, an address over its limit of failures), counted in
 * memory and written to the audit trail as one entry per tenant, address and reason every {@link Audit#TALLY_MILLIS}:
 * a flood of requests must not become as many database writes (on H2 each commit waits for the one before, and a flood
 * of audit inserts held every pooled connection, so health checks and real logins waited seconds). A single refusal
 * still becomes an entry of its own, with its identifier and user agent, as it would have been.
 */
final class RefusalTally {
    /** Beyond this many distinct (tenant, address, reason) in one period, refusals are counted without their address. */
    static final int MAX_KEYS = 10_000;

    private record Key(Long tenantId, String ip, String event, Integer errorCode, String reason, boolean manyAddresses) {}

    /** One key's refusals in the current period; {@code closed} once taken by a flush (a late add starts a new one). */
    static final class Count {
        final Audit.Origin origin;
        final String identifier;
        long count;
        long first;
        long last;
        boolean severalIdentifiers;
        boolean closed;

        Count(Audit.Origin origin, String identifier) {
            this.origin = origin;
            this.identifier = identifier;
        }
    }

    /** What a flush writes: one audit entry. */
    record Entry(Long tenantId, Audit.Origin origin, Audit.Event event, long at, long count) {}

    private final Map<Key, Count> counts = new ConcurrentHashMap<>();

    void add(Long tenantId, Audit.Origin origin, Audit.Event e, long now) {
        Key key = new Key(tenantId, origin.ip(), e.event(), e.errorCode(), e.details(), false);
        if (!counts.containsKey(key) && counts.size() >= MAX_KEYS) {
            key = new Key(tenantId, null, e.event(), e.errorCode(), e.details(), true);
            origin = new Audit.Origin(origin.actor(), null, null);
        }
        Audit.Origin from = origin;
        while (true) {
            Count c = counts.computeIfAbsent(key, k -> new Count(from, e.identifier()));
            synchronized (c) {
                if (!c.closed) {
                    if (c.count == 0) {
                        c.first = now;
                    }
                    c.count++;
                    c.last = Math.max(c.last, now);
                    c.severalIdentifiers |= !Objects.equals(c.identifier, e.identifier());
                    return;
                }
            }
            counts.remove(key, c); // taken by a flush between the lookup and the lock: start the next period's count
        }
    }

    /** Takes everything counted so far, as audit entries (the counts start again from zero). */
    List<Entry> drain() {
        List<Entry> out = new ArrayList<>();
        for (Key key : List.copyOf(counts.keySet())) {
            Count c = counts.remove(key);
            if (c == null) {
                continue;
            }
            synchronized (c) {
                c.closed = true;
                if (c.count == 0) {
                    continue;
                }
                String details = c.count == 1 ? key.reason()
                        : key.reason() + " (" + c.count + " refused" + (key.manyAddresses() ? " from many addresses" : "")
                          + (c.severalIdentifiers ? ", for several identifiers" : "") + ", " + dev.latchkey.json.Json.iso(c.first) + " to " + dev.latchkey.json.Json.iso(c.last) + ")";
                out.add(new Entry(key.tenantId(), c.origin, new Audit.Event(key.event(), Audit.Outcome.REFUSED, null,
                        c.severalIdentifiers ? null : c.identifier, key.errorCode(), details), c.last, c.count));
            }
        }
        return out;
    }
}

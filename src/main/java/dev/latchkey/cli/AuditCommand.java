package dev.latchkey.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code latchkey audit} (every tenant) and {@code latchkey tenant audit <ApiKey>}: the audit trail through a node's
 * admin API, newest first.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"List the audit trail, newest first: logins, failures, lockouts, factor and session changes, admin changes.",
                "Example: latchkey audit --event LoginFailed --limit 50"})
final class AuditCommand implements Callable<Integer> {
    @Mixin
    NodeConnection connection = new NodeConnection();
    @Mixin
    Filters filters = new Filters();
    @Option(names = "--apikey", paramLabel = "APIKEY", description = "Only this tenant's entries (also those of a deleted tenant are kept).")
    String apiKey;

    /** What the trail is filtered by. */
    static final class Filters {
        @Option(names = "--uid", description = "Only this account's entries.")
        String uid;
        @Option(names = "--event", description = "Only this event: Login, LoginFailed, LoginRefused, AccountLocked, FactorAdded, FactorReset,"
                + " FactorRemoved, SessionEnded, SessionsEnded, Account*, PasswordSet, Tenant*, Template*, Webhook*.")
        String event;
        @Option(names = "--before", paramLabel = "TIME", description = "Only entries older than this ISO-8601 time (to page back).")
        String before;
        @Option(names = "--limit", description = "At most this many entries (1 to 1000). Default: 200.")
        Integer limit;

        String query(String... first) {
            List<String> parts = new ArrayList<>(List.of(first));
            add(parts, "uid", uid);
            add(parts, "event", event);
            add(parts, "before", before);
            add(parts, "limit", limit == null ? null : limit.toString());
            return parts.isEmpty() ? "" : "?" + String.join("&", parts);
        }

        private static void add(List<String> parts, String name, String value) {
            if (value != null) {
                parts.add(name + "=" + NodeConnection.segment(value));
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        return connection.send("GET", "/admin/v1/audit-events"
                + filters.query(apiKey == null ? new String[0] : new String[] {"apikey=" + NodeConnection.segment(apiKey)}), null);
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "List a tenant's audit trail, newest first.")
    static final class ForTenant implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Mixin
        Filters filters = new Filters();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;

        @Override
        public Integer call() throws Exception {
            return connection.send("GET", connection.tenantPath(apiKey) + "/audit-events" + filters.query(), null);
        }
    }
}

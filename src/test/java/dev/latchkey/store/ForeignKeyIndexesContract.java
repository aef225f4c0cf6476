package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.Test;

/**
 * V21: every foreign key has an index led by its columns (PostgreSQL makes none by itself: deleting an account read
 * every risk event of every tenant through the cascade), and the operators' listings answer the newest rows of the tenant
 * (or account) without reading the other tenants' rows: on PostgreSQL, only about as many as they return.
 */
abstract class ForeignKeyIndexesContract extends ServerContract {
    static final int LIMIT = 200; // AdminApi's listings
    static final int ROWS = 1_000; // per table and tenant

    @Test
    void everyForeignKeyHasAnIndexLedByItsColumns() throws SQLException {
        List<String> unindexed = new ArrayList<>();
        try (Connection c = s.server.jdbi().open().getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            String schema = c.getSchema();
            List<String> tables = new ArrayList<>();
            try (ResultSet r = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
                while (r.next()) {
                    tables.add(r.getString("TABLE_NAME"));
                }
            }
            assertThat(tables).hasSizeGreaterThan(30);
            for (String table : tables) {
                Map<String, List<String>> keys = columns(meta.getImportedKeys(null, schema, table), "FK_NAME", "KEY_SEQ", "FKCOLUMN_NAME");
                Map<String, List<String>> indexes = columns(meta.getIndexInfo(null, schema, table, false, false), "INDEX_NAME",
                        "ORDINAL_POSITION", "COLUMN_NAME");
                keys.forEach((name, cols) -> {
                    boolean led = indexes.values().stream().anyMatch(ix -> ix.size() >= cols.size()
                            && new java.util.HashSet<>(ix.subList(0, cols.size())).equals(new java.util.HashSet<>(cols)));
                    if (!led) {
                        unindexed.add(table.toLowerCase(Locale.ROOT) + " " + cols);
                    }
                });
            }
        }
        assertThat(unindexed).as("foreign keys with no index led by their columns").isEmpty();
    }

    /** Name → its columns in order, from a metadata result of (name, position, column) rows. */
    private static Map<String, List<String>> columns(ResultSet r, String name, String position, String column) throws SQLException {
        Map<String, TreeMap<Integer, String>> byName = new TreeMap<>();
        try (r) {
            while (r.next()) {
                if (r.getString(column) != null) {
                    byName.computeIfAbsent(r.getString(name), k -> new TreeMap<>()).put(r.getInt(position), r.getString(column).toLowerCase(Locale.ROOT));
                }
            }
        }
        Map<String, List<String>> out = new TreeMap<>();
        byName.forEach((k, v) -> out.put(k, List.copyOf(v.values())));
        return out;
    }

    @Test
    void theOperatorsListingsAnswerTheNewestRowsAndReadNoOthers() {
        TestTenant mine = s.mfaTenant(false);
        TestTenant other = s.mfaTenant(false);
        String first = mine.account("listed.1." + UUID.randomUUID() + "@example.com", "correct horse 1");
        String second = mine.account("listed.2." + UUID.randomUUID() + "@example.com", "correct horse 1");
        String theirs = other.account("listed.3." + UUID.randomUUID() + "@example.com", "correct horse 1");
        long me = tenantId(mine);
        long them = tenantId(other);
        long now = s.clock.millis();
        // Two rows share each timestamp (ties go by id, the greater first); the other tenant's rows are all newer.
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(new Row("m" + UUID.randomUUID().toString().substring(1), me, i % 3 == 0 ? second : first, now - 10_000 - i / 2));
            rows.add(new Row("o" + UUID.randomUUID().toString().substring(1), them, theirs, now - i / 2));
        }
        Jdbi jdbi = s.server.jdbi();
        jdbi.useTransaction(h -> {
            PreparedBatch hooks = h.prepareBatch("""
                    INSERT INTO webhook_outbox (id, tenant_id, webhook_id, event, payload, status, attempts, next_attempt_at, created_at, delivered_at)
                    VALUES (:id, :t, 'hook', 'Login', '{}', 'delivered', 1, :at, :at, :at)""");
            PreparedBatch messages = h.prepareBatch("""
                    INSERT INTO message_outbox (id, tenant_id, uid, channel, purpose, template, recipient, status, attempts, next_attempt_at, created_at, delivered_at)
                    VALUES (:id, :t, :uid, 'email', 'risk-notice', 'risk-notice', 'listed@example.com', 'delivered', 1, :at, :at, :at)""");
            PreparedBatch risks = h.prepareBatch("""
                    INSERT INTO risk_events (id, tenant_id, uid, created_at, signals, action) VALUES (:id, :t, :uid, :at, 'IP', 'Notify')""");
            for (Row r : rows) {
                for (PreparedBatch b : List.of(hooks, messages, risks)) {
                    b.bind("id", r.id).bind("t", r.tenant).bind("uid", r.uid).bind("at", r.at).add();
                }
            }
            hooks.execute();
            messages.execute();
            risks.execute();
        });

        List<String> sql = new CopyOnWriteArrayList<>();
        jdbi.setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext ctx) {
                if (ctx.getRenderedSql().contains(" LIMIT " + LIMIT)) {
                    sql.add(ctx.getRenderedSql());
                }
            }
        });
        try {
            String base = "/admin/v1/tenants/" + mine.apiKey();
            List<Row> newest = rows.stream().filter(r -> r.tenant == me)
                    .sorted(Comparator.comparingLong(Row::at).reversed().thenComparing(Row::id, Comparator.reverseOrder())).toList();
            List<String> all = newest.stream().limit(LIMIT).map(Row::id).toList();
            List<String> firsts = newest.stream().filter(r -> r.uid.equals(first)).limit(LIMIT).map(Row::id).toList();
            assertThat(ids(s.admin("GET", base + "/webhook-deliveries", null))).isEqualTo(all);
            assertThat(ids(s.admin("GET", base + "/webhook-deliveries?status=delivered", null))).isEqualTo(all);
            assertThat(ids(s.admin("GET", base + "/messages", null))).isEqualTo(all);
            assertThat(ids(s.admin("GET", base + "/messages?status=delivered", null))).isEqualTo(all);
            assertThat(ids(s.admin("GET", base + "/risk-events", null))).isEqualTo(all);
            assertThat(ids(s.admin("GET", base + "/risk-events?uid=" + first, null))).isEqualTo(firsts);
        } finally {
            jdbi.setSqlLogger(SqlLogger.NOP_SQL_LOGGER);
        }
        assertThat(sql).hasSize(6);
        for (String listing : sql) {
            String plan = jdbi.withHandle(h -> {
                var q = h.createQuery("EXPLAIN ANALYZE " + listing).bind("t", me);
                if (listing.contains(":s")) {
                    q.bind("s", "delivered");
                }
                if (listing.contains(":uid")) {
                    q.bind("uid", first);
                }
                return String.join("\n", q.mapTo(String.class).list());
            });
            assertReads(plan, LIMIT, ROWS);
        }
    }

    /** The plan read none but the tenant's {@code own} rows, and on PostgreSQL stopped at {@code limit}. */
    protected abstract void assertReads(String plan, int limit, int own);

    private long tenantId(TestTenant t) {
        return s.server.jdbi().withHandle(h -> h.createQuery("SELECT id FROM tenants WHERE api_key = :k").bind("k", t.apiKey())
                .mapTo(Long.class).one());
    }

    private static List<String> ids(Reply reply) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode item : reply.json().get("Data")) {
            ids.add(item.get("Id").asText());
        }
        return ids;
    }

    record Row(String id, long tenant, String uid, long at) {}
}

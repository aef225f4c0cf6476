package dev.latchkey.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.store.Database;
import dev.latchkey.support.Backend;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;

class OutboxDueRowsPostgresTest extends OutboxDueRowsContract {
    private String url;

    @Override
    protected Database open() {
        url = Backend.freshPostgresSchema();
        return new Database(url, Backend.PG_USER, Backend.PG_PASSWORD, 2, null);
    }

    @AfterEach
    void drop() {
        Backend.dropPostgresSchema(url);
    }

    @Override
    protected void assertReadsTheIndexInOrder(String table, String sql) {
        // Without statistics (CI's server runs no autovacuum) and with them: the index walked in order, nothing sorted.
        for (String analyzed : new String[] {"never analyzed", "analyzed"}) {
            if (analyzed.equals("analyzed")) {
                db.jdbi().useHandle(h -> h.execute("ANALYZE " + table));
            }
            String plan = db.jdbi().withHandle(h -> String.join("\n", h.createQuery("EXPLAIN " + sql.replace(":now", String.valueOf(NOW)).replace(":from", "0"))
                    .mapTo(String.class).list()));
            assertThat(plan).as(table + ", " + analyzed + "\n" + plan).contains("Index Scan using " + table + "_due").doesNotContain("Sort");
        }
    }

    @Override
    protected long rowsRead(String select) {
        String plan = db.jdbi().withHandle(h -> String.join("\n", h.createQuery("EXPLAIN ANALYZE " + select).mapTo(String.class).list()));
        // The rows each scan returned, and those it read and then filtered away.
        long read = 0;
        Matcher m = Pattern.compile("Scan .*actual time=[0-9.]+\\.\\.[0-9.]+ rows=(\\d+)|Rows Removed by Filter: (\\d+)").matcher(plan);
        while (m.find()) {
            read += Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return read;
    }
}

package dev.latchkey.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.store.Database;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

class OutboxDueRowsH2Test extends OutboxDueRowsContract {
    @TempDir
    Path dir;

    @Override
    protected Database open() {
        return new Database(Database.h2Url(dir), null, null, 2);
    }

    @Override
    protected void assertReadsTheIndexInOrder(String table, String sql) {
        String plan = db.jdbi().withHandle(h -> String.join("\n", h.createQuery("EXPLAIN ANALYZE " + sql).bind("from", 0).bind("now", NOW)
                .mapTo(String.class).list()));
        assertThat(plan).as(table).contains(table.toUpperCase() + "_DUE").contains("/* index sorted */");
        Matcher scanned = Pattern.compile("scanCount: (\\d+)").matcher(plan);
        assertThat(scanned.find()).as(plan).isTrue();
        // The ten held rows and the 64 returned; without the order on the index, every one of the 3,000 pending rows.
        assertThat(Integer.parseInt(scanned.group(1))).as(table + ": rows read\n" + plan).isLessThanOrEqualTo(75);
    }

    @Override
    protected long rowsRead(String select) {
        String plan = db.jdbi().withHandle(h -> String.join("\n", h.createQuery("EXPLAIN ANALYZE " + select).mapTo(String.class).list()));
        Matcher scanned = Pattern.compile("scanCount: (\\d+)").matcher(plan);
        assertThat(scanned.find()).as(plan).isTrue();
        return Long.parseLong(scanned.group(1));
    }
}

package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

class ForeignKeyIndexesPostgresTest extends ForeignKeyIndexesContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }

    @Override
    protected void assertReads(String plan, int limit, int own) {
        // An index read in the query's order, newest first, and left at the limit: nothing sorted, nothing filtered away.
        assertThat(plan).contains("Index Scan using").doesNotContain("Sort").doesNotContain("Seq Scan").doesNotContain("Rows Removed");
        Matcher rows = Pattern.compile("actual time=[0-9.]+\\.\\.[0-9.]+ rows=(\\d+)").matcher(plan);
        while (rows.find()) {
            assertThat(Integer.parseInt(rows.group(1))).as("rows\n" + plan).isLessThanOrEqualTo(limit);
        }
    }
}

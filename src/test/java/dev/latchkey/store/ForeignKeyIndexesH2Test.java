package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

class ForeignKeyIndexesH2Test extends ForeignKeyIndexesContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }

    @Override
    protected void assertReads(String plan, int limit, int own) {
        // H2 reads the tenant's rows through its key's index and sorts them: never another tenant's.
        Matcher scanned = Pattern.compile("scanCount: (\\d+)").matcher(plan);
        assertThat(scanned.find()).as(plan).isTrue();
        assertThat(Integer.parseInt(scanned.group(1))).as("rows read\n" + plan).isLessThanOrEqualTo(own + 1);
    }
}

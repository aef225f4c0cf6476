package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Issue 16: PostgreSQL plans a table it has no statistics for (one grown since its last ANALYZE: a new install, an
 * import, autovacuum off) as if it were tiny, and then takes whichever index fits a query's first columns, even one that
 * reads every row of the tenant. Two did, once per call: an identifier lookup (every login's step 1) through the skeleton
 * index, which led with the primary key's (tenant_id, kind), and an account read by uid and tenant (most endpoints that
 * name an account) through the tenant index. {@code QueryPlansPostgresTest} checks the plans.
 * <ul>
 *   <li>The skeleton index is led by the skeleton: it fits only the look-alike check, and an exact identifier lookup can
 *       use only the primary key (both databases).</li>
 *   <li>PostgreSQL: the tenant index of accounts gets the uid, so an account read by uid and tenant finds its row in
 *       either index, and a tenant's accounts in uid order (the export's pages) come from it alone. H2, whose planner
 *       takes the primary key here, keeps its index: it serves the tenant foreign key there and cannot be dropped.</li>
 * </ul>
 * A Java migration because the two databases differ in the second.
 */
public final class V19__Indexes_that_fit_without_statistics extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        try (Statement s = c.createStatement()) {
            s.execute("DROP INDEX IF EXISTS account_identifiers_skeleton"); // IF EXISTS: H2 commits each DDL statement, so a retry after a failed CREATE finds it gone
            s.execute("CREATE INDEX account_identifiers_skeleton ON account_identifiers (skeleton, tenant_id, kind)");
            if (postgres) {
                s.execute("DROP INDEX IF EXISTS accounts_tenant");
                s.execute("CREATE INDEX accounts_tenant ON accounts (tenant_id, uid)");
            }
        }
    }
}

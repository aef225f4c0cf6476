package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL plans what it has no statistics for by guesswork: a table that grew since its last ANALYZE (a new install,
 * an import, a server with autovacuum off, as the bench's and CI's is) looks empty to the planner, and between two indexes
 * that both fit a query's leading columns it may take the one that reads every row of the tenant. Step 1 of every login
 * looked its identifier up through the skeleton index (tenant, kind, skeleton) that way, reading all the tenant's
 * identifiers of that kind: 3,000 index entries and rows per login in the bench (issue 16); and an account read by uid
 * and tenant went through the tenant index, reading every account of the tenant. These are the plans without statistics.
 */
class QueryPlansPostgresTest {
    private String url;
    private Database db;

    @BeforeEach
    void tenantWithTwoThousandAccountsNeverAnalyzed() {
        url = Backend.freshPostgresSchema();
        db = new Database(url, Backend.PG_USER, Backend.PG_PASSWORD, 2, null);
        db.jdbi().useHandle(h -> {
            long t = h.createQuery("""
                            INSERT INTO tenants (api_key, api_secret_hash, api_secret_enc, name, settings, created_at, modified_at)
                            VALUES ('plans', 'h', 'e', 'plans', '{}', 0, 0) RETURNING id""").mapTo(Long.class).one();
            h.createUpdate("""
                            INSERT INTO accounts (uid, tenant_id, profile, is_active, email_verified, created_at, modified_at)
                            SELECT 'u' || g, :t, '{}', TRUE, TRUE, 0, 0 FROM generate_series(1, 2000) g""").bind("t", t).execute();
            h.createUpdate("""
                            INSERT INTO account_identifiers (tenant_id, kind, ident, uid, skeleton)
                            SELECT :t, 'email', 'user' || g || '@example.com', 'u' || g, 'user' || g || '@example.com'
                            FROM generate_series(1, 2000) g""").bind("t", t).execute();
        });
    }

    @AfterEach
    void drop() {
        db.close();
        Backend.dropPostgresSchema(url);
    }

    @Test
    void anIdentifierIsLookedUpByItsKey() {
        // AccountStore.byIdentifier, takenIdentifier; LoginThrottle.preread (every login's step 1) joins the same way.
        assertPlans("ident(BIGINT, VARCHAR, VARCHAR) AS SELECT uid FROM account_identifiers WHERE tenant_id = $1 AND kind = $2 AND ident = $3",
                "ident(1, 'email', 'user5@example.com')", "account_identifiers_pkey", "account_identifiers_skeleton");
        assertPlans("pre(BIGINT, VARCHAR, VARCHAR) AS SELECT a.* FROM (VALUES (1)) AS one (x) "
                        + "LEFT JOIN account_identifiers i ON i.tenant_id = $1 AND i.kind = $2 AND i.ident = $3 LEFT JOIN accounts a ON a.uid = i.uid",
                "pre(1, 'email', 'user5@example.com')", "account_identifiers_pkey", "account_identifiers_skeleton");
    }

    @Test
    void aLookAlikeIsStillLookedUpByItsSkeleton() {
        assertPlans("look(BIGINT, VARCHAR, VARCHAR, VARCHAR) AS SELECT ident FROM account_identifiers "
                + "WHERE tenant_id = $1 AND kind = $2 AND skeleton = $3 AND uid <> $4", "look(1, 'email', 'user5@example.com', 'u6')",
                "account_identifiers_skeleton", null);
    }

    @Test
    void anAccountReadByUidAndTenantFindsItsRowByBoth() {
        // AccountStore.byUid (most endpoints that name an account), AccountStore.delete.
        // Either index serves it with the uid in its condition; never the uid as a filter over the tenant's every row.
        assertPlans("byuid(VARCHAR, BIGINT) AS SELECT * FROM accounts WHERE uid = $1 AND tenant_id = $2", "byuid('u5', 1)",
                "(uid)::text = ", "Filter: ((uid)");
    }

    /** The plan of a prepared statement, custom and generic, contains {@code wanted} and not {@code unwanted} (if given). */
    private void assertPlans(String prepare, String execute, String wanted, String unwanted) {
        String name = execute.substring(0, execute.indexOf('('));
        db.jdbi().useHandle(h -> {
            h.execute("PREPARE " + prepare);
            for (String mode : new String[] {"force_custom_plan", "force_generic_plan"}) {
                h.execute("SET plan_cache_mode = " + mode);
                String plan = plan(h, "EXPLAIN EXECUTE " + execute);
                assertThat(plan).as(mode + " " + name).contains(wanted);
                if (unwanted != null) {
                    assertThat(plan).as(mode + " " + name).doesNotContain(unwanted);
                }
            }
        });
    }

    private static String plan(Handle h, String explain) {
        return String.join("\n", h.createQuery(explain).mapTo(String.class).list());
    }
}

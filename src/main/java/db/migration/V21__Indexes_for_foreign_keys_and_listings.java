package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Every foreign key gets an index led by its columns, and the purge and the operators' listings read only what they
 * answer. H2 makes an index for each key by itself (of exactly its columns, and its planner takes that one), so the
 * keys' and listings' indexes are made on PostgreSQL only, which makes none: nine keys had none there.
 * {@code ForeignKeyIndexesContract} checks it, on H2 and PostgreSQL.
 * <ul>
 *   <li>Deleting an account checked four tables whose {@code uid} cascades from it with no index on it, reading every
 *       row of each, every tenant's: with a million risk events, 88–97 ms per deleted account (7–11 ms with the
 *       index). Revoking an account's SMS codes and sign-in links ({@code WHERE uid = ...}) read those whole tables
 *       too, and deleting a security question every stored answer of every tenant.</li>
 *   <li>The operators' listings (newest 200): {@code GET /admin/v1/tenants/{key}/webhook-deliveries} read the whole
 *       {@code webhook_outbox}, every tenant's rows, and sorted them; {@code messages}, {@code risk-events} and
 *       {@code risk-events?uid=} read and sorted all of the tenant's rows whenever PostgreSQL had no statistics for them.
 *       Each now reads an index in its own order (newest first, ties by id) and stops at 200. H2 reads the tenant's rows
 *       through its key's index and sorts them, as before.</li>
 *   <li>Both stores: the purge's look-up of expired remembered devices and account links had no index on the expiry,
 *       and read both tables whole every 10 minutes on every node ({@code PurgeContract}).</li>
 *   <li>{@code webauthn_challenges} and {@code remembered_devices} lose their key to the tenant instead, as the token
 *       tables did in V20: their uid is never null and references the account, whose own key names the tenant, so the
 *       check told nothing new and cost each insert a lock on the tenant's row (PostgreSQL) or an index (H2).
 *       {@code TenantStore.delete} deletes their rows itself.</li>
 * </ul>
 * A Java migration because the constraints were created without names: each database named them its own way.
 */
public final class V21__Indexes_for_foreign_keys_and_listings extends BaseJavaMigration {
    static final String[] TENANT_KEYS_DROPPED = {"webauthn_challenges", "remembered_devices"};

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        for (String table : TENANT_KEYS_DROPPED) {
            V20__Token_rows_checked_by_their_account.dropForeignKeys(c, table, "tenant_id");
        }
        try (Statement s = c.createStatement()) {
            // Both stores: the purge (every 10 minutes, every node) found the expired rows of the two tables whose rows
            // live long (a remembered device up to a year, 20 an account) by reading all of them.
            s.execute("CREATE INDEX remembered_devices_expires ON remembered_devices (expires_at)");
            s.execute("CREATE INDEX account_links_expires ON account_links (expires_at)");
        }
        if (!c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
            return;
        }
        try (Statement s = c.createStatement()) {
            // The listings, newest first and ties by id, in the index's order: with no statistics (a table grown since its
            // last ANALYZE) PostgreSQL guessed one row and sorted all of the tenant's, even with an index on (tenant, time).
            s.execute("CREATE INDEX webhook_outbox_tenant ON webhook_outbox (tenant_id, created_at DESC, id DESC)");
            s.execute("DROP INDEX message_outbox_tenant");
            s.execute("CREATE INDEX message_outbox_tenant ON message_outbox (tenant_id, created_at DESC, id DESC)");
            s.execute("DROP INDEX risk_events_tenant");
            s.execute("CREATE INDEX risk_events_tenant ON risk_events (tenant_id, created_at DESC, id DESC)");
            s.execute("CREATE INDEX risk_events_uid ON risk_events (uid, created_at DESC, id DESC)");
            // The cascades from accounts, the revocations by account, a security question's answers.
            s.execute("CREATE INDEX webauthn_challenges_uid ON webauthn_challenges (uid)");
            s.execute("CREATE INDEX phone_codes_uid ON phone_codes (uid)");
            s.execute("CREATE INDEX sign_in_polls_uid ON sign_in_polls (uid)");
            s.execute("CREATE INDEX sign_in_polls_tenant ON sign_in_polls (tenant_id)");
            s.execute("CREATE INDEX security_answers_question ON security_answers (tenant_id, question_id)");
        }
    }
}

package db.migration;

import dev.latchkey.account.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the identifiers stored before they were compared on a Unicode key (they were lower-cased with the root
 * locale): each gets its key ({@link Identifiers#key}) and its skeleton. Plain-ASCII identifiers keep their key. Two
 * rows whose new keys would collide (two accounts registered as look-alikes before this change) keep their old key, and
 * are logged for the operator to resolve: the migration never merges or drops an account.
 */
public final class V8__Identifier_keys extends BaseJavaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(V8__Identifier_keys.class);

    private record Row(long tenantId, String kind, String ident, String uid) {}

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT tenant_id, kind, ident, uid FROM account_identifiers");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE account_identifiers SET ident = ?, skeleton = ? WHERE tenant_id = ? AND kind = ? AND ident = ?");
             PreparedStatement taken = c.prepareStatement(
                     "SELECT uid FROM account_identifiers WHERE tenant_id = ? AND kind = ? AND ident = ?")) {
            for (Row r : rows) {
                String key = Identifiers.key(r.kind(), r.ident());
                if (!key.equals(r.ident())) {
                    taken.setLong(1, r.tenantId());
                    taken.setString(2, r.kind());
                    taken.setString(3, key);
                    try (ResultSet rs = taken.executeQuery()) {
                        if (rs.next()) {
                            LOG.warn("identifier {} '{}' of account {} (tenant {}) is the same as account {}'s under Unicode comparison; "
                                    + "it keeps its old form: resolve by hand", r.kind(), r.ident(), r.uid(), r.tenantId(), rs.getString(1));
                            key = r.ident();
                        }
                    }
                }
                update.setString(1, key);
                update.setString(2, Identifiers.skeleton(key));
                update.setLong(3, r.tenantId());
                update.setString(4, r.kind());
                update.setString(5, r.ident());
                update.executeUpdate();
            }
        }
    }
}

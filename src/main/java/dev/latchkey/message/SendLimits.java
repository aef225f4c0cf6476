package dev.latchkey.message;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.ApiException;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Hourly send limits of the phone and passwordless flows (table {@code send_tally}, shared by every node): per phone
 * number, per email address, per account and per client address ({@code SendLimits.*} of the tenant). A send is counted
 * on each of its keys before anything is looked up or sent, whether the address belongs to an account or not, so the
 * refusal tells nothing; keys are keyed hashes (no address in the clear). Windows are fixed hours per key.
 */
public final class SendLimits {
    /** What a send is counted on: the setting that limits it, and the value (a number, an address, a uid, an IP). */
    public record Key(String setting, String value) {
        public static Key phone(String phone) {
            // One key per number whether written +1555…, 001555… or 1555… (a provider delivers them all to one phone).
            return new Key("PerPhonePerHour", dev.latchkey.account.Identifiers.key("phone", phone).replaceFirst("^(\\+|00)", ""));
        }

        public static Key email(String email) {
            return new Key("PerEmailPerHour", dev.latchkey.account.Identifiers.key("email", email));
        }

        public static Key account(String uid) {
            return new Key("PerAccountPerHour", uid);
        }

        public static Key address(String ip) {
            return new Key("PerClientAddressPerHour", ip == null ? "unknown" : ip);
        }
    }

    private static final long HOUR = 3_600_000L;

    private final Jdbi jdbi;
    private final Secrets secrets;

    public SendLimits(Jdbi jdbi, Secrets secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    /**
     * Counts one send on every key (null keys skipped); throws {@code refusal} when any of them has reached its limit this
     * hour (the keys counted before it keep their count: a refused request still costs its sender).
     */
    public void count(Tenant tenant, long now, ApiException refusal, Key... keys) {
        for (Key k : keys) {
            if (k != null && !countOne(tenant, k, now)) {
                throw refusal;
            }
        }
    }

    /** Counts one send on {@code key}; whether it was under its limit (false: at the limit, nothing counted). */
    public boolean tryCount(Tenant tenant, long now, Key key) {
        return countOne(tenant, key, now);
    }

    private boolean countOne(Tenant tenant, Key k, long now) {
        String hash = secrets.hash("send:" + k.setting() + ":" + k.value().toLowerCase(java.util.Locale.ROOT));
        int max = tenant.sendLimit(k.setting());
        for (int tries = 0; tries < 3; tries++) {
            try {
                return jdbi.inTransaction(h -> {
                    java.util.function.Supplier<Boolean> counted = () -> h.createUpdate("""
                                    UPDATE send_tally SET sends = CASE WHEN window_start <= :old THEN 1 ELSE sends + 1 END,
                                           window_start = CASE WHEN window_start <= :old THEN :now ELSE window_start END
                                    WHERE tenant_id = :t AND key_hash = :k AND (window_start <= :old OR sends < :max)""")
                            .bind("old", now - HOUR).bind("now", now).bind("t", tenant.id()).bind("k", hash).bind("max", max).execute() == 1;
                    if (counted.get()) {
                        return true;
                    }
                    boolean exists = h.createQuery("SELECT COUNT(*) FROM send_tally WHERE tenant_id = :t AND key_hash = :k")
                            .bind("t", tenant.id()).bind("k", hash).mapTo(Integer.class).one() > 0;
                    if (exists) {
                        // At the limit, or inserted by another request since the update above: the update decides.
                        return counted.get();
                    }
                    h.createUpdate("INSERT INTO send_tally (tenant_id, key_hash, window_start, sends) VALUES (:t, :k, :now, 1)")
                            .bind("t", tenant.id()).bind("k", hash).bind("now", now).execute();
                    return true;
                });
            } catch (UnableToExecuteStatementException raced) {
                // another request inserted the key's row first: count on it
            }
        }
        return false;
    }
}

package dev.latchkey.factor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.json.Json;
import dev.latchkey.webhook.WebhookEvents;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * The registry of second factors: the one list the login, the account's MFA settings, the step-2 endpoints and the hosted
 * page read. Adding a factor is its package, its migration, a line here where the node is wired, and its routes.
 */
public final class Factors {
    private final List<SecondFactor> all;

    public Factors(List<SecondFactor> all) {
        this.all = List.copyOf(all);
        Set<String> ids = new LinkedHashSet<>();
        for (SecondFactor f : all) {
            if (!ids.add(f.id())) {
                throw new IllegalArgumentException("two factors named " + f.id());
            }
        }
        all.forEach(f -> WebhookEvents.registerFactorEvents(f.webhookEvents()));
    }

    public List<SecondFactor> all() {
        return all;
    }

    /** The factor named {@code id} with the capability {@code kind}; an unknown name is a wiring mistake. */
    public <T extends SecondFactor> T get(String id, Class<T> kind) {
        return all.stream().filter(f -> f.id().equals(id)).findFirst().filter(kind::isInstance).map(kind::cast)
                .orElseThrow(() -> new IllegalArgumentException("no " + kind.getSimpleName() + " named " + id));
    }

    /**
     * What an operator sees of each factor on the account, in the registry's order, read in one transaction:
     * {@code {"Factor", "IsConfigured", ...its details}} (see {@link SecondFactor#describeState}).
     */
    public List<ObjectNode> states(Jdbi jdbi, Account account) {
        return jdbi.inTransaction(h -> all.stream().map(f -> {
            boolean configured = f.isConfigured(h, account);
            ObjectNode state = Json.object().put("Factor", f.id()).put("IsConfigured", configured);
            f.describeState(h, account, configured, state);
            return state;
        }).toList());
    }

    /**
     * Which of {@code asked} the account has set up, in one query (each factor's {@link SecondFactor#configuredCondition}),
     * in the caller's transaction.
     */
    public static Set<SecondFactor> configured(org.jdbi.v3.core.Handle h, List<SecondFactor> asked, Account account) {
        if (asked.isEmpty()) {
            return new java.util.HashSet<>();
        }
        return h.createQuery("SELECT " + conditions(asked)).bind("uid", account.uid()).map(flags(asked)).one();
    }

    /**
     * What {@link #configured} selects, one column per factor asked (1 when set up), for a caller that reads them within
     * another statement: each condition names the account as {@code :uid}.
     */
    public static String conditions(List<SecondFactor> asked) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < asked.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("CASE WHEN ").append(asked.get(i).configuredCondition()).append(" THEN 1 ELSE 0 END");
        }
        return sql.toString();
    }

    /** Reads the columns of {@link #conditions} into the factors set up. */
    public static org.jdbi.v3.core.mapper.RowMapper<Set<SecondFactor>> flags(List<SecondFactor> asked) {
        return (rs, ctx) -> {
            Set<SecondFactor> set = new java.util.HashSet<>();
            for (int i = 0; i < asked.size(); i++) {
                if (rs.getInt(i + 1) == 1) {
                    set.add(asked.get(i));
                }
            }
            return set;
        };
    }

    /** The factor a reset body names ({@code {"authenticator": true}}), if any. */
    public Optional<ResetByFlag> resetBy(String flag) {
        return all.stream().filter(ResetByFlag.class::isInstance).map(ResetByFlag.class::cast)
                .filter(f -> f.resetFlags().stream().anyMatch(flag::equalsIgnoreCase)).findFirst();
    }

}

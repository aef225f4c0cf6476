package dev.latchkey.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The values an account's logins came from, per signal, each with when it was last seen (time and login number), as
 * stored in {@code accounts.login_origins}. A value is known when it was seen within the tenant's history window: the
 * last N days, or the last N logins. At most {@link #MAX_PER_SIGNAL} values are kept per signal (the least recently seen
 * go first), which bounds the document whatever the window.
 */
final class KnownOrigins {
    static final int MAX_PER_SIGNAL = 50;
    private static final long DAY = 86_400_000L;

    private final ObjectNode doc;

    private KnownOrigins(ObjectNode doc) {
        this.doc = doc;
    }

    static KnownOrigins parse(String json) {
        JsonNode n = json == null ? null : Json.parse(json);
        return new KnownOrigins(n instanceof ObjectNode o ? o : Json.object());
    }

    /** No login has been recorded yet: the first assessed login sets the baseline and is never risky. */
    boolean isEmpty() {
        return doc.isEmpty();
    }

    /** Whether {@code value} was seen within the window; {@code loginsBefore} is the account's login count before this one. */
    boolean known(Signal s, String value, RiskPolicy policy, long now, int loginsBefore) {
        JsonNode seen = doc.path(s.settingsName).get(value);
        if (seen == null || !seen.isArray() || seen.size() < 2) {
            return false;
        }
        if (policy.historyInDays()) {
            return seen.get(0).asLong() >= now - policy.historySize() * DAY;
        }
        return seen.get(1).asLong() > loginsBefore - policy.historySize();
    }

    /** Records the origin of a login, login number {@code loginNumber} of the account. */
    void see(LoginOrigin o, long now, int loginNumber) {
        for (Signal s : Signal.values()) {
            String v = o.value(s);
            if (v == null) {
                continue;
            }
            ObjectNode values = doc.with(s.settingsName);
            ArrayNode seen = Json.MAPPER.createArrayNode().add(now).add(loginNumber);
            values.set(v, seen);
            if (values.size() > MAX_PER_SIGNAL) {
                evictOldest(values);
            }
        }
    }

    private static void evictOldest(ObjectNode values) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        values.fields().forEachRemaining(entries::add);
        entries.sort((a, b) -> Long.compare(a.getValue().path(0).asLong(), b.getValue().path(0).asLong()));
        Iterator<Map.Entry<String, JsonNode>> it = entries.iterator();
        while (values.size() > MAX_PER_SIGNAL && it.hasNext()) {
            values.remove(it.next().getKey());
        }
    }

    String json() {
        return Json.write(doc);
    }
}

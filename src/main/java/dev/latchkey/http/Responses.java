package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.util.List;

/** Small shared answers of the LoginRadius API. */
public final class Responses {
    private Responses() {}

    public static ObjectNode posted() {
        return Json.object().put("IsPosted", true);
    }

    public static ObjectNode deleted() {
        return Json.object().put("IsDeleted", true);
    }

    public static ObjectNode backupCodes(List<String> codes) {
        ObjectNode o = Json.object();
        codes.forEach(o.putArray("BackUpCodes")::add);
        return o;
    }

    /** Applies the request's {@code fields} to a bare Profile. */
    public static JsonNode profile(LrRequest req, JsonNode profile) {
        FieldsProjection p = req.fields();
        return p == null ? profile : p.apply(profile);
    }

    /** Applies the request's {@code fields} to the Profile inside a login response; tokens stay. */
    public static JsonNode login(LrRequest req, ObjectNode response) {
        FieldsProjection p = req.fields();
        if (p != null && response.hasNonNull("Profile")) {
            response.set("Profile", p.apply(response.get("Profile")));
        }
        return response;
    }
}

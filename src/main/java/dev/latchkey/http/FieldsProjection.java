package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoginRadius's {@code fields} projection (reference §8): {@code a,b}, {@code *}, {@code a(b,c)} and {@code a/b},
 * names matched case-insensitively. Applied to objects (and to each element of arrays of objects).
 */
public final class FieldsProjection {
    /** A parsed selection: null value = the whole field; otherwise a sub-selection. */
    private final Map<String, FieldsProjection> children = new LinkedHashMap<>();
    private boolean all;

    private FieldsProjection() {}

    /** Longer or deeper selections are refused: the Profile is three levels deep, and the parser recurses per level. */
    static final int MAX_LENGTH = 4096;
    static final int MAX_DEPTH = 16;

    /** Parses a {@code fields} value; null when it selects everything (absent, blank or "*"). */
    public static FieldsProjection parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        if (spec.length() > MAX_LENGTH) {
            throw malformed();
        }
        FieldsProjection root = new FieldsProjection();
        Parser p = new Parser(spec);
        p.list(root);
        if (p.pos != spec.length()) {
            throw LrError.PARAMETER_FORMAT.withDescription("The fields parameter is not formatted correctly.");
        }
        return root.all ? null : root;
    }

    private static ApiException malformed() {
        return LrError.PARAMETER_FORMAT.withDescription("The fields parameter is not formatted correctly.");
    }

    private static final class Parser {
        final String s;
        int pos;
        int depth;

        void enter() {
            if (++depth > MAX_DEPTH) {
                throw malformed();
            }
        }

        Parser(String s) {
            this.s = s;
        }

        void list(FieldsProjection into) {
            do {
                item(into);
            } while (pos < s.length() && s.charAt(pos) == ',' && ++pos > 0);
        }

        void item(FieldsProjection into) {
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == '*') {
                pos++;
                into.all = true;
                skipSpaces();
                return;
            }
            String name = name();
            FieldsProjection child = into.children.get(name);
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == '(') {
                pos++;
                if (child == null) {
                    child = new FieldsProjection();
                }
                enter();
                list(child);
                depth--;
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw LrError.PARAMETER_FORMAT.withDescription("The fields parameter is not formatted correctly.");
                }
                pos++;
                into.children.put(name, child);
            } else if (pos < s.length() && s.charAt(pos) == '/') {
                pos++;
                if (child == null) {
                    child = new FieldsProjection();
                }
                enter();
                item(child);
                depth--;
                into.children.put(name, child);
            } else {
                into.children.put(name, null);
            }
            skipSpaces();
        }

        String name() {
            int start = pos;
            while (pos < s.length() && "(),/*".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            String n = s.substring(start, pos).trim();
            if (n.isEmpty()) {
                throw LrError.PARAMETER_FORMAT.withDescription("The fields parameter is not formatted correctly.");
            }
            return n;
        }

        void skipSpaces() {
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            }
        }
    }

    public JsonNode apply(JsonNode node) {
        if (all || node == null) {
            return node;
        }
        if (node.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            node.forEach(e -> out.add(apply(e)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = Json.object();
        List<Map.Entry<String, FieldsProjection>> wanted = new ArrayList<>(children.entrySet());
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            for (Map.Entry<String, FieldsProjection> w : wanted) {
                if (w.getKey().equalsIgnoreCase(e.getKey())) {
                    out.set(e.getKey(), w.getValue() == null ? e.getValue() : w.getValue().apply(e.getValue()));
                    break;
                }
            }
        }
        return out;
    }
}

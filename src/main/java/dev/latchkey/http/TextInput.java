package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Text that no request may carry: NUL (PostgreSQL refuses it in text; H2 keeps it, so the two stores would disagree)
 * and lone UTF-16 surrogates (JSON's {@code \ud800} escapes decode to them; written as UTF-8 they become '?', so two
 * different names would collide). Refused at the door, naming where they are, whatever the endpoint.
 */
final class TextInput {
    private TextInput() {}

    static boolean acceptable(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The path of the first value or key in {@code node} that is not acceptable ({@code Email[0].Value}), or null. */
    static String firstUnacceptable(JsonNode node, String path) {
        if (node.isTextual()) {
            return acceptable(node.textValue()) ? null : path;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String bad = firstUnacceptable(node.get(i), path + "[" + i + "]");
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String here = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (!acceptable(e.getKey())) {
                    return path.isEmpty() ? "(a field name)" : path;
                }
                String bad = firstUnacceptable(e.getValue(), here);
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }
}

package dev.latchkey.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.error.ApiException;
import dev.latchkey.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The LoginRadius Profile: every key of the seeds' sample response, in its order, with the JSON type the official
 * SDKs deserialise (resources/profile-schema.json, generated from the seed). Validates what clients write and renders
 * what they read.
 */
public final class ProfileSchema {
    private static final Map<String, String> TYPES = load();
    private static final Map<String, String> CANONICAL = new HashMap<>();
    private static final ObjectNode TEMPLATE = Json.object();
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern USERNAME = Pattern.compile("^\\S{1,32}$");
    private static final Pattern PHONE = Pattern.compile("^\\+?[0-9][0-9 ()\\-]{4,30}$");

    /** Fields the server maintains: ignored when a client writes them (Password is taken apart, see Accounts). */
    static final Set<String> SERVER_MAINTAINED = Set.of(
            "ID", "Uid", "Password", "NoOfLogins", "LastLoginDate", "LastLoginLocation", "FirstLogin", "CreatedDate",
            "SignupDate", "ModifiedDate", "ProfileModifiedDate", "LastPasswordChangeDate", "LastPasswordChangeToken",
            "PasswordExpirationDate", "IsLoginLocked", "LoginLockedType", "IsDeleted", "IsCustomUid", "PasskeyLogin",
            "Identities", "IsActive", "EmailVerified", "Provider", "RegistrationProvider", "IsPasswordBreached", "IsSecurePassword",
            "PreviousUids", "PhoneIdVerified");

    static {
        TYPES.forEach((k, t) -> {
            CANONICAL.put(k.toLowerCase(Locale.ROOT), k);
            switch (t) {
                case "boolean" -> TEMPLATE.put(k, false);
                case "integer" -> TEMPLATE.put(k, 0);
                default -> TEMPLATE.putNull(k);
            }
        });
    }

    private ProfileSchema() {}

    private static Map<String, String> load() {
        try (InputStream in = ProfileSchema.class.getResourceAsStream("/profile-schema.json")) {
            JsonNode n = Json.MAPPER.readTree(in);
            Map<String, String> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code email} has the form of an email address (as the Email array's values must). */
    public static boolean validEmail(String email) {
        return email != null && email.length() <= 254 && EMAIL.matcher(email).matches();
    }

    /** Whether {@code phone} has the form of a PhoneId (digits, an optional leading '+', spaces, dashes, brackets). */
    public static boolean validPhone(String phone) {
        return phone != null && PHONE.matcher(phone).matches();
    }

    /** Whether {@code username} has the form of a UserName: no spaces, 1 to 32 characters. */
    public static boolean validUsername(String username) {
        return username != null && USERNAME.matcher(username).matches();
    }

    public static String canonical(String key) {
        return CANONICAL.get(key.toLowerCase(Locale.ROOT));
    }

    /**
     * Copies the writable fields of {@code input} into {@code target}, with canonical key case, after checking each
     * value's type. Unknown keys are ignored, as LoginRadius does; server-maintained ones too.
     */
    public static void merge(ObjectNode target, JsonNode input) {
        Iterator<Map.Entry<String, JsonNode>> it = input.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = canonical(e.getKey());
            if (key == null || SERVER_MAINTAINED.contains(key)) {
                continue;
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                target.remove(key);
                continue;
            }
            String type = TYPES.get(key);
            boolean ok = switch (type) {
                case "boolean" -> v.isBoolean();
                case "integer" -> v.isIntegralNumber() && v.canConvertToInt();
                case "number" -> v.isNumber();
                case "string" -> v.isTextual();
                case "object" -> v.isObject();
                default -> v.isArray();
            };
            if (!ok) {
                throw ApiException.validation(key, "The " + key + " field must be " + article(type) + ".");
            }
            switch (key) {
                case "Email" -> v = emails(v);
                case "UserName" -> {
                    if (!USERNAME.matcher(v.asText()).matches()) {
                        throw ApiException.validation(key, "The UserName can not contain spaces and must be 1 to 32 characters long.");
                    }
                }
                case "PhoneId" -> {
                    if (!PHONE.matcher(v.asText()).matches()) {
                        throw ApiException.validation(key, "The PhoneId is not a valid phone number.");
                    }
                }
                case "CustomFields" -> v.fields().forEachRemaining(f -> {
                    if (!f.getValue().isTextual() && !f.getValue().isNull()) {
                        throw ApiException.validation("CustomFields." + f.getKey(), "CustomFields values must be strings.");
                    }
                });
                default -> { }
            }
            target.set(key, v);
        }
    }

    private static String article(String type) {
        return switch (type) {
            case "integer" -> "an integer";
            case "object" -> "an object";
            case "array" -> "an array";
            default -> "a " + type;
        };
    }

    private static ArrayNode emails(JsonNode v) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode item : v) {
            JsonNode value = Json.field(item, "Value");
            JsonNode type = Json.field(item, "Type");
            if (!item.isObject() || value == null || !value.isTextual()) {
                throw ApiException.validation("Email", "Each Email must be an object {\"Type\": \"Primary\", \"Value\": \"user@example.com\"}.");
            }
            if (!EMAIL.matcher(value.asText()).matches() || value.asText().length() > 254) {
                throw ApiException.validation("Email", "The email " + value.asText() + " is not a valid email address.");
            }
            out.addObject().put("Type", type != null && type.isTextual() ? type.asText() : "Primary").put("Value", value.asText());
        }
        return out;
    }

    /**
     * The account's login identifiers: {kind ("email", "username", "phone"), key ({@link Identifiers#key}), the value as
     * written in the profile}.
     */
    public static List<String[]> identifiers(ObjectNode profile) {
        List<String[]> ids = new ArrayList<>();
        JsonNode emails = profile.get("Email");
        if (emails != null && emails.isArray()) {
            for (JsonNode e : emails) {
                String raw = e.path("Value").asText();
                String v = Identifiers.key("email", raw);
                if (ids.stream().noneMatch(x -> x[0].equals("email") && x[1].equals(v))) {
                    ids.add(new String[] {"email", v, raw});
                }
            }
        }
        if (profile.hasNonNull("UserName")) {
            String raw = profile.get("UserName").asText();
            ids.add(new String[] {"username", Identifiers.key("username", raw), raw});
        }
        if (profile.hasNonNull("PhoneId")) {
            String raw = profile.get("PhoneId").asText();
            ids.add(new String[] {"phone", Identifiers.key("phone", raw), raw});
        }
        return ids;
    }

    /** The profile's primary email (else its first), or null. */
    public static String primaryEmail(ObjectNode profile) {
        JsonNode emails = profile.get("Email");
        if (emails == null || !emails.isArray() || emails.isEmpty()) {
            return null;
        }
        for (JsonNode e : emails) {
            if ("Primary".equalsIgnoreCase(e.path("Type").asText())) {
                return e.path("Value").asText(null);
            }
        }
        return emails.get(0).path("Value").asText(null);
    }

    /** {@code a***n@e***.com}: enough for the user to recognise the address, not enough to learn it. */
    public static String maskEmail(String email) {
        int at = email.indexOf('@');
        String local = at < 0 ? email : email.substring(0, at);
        String domain = at < 0 ? "" : email.substring(at + 1);
        int dot = domain.lastIndexOf('.');
        String maskedLocal = local.length() <= 2 ? (local.isEmpty() ? "" : local.charAt(0)) + "***" : local.charAt(0) + "***" + local.charAt(local.length() - 1);
        String maskedDomain = domain.isEmpty() ? "***" : dot <= 0 ? domain.charAt(0) + "***" : domain.charAt(0) + "***" + domain.substring(dot);
        return maskedLocal + "@" + maskedDomain;
    }

    /** {@code *******4567}: enough for the user to recognise the phone, not enough to learn it. */
    public static String maskPhone(String phone) {
        int keep = Math.min(4, phone.length());
        return "*".repeat(phone.length() - keep) + phone.substring(phone.length() - keep);
    }

    public static String normalizePhone(String phone) {
        return phone.replaceAll("[\\s()\\-]", "");
    }

    private static String date(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    /** The full Profile a client reads: every seed key, the stored fields, and the server-maintained ones. */
    public static ObjectNode render(Account a, long now) {
        ObjectNode p = TEMPLATE.deepCopy();
        a.profile().fields().forEachRemaining(e -> p.set(e.getKey(), e.getValue()));
        boolean locked = a.lockedAt(now);
        p.put("IsActive", a.active());
        p.put("IsDeleted", false);
        p.put("EmailVerified", a.emailVerified());
        p.put("IsLoginLocked", locked);
        p.put("LoginLockedType", locked ? "BruteForce" : "None");
        p.put("NoOfLogins", a.noOfLogins());
        p.put("FirstLogin", a.noOfLogins() <= 1);
        p.put("ID", a.uid() == null ? null : a.uid().replace("-", "")); // null: a message about nobody yet
        p.put("Uid", a.uid());
        p.put("Password", a.passwordHash() == null ? null : "********");
        p.put("Provider", "Email");
        p.put("RegistrationProvider", "Email");
        p.put("LastLoginDate", date(a.lastLoginAt()));
        p.put("LastPasswordChangeDate", date(a.passwordChangedAt()));
        p.put("CreatedDate", date(a.createdAt()));
        p.put("SignupDate", date(a.createdAt()));
        p.put("ModifiedDate", date(a.modifiedAt()));
        p.put("ProfileModifiedDate", date(a.modifiedAt()));
        return p;
    }
}

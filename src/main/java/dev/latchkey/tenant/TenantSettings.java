package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tenant's settings document: its schema (every field optional, with a default), the validation of an admin's
 * create or patch body against it, and a deep merge. Keys are matched case-insensitively and stored in canonical case.
 */
public final class TenantSettings {

    sealed interface Spec permits Bool, Int, Str, Strs, Timestamp, Choice, Secret, Section {}

    record Bool(boolean dflt) implements Spec {}

    record Int(long min, long max, long dflt) implements Spec {}

    record Str(int maxLength) implements Spec {}

    record Strs(int maxItems) implements Spec {}

    record Timestamp() implements Spec {}

    record Choice(String dflt, String... values) implements Spec {}

    /** A credential (SMTP password, SMS auth token): stored sealed (encrypted), shown as {@link #MASK}. */
    record Secret(int maxLength) implements Spec {}

    record Section(Map<String, Spec> fields) implements Spec {}

    /** How a secret is shown by the admin API; sent back unchanged in a PATCH, it keeps the stored secret. */
    public static final String MASK = "********";

    /** One risk signal's rule (RiskBasedAuthentication.Device, .Browser, …). */
    private static Section riskSignal() {
        return new Section(fields(
                "IsEnabled", new Bool(false),
                "Action", new Choice("None", "None", "MFA", "Block"),
                "NotifyUser", new Bool(true),
                "NotifyAdmins", new Bool(false),
                "EmailTemplate", new Str(200),
                "SmsTemplate", new Str(200)));
    }

    private static Map<String, Spec> fields(Object... pairs) {
        Map<String, Spec> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Spec) pairs[i + 1]);
        }
        return m;
    }

    /** The settings document's schema: the sections below Name, in the order the admin API shows them. */
    static final Section SCHEMA = new Section(fields(
            "TwoFactorAuthentication", new Section(fields(
                    "IsEnabled", new Bool(false),
                    "IsRequired", new Bool(false),
                    "IsAuthenticator", new Bool(true),
                    "IsSmsOTPAuthenticator", new Bool(false),
                    "IsEmailOTPAuthenticator", new Bool(false),
                    "IsSecurityQuestionAuthenticator", new Bool(false),
                    "SecurityQuestionsToAnswer", new Int(1, 10, 2),
                    "CodeLifetimeSeconds", new Int(60, 3600, 600),
                    "SmsCodesPerPhonePerHour", new Int(1, 1000, 5),
                    "SmsCodesPerAccountPerHour", new Int(1, 1000, 10),
                    "EmailCodesPerAccountPerHour", new Int(1, 1000, 10),
                    "RememberDeviceDays", new Int(0, 365, 0))),
            "PassKeysConfig", new Section(fields(
                    "IsEnabled", new Bool(false),
                    "RPID", new Str(253),
                    "RPDisplayName", new Str(200),
                    "RPOrigins", new Strs(32),
                    "UserVerification", new Choice("preferred", "required", "preferred", "discouraged"))),
            "Plan", new Section(fields(
                    "Name", new Str(100),
                    "ExpiresAt", new Timestamp())),
            "Security", new Section(fields(
                    "MaxPasswordAttempts", new Int(1, 1000, 5),
                    "MaxSecondFactorAttemptsPerToken", new Int(1, 100, 5),
                    "MaxSecondFactorAttempts", new Int(1, 1000, 10),
                    "LockoutSeconds", new Int(1, 31_536_000, 900),
                    "MaxFailedLoginsPerAddress", new Int(1, 1_000_000, 100),
                    "AddressWindowSeconds", new Int(10, 86_400, 900),
                    "SecondFactorProofMaxAgeSeconds", new Int(60, 86_400, 900),
                    // ASVS 4.0.3 2.1.1 asks for 12; LoginRadius's default is 6 (set 6 for its exact behaviour).
                    "PasswordMinLength", new Int(6, 64, 12),
                    // Where emailed links (password reset, ...) may send the user: URL prefixes; the hosted page always may.
                    "AllowedUrls", new Strs(32),
                    "PasswordResetTokenSeconds", new Int(300, 259_200, 3600),
                    // POST /auth/password (forgot) answers 938 for an address or username no account has, as LoginRadius
                    // does; false (the default) answers every request the same.
                    "ForgotPasswordRevealsUnknown", new Bool(false),
                    // New passwords found in the bundled list of the most common breached passwords are refused (1315).
                    "RefuseBreachedPasswords", new Bool(true),
                    // The hosted page offers sign-up, which hands any visitor a SOTT (GET /hosted/api/sott): on, a SOTT no
                    // longer proves that the application's server asked; off (the default), 6002 and no sign-up form.
                    "HostedSignUp", new Bool(false),
                    // GET /auth/email?email= and /auth/username?username= tell anyone whether an account exists (LoginRadius's
                    // behaviour); false answers them 6002.
                    "AvailabilityChecks", new Bool(true),
                    // How long the link of an account-deletion email works (LoginRadius: 72 h).
                    "DeleteAccountTokenSeconds", new Int(300, 604_800, 259_200))),
            "Tokens", new Section(fields(
                    "AccessTokenLifetimeSeconds", new Int(60, 31_536_000, 3600),
                    "RefreshTokenLifetimeSeconds", new Int(60, 31_536_000, 60L * 24 * 3600),
                    "SecondFactorTokenLifetimeSeconds", new Int(30, 86_400, 600),
                    "LogoutEndsRefreshToken", new Bool(false))),
            // Email verification (LoginRadius's flows): Optional sends the link and lets the user in; Required refuses the
            // login (970) until the email is verified; Disabled sends nothing.
            "EmailVerification", new Section(fields(
                    "Flow", new Choice("Optional", "Optional", "Required", "Disabled"),
                    "TokenSeconds", new Int(300, 604_800, 259_200),
                    "AutoLogin", new Bool(false),
                    // A welcome email once the address is verified (at sign-up where the flow is Disabled).
                    "WelcomeEmail", new Bool(false))),
            // Phone accounts (reference §16): the phone + password login (1074 when off) and the SMS codes of phone
            // verification, password reset by SMS and sign-in by SMS.
            "PhoneAuthentication", new Section(fields(
                    "Login", new Bool(true),
                    "CodeSeconds", new Int(60, 3600, 600))),
            // Sign-in without a password (reference §17), each off until the tenant turns it on: by an emailed link or code
            // (1059), by an SMS code (1059), smart login (1135) and one-touch login (1146) with their polls.
            "Passwordless", new Section(fields(
                    "EmailLink", new Bool(false),
                    "SmsCode", new Bool(false),
                    "SmartLogin", new Bool(false),
                    "OneTouchLogin", new Bool(false),
                    "LinkSeconds", new Int(60, 259_200, 600))),
            // Emails and SMS of the phone and passwordless flows, per hour: beyond a limit the request is refused (1122 for
            // email, 1123 for SMS), whether or not the address or number belongs to an account.
            "SendLimits", new Section(fields(
                    "PerPhonePerHour", new Int(1, 1000, 5),
                    "PerEmailPerHour", new Int(1, 1000, 5),
                    "PerAccountPerHour", new Int(1, 1000, 10),
                    "PerClientAddressPerHour", new Int(1, 100_000, 30))),
            // Identifiers (email, username, phone): confusable look-alikes are refused unless the tenant allows them.
            "Identifiers", new Section(fields(
                    "AllowMixedScripts", new Bool(false))),
            // Events whose webhook a public call (a login) cannot suppress with prevent_webhook / X-PreventWebhook.
            "Webhooks", new Section(fields(
                    "UnsuppressibleEvents", new Strs(64))),
            // Risk-based authentication: a rule per signal, evaluated in LoginRadius's order (reference §7).
            "RiskBasedAuthentication", new Section(fields(
                    "HistoryType", new Choice("Days", "Days", "Logins"),
                    "HistorySize", new Int(1, 1000, 30),
                    "Device", riskSignal(),
                    "Browser", riskSignal(),
                    "City", riskSignal(),
                    "Country", riskSignal(),
                    "IP", riskSignal(),
                    "AdminEmails", new Strs(20),
                    "AdminEmailTemplate", new Str(200),
                    "OneClickEmailTemplate", new Str(200),
                    "OtpSmsTemplate", new Str(200),
                    "OneClickSignInUrl", new Str(2048),
                    "MaxMessagesPerHour", new Int(1, 1000, 10))),
            // Where this tenant's email goes; unset fields fall back to the node's --smtp-* options.
            "Email", new Section(fields(
                    "From", new Str(320),
                    "SmtpHost", new Str(253),
                    "SmtpPort", new Int(1, 65_535, 587),
                    "Security", new Choice("starttls", "none", "starttls", "tls"),
                    "Username", new Str(320),
                    "Password", new Secret(500))),
            // The SMS provider (a Twilio-compatible API); unset fields fall back to the node's --sms-* options.
            "Sms", new Section(fields(
                    "Provider", new Choice("twilio", "twilio"),
                    "BaseUrl", new Str(2048),
                    "AccountSid", new Str(100),
                    "AuthToken", new Secret(500),
                    "From", new Str(32)))));

    private TenantSettings() {}

    /** The settings of a new tenant: every default. */
    public static ObjectNode defaults() {
        return (ObjectNode) defaultsOf(SCHEMA);
    }

    private static JsonNode defaultsOf(Spec spec) {
        if (spec instanceof Bool b) {
            return Json.MAPPER.getNodeFactory().booleanNode(b.dflt());
        }
        if (spec instanceof Int i) {
            return Json.MAPPER.getNodeFactory().numberNode(i.dflt());
        }
        if (spec instanceof Strs) {
            return Json.MAPPER.createArrayNode();
        }
        if (spec instanceof Choice c) {
            return Json.MAPPER.getNodeFactory().textNode(c.dflt());
        }
        if (spec instanceof Section sec) {
            ObjectNode o = Json.object();
            sec.fields().forEach((k, v) -> o.set(k, defaultsOf(v)));
            return o;
        }
        return Json.MAPPER.getNodeFactory().nullNode(); // Str, Timestamp, Secret
    }

    /** Replaces every stored secret of a settings view with {@link #MASK}. */
    public static void maskSecrets(ObjectNode view) {
        maskSecrets(view, SCHEMA);
    }

    /** Replaces every stored secret of {@code settings} (sealed values) by {@code f} of it, in place (an export re-seals them). */
    public static void mapSecrets(ObjectNode settings, java.util.function.UnaryOperator<String> f) {
        mapSecrets(settings, SCHEMA, f);
    }

    private static void mapSecrets(ObjectNode node, Section section, java.util.function.UnaryOperator<String> f) {
        section.fields().forEach((k, spec) -> {
            JsonNode v = node.get(k);
            if (spec instanceof Secret && v != null && v.isTextual() && !v.asText().equals(MASK)) {
                node.put(k, f.apply(v.asText()));
            } else if (spec instanceof Section inner && v instanceof ObjectNode o) {
                mapSecrets(o, inner, f);
            }
        });
    }

    private static void maskSecrets(ObjectNode node, Section section) {
        section.fields().forEach((k, spec) -> {
            JsonNode v = node.get(k);
            if (spec instanceof Secret && v != null && v.isTextual()) {
                node.put(k, MASK);
            } else if (spec instanceof Section inner && v instanceof ObjectNode o) {
                maskSecrets(o, inner);
            }
        });
    }

    /** Thrown for a field that is unknown or of the wrong type; names the field by its dotted path. */
    public static final class InvalidField extends RuntimeException {
        public final String field;

        public InvalidField(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    /**
     * Merges {@code patch} (an admin's body, minus Name) into {@code target}, validating every key and value.
     * Absent fields keep their value; JSON null resets a field to its default.
     */
    public static void merge(ObjectNode target, JsonNode patch, java.util.function.UnaryOperator<String> seal) {
        mergeSection(target, patch, SCHEMA, "", seal);
    }

    private static void mergeSection(ObjectNode target, JsonNode patch, Section section, String path,
                                     java.util.function.UnaryOperator<String> seal) {
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String canonical = canonicalKey(section, e.getKey());
            String where = path + (canonical == null ? e.getKey() : canonical);
            if (canonical == null) {
                throw new InvalidField(where, "Unknown field '" + where + "'.");
            }
            Spec spec = section.fields().get(canonical);
            JsonNode value = e.getValue();
            if (value.isNull()) {
                target.set(canonical, defaultsOf(spec));
                continue;
            }
            target.set(canonical, validated(spec, value, where, target.get(canonical), seal));
        }
    }

    private static JsonNode validated(Spec spec, JsonNode value, String where, JsonNode current,
                                      java.util.function.UnaryOperator<String> seal) {
        if (spec instanceof Section inner) {
            if (!value.isObject()) {
                throw new InvalidField(where, "'" + where + "' must be an object.");
            }
            ObjectNode sub = current instanceof ObjectNode o ? o : (ObjectNode) defaultsOf(inner);
            mergeSection(sub, value, inner, where + ".", seal);
            return sub;
        }
        if (spec instanceof Secret sec) {
            if (!value.isTextual() || value.asText().isEmpty() || value.asText().length() > sec.maxLength()) {
                throw new InvalidField(where, "'" + where + "' must be a string of 1 to " + sec.maxLength() + " characters.");
            }
            if (value.asText().equals(MASK) && current != null && current.isTextual()) {
                return current; // the masked value a client read back: the stored secret stays
            }
            return Json.MAPPER.getNodeFactory().textNode(seal.apply(value.asText()));
        }
        if (spec instanceof Bool) {
            if (!value.isBoolean()) {
                throw new InvalidField(where, "'" + where + "' must be true or false.");
            }
            return value;
        }
        if (spec instanceof Int i) {
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < i.min() || value.asLong() > i.max()) {
                throw new InvalidField(where, "'" + where + "' must be a whole number from " + i.min() + " to " + i.max() + ".");
            }
            return Json.MAPPER.getNodeFactory().numberNode(value.asLong());
        }
        if (spec instanceof Str s) {
            if (!value.isTextual() || value.asText().length() > s.maxLength()) {
                throw new InvalidField(where, "'" + where + "' must be a string of at most " + s.maxLength() + " characters.");
            }
            return value;
        }
        if (spec instanceof Strs s) {
            if (!value.isArray() || value.size() > s.maxItems()) {
                throw new InvalidField(where, "'" + where + "' must be an array of at most " + s.maxItems() + " strings.");
            }
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (JsonNode item : value) {
                if (!item.isTextual() || item.asText().length() > 2048) {
                    throw new InvalidField(where, "'" + where + "' must be an array of strings.");
                }
                out.add(item);
            }
            return out;
        }
        if (spec instanceof Timestamp) {
            try {
                if (value.isTextual()) {
                    return Json.MAPPER.getNodeFactory().textNode(Instant.parse(value.asText()).toString());
                }
            } catch (DateTimeParseException ex) {
                // falls through to the error below
            }
            throw new InvalidField(where, "'" + where + "' must be an ISO-8601 UTC timestamp such as 2026-01-01T00:00:00Z.");
        }
        Choice c = (Choice) spec;
        if (value.isTextual()) {
            for (String v : c.values()) {
                if (v.equalsIgnoreCase(value.asText())) {
                    return Json.MAPPER.getNodeFactory().textNode(v);
                }
            }
        }
        throw new InvalidField(where, "'" + where + "' must be one of " + String.join(", ", c.values()) + ".");
    }

    /** Top-level key of the settings schema matching {@code key} case-insensitively, or null. */
    public static String topLevelKey(String key) {
        return canonicalKey(SCHEMA, key);
    }

    private static String canonicalKey(Section section, String key) {
        for (String k : section.fields().keySet()) {
            if (k.equalsIgnoreCase(key)) {
                return k;
            }
        }
        return null;
    }
}

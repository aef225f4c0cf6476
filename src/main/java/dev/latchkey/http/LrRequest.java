package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.audit.Audit;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginContext;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request as LoginRadius's clients send it (reference §1): query names matched case-insensitively and parsed
 * tolerantly (the Java SDK does not URL-encode values), credentials from the query or their headers, JSON bodies
 * on any method (DELETE too) with case-insensitive keys.
 */
public final class LrRequest {
    /** Largest body accepted; a larger one answers the method's body-invalid code. */
    public static final int MAX_BODY_BYTES = 128 * 1024;

    /** The seeds' twelve RBA template parameters, lower-cased. */
    public static final String[] RBA_TEMPLATE_PARAMETERS = {
        "rbabrowseremailtemplate", "rbaoneclickemailtemplate", "rbacityemailtemplate", "rbacountryemailtemplate",
        "rbaipemailtemplate", "rbadeviceemailtemplate", "rbaotpsmstemplate", "rbabrowsersmstemplate",
        "rbacitysmstemplate", "rbacountrysmstemplate", "rbaipsmstemplate", "rbadevicesmstemplate"};

    private final Context ctx;
    private final ClientAddress clientAddress;
    private final boolean refuseTokensInQuery;
    private final Map<String, String> query;
    private JsonNode body;
    private FieldsProjection fields;
    private boolean fieldsParsed;

    public LrRequest(Context ctx, ClientAddress clientAddress) {
        this(ctx, clientAddress, false);
    }

    /** {@code refuseTokensInQuery}: the operator's switch that refuses access tokens and API secrets in the query string. */
    public LrRequest(Context ctx, ClientAddress clientAddress, boolean refuseTokensInQuery) {
        this.ctx = ctx;
        this.clientAddress = clientAddress;
        this.refuseTokensInQuery = refuseTokensInQuery;
        this.query = parseQuery(ctx.queryString());
    }

    public Context ctx() {
        return ctx;
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT).trim();
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a raw '%' from a client that did not encode: keep the text as sent
        }
    }

    /** The query parameter, its name matched case-insensitively; null when absent or blank; 908 when it holds a NUL. */
    public String query(String name) {
        String v = query.get(name.toLowerCase(Locale.ROOT));
        if (v == null || v.isBlank()) {
            return null;
        }
        if (!TextInput.acceptable(v)) {
            throw LrError.PARAMETER_FORMAT.withDescription("The " + name + " parameter contains a character that is not allowed.");
        }
        return v.trim();
    }

    /**
     * The query parameter as sent, not trimmed: for values where a space stands for an unencoded {@code '+'} (a SOTT's
     * Base64 may start with one). Null when absent or blank; 908 when it holds a NUL.
     */
    public String queryUntrimmed(String name) {
        String v = query(name);
        return v == null ? null : query.get(name.toLowerCase(Locale.ROOT));
    }

    public String header(String name) {
        String v = ctx.header(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public String pathParam(String name) {
        String v = ctx.pathParam(name);
        if (!TextInput.acceptable(v)) {
            throw LrError.PARAMETER_FORMAT.withDescription("The " + name + " parameter contains a character that is not allowed.");
        }
        return v;
    }

    public String requiredQuery(String name) {
        String v = query(name);
        if (v == null) {
            throw LrError.required(name);
        }
        return v;
    }

    public String apiKey() {
        String v = query("apikey");
        return v != null ? v : header("X-LoginRadius-ApiKey");
    }

    public String apiSecret() {
        String h = header("X-LoginRadius-ApiSecret");
        return h != null ? h : fromQuery("apisecret", "X-LoginRadius-ApiSecret header");
    }

    /** The access token: {@code Authorization: Bearer} (Java SDK) or the {@code access_token} query (docs); Node sends both. */
    public String accessToken() {
        String auth = header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = auth.substring(7).trim();
            if (!t.isEmpty()) {
                return t;
            }
        }
        return fromQuery("access_token", "Authorization header as a Bearer token");
    }

    /**
     * A credential from the query string, which LoginRadius documents and its SDKs use; refused (908) when the operator
     * turned {@code --refuse-tokens-in-query} on and it is not also in its header (the Node SDK sends both).
     */
    private String fromQuery(String name, String instead) {
        String v = query(name);
        if (v != null && refuseTokensInQuery) {
            throw LrError.PARAMETER_FORMAT.withDescription("This server does not accept the " + name
                    + " in the query string (proxies and logs keep URLs); send it in the " + instead + ".");
        }
        return v;
    }

    public String secondFactorToken() {
        return query("secondfactorauthenticationtoken");
    }

    /** The body as a JSON object; an absent body is an empty object. */
    public JsonNode body() {
        if (body == null) {
            body = readBody(MAX_BODY_BYTES);
        }
        return body;
    }

    /** {@link #body}, up to {@code maxBytes} instead of {@link #MAX_BODY_BYTES} (an operator's import batch). */
    public JsonNode body(int maxBytes) {
        if (body == null) {
            body = readBody(maxBytes);
        }
        return body;
    }

    private ApiException bodyInvalid() {
        return switch (ctx.method().name()) {
            case "PUT", "PATCH" -> LrError.PUT_BODY_INVALID.error();
            case "DELETE" -> LrError.DELETE_BODY_INVALID.error();
            default -> LrError.POST_BODY_INVALID.error();
        };
    }

    /** Up to this much of a too-large body is read and dropped, so the client gets its answer on an open connection. */
    private static final long DRAIN_LIMIT = 8L * 1024 * 1024;

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int n;
        while (total < DRAIN_LIMIT && (n = in.read(buf)) >= 0) {
            total += n;
        }
    }

    private JsonNode readBody(int maxBytes) {
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                drain(in);
                throw bodyInvalid();
            }
        } catch (IOException e) {
            throw bodyInvalid();
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return Json.object();
        }
        JsonNode node;
        try {
            node = Json.parse(bytes);
        } catch (IOException e) {
            throw bodyInvalid();
        }
        if (node == null || !node.isObject()) {
            throw bodyInvalid();
        }
        String bad = TextInput.firstUnacceptable(node, "");
        if (bad != null) {
            ApiException refused = ApiException.validation(bad, "The " + bad + " field contains a character that is not allowed "
                    + "(NUL, or half of a UTF-16 surrogate pair).");
            throw ctx.path().startsWith("/admin/") ? refused.withStatus(400) : refused;
        }
        return node;
    }

    /** A string field of the body (case-insensitive key); null when absent; 1134 naming the field when not a string. */
    /** {@link #bodyString}, required: 908 naming {@code field} when it is absent, null or blank (the twin of {@link #requiredQuery}). */
    public String requiredBodyString(String field) {
        String v = bodyString(field);
        if (v == null || v.isBlank()) {
            throw LrError.required(field);
        }
        return v;
    }

    public String bodyString(String field) {
        JsonNode v = Json.field(body(), field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.validation(field, "The " + field + " field must be a string.");
        }
        return v.asText();
    }

    /**
     * Webhook suppression (reference §6): header {@code X-PreventWebhook} or query {@code prevent_webhook}, the header
     * winning when both are given. Anything but true/false is refused, never silently ignored.
     */
    public boolean preventWebhook() {
        String header = header("X-PreventWebhook");
        if (header != null) {
            return strictBoolean("X-PreventWebhook", header);
        }
        String q = query("prevent_webhook");
        return q != null && strictBoolean("prevent_webhook", q);
    }

    private static boolean strictBoolean(String name, String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw LrError.PARAMETER_FORMAT.withDescription("The " + name + " parameter must be true or false.");
    }

    /** The parsed {@code fields} projection (null: everything); 908 when malformed. */
    public FieldsProjection fields() {
        if (!fieldsParsed) {
            fields = FieldsProjection.parse(query("fields"));
            fieldsParsed = true;
        }
        return fields;
    }

    /** The client's address: the connection's, or what a trusted proxy forwarded ({@link ClientAddress}). */
    public String clientIp() {
        return clientAddress.resolve(ctx.req().getRemoteAddr(), header("X-Origin-IP"), header("X-Forwarded-For"));
    }

    /** Who made this request ({@code actor}, known from the credential it carries) and from where, for the audit trail. */
    public Audit.Origin origin(Audit.Actor actor) {
        String ua = header("X-Origin-User-Agent");
        return new Audit.Origin(actor, clientIp(), ua != null ? ua : header("User-Agent"));
    }

    /**
     * What the login step records about this request for the webhook and risk features. The address is the
     * connection's, or what a trusted proxy forwarded ({@link ClientAddress}); the user agent is
     * {@code X-Origin-User-Agent} (an application's backend speaking for its user, reference §7) or {@code User-Agent}:
     * both are the client's own say either way.
     */
    public LoginContext loginContext() {
        Map<String, String> templates = new LinkedHashMap<>();
        for (String p : RBA_TEMPLATE_PARAMETERS) {
            String v = query(p);
            if (v != null) {
                if (v.length() > 200) {
                    throw LrError.PARAMETER_FORMAT.withDescription("The " + p + " parameter is too long.");
                }
                templates.put(p, v);
            }
        }
        String ip = clientIp();
        String userAgent = header("X-Origin-User-Agent");
        String remember = header("X-Latchkey-Remember-Device") != null ? header("X-Latchkey-Remember-Device") : query("remember_device");
        if (remember != null && !remember.equalsIgnoreCase("true") && !remember.equalsIgnoreCase("false")) {
            throw LrError.PARAMETER_FORMAT.withDescription("The remember_device parameter must be true or false.");
        }
        // The device token is a long-lived credential: a header (or step 1's body), never the URL.
        return new LoginContext(preventWebhook(), Map.copyOf(templates), ip, userAgent != null ? userAgent : header("User-Agent"),
                codeRequest(), "true".equalsIgnoreCase(remember), header("X-Latchkey-Device-Token"));
    }

    /**
     * The templates a second factor's code is sent with ({@code smstemplate2fa}, {@code emailtemplate2fa}; LoginRadius's
     * parameters). {@code isvoiceotp=true} asks for the code by phone call, which a Twilio-compatible Messages API cannot
     * place: 1281, whatever else the request is.
     */
    public dev.latchkey.factor.CodeRequest codeRequest() {
        if ("true".equalsIgnoreCase(query("isvoiceotp"))) {
            throw LrError.VOICE_OTP_NOT_CONFIGURED.withDescription("Codes are sent by SMS through a Twilio-compatible Messages API, "
                    + "which cannot place voice calls: leave out isvoiceotp (or set it to false).");
        }
        return new dev.latchkey.factor.CodeRequest(template("smstemplate2fa"), template("emailtemplate2fa"));
    }

    /**
     * The SMS template a phone flow's code is sent with ({@code smstemplate}); 1281 for {@code isvoiceotp=true}, as
     * {@link #codeRequest}.
     */
    public String smsTemplate() {
        codeRequest();
        return template("smstemplate");
    }

    /** A template the request names ({@code emailtemplate}, {@code passwordlesslogintemplate}, ...): null for Latchkey's. */
    public String templateQuery(String parameter) {
        return template(parameter);
    }

    private String template(String parameter) {
        String v = query(parameter);
        if (v != null && v.length() > 200) {
            throw LrError.PARAMETER_FORMAT.withDescription("The " + parameter + " parameter is too long.");
        }
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * The parameter, with the '+' a client sent unencoded kept (the Java SDK does not URL-encode: "ann+tag@example.com",
     * "+15005550006"). An email or username cannot hold a space, so every space decoded from one was such a '+'; in a
     * phone number only a leading '+' means something (other '+'s and spaces are separators).
     */
    public String identifierQuery(String kind) {
        String query = ctx.queryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && decode(pair.substring(0, eq)).trim().equalsIgnoreCase(kind)) {
                String raw = pair.substring(eq + 1);
                String value = kind.equals("phone") && raw.startsWith("+") ? "+" + decode(raw.substring(1)) : decode(raw);
                value = value.trim();
                if (!kind.equals("phone")) {
                    value = value.replace(' ', '+');
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }
}

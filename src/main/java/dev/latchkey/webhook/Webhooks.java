package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Webhook subscriptions of a tenant (reference §6): the body LoginRadius documents (Event, TargetUrl, Name, Headers,
 * QueryParams, Authentication Basic or Bearer), validated; credentials for the receiver stored encrypted, shown masked.
 */
public final class Webhooks {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Webhooks.class);
    /** A subscription as stored. */
    public record Webhook(String id, long tenantId, String event, String targetUrl, String name, ObjectNode headers,
                          ObjectNode queryParams, String authType, String authUsername, String authSecretSealed,
                          long createdAt, long modifiedAt) {}

    private static final RowMapper<Webhook> ROW = (rs, ctx) -> new Webhook(rs.getString("id"), rs.getLong("tenant_id"),
            rs.getString("event"), rs.getString("target_url"), rs.getString("name"), (ObjectNode) Json.parse(rs.getString("headers")),
            (ObjectNode) Json.parse(rs.getString("query_params")), rs.getString("auth_type"), rs.getString("auth_username"),
            rs.getString("auth_secret_enc"), rs.getLong("created_at"), rs.getLong("modified_at"));
    private static final Pattern HEADER_NAME = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$");
    /**
     * Header names a subscription may not set: those that frame the message or manage the connection (the HTTP client
     * owns them; set by a tenant they break every delivery or change what the receiver reads), and those Latchkey sets on
     * every delivery. Also every {@code Proxy-*} name.
     */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "content-type", "transfer-encoding",
            "connection", "keep-alive", "te", "trailer", "upgrade", "expect", "http2-settings", "signature",
            "x-latchkey-delivery", "user-agent");
    private static final int MAX_PER_TENANT = 100;

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final Clock clock;
    private final TargetUrls targets;

    public Webhooks(Jdbi jdbi, Secrets secrets, Clock clock, TargetUrls targets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.clock = clock;
        this.targets = targets;
    }

    public List<Webhook> list(Tenant tenant, String event) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhooks WHERE tenant_id = :t"
                        + (event == null ? "" : " AND event = :e") + " ORDER BY created_at, id")
                .bind("t", tenant.id()).bind("e", event).map(ROW).list());
    }

    public Webhook get(Tenant tenant, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhooks WHERE tenant_id = :t AND id = :id")
                .bind("t", tenant.id()).bind("id", id).map(ROW).findOne())
                .orElseThrow(() -> LrError.PARAMETER_FORMAT.withDescription("The hookid does not identify a webhook of this tenant."));
    }

    /** A new subscription from LoginRadius's create body; Event and TargetUrl required. */
    public Webhook create(Tenant tenant, JsonNode body) {
        long now = clock.millis();
        Webhook w = apply(new Webhook(Secrets.guid(), tenant.id(), null, null, null, Json.object(), Json.object(),
                null, null, null, now, now), body, true);
        warnIfNeverSent(tenant, w);
        jdbi.useTransaction(h -> {
            int count = h.createQuery("SELECT COUNT(*) FROM webhooks WHERE tenant_id = :t").bind("t", tenant.id()).mapTo(Integer.class).one();
            if (count >= MAX_PER_TENANT) {
                throw ApiException.validation("Event", "A tenant has at most " + MAX_PER_TENANT + " webhooks.");
            }
            h.createUpdate("""
                            INSERT INTO webhooks (id, tenant_id, event, target_url, name, headers, query_params, auth_type,
                                                  auth_username, auth_secret_enc, created_at, modified_at)
                            VALUES (:id, :t, :e, :u, :n, :h, :q, :at, :au, :as, :c, :c)""")
                    .bind("id", w.id()).bind("t", w.tenantId()).bind("e", w.event()).bind("u", w.targetUrl()).bind("n", w.name())
                    .bind("h", Json.write(w.headers())).bind("q", Json.write(w.queryParams())).bind("at", w.authType())
                    .bind("au", w.authUsername()).bind("as", w.authSecretSealed()).bind("c", now).execute();
        });
        return w;
    }

    /** Changes the fields the body names. */
    public Webhook update(Tenant tenant, String id, JsonNode body) {
        Webhook current = get(tenant, id);
        Webhook w = apply(current, body, false);
        warnIfNeverSent(tenant, w);
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE webhooks SET event = :e, target_url = :u, name = :n, headers = :h, query_params = :q, auth_type = :at,
                               auth_username = :au, auth_secret_enc = :as, modified_at = :now WHERE id = :id AND tenant_id = :t""")
                .bind("e", w.event()).bind("u", w.targetUrl()).bind("n", w.name()).bind("h", Json.write(w.headers()))
                .bind("q", Json.write(w.queryParams())).bind("at", w.authType()).bind("au", w.authUsername())
                .bind("as", w.authSecretSealed()).bind("now", now).bind("id", id).bind("t", tenant.id()).execute());
        return new Webhook(w.id(), w.tenantId(), w.event(), w.targetUrl(), w.name(), w.headers(), w.queryParams(), w.authType(),
                w.authUsername(), w.authSecretSealed(), w.createdAt(), now);
    }

    private static void warnIfNeverSent(Tenant tenant, Webhook w) {
        if (!WebhookEvents.isSent(w.event())) {
            LOG.warn("tenant {}: webhook {} subscribes to {}, an event Latchkey never sends; it will not fire", tenant.apiKey(),
                    w.id(), w.event());
        }
    }

    public void delete(Tenant tenant, String id) {
        int n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM webhooks WHERE id = :id AND tenant_id = :t")
                .bind("id", id).bind("t", tenant.id()).execute());
        if (n != 1) {
            throw LrError.PARAMETER_FORMAT.withDescription("The hookid does not identify a webhook of this tenant.");
        }
    }

    /** The legacy API's delete: every subscription of the tenant to {@code event} at {@code targetUrl}. */
    public int deleteByTarget(Tenant tenant, String event, String targetUrl) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM webhooks WHERE tenant_id = :t AND event = :e AND target_url = :u")
                .bind("t", tenant.id()).bind("e", event).bind("u", targetUrl).execute());
    }

    public String event(String name) {
        return WebhookEvents.canonical(name).orElseThrow(() -> ApiException.validation("Event",
                "Unknown event '" + name + "'; GET /v2/manage/webhook/events lists them."));
    }

    public String targetUrl(String url) {
        String problem = targets.problem(url);
        if (problem != null) {
            throw ApiException.validation("TargetUrl", problem);
        }
        return url;
    }

    private Webhook apply(Webhook w, JsonNode body, boolean creating) {
        String event = w.event();
        String url = w.targetUrl();
        String name = w.name();
        ObjectNode headers = w.headers();
        ObjectNode query = w.queryParams();
        String authType = w.authType();
        String authUser = w.authUsername();
        String authSecret = w.authSecretSealed();
        Iterator<Map.Entry<String, JsonNode>> it = body.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey().toLowerCase(Locale.ROOT)) {
                case "event" -> event = event(text(v, "Event"));
                case "targeturl" -> url = targetUrl(text(v, "TargetUrl"));
                case "name" -> name = v.isNull() ? null : text(v, "Name");
                case "headers" -> headers = stringMap(v, "Headers", true);
                case "queryparams" -> query = stringMap(v, "QueryParams", false);
                case "authentication" -> {
                    if (v.isNull()) {
                        authType = null;
                        authUser = null;
                        authSecret = null;
                    } else {
                        String[] auth = authentication(v);
                        authType = auth[0];
                        authUser = auth[1];
                        authSecret = secrets.encrypt(auth[2]);
                    }
                }
                default -> { } // other keys of LoginRadius's model (SecretName, IsIntegrationWebhook, Id, dates) are not writable
            }
        }
        if (creating && event == null) {
            throw LrError.required("Event");
        }
        if (creating && url == null) {
            throw LrError.required("TargetUrl");
        }
        if (authType != null) {
            for (Iterator<String> names = headers.fieldNames(); names.hasNext(); ) {
                String header = names.next();
                if (header.equalsIgnoreCase("Authorization")) {
                    throw ApiException.validation("Headers." + header, "An Authorization header and Authentication cannot be "
                            + "given together: Authentication sets the Authorization header.");
                }
            }
        }
        return new Webhook(w.id(), w.tenantId(), event, url, name, headers, query, authType, authUser, authSecret, w.createdAt(), w.modifiedAt());
    }

    private static String text(JsonNode v, String field) {
        if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > 2048) {
            throw ApiException.validation(field, "The " + field + " field must be a non-empty string.");
        }
        return v.asText().trim();
    }

    private static ObjectNode stringMap(JsonNode v, String field, boolean headers) {
        if (v.isNull()) {
            return Json.object();
        }
        if (!v.isObject() || v.size() > 20) {
            throw ApiException.validation(field, "The " + field + " field must be an object of at most 20 strings.");
        }
        ObjectNode out = Json.object();
        Set<String> seen = new java.util.HashSet<>();
        v.fields().forEachRemaining(f -> {
            String value = f.getValue().isTextual() ? f.getValue().asText() : null;
            if (value == null || value.length() > 1000 || f.getKey().isEmpty() || value.contains("\r") || value.contains("\n")) {
                throw ApiException.validation(field + "." + f.getKey(), "Each " + field + " entry must be a string of at most 1000 characters.");
            }
            if (headers) {
                value = headerValue(f.getKey(), value);
                if (!seen.add(f.getKey().toLowerCase(Locale.ROOT))) {
                    throw ApiException.validation(field + "." + f.getKey(), "The header " + f.getKey()
                            + " is given twice (header names are case-insensitive).");
                }
            }
            out.put(f.getKey(), value);
        });
        return out;
    }

    /** Whether a stored header would be accepted today (deliveries leave out those saved before a rule refused them). */
    static boolean isDeliverableHeader(String name, String value) {
        try {
            headerValue(name, value);
            return true;
        } catch (ApiException refused) {
            return false;
        }
    }

    /**
     * A header accepted here is one every delivery sends as it is: a token for a name that neither HTTP nor Latchkey
     * owns, and a value of visible ASCII, spaces and tabs (control characters would be rewritten or refused on the wire,
     * other characters cannot be sent as they are). Surrounding whitespace is not part of a value, so it is dropped.
     */
    private static String headerValue(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!HEADER_NAME.matcher(name).matches()) {
            throw ApiException.validation("Headers." + name, "The header name " + name + " is not a valid HTTP field name.");
        }
        if (RESERVED_HEADERS.contains(lower) || lower.startsWith("proxy-")) {
            throw ApiException.validation("Headers." + name, "The header " + name
                    + " is set by HTTP or by Latchkey itself on every delivery; a webhook cannot set it.");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                throw ApiException.validation("Headers." + name, "The value of the header " + name
                        + " may hold only visible ASCII characters, spaces and tabs.");
            }
        }
        return value.strip();
    }

    /** [AuthType, username, secret] from {@code {"AuthType":"Basic","BasicAuth":{Username,Password}}} or Bearer. */
    private static String[] authentication(JsonNode v) {
        if (!v.isObject()) {
            throw ApiException.validation("Authentication", "Authentication must be an object.");
        }
        String type = Json.field(v, "AuthType") == null ? "" : Json.field(v, "AuthType").asText();
        if (type.equalsIgnoreCase("Basic")) {
            JsonNode basic = Json.field(v, "BasicAuth");
            JsonNode user = Json.field(basic, "Username");
            JsonNode pass = Json.field(basic, "Password");
            if (user == null || !user.isTextual() || user.asText().contains(":") || pass == null || !pass.isTextual()) {
                throw ApiException.validation("Authentication.BasicAuth", "Basic authentication needs BasicAuth.Username (without ':') and BasicAuth.Password.");
            }
            return new String[] {"Basic", user.asText(), pass.asText()};
        }
        if (type.equalsIgnoreCase("Bearer")) {
            JsonNode bearer = Json.field(v, "BearerToken");
            JsonNode token = bearer == null ? Json.field(v, "Token") : Json.field(bearer, "Token");
            if (token == null || !token.isTextual() || token.asText().isBlank()) {
                throw ApiException.validation("Authentication.BearerToken", "Bearer authentication needs BearerToken.Token.");
            }
            return new String[] {"Bearer", null, token.asText()};
        }
        throw ApiException.validation("Authentication.AuthType", "AuthType must be Basic or Bearer.");
    }

    public Optional<String> secret(Webhook w) {
        return w.authSecretSealed() == null ? Optional.empty() : Optional.of(secrets.decrypt(w.authSecretSealed()));
    }
}

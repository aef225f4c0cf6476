package dev.latchkey.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.ImportedHashes;
import dev.latchkey.crypto.PassphraseSeal;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.ApiException;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.tenant.Tenants;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A tenant exported and imported as JSON Lines (README, "Export and import"): a header line (the tenant's name, ApiKey,
 * ApiSecret and settings, its templates, security questions and webhooks, and the hashing keys its hashes depend on),
 * then one line per account (its profile, flags, dates, password hash and second factors). Every secret in it (factor
 * secrets, the API secret, delivery credentials, webhook credentials, the hashing keys) is sealed under a passphrase the
 * operator gives ({@link PassphraseSeal}); hashes stay hashes. Sessions, remembered devices, pending codes, outboxes, risk
 * history and the audit trail are not exported: they belong to the node that made them.
 * An import keeps uids, ApiKey and ApiSecret (applications keep their configuration), adopts the source's hashing keys
 * when they are not this node's ({@link ImportedKeys}), and takes password hashes from other systems
 * ({@link ImportedHashes}). A bad line is reported with its number and the rest goes
 * on; an account whose uid the tenant has already is counted as imported before, so an import can be resumed or repeated.
 * Each account is undone alone (a savepoint) inside its batch's one transaction.
 * This class reads and writes the factor tables directly: it is a copy of rows, not a use of the factors.
 */
public final class TenantTransfer {
    public static final String FORMAT = "latchkey-tenant-export";
    public static final int VERSION = 1;
    public static final int MAX_PAGE = 1000;

    private static final List<String> TEMPLATE_COLUMNS = List.of("channel", "name_key", "name", "subject", "html", "body", "created_at", "modified_at");
    private static final List<String> QUESTION_COLUMNS = List.of("question_id", "question", "position", "created_at");
    private static final List<String> WEBHOOK_COLUMNS = List.of("id", "event", "target_url", "name", "headers", "query_params", "auth_type",
            "auth_username", "auth_secret_enc", "created_at", "modified_at");
    private static final List<String> PASSKEY_COLUMNS = List.of("id", "credential_id", "credential", "sign_count", "uv_initialized",
            "backup_eligible", "backup_state", "transports", "enrolled_via", "possibly_cloned", "created_at", "last_used_at");
    private static final List<String> PASSKEY_ROW = java.util.stream.Stream.concat(java.util.stream.Stream.of("uid"), PASSKEY_COLUMNS.stream()).toList();

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final Tenants tenants;
    private final Accounts accounts;
    private final ImportedKeys importedKeys;
    private final dev.latchkey.message.MessageTemplates templates;
    private final Audit audit;
    private final Clock clock;
    /** Derived passphrase keys of the last few exports/imports (a derivation costs ~0.3 s; each page or batch needs it). */
    private final Map<String, PassphraseSeal> seals = java.util.Collections.synchronizedMap(new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PassphraseSeal> eldest) {
            return size() > 4;
        }
    });

    public TenantTransfer(Jdbi jdbi, Secrets secrets, Tenants tenants, Accounts accounts, ImportedKeys importedKeys,
                          dev.latchkey.message.MessageTemplates templates, Audit audit, Clock clock) {
        this.templates = templates;
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.tenants = tenants;
        this.accounts = accounts;
        this.importedKeys = importedKeys;
        this.audit = audit;
        this.clock = clock;
    }

    /** The key sealing an export: derived from the passphrase and the export's salt, cached by both (never by either alone). */
    public PassphraseSeal seal(String passphrase, byte[] salt, int iterations) {
        String key = secrets.hash("export-seal:" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":" + passphrase);
        PassphraseSeal s = seals.get(key);
        if (s == null) {
            try {
                s = PassphraseSeal.derive(passphrase, salt, iterations);
            } catch (IllegalArgumentException e) {
                throw ApiException.validation("Passphrase", e.getMessage()).withStatus(400);
            }
            seals.put(key, s);
        }
        return s;
    }

    // ── Export ──────────────────────────────────────────────────────────────────────────────────────────────────────

    /** The header line. */
    public ObjectNode header(Tenant t, PassphraseSeal seal, byte[] salt, int iterations) {
        ObjectNode o = Json.object();
        o.put("Format", FORMAT);
        o.put("Version", VERSION);
        o.put("ExportedAt", Json.iso(clock.millis()));
        ObjectNode kdf = o.putObject("Passphrase");
        kdf.put("Kdf", "PBKDF2-HMAC-SHA256");
        kdf.put("Iterations", iterations);
        kdf.put("Salt", Base64.getEncoder().encodeToString(salt));
        o.put("KeyId", secrets.keyId());
        o.put("Keys", seal.seal(Json.write(Json.MAPPER.valueToTree(secrets.hashingKeys()))));
        ObjectNode tenant = o.putObject("Tenant");
        tenant.put("Name", t.name());
        tenant.put("ApiKey", t.apiKey());
        tenant.put("ApiSecret", seal.seal(tenants.apiSecret(t)));
        ObjectNode settings = t.settings().deepCopy();
        TenantSettings.mapSecrets(settings, sealed -> seal.seal(secrets.decrypt(sealed)));
        tenant.set("Settings", settings);
        tenant.put("CreatedAt", t.createdAt());
        jdbi.useHandle(h -> {
            o.set("Templates", rows(h, "message_templates", TEMPLATE_COLUMNS, t.id()));
            o.set("SecurityQuestions", rows(h, "security_questions", QUESTION_COLUMNS, t.id()));
            ArrayNode hooks = rows(h, "webhooks", WEBHOOK_COLUMNS, t.id());
            hooks.forEach(w -> {
                if (w.hasNonNull("auth_secret_enc")) {
                    ((ObjectNode) w).put("auth_secret_enc", seal.seal(secrets.decrypt(w.get("auth_secret_enc").asText())));
                }
                // Extra headers and query parameters may carry the receiver's tokens: sealed as the credentials are.
                for (String f : new String[] {"headers", "query_params"}) {
                    if (w.hasNonNull(f)) {
                        ((ObjectNode) w).put(f, seal.seal(w.get(f).asText()));
                    }
                }
            });
            o.set("Webhooks", hooks);
            o.put("Users", h.createQuery("SELECT COUNT(*) FROM accounts WHERE tenant_id = :t").bind("t", t.id()).mapTo(Long.class).one());
        });
        return o;
    }

    private static ArrayNode rows(Handle h, String table, List<String> columns, long tenantId) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        h.createQuery("SELECT " + String.join(", ", columns) + " FROM " + table + " WHERE tenant_id = :t ORDER BY " + columns.get(0))
                .bind("t", tenantId).mapToMap().forEach(m -> out.add(row(m, columns)));
        return out;
    }

    private static ObjectNode row(Map<String, Object> m, List<String> columns) {
        ObjectNode o = Json.object();
        for (String c : columns) {
            Object v = m.get(c);
            if (v == null) {
                o.putNull(c);
            } else if (v instanceof Boolean b) {
                o.put(c, b);
            } else if (v instanceof Number n) {
                o.put(c, n.longValue());
            } else {
                o.put(c, v.toString());
            }
        }
        return o;
    }

    /** One page of account lines, by uid after {@code after} (null: from the first), at most {@code limit}. */
    public List<ObjectNode> users(Tenant t, String after, int limit, PassphraseSeal seal) {
        return jdbi.withHandle(h -> {
            List<Map<String, Object>> rows = h.createQuery("""
                            SELECT uid, profile, password_hash, is_active, email_verified, no_of_logins, last_login_at, password_changed_at,
                                   created_at, modified_at, mfa_enrolled
                            FROM accounts WHERE tenant_id = :t AND uid > :after ORDER BY uid""")
                    .bind("t", t.id()).bind("after", after == null ? "" : after).setMaxRows(limit).mapToMap().list();
            Map<String, ObjectNode> byUid = new LinkedHashMap<>();
            for (Map<String, Object> r : rows) {
                ObjectNode u = Json.object();
                u.put("Uid", (String) r.get("uid"));
                u.set("Profile", Json.parse((String) r.get("profile")));
                u.put("PasswordHash", (String) r.get("password_hash"));
                u.put("IsActive", (Boolean) r.get("is_active"));
                u.put("EmailVerified", (Boolean) r.get("email_verified"));
                u.put("NoOfLogins", ((Number) r.get("no_of_logins")).intValue());
                putLong(u, "LastLoginAt", r.get("last_login_at"));
                putLong(u, "PasswordChangedAt", r.get("password_changed_at"));
                putLong(u, "CreatedAt", r.get("created_at"));
                putLong(u, "ModifiedAt", r.get("modified_at"));
                u.put("MfaEnrolled", (Boolean) r.get("mfa_enrolled"));
                byUid.put((String) r.get("uid"), u);
            }
            if (byUid.isEmpty()) {
                return List.of();
            }
            List<String> uids = List.copyOf(byUid.keySet());
            h.createQuery("SELECT uid, code_hash, created_at, used_at FROM backup_codes WHERE uid IN (<u>) ORDER BY uid, code_hash")
                    .bindList("u", uids).mapToMap().forEach(m -> {
                        ObjectNode c = factors(byUid, m).withArray("BackupCodes").addObject();
                        c.put("Hash", (String) m.get("code_hash"));
                        putLong(c, "CreatedAt", m.get("created_at"));
                        putLong(c, "UsedAt", m.get("used_at"));
                    });
            h.createQuery("SELECT uid, secret, last_step, created_at FROM authenticators WHERE uid IN (<u>)")
                    .bindList("u", uids).mapToMap().forEach(m -> {
                        ObjectNode a = factors(byUid, m).putObject("Authenticator");
                        a.put("Secret", seal.seal(secrets.decrypt((String) m.get("secret"))));
                        putLong(a, "LastStep", m.get("last_step"));
                        putLong(a, "CreatedAt", m.get("created_at"));
                    });
            h.createQuery("SELECT uid, phone, created_at FROM sms_factors WHERE uid IN (<u>)")
                    .bindList("u", uids).mapToMap().forEach(m -> {
                        ObjectNode s = factors(byUid, m).putObject("Sms");
                        s.put("Phone", seal.seal(secrets.decrypt((String) m.get("phone"))));
                        putLong(s, "CreatedAt", m.get("created_at"));
                    });
            h.createQuery("SELECT uid, created_at FROM email_factors WHERE uid IN (<u>)")
                    .bindList("u", uids).mapToMap().forEach(m -> putLong(factors(byUid, m).putObject("Email"), "CreatedAt", m.get("created_at")));
            h.createQuery("SELECT uid, question_id, answer_hash, created_at FROM security_answers WHERE uid IN (<u>) ORDER BY uid, question_id")
                    .bindList("u", uids).mapToMap().forEach(m -> {
                        ObjectNode a = factors(byUid, m).withArray("SecurityAnswers").addObject();
                        a.put("QuestionId", (String) m.get("question_id"));
                        a.put("AnswerHash", (String) m.get("answer_hash"));
                        putLong(a, "CreatedAt", m.get("created_at"));
                    });
            h.createQuery("SELECT uid, " + String.join(", ", PASSKEY_COLUMNS) + " FROM passkeys WHERE uid IN (<u>) ORDER BY uid, created_at")
                    .bindList("u", uids).mapToMap().forEach(m -> factors(byUid, m).withArray("Passkeys").add(row(m, PASSKEY_COLUMNS)));
            return List.copyOf(byUid.values());
        });
    }

    private static ObjectNode factors(Map<String, ObjectNode> byUid, Map<String, Object> m) {
        return byUid.get((String) m.get("uid")).with("Factors");
    }

    private static void putLong(ObjectNode o, String field, Object v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, ((Number) v).longValue());
        }
    }

    // ── Import ──────────────────────────────────────────────────────────────────────────────────────────────────────

    /** The export's passphrase parameters from its header (or a user batch's {@code Source}). */
    public record Source(String keyId, byte[] salt, int iterations) {
        public static Source of(JsonNode header) {
            JsonNode kdf = header.path("Passphrase");
            String salt = kdf.path("Salt").asText("");
            String keyId = header.path("KeyId").asText("");
            if (salt.isEmpty() || !keyId.matches("x[0-9a-f]{16}")) {
                throw ApiException.validation("Passphrase", "The export's Passphrase.Salt and KeyId are required.").withStatus(400);
            }
            try {
                return new Source(keyId, Base64.getDecoder().decode(salt), kdf.path("Iterations").asInt(PassphraseSeal.ITERATIONS));
            } catch (IllegalArgumentException e) {
                throw ApiException.validation("Passphrase", "The export's Passphrase.Salt is not base64.").withStatus(400);
            }
        }
    }

    /**
     * The header line: the tenant (created with its ApiKey and ApiSecret, or updated), its templates, questions and
     * webhooks, and the source's hashing keys adopted when they are not this node's.
     */
    public Tenant importHeader(JsonNode header, String passphrase, Audit.Origin origin) {
        if (!FORMAT.equals(header.path("Format").asText()) || header.path("Version").asInt() != VERSION) {
            throw ApiException.validation("Format", "Not a Latchkey tenant export (Format " + FORMAT + ", Version " + VERSION + ").").withStatus(400);
        }
        Source source = Source.of(header);
        PassphraseSeal seal = seal(passphrase, source.salt(), source.iterations());
        JsonNode t = header.path("Tenant");
        String apiSecret = open(seal, t.path("ApiSecret").asText(""), "Tenant.ApiSecret");
        ObjectNode settings = t.path("Settings").isObject() ? (ObjectNode) t.get("Settings").deepCopy() : Json.object();
        TenantSettings.mapSecrets(settings, sealed -> open(seal, sealed, "Tenant.Settings"));
        Tenant existing = tenants.get(t.path("ApiKey").asText("")).orElse(null);
        // ApiKeys are public: a file naming a tenant of this node is its export only if it holds that tenant's ApiSecret.
        if (existing != null && !Secrets.constantTimeEquals(secrets.hash("import:" + tenants.apiSecret(existing)), secrets.hash("import:" + apiSecret))) {
            throw ApiException.validation("Tenant.ApiKey", "This node has a tenant with that ApiKey and another ApiSecret: the file is not its export.")
                    .withStatus(400);
        }
        List<ObjectNode> templateRows = new ArrayList<>();
        for (JsonNode row : header.path("Templates")) {
            templateRows.add(checkTemplate(row));
        }
        List<ObjectNode> webhooks = new ArrayList<>();
        for (JsonNode row : header.path("Webhooks")) {
            if (!row.isObject()) {
                throw ApiException.validation("Webhooks", "A webhook must be an object.").withStatus(400);
            }
            ObjectNode w = row.deepCopy();
            for (String f : new String[] {"headers", "query_params", "auth_secret_enc"}) {
                if (w.hasNonNull(f)) {
                    w.put(f, open(seal, w.get(f).asText(), "Webhooks." + f));
                }
            }
            checkWebhook(w);
            webhooks.add(w);
        }
        if (!source.keyId().equals(secrets.keyId())) {
            String keys = open(seal, header.path("Keys").asText(""), "Keys");
            try {
                importedKeys.register(source.keyId(), Json.parse(keys), clock.millis());
            } catch (java.io.UncheckedIOException e) {
                throw ApiException.validation("Keys", "The export's Keys are not JSON.").withStatus(400);
            } catch (IllegalArgumentException e) {
                throw ApiException.validation("KeyId", e.getMessage()).withStatus(400);
            }
        }
        long now = clock.millis();
        // Templates and questions first: the settings may name them.
        Tenant tenant = existing != null ? existing : tenants.adopt(t.path("ApiKey").asText(""), apiSecret, t.path("Name").asText("Tenant"), Json.object());
        try {
            return importRows(header, templateRows, webhooks, tenant, apiSecret, t.path("Name").asText("Tenant"), settings, origin, now);
        } catch (RuntimeException e) {
            if (existing == null) {
                tenants.delete(tenant); // a tenant this import made: nothing of a refused file stays
            }
            if (e instanceof ApiException) {
                throw e;
            }
            if (e instanceof org.jdbi.v3.core.JdbiException) {
                throw ApiException.validation("Header", "A row of the export was refused by the database (a value missing, too long, "
                        + "or of the wrong type).").withStatus(400);
            }
            throw e;
        }
    }

    /**
     * A template row checked as the admin API checks a template (every part compiles and renders against the sample), its
     * name key derived from its name: a template that could not be sent is refused here, not at the first email.
     */
    private ObjectNode checkTemplate(JsonNode row) {
        if (!row.isObject()) {
            throw ApiException.validation("Templates", "A template must be an object.").withStatus(400);
        }
        String ch = row.path("channel").asText("");
        dev.latchkey.message.MessageTemplates.Channel channel = ch.equals("email") ? dev.latchkey.message.MessageTemplates.Channel.EMAIL
                : ch.equals("sms") ? dev.latchkey.message.MessageTemplates.Channel.SMS : null;
        String name = row.path("name").asText("");
        if (channel == null) {
            throw ApiException.validation("Templates.channel", "A template's channel must be email or sms.").withStatus(400);
        }
        ObjectNode body = Json.object().put("Name", name);
        if (channel == dev.latchkey.message.MessageTemplates.Channel.EMAIL) {
            body.set("Subject", row.path("subject"));
            if (row.hasNonNull("html")) {
                body.set("Html", row.get("html"));
            }
            body.set("Text", row.path("body"));
        } else {
            body.set("Body", row.path("body"));
        }
        try {
            templates.check(channel, name, body);
        } catch (dev.latchkey.message.MessageTemplates.InvalidTemplate e) {
            throw ApiException.validation("Templates." + name + "." + e.field, e.getMessage()).withStatus(400);
        }
        ObjectNode checked = row.deepCopy();
        checked.put("name_key", name.toLowerCase(java.util.Locale.ROOT));
        return checked;
    }

    /** A webhook row as the webhook API would have saved it: an http(s) URL with a host, headers and query parameters as objects of strings. */
    private static void checkWebhook(ObjectNode row) {
        String url = row.path("target_url").asText("");
        java.net.URI uri;
        try {
            uri = java.net.URI.create(url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getHost() == null || uri.getUserInfo() != null) {
            throw ApiException.validation("Webhooks.target_url", "A webhook's target_url must be an http or https URL with a host.").withStatus(400);
        }
        if (dev.latchkey.webhook.WebhookEvents.canonical(row.path("event").asText("")).isEmpty()) {
            throw ApiException.validation("Webhooks.event", "A webhook's event must be one of the webhook API's events.").withStatus(400);
        }
        for (String field : new String[] {"headers", "query_params"}) {
            JsonNode map;
            try {
                map = Json.parse(row.path(field).asText(""));
            } catch (RuntimeException e) {
                map = null;
            }
            boolean ok = map != null && map.isObject() && map.size() <= 20;
            if (ok) {
                for (JsonNode v : map) {
                    ok &= v.isTextual();
                }
            }
            if (!ok) {
                throw ApiException.validation("Webhooks." + field, "A webhook's " + field + " must be a JSON object of at most 20 strings.").withStatus(400);
            }
        }
    }

    private Tenant importRows(JsonNode header, List<ObjectNode> templateRows, List<ObjectNode> webhooks, Tenant tenant, String apiSecret, String name,
                              ObjectNode settings, Audit.Origin origin, long now) {
        jdbi.useTransaction(h -> {
            for (ObjectNode row : templateRows) {
                h.createUpdate("DELETE FROM message_templates WHERE tenant_id = :t AND channel = :c AND name_key = :k")
                        .bind("t", tenant.id()).bind("c", row.path("channel").asText()).bind("k", row.path("name_key").asText()).execute();
                insert(h, "message_templates", TEMPLATE_COLUMNS, row, tenant.id());
            }
            for (JsonNode row : header.path("SecurityQuestions")) {
                h.createUpdate("DELETE FROM security_questions WHERE tenant_id = :t AND question_id = :q")
                        .bind("t", tenant.id()).bind("q", row.path("question_id").asText()).execute();
                insert(h, "security_questions", QUESTION_COLUMNS, row, tenant.id());
            }
            for (ObjectNode w : webhooks) {
                if (w.hasNonNull("auth_secret_enc")) {
                    w.put("auth_secret_enc", secrets.encrypt(w.get("auth_secret_enc").asText())); // opened with the rest, above
                }
                Long owner = h.createQuery("SELECT tenant_id FROM webhooks WHERE id = :id").bind("id", w.path("id").asText())
                        .mapTo(Long.class).findOne().orElse(null);
                if (owner != null && owner == tenant.id()) {
                    h.createUpdate("DELETE FROM webhooks WHERE id = :id").bind("id", w.path("id").asText()).execute();
                } else if (owner != null) {
                    w.put("id", Secrets.guid()); // that id is another tenant's on this node
                }
                insert(h, "webhooks", WEBHOOK_COLUMNS, w, tenant.id());
            }
            audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.TENANT_UPDATED, null, "imported: settings, "
                    + header.path("Templates").size() + " templates, " + header.path("SecurityQuestions").size() + " security questions, "
                    + header.path("Webhooks").size() + " webhooks"), now);
        });
        try {
            return tenants.adopt(tenant.apiKey(), apiSecret, name, settings);
        } catch (TenantSettings.InvalidField e) {
            throw ApiException.validation(e.field, e.getMessage()).withStatus(400);
        }
    }

    private static void insert(Handle h, String table, List<String> columns, JsonNode row, long tenantId) {
        if (!row.isObject()) {
            throw ApiException.validation(table, "A row of " + table + " must be an object.").withStatus(400);
        }
        var update = h.createUpdate("INSERT INTO " + table + " (tenant_id, " + String.join(", ", columns) + ") VALUES (:tenant_id, :"
                + String.join(", :", columns) + ")").bind("tenant_id", tenantId);
        for (String c : columns) {
            JsonNode v = row.get(c);
            if (v == null || v.isNull()) {
                update.bindBySqlType(c, null, java.sql.Types.VARCHAR);
            } else if (v.isBoolean()) {
                update.bind(c, v.asBoolean());
            } else if (v.isIntegralNumber()) {
                update.bind(c, v.asLong());
            } else {
                update.bind(c, v.asText());
            }
        }
        update.execute();
    }

    private static String open(PassphraseSeal seal, String sealed, String what) {
        try {
            return seal.open(sealed);
        } catch (PassphraseSeal.WrongPassphrase e) {
            throw ApiException.validation("Passphrase", "Cannot open " + what + ": wrong passphrase, or the export was altered.").withStatus(400);
        }
    }

    /** What came of a batch of account lines. */
    public record Outcome(int imported, int existing, List<Failure> failed) {}

    public record Failure(long line, String uid, String description) {}

    /**
     * Account lines ({@code {"Line": n, "User": {...}}}), in one transaction with a savepoint per line. {@code source}: the export's header
     * (null for lines from another system: a LoginRadius-style profile with a {@code PasswordHash}, no sealed factors).
     */
    public Outcome importUsers(Tenant tenant, JsonNode lines, Source source, String passphrase, Audit.Origin origin) {
        PassphraseSeal seal = source == null ? null : seal(passphrase, source.salt(), source.iterations());
        boolean foreign = source != null && !source.keyId().equals(secrets.keyId());
        if (foreign && secrets.adoptedPepper(source.keyId()) == null) {
            throw ApiException.validation("Source", "Import the export's header first: its hashing keys are not known here.").withStatus(400);
        }
        int[] counts = new int[2]; // imported, existing
        List<Failure> failed = new ArrayList<>();
        long now = clock.millis();
        // One transaction for the batch (one commit, not one per account), a savepoint per line: a bad line is undone alone.
        jdbi.useTransaction(h -> {
            for (JsonNode entry : lines) {
                long line = entry.path("Line").asLong(0);
                JsonNode u = entry.path("User");
                String uid = u.path("Uid").isTextual() ? u.get("Uid").asText() : null;
                boolean saved = false;
                try {
                    if (!u.isObject()) {
                        throw ApiException.validation("User", "A line must be a JSON object.");
                    }
                    Prepared p = prepare(u, source, foreign, seal);
                    h.savepoint("line");
                    saved = true;
                    if (accounts.importAccount(h, tenant, p.account())) {
                        insertFactors(h, tenant, p);
                        counts[0]++;
                    } else {
                        counts[1]++;
                    }
                    h.release("line");
                } catch (ApiException | IllegalArgumentException | ClassCastException | org.jdbi.v3.core.JdbiException e) {
                    if (saved) {
                        h.rollbackToSavepoint("line"); // Jdbi forgets the savepoint with it: no release
                    }
                    failed.add(new Failure(line, uid, describe(e)));
                }
            }
            if (counts[0] > 0) {
                audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.ACCOUNT_CREATED, null, "imported " + counts[0] + " accounts"), now);
            }
        });
        return new Outcome(counts[0], counts[1], failed);
    }

    private static String describe(RuntimeException e) {
        if (e instanceof ApiException api) {
            JsonNode errors = api.body().path("Errors");
            return errors.isArray() && !errors.isEmpty()
                    ? errors.get(0).path("FieldName").asText() + ": " + errors.get(0).path("ErrorMessage").asText()
                    : api.body().path("Description").asText();
        }
        if (e instanceof org.jdbi.v3.core.JdbiException) {
            return "Refused by the database (a value too long, or taken by another account).";
        }
        return e.getMessage();
    }

    private record Prepared(Accounts.Imported account, JsonNode factors, String authenticatorSecret, String smsPhone, Source source, boolean foreign) {}

    private Prepared prepare(JsonNode u, Source source, boolean foreign, PassphraseSeal seal) {
        JsonNode profile = u.has("Profile") ? u.get("Profile") : u;
        if (!profile.isObject()) {
            throw ApiException.validation("Profile", "Profile must be an object.");
        }
        ObjectNode cleanProfile = profile.deepCopy();
        for (String own : new String[] {"Uid", "PasswordHash", "Factors", "IsActive", "EmailVerified", "NoOfLogins", "LastLoginAt",
                "PasswordChangedAt", "CreatedAt", "ModifiedAt", "MfaEnrolled", "ID", "Identities", "CreatedDate", "ModifiedDate",
                "LastLoginDate", "Password"}) {
            cleanProfile.remove(own);
        }
        String uid = u.path("Uid").isTextual() ? u.get("Uid").asText() : Secrets.guid();
        String hash = passwordHash(u.get("PasswordHash"), source, foreign);
        long now = clock.millis();
        long created = millis(u, "CreatedAt", "CreatedDate", now);
        Accounts.Imported account = new Accounts.Imported(uid, cleanProfile, hash, u.path("IsActive").asBoolean(true),
                u.path("EmailVerified").asBoolean(false), u.path("NoOfLogins").asInt(0),
                u.hasNonNull("LastLoginAt") ? Long.valueOf(millis(u, "LastLoginAt", "LastLoginDate", now)) : null,
                hash == null ? null : Long.valueOf(millis(u, "PasswordChangedAt", "PasswordLastChangedDate", created)), created,
                millis(u, "ModifiedAt", "ModifiedDate", created), u.path("MfaEnrolled").asBoolean(false));
        JsonNode factors = u.path("Factors");
        if (!factors.isMissingNode() && !factors.isNull() && seal == null) {
            throw ApiException.validation("Factors", "Second factors are imported from a Latchkey export with its header only.");
        }
        String authenticator = factors.path("Authenticator").hasNonNull("Secret") ? open(seal, factors.path("Authenticator").get("Secret").asText(), "an authenticator secret") : null;
        String phone = factors.path("Sms").hasNonNull("Phone") ? open(seal, factors.path("Sms").get("Phone").asText(), "an SMS factor's number") : null;
        return new Prepared(account, factors, authenticator, phone, source, foreign);
    }

    private static long millis(JsonNode u, String field, String loginRadiusField, long fallback) {
        JsonNode v = u.get(field);
        if (v != null && v.isIntegralNumber()) {
            return v.asLong();
        }
        JsonNode d = v != null && v.isTextual() ? v : u.path("Profile").isObject() ? u.path(loginRadiusField) : u.get(loginRadiusField);
        if (d != null && d.isTextual()) {
            try {
                return java.time.Instant.parse(d.asText().endsWith("Z") ? d.asText() : d.asText() + "Z").toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiException.validation(field, "'" + field + "' must be epoch milliseconds or an ISO-8601 UTC time.");
            }
        }
        return fallback;
    }

    /** The hash to store: Latchkey's own re-tagged to the key it was made with, any other format normalised. */
    private String passwordHash(JsonNode given, Source source, boolean foreign) {
        if (given == null || given.isNull()) {
            return null;
        }
        String hash = ImportedHashes.normalize(given);
        String keyId = hash.startsWith("$argon2") ? hash.split("\\$")[3].replaceAll("^.*keyid=", "") : null;
        if (keyId == null || !hash.split("\\$")[3].contains("keyid=")) {
            return hash;
        }
        if (keyId.equals(secrets.keyId())) {
            return hash.replace(",keyid=" + keyId, ",keyid=1"); // made here, exported, imported back
        }
        if (keyId.equals("1")) {
            if (source == null) {
                throw new ImportedHashes.Refused("A Latchkey password hash (keyid=1) needs its export's header and passphrase.");
            }
            return foreign ? hash.replace(",keyid=1", ",keyid=" + source.keyId()) : hash;
        }
        if (secrets.adoptedPepper(keyId) == null) {
            throw new ImportedHashes.Refused("The password hash was made with a key this node does not know (keyid=" + keyId + ").");
        }
        return hash;
    }

    /** A keyed hash (a backup code) tagged with the key it was made with, as {@link Secrets#hashCandidates} looks for it. */
    private String codeHash(String hash, Source source) {
        String local = secrets.keyId() + ":";
        if (hash.startsWith(local)) {
            return hash.substring(local.length());
        }
        if (hash.matches("[0-9a-f]{64}")) {
            return source.keyId().equals(secrets.keyId()) ? hash : source.keyId() + ":" + hash;
        }
        if (hash.matches("x[0-9a-f]{16}:[0-9a-f]{64}") && secrets.adoptedPepper(hash.substring(0, 17)) != null) {
            return hash;
        }
        throw new ImportedHashes.Refused("A backup code hash must be 64 hex digits (tagged with a known key id or not).");
    }

    private void insertFactors(Handle h, Tenant tenant, Prepared p) {
        String uid = p.account().uid();
        JsonNode f = p.factors();
        if (f.isMissingNode() || f.isNull()) {
            return;
        }
        for (JsonNode c : f.path("BackupCodes")) {
            h.createUpdate("INSERT INTO backup_codes (uid, code_hash, created_at, used_at) VALUES (:uid, :h, :c, :u)")
                    .bind("uid", uid).bind("h", codeHash(c.path("Hash").asText(""), p.source()))
                    .bind("c", c.path("CreatedAt").asLong(clock.millis())).bind("u", c.hasNonNull("UsedAt") ? c.get("UsedAt").asLong() : null).execute();
        }
        if (p.authenticatorSecret() != null) {
            JsonNode a = f.get("Authenticator");
            h.createUpdate("INSERT INTO authenticators (uid, secret, last_step, created_at) VALUES (:uid, :s, :l, :c)")
                    .bind("uid", uid).bind("s", secrets.encrypt(p.authenticatorSecret()))
                    .bind("l", a.hasNonNull("LastStep") ? a.get("LastStep").asLong() : null).bind("c", a.path("CreatedAt").asLong(clock.millis())).execute();
        }
        if (p.smsPhone() != null) {
            h.createUpdate("INSERT INTO sms_factors (uid, phone, created_at) VALUES (:uid, :p, :c)")
                    .bind("uid", uid).bind("p", secrets.encrypt(p.smsPhone())).bind("c", f.get("Sms").path("CreatedAt").asLong(clock.millis())).execute();
        }
        if (f.path("Email").isObject()) {
            h.createUpdate("INSERT INTO email_factors (uid, created_at) VALUES (:uid, :c)")
                    .bind("uid", uid).bind("c", f.get("Email").path("CreatedAt").asLong(clock.millis())).execute();
        }
        for (JsonNode a : f.path("SecurityAnswers")) {
            h.createUpdate("INSERT INTO security_answers (uid, tenant_id, question_id, answer_hash, created_at) VALUES (:uid, :t, :q, :a, :c)")
                    .bind("uid", uid).bind("t", tenant.id()).bind("q", a.path("QuestionId").asText(""))
                    .bind("a", passwordHash(a.get("AnswerHash"), p.source(), p.foreign()))
                    .bind("c", a.path("CreatedAt").asLong(clock.millis())).execute();
        }
        for (JsonNode k : f.path("Passkeys")) {
            if (!k.isObject()) {
                throw ApiException.validation("Passkeys", "A passkey must be an object.");
            }
            ObjectNode row = k.deepCopy();
            row.put("id", Secrets.guid());
            row.put("uid", uid);
            insert(h, "passkeys", PASSKEY_ROW, row, tenant.id());
        }
    }
}

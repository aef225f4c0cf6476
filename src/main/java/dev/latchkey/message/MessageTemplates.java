package dev.latchkey.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.TenantSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A tenant's named email templates (subject, HTML, text) and SMS templates, in Mustache, a logic-less template language:
 * the store, the operators' use cases (create or replace, read, list, delete), and rendering. Names match
 * case-insensitively. Latchkey ships one template per purpose ({@link #BUILT_IN}); a tenant template of the same name
 * replaces it for that tenant.
 */
public final class MessageTemplates {
    public enum Channel {
        EMAIL, SMS;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A template as stored; {@code subject} and {@code html} are null for SMS. {@code body}: the text part or the SMS. */
    public record Template(Channel channel, String name, String subject, String html, String body, Long createdAt, Long modifiedAt) {}

    /** A rendered message: what is sent. */
    public record Rendered(String subject, String html, String text) {}

    /** Built-in template names, one per purpose; the defaults when neither the request nor the tenant names another. */
    public static final String RISK_NOTICE = "latchkey-risk-notice";
    /** Sent to the user when a second factor or the password of the account changed (ASVS 4.0.3 2.5.5). */
    public static final String SECURITY_NOTICE = "latchkey-security-notice";
    public static final String RISK_ADMIN_NOTICE = "latchkey-risk-admin-notice";
    public static final String ONE_CLICK_SIGN_IN = "latchkey-one-click-sign-in";
    public static final String SMS_OTP = "latchkey-sms-otp";
    /** The email code factor's code. */
    public static final String EMAIL_OTP = "latchkey-email-otp";
    /** The forgotten-password link. */
    public static final String RESET_PASSWORD = "latchkey-reset-password";
    /** The link that confirms an email address. */
    public static final String EMAIL_VERIFICATION = "latchkey-email-verification";
    /** The welcome email (after the address is verified, or at sign-up where verification is Disabled). */
    public static final String WELCOME = "latchkey-welcome";
    /** The link that confirms an account's deletion. */
    public static final String DELETE_ACCOUNT = "latchkey-delete-account";

    /** The SMS code of the phone flows: verifying a number, a reset, a sign-in by SMS. */
    public static final String PHONE_CODE = "latchkey-phone-code";
    /** A passwordless sign-in link, with its code. */
    public static final String PASSWORDLESS_LOGIN = "latchkey-passwordless-login";
    /** A smart or one-touch login link (the device that asked is signed in). */
    public static final String SMART_LOGIN = "latchkey-smart-login";

    public static final Map<String, Template> BUILT_IN = builtIn();

    private static final int MAX_NAME = 200;
    private static final int MAX_SUBJECT = 1000;
    private static final int MAX_PART = 100_000;
    private static final int MAX_SMS = 1600;

    /** Sections nest at most this deep: rendering recurses once per level, and thousands of levels overflow the stack. */
    static final int MAX_NESTING = 20;

    /**
     * Templates never include others ({@code {{>name}}}, {@code {{<name}}}): there is nothing to include from, and
     * JMustache would only find out when a login renders the message.
     */
    private static final Mustache.TemplateLoader NO_INCLUDES = name -> {
        throw new MustacheException("templates cannot include others ({{>" + name + "}})");
    };
    /** Escapes what HTML text and quoted attributes need (JMustache's default also encodes '=' and '`', which mangles links). */
    private static final Mustache.Compiler HTML = Mustache.compiler().defaultValue("").withLoader(NO_INCLUDES)
            .withEscaper(com.samskivert.mustache.Escapers.simple(
                    new String[][] {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}}));
    private static final Mustache.Compiler PLAIN = Mustache.compiler().escapeHTML(false).defaultValue("").withLoader(NO_INCLUDES);

    private final Jdbi jdbi;
    private final Clock clock;

    public MessageTemplates(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    private static Map<String, Template> builtIn() {
        Map<String, Template> m = new LinkedHashMap<>();
        m.put(key(Channel.EMAIL, RISK_NOTICE), new Template(Channel.EMAIL, RISK_NOTICE,
                resource("risk-notice.subject.txt").strip(), resource("risk-notice.html"), resource("risk-notice.txt"), null, null));
        m.put(key(Channel.SMS, RISK_NOTICE), new Template(Channel.SMS, RISK_NOTICE, null, null, resource("risk-notice.sms.txt").strip(), null, null));
        m.put(key(Channel.EMAIL, SECURITY_NOTICE), new Template(Channel.EMAIL, SECURITY_NOTICE,
                resource("security-notice.subject.txt").strip(), resource("security-notice.html"), resource("security-notice.txt"), null, null));
        m.put(key(Channel.EMAIL, RISK_ADMIN_NOTICE), new Template(Channel.EMAIL, RISK_ADMIN_NOTICE,
                resource("risk-admin-notice.subject.txt").strip(), resource("risk-admin-notice.html"), resource("risk-admin-notice.txt"), null, null));
        m.put(key(Channel.EMAIL, ONE_CLICK_SIGN_IN), new Template(Channel.EMAIL, ONE_CLICK_SIGN_IN,
                resource("one-click-sign-in.subject.txt").strip(), resource("one-click-sign-in.html"), resource("one-click-sign-in.txt"), null, null));
        m.put(key(Channel.SMS, SMS_OTP), new Template(Channel.SMS, SMS_OTP, null, null, resource("sms-otp.sms.txt").strip(), null, null));
        m.put(key(Channel.EMAIL, EMAIL_VERIFICATION), new Template(Channel.EMAIL, EMAIL_VERIFICATION,
                resource("email-verification.subject.txt").strip(), resource("email-verification.html"), resource("email-verification.txt"),
                null, null));
        m.put(key(Channel.EMAIL, RESET_PASSWORD), new Template(Channel.EMAIL, RESET_PASSWORD,
                resource("reset-password.subject.txt").strip(), resource("reset-password.html"), resource("reset-password.txt"), null, null));
        m.put(key(Channel.EMAIL, WELCOME), new Template(Channel.EMAIL, WELCOME,
                resource("welcome.subject.txt").strip(), resource("welcome.html"), resource("welcome.txt"), null, null));
        m.put(key(Channel.EMAIL, DELETE_ACCOUNT), new Template(Channel.EMAIL, DELETE_ACCOUNT,
                resource("delete-account.subject.txt").strip(), resource("delete-account.html"), resource("delete-account.txt"), null, null));
        m.put(key(Channel.EMAIL, EMAIL_OTP), new Template(Channel.EMAIL, EMAIL_OTP,
                resource("email-otp.subject.txt").strip(), resource("email-otp.html"), resource("email-otp.txt"), null, null));
        m.put(key(Channel.SMS, PHONE_CODE), new Template(Channel.SMS, PHONE_CODE, null, null, resource("phone-code.sms.txt").strip(), null, null));
        m.put(key(Channel.EMAIL, PASSWORDLESS_LOGIN), new Template(Channel.EMAIL, PASSWORDLESS_LOGIN,
                resource("passwordless-login.subject.txt").strip(), resource("passwordless-login.html"), resource("passwordless-login.txt"), null, null));
        m.put(key(Channel.EMAIL, SMART_LOGIN), new Template(Channel.EMAIL, SMART_LOGIN,
                resource("smart-login.subject.txt").strip(), resource("smart-login.html"), resource("smart-login.txt"), null, null));
        return Map.copyOf(m);
    }

    private static String resource(String name) {
        try (InputStream in = MessageTemplates.class.getResourceAsStream("/templates/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing built-in template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(Channel c, String name) {
        return c.key() + ":" + name.toLowerCase(Locale.ROOT);
    }

    /** Latchkey's own template of that name and channel, or null. */
    static Template builtIn(Channel c, String name) {
        return BUILT_IN.get(key(c, name));
    }

    /** Whether the tenant has a template of that name, or Latchkey ships one; {@code names} from {@link #names}. */
    public static boolean exists(java.util.Set<String> names, Channel c, String name) {
        return names.contains(key(c, name)) || BUILT_IN.containsKey(key(c, name));
    }

    /** The tenant's own template names, in one query (checked against a request's template parameters). */
    public java.util.Set<String> names(Handle h, long tenantId) {
        return new java.util.HashSet<>(h.createQuery("SELECT channel, name_key FROM message_templates WHERE tenant_id = :t")
                .bind("t", tenantId).map((rs, c) -> rs.getString(1) + ":" + rs.getString(2)).list());
    }

    /** The tenant's template of that name, else the built-in one; empty when neither exists. */
    public Optional<Template> find(Handle h, long tenantId, Channel channel, String name) {
        Optional<Template> own = h.createQuery("""
                        SELECT name, subject, html, body, created_at, modified_at FROM message_templates
                        WHERE tenant_id = :t AND channel = :c AND name_key = :k""")
                .bind("t", tenantId).bind("c", channel.key()).bind("k", name.toLowerCase(Locale.ROOT))
                .map((rs, ctx) -> new Template(channel, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6)))
                .findOne();
        return own.isPresent() ? own : Optional.ofNullable(BUILT_IN.get(key(channel, name)));
    }

    public Optional<Template> find(long tenantId, Channel channel, String name) {
        return jdbi.withHandle(h -> find(h, tenantId, channel, name));
    }

    /** Thrown for a template body that is not valid; names the field. */
    public static final class InvalidTemplate extends RuntimeException {
        public final String field;

        InvalidTemplate(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    /**
     * Creates or replaces a tenant's template from an operator's body: {@code {"Name", "Subject", "Html", "Text"}} for
     * email, {@code {"Name", "Body"}} for SMS; keys case-insensitive. {@code name} is the name from the path (a PUT),
     * or null to take it from the body (a POST). Every part is compiled first, so a syntax error is refused, not sent.
     */
    public Template save(long tenantId, Channel channel, String name, JsonNode body) {
        Template parsed = parse(channel, name, body);
        long now = clock.millis();
        String finalName = parsed.name();
        String s = parsed.subject();
        String ht = parsed.html();
        String text = parsed.body();
        return jdbi.inTransaction(h -> {
            String k = finalName.toLowerCase(Locale.ROOT);
            Long created = h.createQuery("SELECT created_at FROM message_templates WHERE tenant_id = :t AND channel = :c AND name_key = :k")
                    .bind("t", tenantId).bind("c", channel.key()).bind("k", k).mapTo(Long.class).findOne().orElse(null);
            if (created == null) {
                h.createUpdate("""
                                INSERT INTO message_templates (tenant_id, channel, name_key, name, subject, html, body, created_at, modified_at)
                                VALUES (:t, :c, :k, :n, :s, :h, :b, :now, :now)""")
                        .bind("t", tenantId).bind("c", channel.key()).bind("k", k).bind("n", finalName).bind("s", s).bind("h", ht)
                        .bind("b", text).bind("now", now).execute();
                created = now;
            } else {
                h.createUpdate("""
                                UPDATE message_templates SET name = :n, subject = :s, html = :h, body = :b, modified_at = :now
                                WHERE tenant_id = :t AND channel = :c AND name_key = :k""")
                        .bind("t", tenantId).bind("c", channel.key()).bind("k", k).bind("n", finalName).bind("s", s).bind("h", ht)
                        .bind("b", text).bind("now", now).execute();
            }
            return new Template(channel, finalName, s, ht, text, created, now);
        });
    }

    /** Checks a template as {@link #save} does, without storing it (an import's rows): {@link InvalidTemplate} naming the field. */
    public void check(Channel channel, String name, JsonNode body) {
        parse(channel, name, body);
    }

    /**
     * A template from an operator's body, checked as {@link #save} checks it (every part compiles and renders against the
     * sample), not stored: {@code created}/{@code modified} are null.
     */
    private Template parse(Channel channel, String name, JsonNode body) {
        String bodyName = text(body, "Name", MAX_NAME, false);
        if (name == null) {
            name = bodyName;
            if (name == null) {
                throw new InvalidTemplate("Name", "'Name' is required.");
            }
        } else if (bodyName != null && !bodyName.equalsIgnoreCase(name)) {
            throw new InvalidTemplate("Name", "'Name' must match the name in the path.");
        }
        if (name.isBlank() || name.length() > MAX_NAME || !name.matches("[\\p{L}\\p{N} ._\\-]+")) {
            throw new InvalidTemplate("Name", "'Name' must be 1 to 200 letters, digits, spaces, dots, hyphens or underscores.");
        }
        String subject = null;
        String html = null;
        String text;
        List<String> allowed = channel == Channel.EMAIL ? List.of("Name", "Subject", "Html", "Text") : List.of("Name", "Body");
        for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (allowed.stream().noneMatch(a -> a.equalsIgnoreCase(k))) {
                throw new InvalidTemplate(k, "Unknown field '" + k + "': " + (channel == Channel.EMAIL
                        ? "an email template has Name, Subject, Html and Text." : "an SMS template has Name and Body."));
            }
        }
        Map<String, Object> sample = TemplateModel.sample(clock.millis());
        if (channel == Channel.EMAIL) {
            subject = text(body, "Subject", MAX_SUBJECT, true);
            html = text(body, "Html", MAX_PART, false);
            text = text(body, "Text", MAX_PART, true);
            check("Subject", subject, PLAIN, sample);
            if (html != null) {
                check("Html", html, HTML, sample);
            }
            check("Text", text, PLAIN, sample);
        } else {
            text = text(body, "Body", MAX_SMS, true);
            check("Body", text, PLAIN, sample);
        }
        return new Template(channel, name, subject, html, text, null, null);
    }

    /**
     * A template rendered with the sample every template is checked against ({@link TemplateModel#sample}), {@code App.Name}
     * being {@code appName}: the unsaved one {@code body} holds (checked as {@link #save} checks it), or, when the body
     * names no part ({@code {}} or only its Name), the saved template of that name (the tenant's, else the built-in one);
     * empty when there is none. Nothing is stored or sent.
     */
    public Optional<Rendered> preview(long tenantId, Channel channel, String name, String appName, JsonNode body) {
        boolean unsaved = false;
        for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            unsaved |= !it.next().equalsIgnoreCase("Name");
        }
        Optional<Template> template = unsaved ? Optional.of(parse(channel, name, body)) : find(tenantId, channel, name);
        Map<String, Object> model = new LinkedHashMap<>(TemplateModel.sample(clock.millis()));
        model.put("App", Map.of("Name", appName == null ? "" : appName));
        return template.map(t -> render(t, model));
    }

    private static String text(JsonNode body, String field, int max, boolean required) {
        JsonNode v = Json.field(body, field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidTemplate(field, "'" + field + "' is required.");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().length() > max || (required && v.asText().isBlank())) {
            throw new InvalidTemplate(field, "'" + field + "' must be a " + (required ? "non-empty " : "") + "string of at most " + max + " characters.");
        }
        return v.asText();
    }

    /**
     * Refuses a part that would fail when a login renders it: one that does not compile, nests sections deeper than
     * {@link #MAX_NESTING}, includes another template (anywhere, even in a section the sample leaves out), or does not
     * render against {@code sample}, a model with every part a message can see.
     */
    private static void check(String field, String source, Mustache.Compiler compiler, Map<String, Object> sample) {
        com.samskivert.mustache.Template compiled;
        try {
            compiled = compiler.compile(source);
        } catch (MustacheException e) {
            throw new InvalidTemplate(field, "'" + field + "' is not a valid Mustache template: " + e.getMessage());
        }
        int depth = nesting(source);
        if (depth > MAX_NESTING) {
            throw new InvalidTemplate(field, "'" + field + "' nests sections " + depth + " deep; at most " + MAX_NESTING + ".");
        }
        List<String> includes = new java.util.ArrayList<>();
        compiled.visit(new Mustache.Visitor() {
            @Override
            public void visitText(String text) {}

            @Override
            public void visitVariable(String name) {}

            @Override
            public boolean visitInclude(String name) {
                includes.add("{{>" + name + "}}");
                return false;
            }

            @Override
            public boolean visitParent(String name) {
                includes.add("{{<" + name + "}}");
                return false;
            }

            @Override
            public boolean visitSection(String name) {
                return true;
            }

            @Override
            public boolean visitInvertedSection(String name) {
                return true;
            }
        });
        if (!includes.isEmpty()) {
            throw new InvalidTemplate(field, "'" + field + "' includes another template (" + includes.get(0) + "); templates cannot include others.");
        }
        try {
            compiled.execute(sample);
        } catch (RuntimeException e) {
            throw new InvalidTemplate(field, "'" + field + "' does not render: " + e.getMessage());
        }
    }

    /**
     * How deep sections ({@code {{#…}}}, {@code {{^…}}}, blocks and parents) nest in {@code source}, a template that
     * compiles; follows delimiter changes ({@code {{=<% %>=}}}).
     */
    static int nesting(String source) {
        String open = "{{";
        String close = "}}";
        int depth = 0;
        int deepest = 0;
        int at = 0;
        while (true) {
            int start = source.indexOf(open, at);
            if (start < 0) {
                return deepest;
            }
            int from = start + open.length();
            if (open.equals("{{") && source.startsWith("{", from)) { // {{{name}}}: a variable
                int end = source.indexOf("}}}", from);
                if (end < 0) {
                    return deepest;
                }
                at = end + 3;
                continue;
            }
            int end = source.indexOf(close, from);
            if (end < 0) {
                return deepest;
            }
            String tag = source.substring(from, end).strip();
            at = end + close.length();
            if (tag.isEmpty()) {
                continue;
            }
            switch (tag.charAt(0)) {
                case '#', '^', '$', '<' -> deepest = Math.max(deepest, ++depth);
                case '/' -> depth--;
                case '=' -> {
                    String[] delimiters = tag.length() > 2 && tag.endsWith("=") ? tag.substring(1, tag.length() - 1).strip().split("\\s+") : new String[0];
                    if (delimiters.length == 2) {
                        open = delimiters[0];
                        close = delimiters[1];
                    }
                }
                default -> { }
            }
        }
    }

    public List<Template> list(long tenantId, Channel channel) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT name, subject, html, body, created_at, modified_at FROM message_templates
                        WHERE tenant_id = :t AND channel = :c ORDER BY name_key""")
                .bind("t", tenantId).bind("c", channel.key())
                .map((rs, ctx) -> new Template(channel, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6)))
                .list());
    }

    public boolean delete(long tenantId, Channel channel, String name) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM message_templates WHERE tenant_id = :t AND channel = :c AND name_key = :k")
                .bind("t", tenantId).bind("c", channel.key()).bind("k", name.toLowerCase(Locale.ROOT)).execute() == 1);
    }

    /**
     * Renders a template with {@code model} (nested maps and lists). The HTML part escapes what it inserts; the subject,
     * text and SMS do not (they are not HTML), and the subject is kept on one line.
     */
    public static Rendered render(Template t, Map<String, Object> model) {
        String subject = t.subject() == null ? null : PLAIN.compile(t.subject()).execute(model).replaceAll("[\\r\\n]+", " ").strip();
        String html = t.html() == null ? null : HTML.compile(t.html()).execute(model);
        String text = PLAIN.compile(t.body()).execute(model);
        return new Rendered(subject, html, text);
    }

    /**
     * The template names a tenant's settings refer to (RiskBasedAuthentication.*Template), checked to exist when an
     * operator sets them; {@code tenantId} null (a tenant being created) has only the built-in templates.
     */
    public void checkReferences(Long tenantId, ObjectNode settings) {
        JsonNode rba = settings.path("RiskBasedAuthentication");
        for (String signal : List.of("Device", "Browser", "City", "Country", "IP")) {
            requireExisting(tenantId, Channel.EMAIL, rba.path(signal).path("EmailTemplate"), "RiskBasedAuthentication." + signal + ".EmailTemplate");
            requireExisting(tenantId, Channel.SMS, rba.path(signal).path("SmsTemplate"), "RiskBasedAuthentication." + signal + ".SmsTemplate");
        }
        requireExisting(tenantId, Channel.EMAIL, rba.path("AdminEmailTemplate"), "RiskBasedAuthentication.AdminEmailTemplate");
        requireExisting(tenantId, Channel.EMAIL, rba.path("OneClickEmailTemplate"), "RiskBasedAuthentication.OneClickEmailTemplate");
        requireExisting(tenantId, Channel.SMS, rba.path("OtpSmsTemplate"), "RiskBasedAuthentication.OtpSmsTemplate");
    }

    private void requireExisting(Long tenantId, Channel channel, JsonNode name, String field) {
        if (!name.isTextual()) {
            return;
        }
        boolean exists = BUILT_IN.containsKey(key(channel, name.asText()))
                || (tenantId != null && find(tenantId, channel, name.asText()).isPresent());
        if (!exists) {
            throw new TenantSettings.InvalidField(field, "'" + field + "' names no " + channel.key() + " template of this tenant: '" + name.asText() + "'.");
        }
    }
}

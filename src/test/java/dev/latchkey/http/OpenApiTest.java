package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /openapi.json} (src/main/resources/openapi.json, written by tools/openapi.py) is kept true: it describes
 * exactly the routes a node serves, is a well-formed OpenAPI 3.1 document, and real answers of the main flows validate
 * against the schemas it gives for their path, method and status (JSON Schema 2020-12, formats asserted).
 */
class OpenApiTest {
    /** Static pages for people, not machines: served, but not part of the API's description. */
    static final Set<String> PAGES_FOR_PEOPLE = Set.of("/", "/favicon.ico", "/hosted", "/hosted/app.js", "/hosted/style.css", "/admin",
            "/admin/console.js", "/admin/console.css");
    /**
     * Routes the HTTP server registers itself, outside {@link Routes#table}, {@link Routes#PAGES} and {@link Routes#PLAIN} (none yet): "GET /path"
     * for each one the description gives, so that it counts as served.
     */
    static final Set<String> SERVED_ELSEWHERE = Set.of();
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    /** Where the validator believes the document lives (it is given the text; nothing is fetched). */
    static final String DOCUMENT_URI = "https://latchkey.invalid/openapi.json";

    static TestServer s;
    static String documentText;
    static JsonNode document;
    static SchemaRegistry schemas;

    static TestTenant mfa;
    static String uid;
    static List<String> codes;

    @BeforeAll
    static void start() throws IOException {
        try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.json")) {
            documentText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        document = Json.parse(documentText);
        schemas = registry(documentText);
        s = new TestServer(Backend.H2);
        mfa = s.mfaTenant(false);
        uid = mfa.account("ann@example.com", "ann-password-1");
        codes = mfa.backupCodes(uid);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    // ── The description and the route table ───────────────────────────────────────────────────────────────────────

    @Test
    void everyRouteIsDescribedAndEverythingDescribedIsServed() {
        Set<String> served = new TreeSet<>();
        Set<String> mustBeDescribed = new TreeSet<>();
        for (Routes.Route r : s.server.routes()) {
            served.add(r.method() + " " + r.path());
            mustBeDescribed.add(r.method() + " " + r.path());
        }
        for (Routes.Page p : Routes.PAGES) {
            served.add("GET " + p.path());
            if (!PAGES_FOR_PEOPLE.contains(p.path())) {
                mustBeDescribed.add("GET " + p.path());
            }
        }
        for (Routes.Plain p : Routes.PLAIN) { // /metrics: not JSON, served beside the pages
            served.add("GET " + p.path());
            mustBeDescribed.add("GET " + p.path());
        }
        served.addAll(SERVED_ELSEWHERE);
        Set<String> described = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        Set<String> missing = new TreeSet<>(mustBeDescribed);
        missing.removeAll(described);
        Set<String> extra = new TreeSet<>(described);
        extra.removeAll(served);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            fail("src/main/resources/openapi.json (tools/openapi.py) and the routes disagree (paths compared exactly, "
                    + "{param} names included).\nServed but not described (" + missing.size() + "):\n  " + String.join("\n  ", missing)
                    + "\nDescribed but not served (" + extra.size() + "; one the HTTP server registers outside Routes.table and "
                    + "Routes.PAGES goes in OpenApiTest.SERVED_ELSEWHERE):\n  " + String.join("\n  ", extra));
        }
        assertThat(described).hasSize(mustBeDescribed.size());
    }

    @Test
    void everyOperationIsComplete() {
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new HashSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(m -> {
            if (!METHODS.contains(m.getKey())) {
                return;
            }
            String where = m.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            JsonNode operation = m.getValue();
            if (!operation.path("operationId").isTextual() || !operationIds.add(operation.get("operationId").asText())) {
                problems.add(where + ": no operationId, or one used before");
            }
            if (operation.path("summary").asText("").isBlank()) {
                problems.add(where + ": no summary");
            }
            if (!operation.has("security")) {
                problems.add(where + ": no security (an empty list says none is needed)");
            }
            JsonNode ok = operation.at("/responses/200/content");
            if (!ok.isObject() || ok.isEmpty() || !ok.elements().next().has("schema")) {
                problems.add(where + ": no schema for 200");
            }
            if (!operation.at("/responses/4XX").has("$ref")) {
                problems.add(where + ": no 4XX error response");
            }
            Set<String> declared = new HashSet<>();
            for (JsonNode p : operation.path("parameters")) {
                JsonNode parameter = p.has("$ref") ? resolve(p.get("$ref").asText()) : p;
                if ("path".equals(parameter.path("in").asText())) {
                    declared.add(parameter.get("name").asText());
                }
            }
            Set<String> inPath = new HashSet<>();
            Matcher params = Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
            while (params.find()) {
                inPath.add(params.group(1));
            }
            if (!declared.equals(inPath)) {
                problems.add(where + ": path parameters declared " + declared + ", in the path " + inPath);
            }
        }));
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        for (String ref : refs) {
            if (!ref.startsWith("#/") || document.at(ref.substring(1)).isMissingNode()) {
                problems.add("unresolved $ref " + ref);
            }
        }
        assertThat(refs).hasSizeGreaterThan(100);
        assertThat(problems).isEmpty();
    }

    @Test
    void theDescriptionIsServedAsJson() {
        Reply r = s.get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow().replace("; ", ";")).isEqualTo("application/json;charset=utf-8");
        assertThat(r.json()).isEqualTo(document);
        assertThat(r.json().get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(r.json().get("jsonSchemaDialect").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertConforms("GET", "/openapi.json", r);
    }

    // ── Real answers against their schemas ────────────────────────────────────────────────────────────────────────

    @Test
    void operatorsAnswersConform() {
        Reply created = s.admin("POST", "/admin/v1/tenants", "{\"Name\":\"Described\",\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                + "\"Email\":{\"Password\":\"smtp-secret\"},\"Plan\":{\"Name\":\"trial\",\"ExpiresAt\":\"2030-01-01T00:00:00Z\"}}");
        assertThat(created.status()).isEqualTo(200);
        assertConforms("POST", "/admin/v1/tenants", created);
        String apiKey = created.text("ApiKey");
        assertConforms("GET", "/admin/v1/tenants", s.admin("GET", "/admin/v1/tenants", null));
        assertConforms("GET", "/admin/v1/tenants/" + apiKey, s.admin("GET", "/admin/v1/tenants/" + apiKey, null));
        assertConforms("PATCH", "/admin/v1/tenants/" + apiKey, s.admin("PATCH", "/admin/v1/tenants/" + apiKey, "{\"Plan\":{\"ExpiresAt\":null}}"));
        assertConforms("GET", "/admin/v1/audit-events", s.admin("GET", "/admin/v1/audit-events", null));
        assertConforms("GET", "/admin/v1/tenants/" + apiKey + "/email-templates", s.admin("GET", "/admin/v1/tenants/" + apiKey + "/email-templates", null));
        assertConforms("GET", "/admin/v1/metrics", s.admin("GET", "/admin/v1/metrics", null));
        Reply refused = s.send("GET", "/admin/v1/tenants", null, "Authorization", "Bearer wrong");
        assertConforms("GET", "/admin/v1/tenants", refused, 401);
    }

    @Test
    void aLoginWithABackupCodeConforms() {
        Reply step1 = mfa.login("ann@example.com", "ann-password-1");
        assertThat(step1.json().has("SecondFactorAuthentication")).isTrue();
        assertConforms("POST", "/identity/v2/auth/login/2fa", step1);
        String token = step1.json().get("SecondFactorAuthentication").get("SecondFactorAuthenticationToken").asText();
        Reply step2 = mfa.redeem(token, codes.get(0));
        assertThat(step2.status()).isEqualTo(200);
        assertConforms("PUT", "/identity/v2/auth/login/2fa/verification/backupcode", step2);
        String access = step2.text("access_token");
        String bearer = "Bearer " + access;
        assertConforms("GET", "/identity/v2/auth/account", s.get("/identity/v2/auth/account?apikey=" + mfa.apiKey(), "Authorization", bearer));
        assertConforms("GET", "/identity/v2/auth/account/2fa", s.get("/identity/v2/auth/account/2fa?apikey=" + mfa.apiKey(), "Authorization", bearer));
        assertConforms("GET", "/identity/v2/auth/access_token/validate",
                s.get("/identity/v2/auth/access_token/validate?apikey=" + mfa.apiKey(), "Authorization", bearer));
        assertConforms("GET", "/identity/v2/auth/access_token", s.get("/identity/v2/auth/access_token?apikey=" + mfa.apiKey(), "Authorization", bearer));
        assertConforms("GET", "/identity/v2/auth/account/passkey", s.get("/identity/v2/auth/account/passkey?apikey=" + mfa.apiKey(), "Authorization", bearer));
        assertConforms("GET", "/identity/v2/auth/access_token/sliding_token",
                s.get("/identity/v2/auth/access_token/sliding_token?apikey=" + mfa.apiKey(), "Authorization", bearer));
    }

    @Test
    void aRememberedDeviceConforms() {
        TestTenant t = s.tenant("{\"Name\":\"devices\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"RememberDeviceDays\":30}}");
        String eve = t.account("eve@example.com", "eve-password-12");
        String code = t.backupCodes(eve).get(0);
        String token = t.secondFactorToken("eve@example.com", "eve-password-12");
        Reply in = s.send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + token + "&remember_device=true", "{\"backupcode\":\"" + code + "\"}", "Content-Type", "application/json");
        assertThat(in.text("device_token")).isNotNull();
        assertConforms("PUT", "/identity/v2/auth/login/2fa/verification/backupcode", in);
        Reply devices = s.get("/identity/v2/auth/account/2fa/remembereddevices?apikey=" + t.apiKey(), "Authorization", "Bearer " + in.text("access_token"));
        assertThat(devices.json().get("Data")).hasSize(1);
        assertConforms("GET", "/identity/v2/auth/account/2fa/remembereddevices", devices);
        assertConforms("GET", "/identity/v2/manage/account/2fa/remembereddevices",
                t.manage("GET", "/identity/v2/manage/account/2fa/remembereddevices?uid=" + eve, null));
    }

    @Test
    void aLoginWithoutSecondFactorConforms() {
        TestTenant plain = s.tenant("{\"Name\":\"plain\"}");
        plain.account("bob@example.com", "bob-password-1");
        Reply step1 = plain.login("bob@example.com", "bob-password-1");
        assertThat(step1.json().get("access_token").asText()).isNotEqualTo("00000000-0000-0000-0000-000000000000");
        assertConforms("POST", "/identity/v2/auth/login/2fa", step1);
        Reply refresh = plain.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + step1.text("refresh_token"), null);
        assertConforms("GET", "/identity/v2/manage/account/access_token/refresh", refresh);
        assertConforms("GET", "/identity/v2/auth/access_token/invalidate", s.get("/identity/v2/auth/access_token/invalidate?apikey="
                + plain.apiKey(), "Authorization", "Bearer " + refresh.text("access_token")));
    }

    @Test
    void managementAnswersConform() {
        Reply created = mfa.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"cy@example.com\"}],"
                + "\"Password\":\"cy-password-12\",\"FirstName\":\"Cy\",\"PhoneId\":\"+15555550123\",\"CustomFields\":{\"team\":\"blue\"}}");
        assertThat(created.status()).isEqualTo(200);
        assertConforms("POST", "/identity/v2/manage/account", created);
        String cy = created.text("Uid");
        Reply profile = mfa.manage("GET", "/identity/v2/manage/account/" + cy, null);
        assertConforms("GET", "/identity/v2/manage/account/" + cy, profile);
        // An account without a password (a one-touch sign-up's) shows Password null.
        assertThat(component(schemas, "Profile").validate(((ObjectNode) profile.json().deepCopy()).putNull("Password"))).isEmpty();
        assertThat(component(schemas, "Profile").validate(((ObjectNode) profile.json().deepCopy()).put("Password", "secret"))).isNotEmpty();
        assertConforms("GET", "/identity/v2/manage/account", mfa.manage("GET", "/identity/v2/manage/account?email=cy@example.com", null));
        assertConforms("GET", "/identity/v2/manage/account/identities", mfa.manage("GET", "/identity/v2/manage/account/identities?email=cy@example.com", null));
        assertConforms("GET", "/identity/v2/manage/account/sott", mfa.manage("GET", "/identity/v2/manage/account/sott", null));
        assertConforms("GET", "/identity/v2/manage/account/2fa/backupcode/reset", mfa.manage("GET", "/identity/v2/manage/account/2fa/backupcode/reset?uid=" + cy, null));
        assertConforms("GET", "/identity/v2/manage/account/" + cy + "/password", mfa.manage("GET", "/identity/v2/manage/account/" + cy + "/password", null));
        assertConforms("DELETE", "/identity/v2/manage/account/" + cy, mfa.manage("DELETE", "/identity/v2/manage/account/" + cy, "{}"));
    }

    @Test
    void webhookAnswersConform() {
        Reply created = mfa.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/hook\","
                + "\"Name\":\"described\",\"Authentication\":{\"AuthType\":\"Basic\",\"BasicAuth\":{\"Username\":\"u\",\"Password\":\"p\"}}}");
        assertThat(created.status()).isEqualTo(200);
        assertConforms("POST", "/v2/manage/webhook", created);
        assertConforms("GET", "/v2/manage/webhook", mfa.manage("GET", "/v2/manage/webhook", null));
        // A login queues a delivery to that (unreachable) receiver: the operators see it.
        mfa.redeem(mfa.secondFactorToken("ann@example.com", "ann-password-1"), codes.get(1));
        Reply deliveries = s.admin("GET", "/admin/v1/tenants/" + mfa.apiKey() + "/webhook-deliveries", null);
        assertThat(deliveries.json().get("Data")).isNotEmpty();
        assertConforms("GET", "/admin/v1/tenants/" + mfa.apiKey() + "/webhook-deliveries", deliveries);
        assertConforms("GET", "/v2/manage/webhooks/events", mfa.manage("GET", "/v2/manage/webhooks/events", null));
        assertConforms("GET", "/api/v2/webhook", mfa.manage("GET", "/api/v2/webhook", null));
        assertConforms("DELETE", "/v2/manage/webhook/" + created.text("Id"), mfa.manage("DELETE", "/v2/manage/webhook/" + created.text("Id"), null));
    }

    @Test
    void errorsConform() {
        Reply wrong = mfa.login("ann@example.com", "not-her-password");
        assertConforms("POST", "/identity/v2/auth/login/2fa", wrong, 401);
        assertThat(wrong.json().get("ErrorCode").asInt()).isEqualTo(966);
        Reply noApiKey = s.get("/identity/v2/auth/account");
        assertConforms("GET", "/identity/v2/auth/account", noApiKey, 403);
        assertThat(noApiKey.json().get("ErrorCode").asInt()).isEqualTo(908);
        Reply invalid = mfa.manage("POST", "/identity/v2/manage/account", "{\"FirstName\":7}");
        assertConforms("POST", "/identity/v2/manage/account", invalid, 403);
        assertThat(invalid.json().get("ErrorCode").asInt()).isEqualTo(1134);
        assertThat(invalid.json().get("Errors").get(0).get("FieldName").asText()).isEqualTo("FirstName");
    }

    @Test
    void theNodeAndTheHostedPageConform() {
        assertConforms("GET", "/health/ready", s.get("/health/ready"));
        assertConforms("GET", "/hosted/api/app", s.get("/hosted/api/app?apikey=" + mfa.apiKey()));
        String token = mfa.secondFactorToken("ann@example.com", "ann-password-1");
        assertConforms("GET", "/hosted/api/login", s.get("/hosted/api/login?apikey=" + mfa.apiKey() + "&secondfactorauthenticationtoken=" + token));
    }

    @Test
    void signUpProfileAndStepUpAnswersConform() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsSecurityQuestionAuthenticator\":true},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPDisplayName\":\"Acme\",\"RPOrigins\":[\"http://localhost\"]},"
                + "\"EmailVerification\":{\"Flow\":\"Disabled\"},\"Security\":{\"HostedSignUp\":true}}");
        Reply sott = s.get("/hosted/api/sott?apikey=" + t.apiKey());
        assertConforms("GET", "/hosted/api/sott", sott);
        Reply registered = s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"Email\":[{\"Type\":\"Primary\",\"Value\":"
                + "\"dee@example.com\"}],\"Password\":\"dee-password-12\",\"UserName\":\"dee\"}", "X-LoginRadius-Sott", sott.text("Sott"),
                "Content-Type", "application/json");
        assertConforms("POST", "/identity/v2/auth/register", registered);
        assertThat(registered.json().at("/Data/access_token").asText()).hasSize(36);
        String bearer = "Bearer " + registered.json().at("/Data/access_token").asText();
        String key = "?apikey=" + t.apiKey();
        assertConforms("GET", "/identity/v2/auth/email", s.get("/identity/v2/auth/email" + key + "&email=dee@example.com"));
        assertConforms("GET", "/identity/v2/auth/username", s.get("/identity/v2/auth/username" + key + "&username=dee"));
        assertConforms("PUT", "/identity/v2/auth/account", s.send("PUT", "/identity/v2/auth/account" + key, "{\"LastName\":\"Dee\"}",
                "Authorization", bearer));
        assertConforms("PUT", "/identity/v2/auth/username", s.send("PUT", "/identity/v2/auth/username" + key, "{\"username\":\"dee2\"}",
                "Authorization", bearer));
        assertConforms("GET", "/identity/v2/auth/account/2fa/remembereddevices", s.get("/identity/v2/auth/account/2fa/remembereddevices" + key,
                "Authorization", bearer));
        assertConforms("GET", "/identity/v2/auth/account/2fa/register/passkey/begin",
                s.get("/identity/v2/auth/account/2fa/register/passkey/begin" + key, "Authorization", bearer));
        Reply proof = s.send("PUT", "/identity/v2/auth/account/reauth/password" + key, "{\"password\":\"dee-password-12\"}", "Authorization", bearer);
        assertConforms("PUT", "/identity/v2/auth/account/reauth/password", proof);
        String uid = s.get("/identity/v2/auth/account" + key, "Authorization", bearer).text("Uid");
        assertConforms("POST", "/identity/v2/manage/account/" + uid + "/reauth/password", t.manage("POST", "/identity/v2/manage/account/" + uid
                + "/reauth/password", "{\"SecondFactorValidationToken\":\"" + proof.text("SecondFactorValidationToken") + "\"}"));
        assertConforms("GET", "/identity/v2/auth/account/2fa/backupcode", s.get("/identity/v2/auth/account/2fa/backupcode" + key,
                "Authorization", bearer));
        Reply questions = s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"First pet?\"}");
        assertConforms("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", questions);
        assertConforms("GET", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", s.admin("GET", "/admin/v1/tenants/" + t.apiKey()
                + "/security-questions", null));
        assertConforms("GET", "/identity/v2/auth/securityquestion/accesstoken", s.get("/identity/v2/auth/securityquestion/accesstoken" + key,
                "Authorization", bearer));
        assertConforms("GET", "/identity/v2/manage/account/access_token", t.manage("GET", "/identity/v2/manage/account/access_token?uid=" + uid, null));
        assertConforms("POST", "/identity/v2/manage/account/forgot/token", t.manage("POST", "/identity/v2/manage/account/forgot/token",
                "{\"email\":\"dee@example.com\"}"));
        assertConforms("PUT", "/identity/v2/manage/account/" + uid + "/password", t.manage("PUT", "/identity/v2/manage/account/" + uid + "/password",
                "{\"password\":\"dee-password-13\"}"));
        assertConforms("GET", "/identity/v2/manage/account/passkey", t.manage("GET", "/identity/v2/manage/account/passkey?uid=" + uid, null));
        assertConforms("GET", "/api/v2/webhook/test", t.manage("GET", "/api/v2/webhook/test", null));
        String admin = "/admin/v1/tenants/" + t.apiKey();
        for (String list : new String[] {"/webhook-deliveries", "/messages", "/risk-events", "/audit-events", "/sms-templates"}) {
            assertConforms("GET", admin + list, s.admin("GET", admin + list, null));
        }
        assertConforms("POST", admin + "/email-templates", s.admin("POST", admin + "/email-templates",
                "{\"Name\":\"welcome-acme\",\"Subject\":\"Hi\",\"Html\":\"<p>Hi</p>\",\"Text\":\"Hi\"}"));
        assertConforms("PUT", admin + "/sms-templates/code-acme", s.admin("PUT", admin + "/sms-templates/code-acme", "{\"Body\":\"Code\"}"));
        assertConforms("GET", admin + "/sms-templates/code-acme", s.admin("GET", admin + "/sms-templates/code-acme", null));
    }

    @Test
    void exportAndImportConform() {
        String salt = java.util.Base64.getEncoder().encodeToString("sixteen-byte-salt".getBytes(StandardCharsets.UTF_8));
        String path = "/admin/v1/tenants/" + mfa.apiKey() + "/export";
        Reply page = s.send("GET", path + "?salt=" + salt + "&limit=1", null, "Authorization", "Bearer " + TestServer.ADMIN_KEY,
                "X-Latchkey-Passphrase", "a%20long%20passphrase");
        assertThat(page.json().has("Header")).isTrue();
        assertThat(page.json().get("Users")).hasSize(1);
        assertConforms("GET", path, page);
        String batch = "/admin/v1/tenants/" + mfa.apiKey() + "/import";
        assertConforms("POST", batch, s.admin("POST", batch, "{\"Users\":[]}"));
    }

    /** A test that cannot fail proves nothing: the same answers against a broken description must not validate. */
    @Test
    void aBrokenDescriptionIsCaught() {
        Reply profile = mfa.manage("GET", "/identity/v2/manage/account/" + uid, null);
        assertThat(errors(schemas, "GET", "/identity/v2/manage/account/" + uid, profile)).isEmpty();
        ObjectNode broken = document.deepCopy();
        ((ObjectNode) broken.at("/components/schemas/Profile/properties")).putObject("Uid").put("type", "integer");
        ((ObjectNode) broken.at("/components/schemas/LoginRadiusError/properties")).putObject("ErrorCode").put("type", "string");
        SchemaRegistry brokenSchemas = registry(Json.write(broken));
        assertThat(errors(brokenSchemas, "GET", "/identity/v2/manage/account/" + uid, profile)).singleElement().asString().contains("Uid");
        Reply wrong = mfa.login("ann@example.com", "not-her-password");
        assertThat(errors(brokenSchemas, "POST", "/identity/v2/auth/login/2fa", wrong)).singleElement().asString().contains("ErrorCode");
    }

    // ── Helpers ───────────────────────────────────────────────────────────────────────────────────────────────────

    private static SchemaRegistry registry(String text) {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
                .schemas(Map.of(DOCUMENT_URI, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** The answer is a 200 and conforms to its description. */
    private static void assertConforms(String method, String pathAndQuery, Reply r) {
        assertConforms(method, pathAndQuery, r, 200);
    }

    private static void assertConforms(String method, String pathAndQuery, Reply r, int status) {
        assertThat(r.status()).as(method + " " + pathAndQuery + " answered " + r.raw()).isEqualTo(status);
        assertThat(r.json()).as(method + " " + pathAndQuery + " answered no JSON: " + r.raw()).isNotNull();
        assertThat(errors(schemas, method, pathAndQuery, r)).as(method + " " + pathAndQuery + " answered " + r.status() + " " + r.raw()).isEmpty();
    }

    /** What is wrong with the answer, as the description's schema for its path, method and status says. */
    private static List<String> errors(SchemaRegistry registry, String method, String pathAndQuery, Reply r) {
        String template = template(pathAndQuery.replaceFirst("\\?.*", ""));
        String operation = "/paths/" + template.replace("~", "~0").replace("/", "~1") + "/" + method.toLowerCase(Locale.ROOT);
        assertThat(document.at(operation).isMissingNode()).as(method + " " + template + " is described").isFalse();
        String status = Integer.toString(r.status());
        String response = null;
        for (String key : new String[] {status, status.charAt(0) + "XX", "default"}) {
            if (!document.at(operation + "/responses/" + key).isMissingNode()) {
                response = operation + "/responses/" + key;
                break;
            }
        }
        assertThat(response).as(method + " " + template + " describes status " + status).isNotNull();
        JsonNode described = document.at(response);
        if (described.has("$ref")) {
            response = described.get("$ref").asText().substring(1);
        }
        Schema schema = registry.getSchema(SchemaLocation.of(DOCUMENT_URI + "#" + response + "/content/application~1json/schema"));
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(r.json())) {
            out.add(e.toString());
        }
        return out;
    }

    private static Schema component(SchemaRegistry registry, String name) {
        return registry.getSchema(SchemaLocation.of(DOCUMENT_URI + "#/components/schemas/" + name));
    }

    /** The described path that {@code path} is: a literal segment before a parameter, as the router matches. */
    private static String template(String path) {
        String best = null;
        int bestParams = Integer.MAX_VALUE;
        for (Iterator<String> it = document.get("paths").fieldNames(); it.hasNext(); ) {
            String t = it.next();
            String regex = Pattern.quote(t).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            int params = t.split("\\{", -1).length - 1;
            if (path.matches(regex) && params < bestParams) {
                best = t;
                bestParams = params;
            }
        }
        assertThat(best).as(path + " matches a described path").isNotNull();
        return best;
    }

    private static JsonNode resolve(String ref) {
        return document.at(ref.substring(1));
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}

package dev.latchkey.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.PassphraseSeal;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A tenant export as an attacker would write it (review of issue 15): a file handed to an operator must not overwrite
 * another tenant of the node, poison the hashing keys a later import needs, plant hashes a login cannot afford (or can
 * never verify), or leave a half-made tenant and a 500 behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TransferAbuseContract {
    private static final String PASSWORD = "abuse-password-1";
    private static final String PASSPHRASE = "correct horse battery staple";
    private static final int ITERATIONS = 100_000;

    protected abstract Backend backend();

    private TestServer from;
    private TestServer to;
    private final byte[] salt = PassphraseSeal.newSalt();
    private PassphraseSeal seal;
    private String lastSecret;

    @BeforeAll
    void start() {
        from = TestServer.withSecretKey(backend(), "abuse-source-secret-key-0123456789");
        to = TestServer.withSecretKey(backend(), "abuse-target-secret-key-0123456789");
        seal = PassphraseSeal.derive(PASSPHRASE, salt, ITERATIONS);
    }

    @AfterAll
    void stop() {
        if (from != null) {
            from.close();
        }
        if (to != null) {
            to.close();
        }
    }

    private static String email() {
        return "abuse." + UUID.randomUUID() + "@example.com";
    }

    private static String keyIdOf(byte[] hashKey) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(hashKey, "HmacSHA256"));
        return "x" + HexFormat.of().formatHex(mac.doFinal("latchkey/key-id".getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    /** A header as a file could hold it, sealed under PASSPHRASE: its own keys under keyId (null: the keys' own id). */
    private ObjectNode forged(String keyId, String apiKey) throws Exception {
        byte[] hashKey = random(32);
        ObjectNode h = Json.object();
        h.put("Format", "latchkey-tenant-export");
        h.put("Version", 1);
        h.putObject("Passphrase").put("Kdf", "PBKDF2-HMAC-SHA256").put("Iterations", ITERATIONS).put("Salt", Base64.getEncoder().encodeToString(salt));
        h.put("KeyId", keyId == null ? keyIdOf(hashKey) : keyId);
        h.put("Keys", seal.seal(Json.write(Json.object().put("HashKey", Base64.getEncoder().encodeToString(hashKey))
                .put("PasswordPepper", Base64.getEncoder().encodeToString(random(32))))));
        ObjectNode t = h.putObject("Tenant");
        t.put("Name", "Forged");
        t.put("ApiKey", apiKey);
        lastSecret = UUID.randomUUID().toString();
        t.put("ApiSecret", seal.seal(lastSecret));
        t.putObject("Settings");
        h.putArray("Templates");
        h.putArray("SecurityQuestions");
        h.putArray("Webhooks");
        h.put("Users", 0);
        return h;
    }

    private static Reply importHeader(TestServer node, JsonNode header) {
        return node.send("POST", "/admin/v1/tenants/import", Json.write(header), "Authorization", "Bearer " + TestServer.ADMIN_KEY,
                "X-Latchkey-Passphrase", URLEncoder.encode(PASSPHRASE, StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    private static Reply importUsers(TestServer node, String apiKey, JsonNode source, JsonNode... users) {
        ObjectNode body = Json.object();
        if (source != null) {
            body.set("Source", source);
        }
        ArrayNode lines = body.putArray("Users");
        int n = 1;
        for (JsonNode u : users) {
            lines.addObject().put("Line", ++n).set("User", u);
        }
        return node.send("POST", "/admin/v1/tenants/" + apiKey + "/import", Json.write(body), "Authorization", "Bearer " + TestServer.ADMIN_KEY,
                "X-Latchkey-Passphrase", URLEncoder.encode(PASSPHRASE, StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    private static ObjectNode user(String email, String passwordHash) {
        ObjectNode u = Json.object();
        u.putArray("Email").addObject().put("Type", "Primary").put("Value", email);
        u.put("PasswordHash", passwordHash);
        return u;
    }

    private static void assertRefused(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.json().has("ErrorCode")).as(r.raw()).isTrue();
        assertThat(r.json().has("Description")).as(r.raw()).isTrue();
    }

    /** HIGH: ApiKeys are public; a file naming another tenant's must not take over its templates, webhooks and settings. */
    @Test
    void aFileNamingAnotherTenantsApiKeyCannotOverwriteThatTenant() throws Exception {
        TestTenant victim = to.tenant("{\"Name\":\"Victim\"}");
        assertThat(to.admin("PUT", "/admin/v1/tenants/" + victim.apiKey() + "/email-templates/Welcome",
                "{\"Subject\":\"Real\",\"Text\":\"Hello\"}").status()).isEqualTo(200);
        ObjectNode header = forged(null, victim.apiKey());
        ((ObjectNode) header.get("Tenant")).put("Name", "Pwned");
        header.withArray("Templates").addObject().put("channel", "email").put("name_key", "welcome").put("name", "Welcome")
                .put("subject", "Phish").putNull("html").put("body", "Log in at http://evil.example").put("created_at", 1).put("modified_at", 1);
        header.withArray("Webhooks").addObject().put("id", UUID.randomUUID().toString()).put("event", "Login")
                .put("target_url", "http://evil.example/collect").putNull("name").put("headers", "{}").put("query_params", "{}")
                .putNull("auth_type").putNull("auth_username").putNull("auth_secret_enc").put("created_at", 1).put("modified_at", 1);

        Reply r = importHeader(to, header);

        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(to.admin("GET", "/admin/v1/tenants/" + victim.apiKey(), null).json().path("Name").asText()).isEqualTo("Victim");
        assertThat(to.admin("GET", "/admin/v1/tenants/" + victim.apiKey() + "/email-templates/Welcome", null).json().path("Subject").asText())
                .isEqualTo("Real");
        assertThat(victim.manage("GET", "/v2/manage/webhook", null).raw()).doesNotContain("evil.example");
        // Nor can the users of such a file be put into the victim's tenant under the victim's key by the same stroke.
        Reply users = importUsers(to, victim.apiKey(), null, user(email(), null));
        assertThat(users.status()).isEqualTo(200); // (the operator names the tenant here: the admin API's choice, not the file's)
    }

    /** MEDIUM: a file's KeyId is a claim; another node's id with other keys must not be adopted (its real export would break). */
    @Test
    void aFileCannotClaimAnotherNodesKeyIdWithKeysOfItsOwn() throws Exception {
        TestTenant real = from.tenant("{\"Name\":\"Real\"}");
        String ann = email();
        real.account(ann, PASSWORD);
        String salt64 = Base64.getUrlEncoder().withoutPadding().encodeToString(salt);
        Reply page = from.send("GET", "/admin/v1/tenants/" + real.apiKey() + "/export?salt=" + salt64 + "&limit=1000", null,
                "Authorization", "Bearer " + TestServer.ADMIN_KEY, "X-Latchkey-Passphrase", URLEncoder.encode(PASSPHRASE, StandardCharsets.UTF_8));
        assertThat(page.status()).as(page.raw()).isEqualTo(200);
        JsonNode header = page.json().get("Header");
        String sourceKeyId = header.get("KeyId").asText();

        // The attacker's file comes first, claiming the source node's key id.
        Reply poison = importHeader(to, forged(sourceKeyId, UUID.randomUUID().toString()));
        assertThat(poison.status()).as(poison.raw()).isEqualTo(400);

        // The real export, imported after it: Ann logs in with her password.
        Reply h = importHeader(to, header);
        assertThat(h.status()).as(h.raw()).isEqualTo(200);
        ObjectNode source = Json.object().put("KeyId", sourceKeyId);
        source.set("Passphrase", header.get("Passphrase"));
        Reply u = importUsers(to, real.apiKey(), source, page.json().get("Users").get(0));
        assertThat(u.json().path("Imported").asInt()).as(u.raw()).isEqualTo(1);
        Reply in = new TestTenant(to, real.apiKey(), real.apiSecret()).login(ann, PASSWORD);
        assertThat(in.status()).as(in.raw()).isEqualTo(200);
    }

    /**
     * MEDIUM: a login must not cost seconds of a hashing core (bcrypt 16 is ~4 s, PBKDF2-SHA1 at 10,000,000 iterations and
     * 64 bytes ~4 min here), and a hash the verifier refuses (Argon2 over 1 GiB) must not be imported as if it would work.
     */
    @Test
    void anImportRefusesHashesALoginCannotAffordOrCanNeverVerify() {
        TestTenant t = to.tenant("{\"Name\":\"Costly\"}");
        String bcrypt16 = "$2b$16$" + "a".repeat(53);
        String pbkdf2 = "pbkdf2_sha1$10000000$salt$" + Base64.getEncoder().encodeToString(random(64));
        String argon2Huge = "$argon2id$v=19$m=2097152,t=1,p=1$" + Base64.getEncoder().withoutPadding().encodeToString(random(16)) + "$"
                + Base64.getEncoder().withoutPadding().encodeToString(random(32));
        String argon2Slow = "$argon2id$v=19$m=1048576,t=100,p=1$" + Base64.getEncoder().withoutPadding().encodeToString(random(16)) + "$"
                + Base64.getEncoder().withoutPadding().encodeToString(random(32));
        Reply r = importUsers(to, t.apiKey(), null, user(email(), bcrypt16), user(email(), pbkdf2), user(email(), argon2Huge), user(email(), argon2Slow));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().path("Imported").asInt()).as(r.raw()).isZero();
        assertThat(r.json().path("Failed").size()).as(r.raw()).isEqualTo(4);
        // What real systems use still comes in: bcrypt 12, Django's 1,000,000 PBKDF2-SHA256 iterations.
        Reply ok = importUsers(to, t.apiKey(), null, user(email(), "$2b$12$" + "a".repeat(53)),
                user(email(), "pbkdf2_sha256$1000000$salt$" + Base64.getEncoder().encodeToString(random(32))));
        assertThat(ok.json().path("Imported").asInt()).as(ok.raw()).isEqualTo(2);
    }

    /** LOW: a malformed header row is the file's mistake (400, LoginRadius's shape), and leaves no half-made tenant behind. */
    @Test
    void aMalformedHeaderIsRefusedWithA400AndLeavesNoTenantBehind() throws Exception {
        String apiKey = UUID.randomUUID().toString();
        ObjectNode header = forged(null, apiKey);
        header.withArray("Templates").addObject().put("channel", "email").put("name_key", "broken").put("name", "Broken")
                .putNull("subject").putNull("html").putNull("body").put("created_at", 1).put("modified_at", 1);
        assertRefused(importHeader(to, header));
        assertThat(to.admin("GET", "/admin/v1/tenants/" + apiKey, null).status()).isEqualTo(404);

        String apiKey2 = UUID.randomUUID().toString();
        ObjectNode question = forged(null, apiKey2);
        question.withArray("SecurityQuestions").addObject().put("question_id", "q".repeat(500)).put("question", "Why?")
                .put("position", 1).put("created_at", 1);
        assertRefused(importHeader(to, question));
        assertThat(to.admin("GET", "/admin/v1/tenants/" + apiKey2, null).status()).isEqualTo(404);
    }

    /** MEDIUM: webhook rows are checked as the webhook API checks them (a broken one would make the tenant's webhook list a 500). */
    @Test
    void importedWebhooksAreCheckedAsTheWebhookApiChecksThem() throws Exception {
        String apiKey = UUID.randomUUID().toString();
        ObjectNode header = forged(null, apiKey);
        header.withArray("Webhooks").addObject().put("id", UUID.randomUUID().toString()).put("event", "Login")
                .put("target_url", "http://127.0.0.1:9/in").putNull("name").put("headers", seal.seal("not json")).put("query_params", seal.seal("{}"))
                .putNull("auth_type").putNull("auth_username").putNull("auth_secret_enc").put("created_at", 1).put("modified_at", 1);
        Reply r = importHeader(to, header);
        if (r.status() == 200) {
            Reply list = new TestTenant(to, apiKey, lastSecret).manage("GET", "/v2/manage/webhook", null);
            assertThat(list.status()).as("the tenant's webhook list after the import: " + list.raw()).isNotEqualTo(500);
        }
        assertRefused(r);

        ObjectNode scheme = forged(null, UUID.randomUUID().toString());
        scheme.withArray("Webhooks").addObject().put("id", UUID.randomUUID().toString()).put("event", "Login")
                .put("target_url", "file:///etc/passwd").putNull("name").put("headers", seal.seal("{}")).put("query_params", seal.seal("{}"))
                .putNull("auth_type").putNull("auth_username").putNull("auth_secret_enc").put("created_at", 1).put("modified_at", 1);
        assertRefused(importHeader(to, scheme));
    }

    /** A template that could not be sent is refused at import (it was stored unchecked, to fail at the first email). */
    @Test
    void importedTemplatesAreCheckedAsTheAdminApiChecksThem() throws Exception {
        String apiKey = UUID.randomUUID().toString();
        ObjectNode header = forged(null, apiKey);
        header.withArray("Templates").addObject().put("channel", "email").put("name_key", "other").put("name", "Broken")
                .put("subject", "Hi").putNull("html").put("body", "{{#Login}}unclosed").put("created_at", 1).put("modified_at", 1);
        Reply r = importHeader(to, header);
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.json().path("ErrorCode").asInt()).isEqualTo(1134);
        assertThat(r.json().path("Errors").get(0).path("FieldName").asText()).isEqualTo("Templates.Broken.Text");
        assertThat(to.admin("GET", "/admin/v1/tenants/" + apiKey, null).status()).isEqualTo(404);
    }
}

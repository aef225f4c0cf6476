package dev.latchkey.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an operator saves must work when a login needs it: templates are refused when they could not render at send
 * time (partials, runaway nesting, anything that fails against a sample of the full model), a template stored before
 * those checks never turns a risky login into a 500, and a tenant's SMS URL never receives the server's SMS
 * credentials. Runs on H2 and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MessageSafetyContract {
    static final String SERVER_SID = "ACserver0000000000000000000000000";
    static final String SERVER_TOKEN = "server-sms-token-1";

    protected abstract Backend backend();

    Mailbox mail;
    SmsReceiver serverSms;
    SmsReceiver tenantSms;
    TestServer s;

    @BeforeAll
    void start() {
        mail = new Mailbox();
        serverSms = new SmsReceiver();
        tenantSms = new SmsReceiver();
        s = new TestServer(backend(), new TestServer.Options(new ServerConfig.Messaging(null,
                new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "no-reply@latchkey.test"),
                new DeliverySettings.Sms(serverSms.baseUrl(), SERVER_SID, SERVER_TOKEN, "+15005550006"), 100, 60_000, null),
                new ServerConfig.Risk(null, "127.0.0.1/32")));
    }

    @AfterAll
    void stop() {
        if (s != null) {
            s.close();
        }
        mail.close();
        serverSms.close();
        tenantSms.close();
    }

    static void assertInvalid(Reply r, String field) {
        assertThat(r.status()).as(r.raw().length() > 600 ? r.raw().substring(0, 600) + "…" : r.raw()).isEqualTo(400);
        assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1134);
        assertThat(r.json().get("Errors").get(0).get("FieldName").asText()).as(r.raw()).isEqualTo(field);
    }

    String templates(TestTenant t, String channel) {
        return "/admin/v1/tenants/" + t.apiKey() + "/" + channel + "-templates";
    }

    /** A tenant that tells the user by email (or SMS, after a phone login) of a login from a new IP address. */
    TestTenant riskTenant(String emailTemplate) {
        return s.tenant("{\"Name\":\"Acme\",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true"
                + (emailTemplate == null ? "" : ",\"EmailTemplate\":\"" + emailTemplate + "\"") + "}}}");
    }

    /** Two logins from two addresses: the second is risky. Returns the second answer. */
    Reply riskyLogin(TestTenant t, String field, String id, int n) {
        String body = "{\"" + field + "\":\"" + id + "\",\"password\":\"safety-password-1\"}";
        Reply first = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), body, "Content-Type", "application/json",
                "X-Forwarded-For", "81.2.69." + n);
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        return s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), body, "Content-Type", "application/json",
                "X-Forwarded-For", "81.2.69." + (n + 100));
    }

    /** Writes a template straight into the store, as an older version accepted it. */
    void storeDirectly(TestTenant t, String channel, String name, String subject, String body) {
        long now = System.currentTimeMillis();
        s.server.jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO message_templates (tenant_id, channel, name_key, name, subject, html, body, created_at, modified_at)
                        VALUES ((SELECT id FROM tenants WHERE api_key = :k), :c, :nk, :n, :s, NULL, :b, :now, :now)""")
                .bind("k", t.apiKey()).bind("c", channel).bind("nk", name.toLowerCase(java.util.Locale.ROOT)).bind("n", name)
                .bind("s", subject).bind("b", body).bind("now", now).execute());
    }

    // ── Templates ─────────────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void aPartialIsRefusedInEveryPart() {
        TestTenant t = s.mfaTenant(false);
        assertInvalid(s.admin("POST", templates(t, "email"), "{\"Name\":\"P\",\"Subject\":\"s\",\"Text\":\"Hi {{>footer}}\"}"), "Text");
        assertInvalid(s.admin("POST", templates(t, "email"), "{\"Name\":\"P\",\"Subject\":\"{{> footer}}\",\"Text\":\"t\"}"), "Subject");
        assertInvalid(s.admin("POST", templates(t, "email"), "{\"Name\":\"P\",\"Subject\":\"s\",\"Text\":\"t\",\"Html\":\"<p>{{>footer}}</p>\"}"), "Html");
        assertInvalid(s.admin("POST", templates(t, "sms"), "{\"Name\":\"P\",\"Body\":\"{{>code}}\"}"), "Body");
        // Template inheritance loads another template too.
        assertInvalid(s.admin("POST", templates(t, "email"), "{\"Name\":\"P\",\"Subject\":\"s\",\"Text\":\"{{<layout}}{{$b}}x{{/b}}{{/layout}}\"}"), "Text");
        // Also where the sample would not reach it: a real profile may have the field.
        assertInvalid(s.admin("POST", templates(t, "email"), "{\"Name\":\"P\",\"Subject\":\"s\",\"Text\":\"{{#Profile.Custom}}{{>x}}{{/Profile.Custom}}\"}"), "Text");
        Reply r = s.admin("POST", templates(t, "email"), "{\"Name\":\"P\",\"Subject\":\"s\",\"Text\":\"Hi {{>footer}}\"}");
        assertThat(r.json().get("Errors").get(0).get("ErrorMessage").asText()).isEqualTo("'Text' includes another template "
                + "({{>footer}}); templates cannot include others.");
        assertThat(s.admin("GET", templates(t, "email") + "/P", null).status()).isEqualTo(404);
    }

    @Test
    void deepNestingIsRefusedAndOrdinaryNestingAccepted() {
        TestTenant t = s.mfaTenant(false);
        String deep = "{{#App}}".repeat(5000) + "x" + "{{/App}}".repeat(5000);
        Reply r = s.admin("POST", templates(t, "email"), Json.write(Json.object().put("Name", "Deep").put("Subject", "s").put("Text", deep)));
        assertInvalid(r, "Text");
        assertThat(r.json().get("Errors").get(0).get("ErrorMessage").asText()).isEqualTo("'Text' nests sections 5000 deep; at most 20.");
        assertInvalid(s.admin("POST", templates(t, "sms"), Json.write(Json.object().put("Name", "Deep")
                .put("Body", "{{#App}}".repeat(21) + "x" + "{{/App}}".repeat(21)))), "Body");
        // Other delimiters do not hide the nesting.
        assertInvalid(s.admin("POST", templates(t, "sms"), Json.write(Json.object().put("Name", "Deep")
                .put("Body", "{{=<% %>=}}" + "<%#App%>".repeat(21) + "x" + "<%/App%>".repeat(21)))), "Body");
        String fine = "{{#Login.Signals}}{{.}}{{/Login.Signals}}{{^Login.Blocked}}{{#Profile.Email}}{{Value}} {{/Profile.Email}}"
                + "{{#OneClickSignIn}}{{Url}}{{/OneClickSignIn}}{{#Otp}}{{Code}}{{/Otp}}{{/Login.Blocked}}"
                + "{{#App}}".repeat(20) + "x" + "{{/App}}".repeat(20);
        Reply ok = s.admin("POST", templates(t, "email"), Json.write(Json.object().put("Name", "Fine").put("Subject", "s").put("Text", fine)));
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
    }

    @Test
    void aTemplateStoredBeforeTheseChecksDoesNotBreakARiskyLogin() {
        for (String[] broken : new String[][] {{"Broken-Partial", "Hi {{>footer}}"},
                {"Broken-Deep", "{{#App}}".repeat(8000) + "x" + "{{/App}}".repeat(8000)}}) {
            TestTenant t = riskTenant(null);
            storeDirectly(t, "email", broken[0], "Your sign-in", broken[1]);
            assertThat(s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(),
                    "{\"RiskBasedAuthentication\":{\"IP\":{\"EmailTemplate\":\"" + broken[0] + "\"}}}").status()).isEqualTo(200);
            String email = "safe-" + UUID.randomUUID() + "@example.com";
            assertThat(t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email
                    + "\"}],\"Password\":\"safety-password-1\",\"FirstName\":\"Ann\"}").status()).isEqualTo(200);

            Reply risky = riskyLogin(t, "email", email, 7);
            assertThat(risky.status()).as(broken[0] + ": " + risky.raw()).isEqualTo(200);
            assertThat(risky.json().has("access_token")).isTrue();
            // The notice is still sent, from the built-in template of the same purpose.
            List<Mailbox.Mail> got = mail.await(email, 1);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).subject()).isEqualTo("New sign-in to Acme from a new IP address");
            JsonNode message = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/messages", null).json().get("Data").get(0);
            assertThat(message.get("Template").asText()).isEqualTo("latchkey-risk-notice");
        }
    }

    // ── SMS credentials ───────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void aTenantSmsUrlNeedsTheTenantsOwnCredentials() {
        TestTenant t = s.mfaTenant(false);
        String path = "/admin/v1/tenants/" + t.apiKey();
        assertInvalid(s.admin("PATCH", path, "{\"Sms\":{\"BaseUrl\":\"" + tenantSms.baseUrl() + "\"}}"), "Sms.BaseUrl");
        assertInvalid(s.admin("PATCH", path, "{\"Sms\":{\"BaseUrl\":\"" + tenantSms.baseUrl() + "\",\"AccountSid\":\"ACtenant\"}}"), "Sms.BaseUrl");
        assertInvalid(s.admin("PATCH", path, "{\"Sms\":{\"BaseUrl\":\"" + tenantSms.baseUrl() + "\",\"AuthToken\":\"t\"}}"), "Sms.BaseUrl");
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"Sms\":{\"BaseUrl\":\"" + tenantSms.baseUrl() + "\"}}"), "Sms.BaseUrl");
        for (String url : List.of("ftp://sms.example.com", "not a url", "https://", "http://user:pw@sms.example.com")) {
            assertInvalid(s.admin("PATCH", path, "{\"Sms\":{\"BaseUrl\":\"" + url + "\",\"AccountSid\":\"ACt\",\"AuthToken\":\"t\"}}"), "Sms.BaseUrl");
        }
        Reply ok = s.admin("PATCH", path, "{\"Sms\":{\"BaseUrl\":\"" + tenantSms.baseUrl() + "\",\"AccountSid\":\"ACtenant\",\"AuthToken\":\"tenant-token\"}}");
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        // Taking the credentials away again, while the URL stays, is refused the same way.
        assertInvalid(s.admin("PATCH", path, "{\"Sms\":{\"AccountSid\":null}}"), "Sms.BaseUrl");
        assertThat(s.admin("PATCH", path, "{\"Sms\":{\"BaseUrl\":null,\"AccountSid\":null,\"AuthToken\":null}}").status()).isEqualTo(200);
    }

    @Test
    void theServersSmsCredentialsNeverGoToATenantUrl() {
        TestTenant t = riskTenant(null);
        // Settings an older version accepted: the tenant's URL without credentials of its own.
        String stored = s.server.jdbi().withHandle(h -> h.createQuery("SELECT settings FROM tenants WHERE api_key = :k")
                .bind("k", t.apiKey()).mapTo(String.class).one());
        ObjectNode settings = (ObjectNode) Json.parse(stored);
        settings.putObject("Sms").put("BaseUrl", tenantSms.baseUrl());
        s.server.jdbi().useHandle(h -> h.createUpdate("UPDATE tenants SET settings = :s WHERE api_key = :k")
                .bind("s", Json.write(settings)).bind("k", t.apiKey()).execute());
        String phone = "+1555" + (1_000_000 + (int) (Math.random() * 8_999_999));
        assertThat(t.manage("POST", "/identity/v2/manage/account", "{\"PhoneId\":\"" + phone + "\",\"Password\":\"safety-password-1\"}").status())
                .isEqualTo(200);

        Reply risky = riskyLogin(t, "phone", phone, 9);
        assertThat(risky.status()).as(risky.raw()).isEqualTo(200);
        List<SmsReceiver.Request> got = serverSms.await(phone, 1);
        assertThat(got).as("the tenant's URL got %s", tenantSms.to(phone)).hasSize(1);
        assertThat(got.get(0).authorization()).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString((SERVER_SID + ":" + SERVER_TOKEN).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(tenantSms.to(phone)).isEmpty();
    }

    @Test
    void anSmsIsSentOverHttp11WithoutOfferingAnUpgrade() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer provider = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            seen.add(ex.getProtocol() + " " + new java.util.TreeMap<>(ex.getRequestHeaders()).keySet());
            byte[] answer = "{\"sid\":\"SM1\",\"status\":\"queued\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(201, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        provider.start();
        try {
            TestTenant t = s.tenant("{\"Name\":\"Acme\",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true}},\"Sms\":{\"BaseUrl\":\"http://127.0.0.1:"
                    + provider.getAddress().getPort() + "\",\"AccountSid\":\"ACtenant\",\"AuthToken\":\"tenant-token\"}}");
            String phone = "+1555" + (1_000_000 + (int) (Math.random() * 8_999_999));
            assertThat(t.manage("POST", "/identity/v2/manage/account", "{\"PhoneId\":\"" + phone + "\",\"Password\":\"safety-password-1\"}").status())
                    .isEqualTo(200);
            assertThat(riskyLogin(t, "phone", phone, 11).status()).isEqualTo(200);
            long deadline = System.currentTimeMillis() + 15_000;
            while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0)).startsWith("HTTP/1.1 ").doesNotContain("Upgrade", "Http2-settings");
        } finally {
            provider.stop(0);
        }
    }
}

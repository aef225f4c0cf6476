package dev.latchkey.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operators' side of notifications and risk: email and SMS templates (admin API), the RiskBasedAuthentication,
 * Email and Sms settings (validation, secrets stored encrypted and shown masked), risk events and messages; every bad
 * input with its status and ErrorCode.
 */
class MessagingAdminTest {
    static TestServer s;
    static TestTenant t;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
        t = s.mfaTenant(false);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static String base(String channel) {
        return base(t, channel);
    }

    static String base(TestTenant tenant, String channel) {
        return "/admin/v1/tenants/" + tenant.apiKey() + "/" + channel + "-templates";
    }

    static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        List<String> keys = new java.util.ArrayList<>();
        r.json().fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as(r.raw()).startsWith("Description", "ErrorCode", "Message", "IsProviderError", "ProviderErrorResponse");
        assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(code);
    }

    static void assertInvalid(Reply r, String field) {
        assertError(r, 400, 1134);
        assertThat(r.json().get("Errors").get(0).get("FieldName").asText()).as(r.raw()).isEqualTo(field);
    }

    @Test
    void emailTemplatesCreateReadReplaceListDelete() {
        Reply created = s.admin("POST", base("email"), "{\"name\":\"Welcome Back\",\"subject\":\"Hi {{Profile.FirstName}}\",\"text\":\"Hello\",\"html\":\"<p>Hello</p>\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        JsonNode v = created.json();
        assertThat(v.get("Name").asText()).isEqualTo("Welcome Back");
        assertThat(v.get("Subject").asText()).isEqualTo("Hi {{Profile.FirstName}}");
        assertThat(v.get("Html").asText()).isEqualTo("<p>Hello</p>");
        assertThat(v.get("Text").asText()).isEqualTo("Hello");
        assertThat(v.get("IsBuiltIn").asBoolean()).isFalse();
        assertThat(v.get("CreatedDate").asText()).isEqualTo(v.get("ModifiedDate").asText());

        // Names match case-insensitively; a PUT replaces (the created date stays).
        Reply replaced = s.admin("PUT", base("email") + "/welcome%20back", "{\"Subject\":\"Again\",\"Text\":\"Hello again\"}");
        assertThat(replaced.status()).as(replaced.raw()).isEqualTo(200);
        assertThat(replaced.json().get("Name").asText()).isEqualTo("welcome back");
        assertThat(replaced.json().get("Html").isNull()).isTrue();
        assertThat(replaced.json().get("CreatedDate")).isEqualTo(v.get("CreatedDate"));
        assertThat(s.admin("GET", base("email") + "/WELCOME%20BACK", null).json().get("Text").asText()).isEqualTo("Hello again");

        // The list: the tenant's own first, then the built-in ones (one per purpose).
        JsonNode list = s.admin("GET", base("email"), null).json().get("Data");
        assertThat(list.findValuesAsText("Name")).contains("welcome back", "latchkey-one-click-sign-in");
        TestTenant fresh = s.mfaTenant(false);
        assertThat(s.admin("POST", base(fresh, "email"), "{\"Name\":\"Mine\",\"Subject\":\"s\",\"Text\":\"t\"}").status()).isEqualTo(200);
        list = s.admin("GET", base(fresh, "email"), null).json().get("Data");
        assertThat(list.findValuesAsText("Name")).containsExactly("Mine", "latchkey-delete-account", "latchkey-email-otp", "latchkey-email-verification", "latchkey-one-click-sign-in", "latchkey-passwordless-login", "latchkey-reset-password",
                "latchkey-risk-admin-notice", "latchkey-risk-notice", "latchkey-security-notice", "latchkey-smart-login", "latchkey-welcome");
        assertThat(s.admin("GET", base(fresh, "sms"), null).json().get("Data").findValuesAsText("Name"))
                .containsExactly("latchkey-phone-code", "latchkey-risk-notice", "latchkey-sms-otp");
        JsonNode builtIn = s.admin("GET", base("email") + "/latchkey-risk-notice", null).json();
        assertThat(builtIn.get("IsBuiltIn").asBoolean()).isTrue();
        assertThat(builtIn.get("CreatedDate").isNull()).isTrue();

        Reply deleted = s.admin("DELETE", base("email") + "/Welcome%20Back", null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertError(s.admin("DELETE", base("email") + "/Welcome%20Back", null), 404, 908);
        assertError(s.admin("DELETE", base("email") + "/latchkey-risk-notice", null), 404, 908);
        assertError(s.admin("GET", base("email") + "/nothing-here", null), 404, 908);
    }

    @Test
    void smsTemplates() {
        Reply r = s.admin("POST", base("sms"), "{\"Name\":\"Short\",\"Body\":\"{{Otp.Code}} is your code\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Json.parse("{\"Name\":\"Short\",\"Body\":\"{{Otp.Code}} is your code\",\"IsBuiltIn\":false,"
                + "\"CreatedDate\":" + Json.write(r.json().get("CreatedDate")) + ",\"ModifiedDate\":" + Json.write(r.json().get("ModifiedDate")) + "}"));
        assertInvalid(s.admin("POST", base("sms"), "{\"Name\":\"Short\",\"Body\":\"x\",\"Subject\":\"no\"}"), "Subject");
        assertInvalid(s.admin("POST", base("sms"), "{\"Name\":\"Long\",\"Body\":\"" + "x".repeat(1601) + "\"}"), "Body");
    }

    @Test
    void badTemplatesAreRefusedNamingTheField() {
        assertInvalid(s.admin("POST", base("email"), "{\"Subject\":\"s\",\"Text\":\"t\"}"), "Name");
        assertInvalid(s.admin("POST", base("email"), "{\"Name\":\"a/b\",\"Subject\":\"s\",\"Text\":\"t\"}"), "Name");
        assertInvalid(s.admin("POST", base("email"), "{\"Name\":\"" + "n".repeat(201) + "\",\"Subject\":\"s\",\"Text\":\"t\"}"), "Name");
        assertInvalid(s.admin("POST", base("email"), "{\"Name\":\"x\",\"Text\":\"t\"}"), "Subject");
        assertInvalid(s.admin("POST", base("email"), "{\"Name\":\"x\",\"Subject\":\"s\"}"), "Text");
        assertInvalid(s.admin("POST", base("email"), "{\"Name\":\"x\",\"Subject\":\"s\",\"Text\":42}"), "Text");
        assertInvalid(s.admin("POST", base("email"), "{\"Name\":\"x\",\"Subject\":\"s\",\"Text\":\"{{#Login}}unclosed\"}"), "Text");
        assertInvalid(s.admin("POST", base("email"), "{\"Name\":\"x\",\"Subject\":\"{{#Login}}open\",\"Text\":\"t\"}"), "Subject");
        assertInvalid(s.admin("POST", base("email"), "{\"Name\":\"x\",\"Subject\":\"s\",\"Text\":\"t\",\"Html\":\"{{/end}}\"}"), "Html");
        assertInvalid(s.admin("POST", base("email"), "{\"Name\":\"x\",\"Subject\":\"s\",\"Text\":\"t\",\"Cc\":\"a@b.c\"}"), "Cc");
        assertInvalid(s.admin("PUT", base("email") + "/one", "{\"Name\":\"two\",\"Subject\":\"s\",\"Text\":\"t\"}"), "Name");
        assertError(s.admin("POST", base("email"), "{\"Name\":"), 400, 965);
        assertError(s.admin("PUT", base("email") + "/x", "[]"), 400, 1079);
        assertThat(s.admin("GET", base("email") + "/x", null).status()).isEqualTo(404);
    }

    @Test
    void theAdminKeyAndTheTenantAreChecked() {
        for (String[] call : new String[][] {{"GET", base("email")}, {"POST", base("sms")}, {"GET", base("email") + "/x"},
                {"PUT", base("email") + "/x"}, {"DELETE", base("sms") + "/x"},
                {"GET", "/admin/v1/tenants/" + t.apiKey() + "/risk-events"}, {"GET", "/admin/v1/tenants/" + t.apiKey() + "/messages"}}) {
            assertError(s.send(call[0], call[1], "{}", "Authorization", "Bearer wrong-key", "Content-Type", "application/json"), 401, 6002);
            assertError(s.send(call[0], call[1], "{}", "Content-Type", "application/json"), 401, 6002);
            String other = call[1].replace(t.apiKey(), UUID.randomUUID().toString());
            assertError(s.admin(call[0], other, "{}"), 404, 901);
        }
        assertInvalid(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/messages?status=lost", null), "status");
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/risk-events", null).json()).isEqualTo(Json.parse("{\"Data\":[]}"));
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/messages?status=failed", null).json()).isEqualTo(Json.parse("{\"Data\":[]}"));
    }

    @Test
    void riskSettingsAreValidatedAndDefaulted() {
        TestTenant fresh = s.mfaTenant(false);
        JsonNode rba = s.admin("GET", "/admin/v1/tenants/" + fresh.apiKey(), null).json().get("RiskBasedAuthentication");
        assertThat(rba.get("HistoryType").asText()).isEqualTo("Days");
        assertThat(rba.get("HistorySize").asInt()).isEqualTo(30);
        assertThat(rba.get("MaxMessagesPerHour").asInt()).isEqualTo(10);
        assertThat(rba.get("Device")).isEqualTo(Json.parse("{\"IsEnabled\":false,\"Action\":\"None\",\"NotifyUser\":true,\"NotifyAdmins\":false,"
                + "\"EmailTemplate\":null,\"SmsTemplate\":null}"));
        String path = "/admin/v1/tenants/" + fresh.apiKey();
        Reply ok = s.admin("PATCH", path, "{\"riskbasedauthentication\":{\"country\":{\"isenabled\":true,\"action\":\"block\"},\"HistoryType\":\"logins\"}}");
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(ok.json().get("RiskBasedAuthentication").get("Country").get("Action").asText()).isEqualTo("Block");
        assertThat(ok.json().get("RiskBasedAuthentication").get("HistoryType").asText()).isEqualTo("Logins");
        assertInvalid(s.admin("PATCH", path, "{\"RiskBasedAuthentication\":{\"Planet\":{}}}"), "RiskBasedAuthentication.Planet");
        assertInvalid(s.admin("PATCH", path, "{\"RiskBasedAuthentication\":{\"IP\":{\"Action\":\"Lock\"}}}"), "RiskBasedAuthentication.IP.Action");
        assertInvalid(s.admin("PATCH", path, "{\"RiskBasedAuthentication\":{\"HistorySize\":0}}"), "RiskBasedAuthentication.HistorySize");
        assertInvalid(s.admin("PATCH", path, "{\"RiskBasedAuthentication\":{\"AdminEmails\":\"a@b.c\"}}"), "RiskBasedAuthentication.AdminEmails");
        // A template name must exist (the tenant's or built-in).
        assertInvalid(s.admin("PATCH", path, "{\"RiskBasedAuthentication\":{\"City\":{\"EmailTemplate\":\"Missing\"}}}"),
                "RiskBasedAuthentication.City.EmailTemplate");
        assertThat(s.admin("PATCH", path, "{\"RiskBasedAuthentication\":{\"City\":{\"SmsTemplate\":\"latchkey-risk-notice\"}}}").status()).isEqualTo(200);
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"RiskBasedAuthentication\":{\"OneClickEmailTemplate\":\"Mine\"}}"),
                "RiskBasedAuthentication.OneClickEmailTemplate");
    }

    @Test
    void deliveryCredentialsAreStoredEncryptedAndShownMasked() {
        TestTenant fresh = s.mfaTenant(false);
        String path = "/admin/v1/tenants/" + fresh.apiKey();
        Reply set = s.admin("PATCH", path, "{\"Email\":{\"SmtpHost\":\"smtp.acme.test\",\"Username\":\"mailer\",\"Password\":\"smtp-secret-1\","
                + "\"From\":\"Acme <no-reply@acme.test>\"},\"Sms\":{\"AccountSid\":\"AC1\",\"AuthToken\":\"sms-secret-1\",\"From\":\"+15005550006\"}}");
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        assertThat(set.json().get("Email")).isEqualTo(Json.parse("{\"From\":\"Acme <no-reply@acme.test>\",\"SmtpHost\":\"smtp.acme.test\","
                + "\"SmtpPort\":587,\"Security\":\"starttls\",\"Username\":\"mailer\",\"Password\":\"********\"}"));
        assertThat(set.json().get("Sms")).isEqualTo(Json.parse("{\"Provider\":\"twilio\",\"BaseUrl\":null,\"AccountSid\":\"AC1\","
                + "\"AuthToken\":\"********\",\"From\":\"+15005550006\"}"));
        String stored = s.server.jdbi().withHandle(h -> h.createQuery("SELECT settings FROM tenants WHERE api_key = :k")
                .bind("k", fresh.apiKey()).mapTo(String.class).one());
        assertThat(stored).doesNotContain("smtp-secret-1", "sms-secret-1");
        // The masked value sent back keeps the secret; null resets it.
        com.fasterxml.jackson.databind.node.ObjectNode readBack = Json.object();
        readBack.set("Email", set.json().get("Email"));
        assertThat(s.admin("PATCH", path, Json.write(readBack)).status()).isEqualTo(200);
        String after = s.server.jdbi().withHandle(h -> h.createQuery("SELECT settings FROM tenants WHERE api_key = :k")
                .bind("k", fresh.apiKey()).mapTo(String.class).one());
        assertThat(Json.parse(after).get("Email").get("Password")).isEqualTo(Json.parse(stored).get("Email").get("Password"));
        assertThat(s.admin("PATCH", path, "{\"Email\":{\"Password\":null}}").json().get("Email").get("Password").isNull()).isTrue();
        assertInvalid(s.admin("PATCH", path, "{\"Email\":{\"Security\":\"ssl3\"}}"), "Email.Security");
        assertInvalid(s.admin("PATCH", path, "{\"Email\":{\"SmtpPort\":70000}}"), "Email.SmtpPort");
        assertInvalid(s.admin("PATCH", path, "{\"Sms\":{\"AuthToken\":\"\"}}"), "Sms.AuthToken");
        assertInvalid(s.admin("PATCH", path, "{\"Sms\":{\"Provider\":\"carrier-pigeon\"}}"), "Sms.Provider");
    }
}

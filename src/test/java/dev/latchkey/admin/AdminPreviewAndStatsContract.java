package dev.latchkey.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The admin console's template preview ({@code POST …/email-templates/{name}/preview}, {@code …/sms-templates/…}: the
 * body's unsaved template, or the saved one, rendered with sample values and stored nowhere) and its charts' numbers
 * ({@code GET …/stats?hours=}: logins, failures, lockouts and risk actions per hour, zeros included). The admin key and
 * the tenant are checked; one tenant's templates and events never show in another's.
 */
abstract class AdminPreviewAndStatsContract extends ServerContract {
    private static final long HOUR = 3_600_000L;

    private static String invalid(String field, String message) {
        return "{\"Description\":\"Validation failed for one or more fields, please check the errors field for more information.\","
                + "\"ErrorCode\":1134,\"Message\":\"Validation failed for one or more fields\",\"IsProviderError\":false,"
                + "\"ProviderErrorResponse\":null,\"Errors\":[{\"FieldName\":\"" + field + "\",\"ErrorMessage\":" + Json.write(Json.MAPPER
                .getNodeFactory().textNode(message)) + "}]}";
    }

    private static String notFound(String description) {
        return "{\"Description\":\"" + description + "\",\"ErrorCode\":908,\"Message\":\"A parameter is not formatted correctly\","
                + "\"IsProviderError\":false,\"ProviderErrorResponse\":null}";
    }

    private String preview(TestTenant t, String channel, String name) {
        return "/admin/v1/tenants/" + t.apiKey() + "/" + channel + "-templates/" + name + "/preview";
    }

    @Test
    void aSavedTemplateRendersWithTheSampleAndTheTenantsName() {
        TestTenant t = s.tenant("{\"Name\":\"Preview & Co <b>\"}");
        Reply saved = s.admin("PUT", "/admin/v1/tenants/" + t.apiKey() + "/email-templates/Console-welcome", """
                {"Subject":"Hi {{Profile.FirstName}} from {{App.Name}}",
                 "Html":"<p>{{Profile.FirstName}} <b>{{Email}}</b> {{Login.City}} {{App.Name}}</p>",
                 "Text":"Code {{Otp.Code}} for {{Email}} from {{App.Name}}"}""");
        assertThat(saved.status()).as(saved.raw()).isEqualTo(200);
        for (String body : new String[] {null, "{}", "{\"Name\":\"console-WELCOME\"}"}) {
            Reply r = s.admin("POST", preview(t, "email", "Console-welcome"), body);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            // The HTML part escapes what it inserts; the subject and text are not HTML.
            assertThat(r.json()).isEqualTo(Json.parse("""
                    {"Subject":"Hi Ann from Preview & Co <b>",
                     "Html":"<p>Ann <b>ann@example.com</b> London Preview &amp; Co &lt;b&gt;</p>",
                     "Text":"Code 123456 for ann@example.com from Preview & Co <b>"}"""));
        }
        // A built-in template, by its name.
        Reply builtIn = s.admin("POST", preview(t, "email", "latchkey-reset-password"), null);
        assertThat(builtIn.status()).as(builtIn.raw()).isEqualTo(200);
        assertThat(builtIn.json().get("Subject").asText()).isEqualTo("Reset your Preview & Co <b> password");
        assertThat(builtIn.json().get("Html").asText()).contains("Hello Ann,", "Preview &amp; Co &lt;b&gt;",
                "href=\"https://id.example.com/hosted?vtype=reset&amp;vtoken=sample\"");
        assertThat(builtIn.json().get("Text").asText()).contains("https://id.example.com/hosted?vtype=reset&vtoken=sample");
        Reply sms = s.admin("POST", preview(t, "sms", "latchkey-sms-otp"), "{}");
        assertThat(sms.json()).isEqualTo(Json.parse("{\"Body\":\"123456 is your Preview & Co <b> sign-in code. It expires in 10 minutes. "
                + "Not you? Change your password.\"}"));
    }

    @Test
    void anUnsavedTemplateRendersAndIsStoredNowhere() {
        TestTenant t = s.tenant("{\"Name\":\"Drafts\"}");
        Reply draft = s.admin("POST", preview(t, "email", "Draft"), "{\"Subject\":\"S {{App.Name}}\",\"Text\":\"T {{Otp.Code}} {{Change.What}}\"}");
        assertThat(draft.status()).as(draft.raw()).isEqualTo(200);
        assertThat(draft.json()).isEqualTo(Json.parse("{\"Subject\":\"S Drafts\",\"Html\":null,\"Text\":\"T 123456 A passkey was added\"}"));
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/email-templates/Draft", null).status()).isEqualTo(404);
        // An unsaved edit of a saved template renders the edit and leaves the saved one as it was.
        s.admin("PUT", "/admin/v1/tenants/" + t.apiKey() + "/sms-templates/Code", "{\"Body\":\"Saved {{Otp.Code}}\"}");
        Reply edited = s.admin("POST", preview(t, "sms", "code"), "{\"Name\":\"Code\",\"Body\":\"Edited {{Otp.Code}} for {{Profile.UserName}}\"}");
        assertThat(edited.json()).isEqualTo(Json.parse("{\"Body\":\"Edited 123456 for ann\"}"));
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/sms-templates/Code", null).json().get("Body").asText())
                .isEqualTo("Saved {{Otp.Code}}");
        assertThat(s.admin("POST", preview(t, "sms", "Code"), null).json()).isEqualTo(Json.parse("{\"Body\":\"Saved 123456\"}"));
        // Nothing about it is audited as saved.
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/audit-events?event=TemplateSaved", null).json().get("Data")).hasSize(1);
    }

    @Test
    void aBadTemplateIsRefusedAsASaveRefusesIt() {
        TestTenant t = s.tenant("{\"Name\":\"Bad drafts\"}");
        String[][] cases = {
                {"email", "{\"Subject\":\"{{#open}}\",\"Text\":\"t\"}", "Subject"},
                {"email", "{\"Subject\":\"s\"}", "Text"},
                {"email", "{\"Subject\":\"s\",\"Text\":\"t\",\"Body\":\"b\"}", "Body"},
                {"email", "{\"Name\":\"Other\",\"Subject\":\"s\",\"Text\":\"t\"}", "Name"},
                {"email", "{\"Subject\":\"s\",\"Text\":\"{{>partial}}\"}", "Text"},
                {"sms", "{\"Body\":\"\"}", "Body"},
                {"sms", "{\"Body\":\"x\",\"Subject\":\"s\"}", "Subject"}};
        for (String[] c : cases) {
            Reply r = s.admin("POST", preview(t, c[0], "Draft"), c[1]);
            assertThat(r.status()).as(c[1] + " " + r.raw()).isEqualTo(400);
            assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(1134);
            assertThat(r.json().get("Errors").get(0).get("FieldName").asText()).as(r.raw()).isEqualTo(c[2]);
        }
        assertThat(s.admin("POST", preview(t, "email", "Draft"), "{\"Subject\":\"s\"}").json())
                .isEqualTo(Json.parse(invalid("Text", "'Text' is required.")));
        Reply notJson = s.admin("POST", preview(t, "email", "Draft"), "[");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("ErrorCode").asInt()).isEqualTo(965);
        Reply none = s.admin("POST", preview(t, "email", "nope"), null);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json()).isEqualTo(Json.parse(notFound("There is no email template named 'nope'.")));
        assertThat(s.admin("POST", preview(t, "sms", "latchkey-reset-password"), null).json())
                .isEqualTo(Json.parse(notFound("There is no SMS template named 'latchkey-reset-password'.")));
    }

    @Test
    void theCountsArePerHourWithZerosAndOnlyTheTenantsOwn() {
        // The test runs ten minutes into an hour, so what it does now stays in one hour however slow the machine.
        long real = s.clock.millis();
        long shift = (real / HOUR) * HOUR + 10 * 60_000 - real;
        s.clock.advance(Duration.ofMillis(shift));
        try {
            TestTenant t = s.tenant("{\"Name\":\"Counted\",\"Security\":{\"MaxPasswordAttempts\":2}}");
            TestTenant other = s.tenant("{\"Name\":\"Not counted\"}");
            String uid = t.account("counted@example.com", "counted-password-1");
            t.account("locked@example.com", "locked-password-1");
            other.account("counted@example.com", "counted-password-1");
            assertThat(t.login("counted@example.com", "counted-password-1").status()).isEqualTo(200);
            assertThat(t.login("counted@example.com", "counted-password-1").status()).isEqualTo(200);
            assertThat(t.login("locked@example.com", "wrong-password-1").status()).isEqualTo(401);
            assertThat(t.login("locked@example.com", "wrong-password-1").json().get("ErrorCode").asInt()).isEqualTo(966); // and locks
            assertThat(t.login("locked@example.com", "locked-password-1").json().get("ErrorCode").asInt()).isEqualTo(1198); // a refusal
            assertThat(other.login("counted@example.com", "counted-password-1").status()).isEqualTo(200);
            assertThat(other.login("counted@example.com", "wrong-password-1").status()).isEqualTo(401);
            long hourStart = (s.clock.millis() / HOUR) * HOUR;
            long tenantId = s.server.jdbi().withHandle(h -> h.createQuery("SELECT id FROM tenants WHERE api_key = :k").bind("k", t.apiKey())
                    .mapTo(Long.class).one());
            // Earlier hours: two hours ago a login, a lockout and a blocked risky login; 30 hours ago a login.
            s.server.jdbi().useHandle(h -> {
                for (Object[] row : new Object[][] {{"Login", hourStart - 2 * HOUR + 1}, {"AccountLocked", hourStart - HOUR - 1},
                        {"Login", hourStart - 30 * HOUR}, {"TenantUpdated", hourStart - 2 * HOUR}}) {
                    h.createUpdate("INSERT INTO audit_events (id, tenant_id, created_at, event, outcome, actor) VALUES (:id, :t, :at, :e, 'success', 'user')")
                            .bind("id", UUID.randomUUID().toString()).bind("t", tenantId).bind("at", (Long) row[1]).bind("e", (String) row[0]).execute();
                }
                for (Object[] row : new Object[][] {{"Block", hourStart - 2 * HOUR + 5}, {"MFA", hourStart + 1}, {"Notify", hourStart + 2}}) {
                    h.createUpdate("INSERT INTO risk_events (id, tenant_id, uid, created_at, signals, action) VALUES (:id, :t, :uid, :at, 'IP', :a)")
                            .bind("id", UUID.randomUUID().toString()).bind("t", tenantId).bind("uid", uid).bind("at", (Long) row[1])
                            .bind("a", (String) row[0]).execute();
                }
            });

            Reply day = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/stats", null);
            assertThat(day.status()).as(day.raw()).isEqualTo(200);
            assertThat(day.json()).isEqualTo(expected(24, hourStart, new long[][] {{0, 2, 2, 1, 2}, {-2, 1, 0, 1, 1}}));
            assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/stats?hours=48", null).json())
                    .isEqualTo(expected(48, hourStart, new long[][] {{0, 2, 2, 1, 2}, {-2, 1, 0, 1, 1}, {-30, 1, 0, 0, 0}}));
            assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/stats?hours=1", null).json())
                    .isEqualTo(expected(1, hourStart, new long[][] {{0, 2, 2, 1, 2}}));
            assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/stats?hours=720", null).json().get("Data")).hasSize(720);
            // The other tenant's own: one login, one failure, nothing else.
            assertThat(s.admin("GET", "/admin/v1/tenants/" + other.apiKey() + "/stats?hours=2", null).json())
                    .isEqualTo(expected(2, hourStart, new long[][] {{0, 1, 1, 0, 0}}));
        } finally {
            s.clock.advance(Duration.ofMillis(-shift));
        }
    }

    /** {@code {"Hours", "Data"}} of {@code hours} zeros but {@code rows}: {hours from now, logins, failures, lockouts, risk actions}. */
    private static ObjectNode expected(int hours, long hourStart, long[][] rows) {
        ObjectNode o = Json.object().put("Hours", hours);
        ArrayNode data = o.putArray("Data");
        for (int i = hours - 1; i >= 0; i--) {
            int[] counts = {0, 0, 0, 0};
            for (long[] row : rows) {
                if (row[0] == -i) {
                    counts = new int[] {(int) row[1], (int) row[2], (int) row[3], (int) row[4]};
                }
            }
            data.addObject().put("Hour", Instant.ofEpochMilli(hourStart - i * HOUR).toString()).put("Logins", counts[0]).put("Failures", counts[1])
                    .put("Lockouts", counts[2]).put("RiskActions", counts[3]);
        }
        return o;
    }

    @Test
    void badHoursAreRefusedNamingTheParameter() {
        TestTenant t = s.tenant("{\"Name\":\"Hours\"}");
        for (String hours : new String[] {"0", "721", "-1", "x", "1.5", "99999999999", "%2B24"}) {
            Reply r = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/stats?hours=" + hours, null);
            assertThat(r.status()).as(hours + " " + r.raw()).isEqualTo(400);
            assertThat(r.json()).isEqualTo(Json.parse(invalid("hours", "hours must be a whole number from 1 to 720.")));
        }
    }

    @Test
    void theAdminKeyAndTheTenantAreChecked() {
        TestTenant t = s.tenant("{\"Name\":\"Guarded console\"}");
        s.admin("PUT", "/admin/v1/tenants/" + t.apiKey() + "/email-templates/Mine", "{\"Subject\":\"s\",\"Text\":\"t\"}");
        String[][] calls = {{"POST", preview(t, "email", "Mine")}, {"POST", preview(t, "sms", "latchkey-sms-otp")},
                {"GET", "/admin/v1/tenants/" + t.apiKey() + "/stats"}};
        for (String[] call : calls) {
            for (String[] headers : new String[][] {{}, {"Authorization", "Bearer wrong-admin-key"}}) {
                Reply r = s.send(call[0], call[1], null, headers);
                assertThat(r.status()).as(call[1]).isEqualTo(401);
                assertThat(r.json()).isEqualTo(Json.parse(AdminAccountSecurityContract.UNAUTHORIZED));
            }
            for (String apiKey : new String[] {UUID.randomUUID().toString(), "not-a-key"}) {
                Reply r = s.admin(call[0], call[1].replace(t.apiKey(), apiKey), null);
                assertThat(r.status()).as(call[1]).isEqualTo(404);
                assertThat(r.json()).isEqualTo(Json.parse(AdminAccountSecurityContract.UNKNOWN_TENANT));
            }
        }
        // Another tenant does not see this one's template.
        TestTenant other = s.tenant("{\"Name\":\"Other console\"}");
        Reply r = s.admin("POST", preview(other, "email", "Mine"), null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json()).isEqualTo(Json.parse(notFound("There is no email template named 'Mine'.")));
        assertThat(TestServer.ADMIN_KEY).isNotBlank();
    }
}

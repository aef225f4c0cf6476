package dev.latchkey.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/v1/tenants} lists tenants without secrets; {@code DELETE /admin/v1/tenants/{apikey}} removes a tenant and
 * every row that belongs to it, in every table that has a tenant_id (found in the schema, so a table added later is
 * checked too), and leaves other tenants alone.
 */
abstract class TenantListAndDeleteContract extends ServerContract {
    private static final String NOT_FOUND = """
            {"Description":"The provided LoginRadius API key is invalid or is not authorized, please use a valid or authorized LoginRadius API key or check the API key for your LoginRadius account.",
             "ErrorCode":901,"Message":"The API key is unauthorized","IsProviderError":false,"ProviderErrorResponse":null}""";

    @Test
    void theListShowsEveryTenantWithoutSecrets() {
        TestTenant first = s.tenant("{\"Name\":\"Listed one\"}");
        TestTenant second = s.tenant("{\"Name\":\"Listed two\",\"TwoFactorAuthentication\":{\"IsEnabled\":true}}");
        Reply list = s.admin("GET", "/admin/v1/tenants", null);
        assertThat(list.status()).as(list.raw()).isEqualTo(200);
        assertThat(list.raw()).doesNotContain(first.apiSecret()).doesNotContain(second.apiSecret()).doesNotContain("ApiSecret");
        List<String> keys = list.json().get("Data").findValuesAsText("ApiKey");
        assertThat(keys).containsSubsequence(first.apiKey(), second.apiKey());
        JsonNode shown = s.admin("GET", "/admin/v1/tenants/" + second.apiKey(), null).json();
        JsonNode entry = null;
        for (JsonNode e : list.json().get("Data")) {
            if (e.get("ApiKey").asText().equals(second.apiKey())) {
                entry = e;
            }
        }
        assertThat(entry).isEqualTo(Json.parse("{\"Name\":\"Listed two\",\"ApiKey\":\"" + second.apiKey() + "\",\"CreatedDate\":\""
                + shown.get("CreatedDate").asText() + "\",\"ModifiedDate\":\"" + shown.get("ModifiedDate").asText() + "\"}"));
        assertThat(s.send("GET", "/admin/v1/tenants", null).status()).isEqualTo(401);
    }

    /** Gives the tenant a row in every table a tenant's data lives in; returns the account's uid. */
    private String populate(TestTenant t, String email) {
        Reply hook = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"CreateTraditionalAccount\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        assertThat(hook.status()).as(hook.raw()).isEqualTo(200);
        String uid = t.account(email, "delete-password-1");
        List<String> codes = t.backupCodes(uid);
        String access = t.redeem(t.secondFactorToken(email, "delete-password-1"), codes.get(0)).text("access_token");
        t.secondFactorToken(email, "delete-password-1");
        Reply begin = s.get("/identity/v2/auth/account/2fa/register/passkey/begin?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        assertThat(begin.status()).as(begin.raw()).isEqualTo(200);
        Reply template = s.admin("PUT", "/admin/v1/tenants/" + t.apiKey() + "/email-templates/Hello", "{\"Subject\":\"Hi\",\"Text\":\"Hello\"}");
        t.login("nobody-" + email, "not-the-password"); // a throttling row
        assertThat(template.status()).as(template.raw()).isEqualTo(200);
        // A security question in the catalog and the account's answers to two (the tenant offers them for this).
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"TwoFactorAuthentication\":{\"IsSecurityQuestionAuthenticator\":true}}")
                .status()).isEqualTo(200);
        List<String> questions = new java.util.ArrayList<>();
        for (String q : new String[] {"First?", "Second?"}) {
            questions.add(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"" + q + "\"}")
                    .json().get("QuestionId").asText());
        }
        Reply answered = s.send("PUT", "/identity/v2/auth/account/2fa/securityquestionanswer?apikey=" + t.apiKey(),
                "{\"securityquestionanswer\":[{\"QuestionId\":\"" + questions.get(0) + "\",\"Answer\":\"a\"},{\"QuestionId\":\""
                        + questions.get(1) + "\",\"Answer\":\"b\"}]}", "Authorization", "Bearer " + access, "Content-Type", "application/json");
        assertThat(answered.status()).as(answered.raw()).isEqualTo(200);
        // A remembered device (the tenant remembers them for a day).
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"TwoFactorAuthentication\":{\"RememberDeviceDays\":1}}").status())
                .isEqualTo(200);
        Reply remembered = s.send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + t.apiKey()
                + "&remember_device=true&secondfactorauthenticationtoken=" + t.secondFactorToken(email, "delete-password-1"),
                "{\"backupcode\":\"" + codes.get(1) + "\"}", "Content-Type", "application/json");
        assertThat(remembered.json().has("device_token")).as(remembered.raw()).isTrue();
        long tenantId = tenantId(t);
        long now = System.currentTimeMillis();
        s.server.jdbi().useHandle(h -> {
            h.createUpdate("""
                            INSERT INTO passkeys (id, tenant_id, uid, credential_id, credential, sign_count, uv_initialized, backup_eligible,
                                                  backup_state, enrolled_via, created_at)
                            VALUES (:id, :t, :uid, :cid, 'AAAA', 0, TRUE, FALSE, FALSE, 'account', :now)""")
                    .bind("id", UUID.randomUUID().toString()).bind("t", tenantId).bind("uid", uid).bind("cid", UUID.randomUUID().toString())
                    .bind("now", now).execute();
            h.createUpdate("""
                            INSERT INTO account_links (token_hash, tenant_id, uid, kind, created_at, expires_at) VALUES (:id, :t, :uid, 'reset', :now, :now)""")
                    .bind("id", UUID.randomUUID().toString()).bind("t", tenantId).bind("uid", uid).bind("now", now).execute();
            h.createUpdate("INSERT INTO email_code_failures (tenant_id, email_key, failures, updated_at) VALUES (:t, :k, 1, :now)")
                    .bind("t", tenantId).bind("k", uid + "@example.com").bind("now", now).execute();
            h.createUpdate("""
                            INSERT INTO phone_codes (id, tenant_id, uid, kind, phone_key, phone, code_hash, created_at, expires_at)
                            VALUES (:id, :t, :uid, 'verify', '+15550001', '+15550001', 'x', :now, :now)""")
                    .bind("id", UUID.randomUUID().toString()).bind("t", tenantId).bind("uid", uid).bind("now", now).execute();
            h.createUpdate("""
                            INSERT INTO sign_in_polls (client_hash, tenant_id, kind, uid, created_at, expires_at) VALUES (:id, :t, 'smartlogin', :uid, :now, :now)""")
                    .bind("id", UUID.randomUUID().toString()).bind("t", tenantId).bind("uid", uid).bind("now", now).execute();
            h.createUpdate("INSERT INTO send_tally (tenant_id, key_hash, window_start, sends) VALUES (:t, :k, :now, 1)")
                    .bind("t", tenantId).bind("k", uid).bind("now", now).execute();
            h.createUpdate("""
                            INSERT INTO risk_events (id, tenant_id, uid, created_at, signals, action) VALUES (:id, :t, :uid, :now, 'IP', 'Notify')""")
                    .bind("id", UUID.randomUUID().toString()).bind("t", tenantId).bind("uid", uid).bind("now", now).execute();
            h.createUpdate("""
                            INSERT INTO message_outbox (id, tenant_id, uid, channel, purpose, template, recipient, status, next_attempt_at, created_at)
                            VALUES (:id, :t, :uid, 'email', 'risk-notice', 'Hello', :to, 'failed', :now, :now)""")
                    .bind("id", UUID.randomUUID().toString()).bind("t", tenantId).bind("uid", uid).bind("to", email).bind("now", now).execute();
        });
        return uid;
    }

    private long tenantId(TestTenant t) {
        return s.server.jdbi().withHandle(h -> h.createQuery("SELECT id FROM tenants WHERE api_key = :k").bind("k", t.apiKey())
                .mapTo(Long.class).one());
    }

    /**
     * Every table of the schema with a tenant_id column (Flyway's aside), as the database reports it, but the audit trail:
     * it outlives the tenants it names (deletion included) and is pruned by age only.
     */
    private List<String> tenantTables() {
        return s.server.jdbi().withHandle(h -> h.createQuery("""
                        SELECT LOWER(table_name) FROM information_schema.columns
                        WHERE LOWER(column_name) = 'tenant_id' AND LOWER(table_schema) = LOWER(CURRENT_SCHEMA)""")
                .mapTo(String.class).list()).stream().distinct().filter(table -> !table.equals("audit_events")).sorted().toList();
    }

    private Map<String, Long> rows(long tenantId, String uid) {
        Map<String, Long> counts = new LinkedHashMap<>();
        s.server.jdbi().useHandle(h -> {
            for (String table : tenantTables()) {
                counts.put(table, h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE tenant_id = :t").bind("t", tenantId).mapTo(Long.class).one());
            }
            counts.put("backup_codes", h.createQuery("SELECT COUNT(*) FROM backup_codes WHERE uid = :u").bind("u", uid).mapTo(Long.class).one());
            counts.put("tenants", h.createQuery("SELECT COUNT(*) FROM tenants WHERE id = :t").bind("t", tenantId).mapTo(Long.class).one());
        });
        return counts;
    }

    @Test
    void deletingATenantRemovesAllItsDataAndNothingElse() {
        TestTenant doomed = s.tenant("{\"Name\":\"Doomed\",\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPDisplayName\":\"D\",\"RPOrigins\":[\"http://localhost\"]}}");
        TestTenant kept = s.tenant("{\"Name\":\"Kept\",\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPDisplayName\":\"K\",\"RPOrigins\":[\"http://localhost\"]}}");
        String doomedUid = populate(doomed, "doomed@example.com");
        String keptUid = populate(kept, "kept@example.com");
        long doomedId = tenantId(doomed);
        long keptId = tenantId(kept);

        Map<String, Long> before = rows(doomedId, doomedUid);
        List<String> empty = new ArrayList<>();
        before.forEach((table, count) -> {
            if (count == 0) {
                empty.add(table);
            }
        });
        assertThat(empty).as("tables the test gave no row (so it would prove nothing for them)").isEmpty();
        Map<String, Long> keptBefore = rows(keptId, keptUid);

        Reply deleted = s.admin("DELETE", "/admin/v1/tenants/" + doomed.apiKey(), null);
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));

        Map<String, Long> after = rows(doomedId, doomedUid);
        assertThat(after).as("rows left of the deleted tenant").allSatisfy((table, count) -> assertThat(count).as(table).isZero());
        assertThat(rows(keptId, keptUid)).isEqualTo(keptBefore);

        // Gone for the API and the admin API; the other tenant works on.
        Reply login = doomed.login("doomed@example.com", "delete-password-1");
        assertThat(login.status()).isEqualTo(403);
        assertThat(login.json().get("ErrorCode").asInt()).isEqualTo(901);
        Reply again = s.admin("DELETE", "/admin/v1/tenants/" + doomed.apiKey(), null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json()).isEqualTo(Json.parse(NOT_FOUND));
        assertThat(s.admin("GET", "/admin/v1/tenants/" + doomed.apiKey(), null).status()).isEqualTo(404);
        assertThat(s.admin("GET", "/admin/v1/tenants", null).json().get("Data").findValuesAsText("ApiKey"))
                .doesNotContain(doomed.apiKey()).contains(kept.apiKey());
        assertThat(kept.login("kept@example.com", "delete-password-1").status()).isEqualTo(200);
        // The audit trail keeps the deleted tenant's history, and the deletion.
        JsonNode trail = s.admin("GET", "/admin/v1/audit-events?event=TenantDeleted", null).json().get("Data");
        assertThat(trail.findValuesAsText("Details")).contains("Doomed (ApiKey " + doomed.apiKey() + ")");
        long history = s.server.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM audit_events WHERE tenant_id = :t AND event = 'AccountCreated'").bind("t", doomedId).mapTo(Long.class).one());
        assertThat(history).isEqualTo(1L);
    }

    @Test
    void deleteNeedsTheAdminKeyAndAnExistingTenant() {
        TestTenant t = s.tenant("{\"Name\":\"Guarded\"}");
        assertThat(s.send("DELETE", "/admin/v1/tenants/" + t.apiKey(), null).status()).isEqualTo(401);
        assertThat(s.send("DELETE", "/admin/v1/tenants/" + t.apiKey(), null, "Authorization", "Bearer wrong").status()).isEqualTo(401);
        for (String key : new String[] {UUID.randomUUID().toString(), "not-a-key"}) {
            Reply r = s.admin("DELETE", "/admin/v1/tenants/" + key, null);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json()).isEqualTo(Json.parse(NOT_FOUND));
        }
        Reply badBody = s.admin("DELETE", "/admin/v1/tenants/" + t.apiKey(), "[");
        assertThat(badBody.status()).isEqualTo(400);
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey(), null).status()).isEqualTo(200);
        assertThat(TestServer.ADMIN_KEY).isNotBlank();
    }
}

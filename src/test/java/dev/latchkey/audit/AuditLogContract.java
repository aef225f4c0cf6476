package dev.latchkey.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit trail nobody can silence: logins, failures, lockouts, factor changes, sessions ended and admin changes, each
 * with time, tenant, account, client address and outcome, readable by operators; prevent_webhook does not reach it; and
 * a tenant can make chosen webhook events unsuppressible from public calls.
 */
abstract class AuditLogContract extends ServerContract {
    HttpServer receiver;
    final List<String> received = Collections.synchronizedList(new ArrayList<>());

    @Override
    protected TestServer.Options options() {
        return TestServer.Options.DEFAULT.withRisk(new ServerConfig.Risk(null, "127.0.0.1"));
    }

    @BeforeAll
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            received.add(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterAll
    void stopReceiver() {
        receiver.stop(0);
    }

    private JsonNode trail(TestTenant t, String query) {
        Reply r = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/audit-events" + query, null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().get("Data");
    }

    private static List<String> events(JsonNode data) {
        List<String> out = new ArrayList<>();
        data.forEach(e -> out.add(e.get("Event").asText() + ":" + e.get("Outcome").asText()));
        Collections.reverse(out); // oldest first, for reading
        return out;
    }

    private Reply login(TestTenant t, String email, String password, String query, String... headers) {
        List<String> h = new ArrayList<>(List.of("Content-Type", "application/json", "X-Forwarded-For", "203.0.113.77",
                "User-Agent", "AuditTest/1.0"));
        h.addAll(List.of(headers));
        return s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey() + query,
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", h.toArray(String[]::new));
    }

    @Test
    void loginsFailuresAndLockoutsAreRecordedWithWhoWhereAndOutcome() {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true},\"Security\":{\"MaxPasswordAttempts\":2}}");
        String email = "audit-" + UUID.randomUUID() + "@example.com";
        String uid = t.account(email, "audit-password");
        List<String> codes = t.backupCodes(uid);
        assertThat(login(t, "nobody-" + email, "x-password", "").status()).isEqualTo(401);
        String token = login(t, email, "audit-password", "").json().path("SecondFactorAuthentication").path("SecondFactorAuthenticationToken").asText();
        assertThat(t.redeem(token, "wrong-code1").status()).isEqualTo(403);
        assertThat(t.redeem(token, codes.get(0)).status()).isEqualTo(200);
        login(t, email, "bad-password", "");
        login(t, email, "bad-password", "");
        assertThat(login(t, email, "audit-password", "").json().path("ErrorCode").asInt()).isEqualTo(1198);

        JsonNode data = trail(t, "");
        assertThat(events(data)).containsSubsequence("AccountCreated:success", "FactorReset:success", "LoginFailed:failure",
                "LoginFailed:failure", "Login:success", "LoginFailed:failure", "LoginFailed:failure", "AccountLocked:success",
                "LoginRefused:refused");
        JsonNode unknown = null;
        for (JsonNode e : data) {
            if (e.get("Event").asText().equals("LoginFailed") && e.get("Uid").isNull()) {
                unknown = e;
            }
        }
        assertThat(unknown).isNotNull();
        assertThat(unknown.get("Identifier").asText()).isEqualTo("nobody-" + email);
        assertThat(unknown.get("IP").asText()).isEqualTo("203.0.113.77");
        assertThat(unknown.get("UserAgent").asText()).isEqualTo("AuditTest/1.0");
        assertThat(unknown.get("ErrorCode").asInt()).isEqualTo(966);
        assertThat(unknown.get("Actor").asText()).isEqualTo("user");
        assertThat(unknown.get("ApiKey").asText()).isEqualTo(t.apiKey());
        // Filters: by account and by event.
        assertThat(events(trail(t, "?uid=" + uid + "&event=Login"))).containsExactly("Login:success");
        assertThat(trail(t, "?limit=2")).hasSize(2);
        assertThat(s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/audit-events?limit=0", null).status()).isEqualTo(400);
        assertThat(s.admin("GET", "/admin/v1/audit-events?apikey=" + t.apiKey() + "&event=AccountLocked", null).json().get("Data")).hasSize(1);
        assertThat(s.get("/admin/v1/audit-events").status()).isEqualTo(401);
        // No filter at all: the whole trail (was a 500: Jdbi refused the filters' unused named values).
        assertThat(s.admin("GET", "/admin/v1/audit-events", null).json().get("Data")).isNotEmpty();
    }

    @Test
    void preventWebhookSilencesTheWebhookNotTheAuditAndATenantCanMakeEventsUnsuppressible() throws Exception {
        TestTenant quiet = s.mfaTenant(false);
        TestTenant loud = s.tenant("{\"Webhooks\":{\"UnsuppressibleEvents\":[\"Login\"]}}");
        String email = "quiet-" + UUID.randomUUID() + "@example.com";
        for (TestTenant t : List.of(quiet, loud)) {
            t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                    + "/" + t.apiKey() + "\"}");
            t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"CreateTraditionalAccount\",\"TargetUrl\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/created/" + t.apiKey() + "\"}");
            // The Management API (with the secret) may still suppress: the integrating app chooses.
            assertThat(t.manage("POST", "/identity/v2/manage/account?prevent_webhook=true",
                    "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"quiet-password\"}").status()).isEqualTo(200);
            assertThat(login(t, email, "quiet-password", "&prevent_webhook=true", "X-PreventWebhook", "true").status()).isEqualTo(200);
        }
        Thread.sleep(1500);
        assertThat(received).doesNotContain("/" + quiet.apiKey(), "/created/" + quiet.apiKey(), "/created/" + loud.apiKey());
        assertThat(received).contains("/" + loud.apiKey());
        assertThat(events(trail(quiet, "?event=Login"))).containsExactly("Login:success");
        // Event names are checked when set.
        Reply bad = s.admin("PATCH", "/admin/v1/tenants/" + quiet.apiKey(), "{\"Webhooks\":{\"UnsuppressibleEvents\":[\"Lgoin\"]}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("Errors").path(0).path("FieldName").asText()).isEqualTo("Webhooks.UnsuppressibleEvents");
    }

    @Test
    void factorChangesSessionsEndedAndAdminChangesAreRecorded() {
        TestTenant t = s.mfaTenant(false);
        String email = "changes-" + UUID.randomUUID() + "@example.com";
        String uid = t.account(email, "changes-password");
        String access = t.login(email, "changes-password").text("access_token");
        s.get("/identity/v2/auth/account/2fa/backupcode?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        s.get("/identity/v2/auth/access_token/invalidate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        t.manage("GET", "/identity/v2/manage/account/2fa/backupcode/reset?uid=" + uid, null);
        t.manage("DELETE", "/identity/v2/manage/account/" + uid + "/access_token/refresh/revoke", "{}");
        t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"IsActive\":false}");
        s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"Security\":{\"LockoutSeconds\":60}}");
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/x\"}");
        s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/sms-templates", "{\"Name\":\"Audited\",\"Body\":\"{{Otp.Code}}\"}");
        JsonNode data = trail(t, "");
        assertThat(events(data)).containsSubsequence("FactorAdded:success", "SessionEnded:success", "FactorReset:success",
                "SessionsEnded:success", "AccountUpdated:success", "AccountBlocked:success", "SessionsEnded:success", "TenantUpdated:success",
                "WebhookSaved:success", "TemplateSaved:success");
        List<String> actors = new ArrayList<>();
        data.forEach(e -> actors.add(e.get("Event").asText() + ":" + e.get("Actor").asText()));
        assertThat(actors).contains("FactorAdded:user", "FactorReset:app", "AccountBlocked:app", "TenantUpdated:admin", "WebhookSaved:app",
                "TemplateSaved:admin");
    }
}

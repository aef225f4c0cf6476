package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.json.Json;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Passwords (reference §14): the user changes theirs with the current one ({@code PUT /auth/password/change}); the
 * application sets one and reads the hash ({@code /manage/account/{uid}/password}). A new password ends every session
 * and sends LoginRadius's webhook event; a wrong current password counts toward the lockout. Runs on H2 and PostgreSQL.
 */
abstract class PasswordContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";
    private static final String NEW = "battery staple 2";

    private static String email() {
        return "pw." + UUID.randomUUID() + "@example.com";
    }

    private Reply change(TestTenant t, String access, String body) {
        return s.send("PUT", "/identity/v2/auth/password/change?apikey=" + t.apiKey(), body, "Authorization", "Bearer " + access,
                "Content-Type", "application/json");
    }

    private static String body(String old, String next) {
        return "{\"oldPassword\":\"" + old + "\",\"newPassword\":\"" + next + "\"}";
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    private List<String> queuedEvents(TestTenant t) {
        return s.server.jdbi().withHandle(h -> h.createQuery("SELECT event FROM webhook_outbox WHERE tenant_id = "
                + "(SELECT id FROM tenants WHERE api_key = :k)").bind("k", t.apiKey()).mapTo(String.class).list());
    }

    @Test
    void theUserChangesTheirPasswordAndEverySessionEnds() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"ChangePassword\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        String email = email();
        t.account(email, PASSWORD);
        Reply login = t.login(email, PASSWORD);
        String access = login.text("access_token");
        String other = t.login(email, PASSWORD).text("access_token");
        assertError(change(t, access, body("not the password", NEW)), 401, 967);
        assertError(change(t, access, body(PASSWORD, "short")), 403, 1134);
        Reply changed = change(t, access, body(PASSWORD, NEW));
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        assertThat(changed.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        // Every session ended, this one too; the refresh token as well.
        for (String token : new String[] {access, other}) {
            assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + token).status())
                    .isNotEqualTo(200);
        }
        assertThat(t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + login.text("refresh_token"), null)
                .status()).isNotEqualTo(200);
        assertError(t.login(email, PASSWORD), 401, 966);
        assertThat(t.login(email, NEW).status()).isEqualTo(200);
        assertThat(queuedEvents(t)).contains("ChangePassword");
    }

    @Test
    void wrongCurrentPasswordsCountTowardTheLockout() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"MaxPasswordAttempts\":2}}");
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        assertError(change(t, access, body("wrong 1", NEW)), 401, 967);
        assertError(change(t, access, body("wrong 2", NEW)), 401, 967); // the second: locks
        Reply locked = change(t, access, body(PASSWORD, NEW));
        assertError(locked, 403, 1198);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertError(t.login(email, PASSWORD), 403, 1198);
    }

    @Test
    void twentyParallelChangesLeaveOneNewPassword() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"MaxPasswordAttempts\":100}}");
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        List<Reply> replies = Parallel.times(20, () -> change(t, access, body(PASSWORD, NEW)));
        assertThat(replies).anySatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(replies).allSatisfy(r -> assertThat(r.status() == 200 || List.of(905, 967).contains(r.json().get("ErrorCode").asInt()))
                .as(r.raw()).isTrue());
        assertThat(t.login(email, NEW).status()).isEqualTo(200);
        assertError(t.login(email, PASSWORD), 401, 966);
    }

    @Test
    void theApplicationSetsAPasswordAndReadsTheHash() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        String email = email();
        String uid = t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        Reply set = t.manage("PUT", "/identity/v2/manage/account/" + uid + "/password", "{\"password\":\"" + NEW + "\"}");
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        String hash = set.text("PasswordHash");
        assertThat(hash).startsWith("$argon2id$");
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid + "/password", null).json())
                .isEqualTo(Json.parse("{\"PasswordHash\":\"" + hash.replace("\\", "\\\\") + "\"}"));
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access).status())
                .isNotEqualTo(200);
        assertThat(t.login(email, NEW).status()).isEqualTo(200);
        assertError(t.manage("PUT", "/identity/v2/manage/account/" + uid + "/password", "{\"password\":\"short\"}"), 403, 1134);
        assertError(t.manage("PUT", "/identity/v2/manage/account/" + uid + "/password", "{}"), 403, 908);
        TestTenant other = s.tenant("{\"Name\":\"Other\"}");
        assertError(other.manage("PUT", "/identity/v2/manage/account/" + uid + "/password", "{\"password\":\"" + NEW + "\"}"), 403, 938);
        assertError(other.manage("GET", "/identity/v2/manage/account/" + uid + "/password", null), 403, 938);
        assertError(t.manage("GET", "/identity/v2/manage/account/" + UUID.randomUUID() + "/password", null), 403, 938);
    }

    @Test
    void badInputs() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        assertError(change(t, access, "{\"newpassword\":\"" + NEW + "\"}"), 403, 908);
        assertError(change(t, access, "{\"oldpassword\":\"" + PASSWORD + "\"}"), 403, 908);
        assertError(change(t, access, "{\"oldpassword\":1,\"newpassword\":\"" + NEW + "\"}"), 403, 1134);
        assertError(change(t, access, body(PASSWORD, "x".repeat(200))), 403, 1134);
        assertError(change(t, access, body(PASSWORD, "new\\u0000password")), 403, 1134);
        assertError(change(t, access, "[]"), 400, 1079);
        assertError(change(t, "not-a-token", body(PASSWORD, NEW)), 403, 905);
        assertThat(t.login(email, PASSWORD).status()).isEqualTo(200); // nothing changed
    }
}

package dev.latchkey.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The admin console's view of one account: {@code GET /admin/v1/tenants/{apikey}/accounts/{uid}/security} shows every
 * factor's state (never a secret, a code or an answer), the live sessions and the remembered devices; {@code DELETE
 * …/sessions/{id}} ends one session and {@code DELETE …/sessions} all of them, access tokens included, audited as the
 * operator's. The admin key, the tenant and the uid are checked; one tenant never reaches another's accounts.
 */
abstract class AdminAccountSecurityContract extends ServerContract {
    static final String PASSWORD = "security-view-password-1";
    static final String UNAUTHORIZED = """
            {"Description":"Access Unauthorized, please use valid authorization to access this endpoint.","ErrorCode":6002,
             "Message":"Access Unauthorized","IsProviderError":false,"ProviderErrorResponse":null}""";
    static final String UNKNOWN_TENANT = """
            {"Description":"The provided LoginRadius API key is invalid or is not authorized, please use a valid or authorized LoginRadius API key or check the API key for your LoginRadius account.",
             "ErrorCode":901,"Message":"The API key is unauthorized","IsProviderError":false,"ProviderErrorResponse":null}""";
    static final String UNKNOWN_USER = """
            {"Description":"The user's account does not exist, please use a valid user or create the user before processing this request.",
             "ErrorCode":938,"Message":"User does not exist","IsProviderError":false,"ProviderErrorResponse":null}""";
    static final String UNKNOWN_SESSION = """
            {"Description":"This account has no live session with that Id.","ErrorCode":908,
             "Message":"A parameter is not formatted correctly","IsProviderError":false,"ProviderErrorResponse":null}""";

    private static String email() {
        return "security-" + UUID.randomUUID() + "@example.com";
    }

    private String security(TestTenant t, String uid) {
        return "/admin/v1/tenants/" + t.apiKey() + "/accounts/" + uid + "/security";
    }

    private String sessions(TestTenant t, String uid) {
        return "/admin/v1/tenants/" + t.apiKey() + "/accounts/" + uid + "/sessions";
    }

    private Reply validate(TestTenant t, String access) {
        return s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
    }

    private Reply refresh(TestTenant t, String refreshToken) {
        return t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + refreshToken, null);
    }

    private long one(String sql, String uid) {
        return s.server.jdbi().withHandle(h -> h.createQuery(sql).bind("uid", uid).mapTo(Long.class).one());
    }

    @Test
    void everyFactorsStateSessionsAndDevicesWithoutASecret() {
        TestTenant t = s.tenant("{\"Name\":\"Security view\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,"
                + "\"IsSmsOTPAuthenticator\":true,\"IsEmailOTPAuthenticator\":true,\"IsSecurityQuestionAuthenticator\":true,\"RememberDeviceDays\":1}}");
        String email = email();
        String uid = t.account(email, PASSWORD);

        // Nothing set up yet: every factor says so, no session, no device.
        Reply bare = s.admin("GET", security(t, uid), null);
        assertThat(bare.status()).as(bare.raw()).isEqualTo(200);
        assertThat(bare.json()).isEqualTo(Json.parse("""
                {"Uid":"%s","IsMfaEnrolled":false,"LockedUntil":null,"Factors":[
                 {"Factor":"backupcode","IsConfigured":false,"CodesLeft":0,"CreatedDate":null},
                 {"Factor":"passkey","IsConfigured":false,"Passkeys":[]},
                 {"Factor":"authenticator","IsConfigured":false,"CreatedDate":null},
                 {"Factor":"sms","IsConfigured":false,"Phone":null,"CreatedDate":null},
                 {"Factor":"email","IsConfigured":false,"CreatedDate":null},
                 {"Factor":"securityquestion","IsConfigured":false,"Questions":[]}],
                 "Sessions":[],"RememberedDevices":[]}""".formatted(uid)));

        // The authenticator app, set up from a password-only session (no factor yet).
        String passwordOnly = t.login(email, PASSWORD).text("access_token");
        String manual = s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + passwordOnly)
                .json().get("ManualEntryCode").asText();
        AuthenticatorDevice app = new AuthenticatorDevice(manual);
        Reply enabled = s.send("PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + t.apiKey(),
                "{\"authenticatorcode\":\"" + app.code(s.clock.instant()) + "\"}", "Authorization", "Bearer " + passwordOnly,
                "Content-Type", "application/json");
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);
        // Backup codes; a login with one of them, then security questions from that session.
        List<String> codes = t.backupCodes(uid);
        String withFactor = t.redeem(t.secondFactorToken(email, PASSWORD), codes.get(0)).text("access_token");
        List<String> questions = new java.util.ArrayList<>();
        for (String q : new String[] {"First pet?", "First street?"}) {
            questions.add(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"" + q + "\"}")
                    .json().get("QuestionId").asText());
        }
        Reply answered = s.send("PUT", "/identity/v2/auth/account/2fa/securityquestionanswer?apikey=" + t.apiKey(),
                "{\"securityquestionanswer\":[{\"QuestionId\":\"" + questions.get(0) + "\",\"Answer\":\"Rex the dog\"},{\"QuestionId\":\""
                        + questions.get(1) + "\",\"Answer\":\"Elm street\"}]}", "Authorization", "Bearer " + withFactor,
                "Content-Type", "application/json");
        assertThat(answered.status()).as(answered.raw()).isEqualTo(200);
        // A login that remembers its device.
        Reply remembered = s.send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + t.apiKey()
                + "&remember_device=true&secondfactorauthenticationtoken=" + t.secondFactorToken(email, PASSWORD),
                "{\"backupcode\":\"" + codes.get(1) + "\"}", "Content-Type", "application/json", "User-Agent", "Console test browser");
        String deviceToken = remembered.text("device_token");
        assertThat(deviceToken).as(remembered.raw()).isNotNull();
        // A passkey (its WebAuthn ceremony is PasskeyContract's business).
        String passkeyId = UUID.randomUUID().toString();
        long passkeyAt = s.clock.millis() - 60_000;
        long tenantId = s.server.jdbi().withHandle(h -> h.createQuery("SELECT id FROM tenants WHERE api_key = :k").bind("k", t.apiKey())
                .mapTo(Long.class).one());
        s.server.jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO passkeys (id, tenant_id, uid, credential_id, credential, sign_count, uv_initialized, backup_eligible,
                                              backup_state, enrolled_via, created_at)
                        VALUES (:id, :t, :uid, :cid, 'AAAA', 0, TRUE, FALSE, FALSE, 'account', :now)""")
                .bind("id", passkeyId).bind("t", tenantId).bind("uid", uid).bind("cid", UUID.randomUUID().toString()).bind("now", passkeyAt)
                .execute());

        Reply view = s.admin("GET", security(t, uid), null);
        assertThat(view.status()).as(view.raw()).isEqualTo(200);
        JsonNode got = view.json();
        // The sessions: newest first, each ending when its refresh token does (60 days after its login), the password-only one last.
        JsonNode sessions = got.get("Sessions");
        assertThat(sessions).hasSize(3);
        assertThat(sessions.findValuesAsText("IsSecondFactorVerified")).containsExactly("true", "true", "false");
        for (JsonNode session : sessions) {
            assertThat(Duration.between(Instant.parse(session.get("CreatedDate").asText()), Instant.parse(session.get("ExpiresDate").asText())))
                    .isEqualTo(Duration.ofDays(60));
            assertThat(session.get("Id").asText()).matches("[0-9a-f-]{36}");
        }
        JsonNode devices = t.manage("GET", "/identity/v2/manage/account/2fa/remembereddevices?uid=" + uid, null).json().get("Data");
        assertThat(devices).hasSize(1);
        ObjectNode expected = (ObjectNode) Json.parse("""
                {"Uid":"%s","IsMfaEnrolled":true,"LockedUntil":null,"Factors":[
                 {"Factor":"backupcode","IsConfigured":true,"CodesLeft":8,"CreatedDate":"%s"},
                 {"Factor":"passkey","IsConfigured":true,"Passkeys":[{"Id":"%s","CreatedDate":"%s","LastUsedDate":null,"EnrolledVia":"account",
                  "IsPossiblyCloned":false}]},
                 {"Factor":"authenticator","IsConfigured":true,"CreatedDate":"%s"},
                 {"Factor":"sms","IsConfigured":false,"Phone":null,"CreatedDate":null},
                 {"Factor":"email","IsConfigured":false,"CreatedDate":null},
                 {"Factor":"securityquestion","IsConfigured":true,"Questions":[{"QuestionId":"%s","Question":"First pet?"},
                  {"QuestionId":"%s","Question":"First street?"}]}]}""".formatted(uid,
                Instant.ofEpochMilli(one("SELECT MIN(created_at) FROM backup_codes WHERE uid = :uid", uid)), passkeyId, Instant.ofEpochMilli(passkeyAt),
                Instant.ofEpochMilli(one("SELECT created_at FROM authenticators WHERE uid = :uid", uid)), questions.get(0), questions.get(1)));
        expected.set("Sessions", sessions);
        expected.set("RememberedDevices", devices);
        assertThat(got).isEqualTo(expected);
        assertThat(devices.get(0).get("UserAgent").asText()).isEqualTo("Console test browser");
        // Nothing that works as a credential: no code, secret, answer, token or hash of one.
        assertThat(view.raw()).doesNotContain(manual, codes.get(2), "Rex", "Elm", deviceToken, passwordOnly, withFactor, t.apiSecret(),
                remembered.text("access_token"), remembered.text("refresh_token"));
        assertThat(view.raw().toLowerCase()).doesNotContain("hash", "secret", "token\"");
    }

    @Test
    void oneSessionEndsAtOnceAndTheOthersLiveOn() {
        TestTenant t = s.tenant("{\"Name\":\"Sessions\"}");
        String email = email();
        String uid = t.account(email, PASSWORD);
        Reply first = t.login(email, PASSWORD);
        String firstId = s.admin("GET", security(t, uid), null).json().get("Sessions").get(0).get("Id").asText();
        Reply second = t.login(email, PASSWORD);
        JsonNode both = s.admin("GET", security(t, uid), null).json().get("Sessions");
        assertThat(both.findValuesAsText("Id")).hasSize(2).contains(firstId).doesNotHaveDuplicates();
        assertThat(both.findValuesAsText("IsSecondFactorVerified")).containsExactly("false", "false");
        // A refresh continues the same session: same Id, same start.
        Reply refreshed = refresh(t, first.text("refresh_token"));
        assertThat(refreshed.status()).as(refreshed.raw()).isEqualTo(200);
        assertThat(s.admin("GET", security(t, uid), null).json().get("Sessions")).isEqualTo(both);

        Reply ended = s.admin("DELETE", sessions(t, uid) + "/" + firstId, null);
        assertThat(ended.status()).as(ended.raw()).isEqualTo(200);
        assertThat(ended.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        // The ended session's access and refresh tokens stop at once; the other session works on.
        assertThat(validate(t, refreshed.text("access_token")).json().get("ErrorCode").asInt()).isEqualTo(905);
        assertThat(refresh(t, refreshed.text("refresh_token")).json().get("ErrorCode").asInt()).isEqualTo(1217);
        assertThat(validate(t, second.text("access_token")).status()).isEqualTo(200);
        JsonNode left = s.admin("GET", security(t, uid), null).json().get("Sessions");
        assertThat(left).hasSize(1);
        assertThat(left.get(0).get("Id").asText()).isNotEqualTo(firstId);
        // Ended, it is no longer there to end; nor is a session that never was.
        for (String id : new String[] {firstId, UUID.randomUUID().toString(), "not-a-session"}) {
            Reply again = s.admin("DELETE", sessions(t, uid) + "/" + id, null);
            assertThat(again.status()).as(again.raw()).isEqualTo(404);
            assertThat(again.json()).isEqualTo(Json.parse(UNKNOWN_SESSION));
        }
        JsonNode trail = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/audit-events?event=SessionEnded&uid=" + uid, null).json().get("Data");
        assertThat(trail).hasSize(1);
        assertThat(trail.get(0).get("Actor").asText()).isEqualTo("admin");
        assertThat(trail.get(0).get("Details").asText()).isEqualTo("session " + firstId + " revoked");
    }

    @Test
    void allSessionsEndWithTheirAccessTokens() {
        TestTenant t = s.tenant("{\"Name\":\"All sessions\",\"TwoFactorAuthentication\":{\"RememberDeviceDays\":1}}");
        String email = email();
        String uid = t.account(email, PASSWORD);
        List<Reply> logins = List.of(t.login(email, PASSWORD), t.login(email, PASSWORD), t.login(email, PASSWORD));
        assertThat(s.admin("GET", security(t, uid), null).json().get("Sessions")).hasSize(3);

        Reply ended = s.admin("DELETE", sessions(t, uid), "{}");
        assertThat(ended.status()).as(ended.raw()).isEqualTo(200);
        assertThat(ended.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        for (Reply login : logins) {
            assertThat(validate(t, login.text("access_token")).json().get("ErrorCode").asInt()).isEqualTo(905);
            assertThat(refresh(t, login.text("refresh_token")).json().get("ErrorCode").asInt()).isEqualTo(1217);
        }
        assertThat(s.admin("GET", security(t, uid), null).json().get("Sessions")).isEmpty();
        // A new login is a new session.
        assertThat(validate(t, t.login(email, PASSWORD).text("access_token")).status()).isEqualTo(200);
        assertThat(s.admin("GET", security(t, uid), null).json().get("Sessions")).hasSize(1);
        JsonNode trail = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/audit-events?event=SessionsEnded&uid=" + uid, null).json().get("Data");
        assertThat(trail).hasSize(1);
        assertThat(trail.get(0).get("Actor").asText()).isEqualTo("admin");
    }

    @Test
    void theAdminKeyTheTenantAndTheUidAreChecked() {
        TestTenant t = s.tenant("{\"Name\":\"Guarded account\"}");
        String email = email();
        String uid = t.account(email, PASSWORD);
        Reply login = t.login(email, PASSWORD);
        String sessionId = s.admin("GET", security(t, uid), null).json().get("Sessions").get(0).get("Id").asText();
        String[][] calls = {{"GET", security(t, uid)}, {"DELETE", sessions(t, uid) + "/" + sessionId}, {"DELETE", sessions(t, uid)}};
        for (String[] call : calls) {
            for (String[] headers : new String[][] {{}, {"Authorization", "Bearer wrong-admin-key"}, {"Authorization", TestServer.ADMIN_KEY},
                    {"Authorization", "Basic " + TestServer.ADMIN_KEY}}) {
                Reply r = s.send(call[0], call[1], null, headers);
                assertThat(r.status()).as(call[1] + " " + r.raw()).isEqualTo(401);
                assertThat(r.json()).isEqualTo(Json.parse(UNAUTHORIZED));
            }
            for (String apiKey : new String[] {UUID.randomUUID().toString(), "not-a-key"}) {
                Reply r = s.admin(call[0], call[1].replace(t.apiKey(), apiKey), null);
                assertThat(r.status()).as(call[1] + " " + r.raw()).isEqualTo(404);
                assertThat(r.json()).isEqualTo(Json.parse(UNKNOWN_TENANT));
            }
            for (String unknown : new String[] {UUID.randomUUID().toString(), "nobody"}) {
                Reply r = s.admin(call[0], call[1].replace(uid, unknown), null);
                assertThat(r.status()).as(call[1] + " " + r.raw()).isEqualTo(404);
                assertThat(r.json()).isEqualTo(Json.parse(UNKNOWN_USER));
            }
        }
        // A body that is not a JSON object is refused as everywhere (1084), and changes nothing.
        Reply badBody = s.admin("DELETE", sessions(t, uid), "[");
        assertThat(badBody.status()).as(badBody.raw()).isEqualTo(400);
        assertThat(badBody.json().get("ErrorCode").asInt()).isEqualTo(1084);
        assertThat(validate(t, login.text("access_token")).status()).isEqualTo(200);
    }

    @Test
    void oneTenantNeverReachesAnothersAccounts() {
        TestTenant mine = s.tenant("{\"Name\":\"Mine\"}");
        TestTenant theirs = s.tenant("{\"Name\":\"Theirs\"}");
        String email = email();
        String myUid = mine.account(email, PASSWORD);
        String theirUid = theirs.account(email, PASSWORD);
        Reply myLogin = mine.login(email, PASSWORD);
        Reply theirLogin = theirs.login(email, PASSWORD);
        String theirSession = s.admin("GET", security(theirs, theirUid), null).json().get("Sessions").get(0).get("Id").asText();

        // Their uid through my tenant: no such account here.
        for (String[] call : new String[][] {{"GET", security(mine, theirUid)}, {"DELETE", sessions(mine, theirUid) + "/" + theirSession},
                {"DELETE", sessions(mine, theirUid)}}) {
            Reply r = s.admin(call[0], call[1], null);
            assertThat(r.status()).as(r.raw()).isEqualTo(404);
            assertThat(r.json()).isEqualTo(Json.parse(UNKNOWN_USER));
        }
        // Their session through my account: not mine to end.
        Reply crossed = s.admin("DELETE", sessions(mine, myUid) + "/" + theirSession, null);
        assertThat(crossed.status()).isEqualTo(404);
        assertThat(crossed.json()).isEqualTo(Json.parse(UNKNOWN_SESSION));
        // Ending all of mine leaves theirs alone.
        assertThat(s.admin("DELETE", sessions(mine, myUid), null).status()).isEqualTo(200);
        assertThat(validate(mine, myLogin.text("access_token")).json().get("ErrorCode").asInt()).isEqualTo(905);
        assertThat(validate(theirs, theirLogin.text("access_token")).status()).isEqualTo(200);
        ArrayNode left = (ArrayNode) s.admin("GET", security(theirs, theirUid), null).json().get("Sessions");
        assertThat(left.findValuesAsText("Id")).containsExactly(theirSession);
    }
}

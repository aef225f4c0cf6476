package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Step-up re-authentication (reference §3.3): a signed-in user proves again with a backup code, the authenticator app or
 * the password; the answer is a SecondFactorValidationToken that the application checks once, server side; a second
 * factor passed here is the proof a factor change asks for. Runs on H2 and PostgreSQL.
 */
abstract class ReauthContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";

    private static String email() {
        return "reauth." + UUID.randomUUID() + "@example.com";
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    private Reply reauth(TestTenant t, String access, String path, String body) {
        return s.send("PUT", "/identity/v2/auth/account/reauth/" + path + "?apikey=" + t.apiKey(), body,
                "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    private Reply check(TestTenant t, String uid, String kind, String token) {
        return t.manage("POST", "/identity/v2/manage/account/" + uid + "/reauth/" + kind,
                Json.write(Json.object().put("SecondFactorValidationToken", token)));
    }

    private Reply newCodes(TestTenant t, String access) {
        return s.get("/identity/v2/auth/account/2fa/backupcode/reset?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
    }

    /** A session that proved only the password (opened before the account had a factor); the account then gets codes. */
    private record Signed(String uid, String access, List<String> codes) {}

    private Signed passwordOnlySessionWithCodes(TestTenant t, String email) {
        String uid = t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        return new Signed(uid, access, t.backupCodes(uid));
    }

    private static String token(Reply proof) {
        assertThat(proof.status()).as(proof.raw()).isEqualTo(200);
        List<String> keys = new ArrayList<>();
        proof.json().fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("SecondFactorValidationToken", "ExpireIn");
        assertThat(proof.text("ExpireIn")).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        return proof.text("SecondFactorValidationToken");
    }

    @Test
    void aBackupCodeGivesAProofTheApplicationChecksOnceAndTheSessionMayChangeFactors() {
        TestTenant t = s.mfaTenant(false);
        Signed u = passwordOnlySessionWithCodes(t, email());

        JsonNode factors = s.get("/identity/v2/auth/account/reauth/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + u.access()).json();
        assertThat(factors.get("IsAuthenticatorVerified").asBoolean()).isFalse();
        assertThat(factors.get("QRCode").isNull()).isTrue(); // what the account can use: no enrollment here
        assertError(newCodes(t, u.access()), 403, 1193); // the password alone is not a recent second factor

        String proof = token(reauth(t, u.access(), "2fa/backupcode", "{\"backupcode\":\"" + u.codes().get(0) + "\"}"));
        assertThat(proof).matches("[0-9a-f-]{36}");
        assertThat(newCodes(t, u.access()).status()).isEqualTo(200); // the session now holds the proof

        assertError(check(t, u.uid(), "password", proof), 403, 1193); // a second factor is not a password proof
        assertThat(check(t, u.uid(), "2fa", proof).json()).isEqualTo(Json.parse("{\"IsValid\":true}"));
        assertError(check(t, u.uid(), "2fa", proof), 403, 1193); // once
    }

    @Test
    void aProofIsForItsAccountAndItsTimeOnly() {
        TestTenant t = s.mfaTenant(false);
        Signed u = passwordOnlySessionWithCodes(t, email());
        Signed other = passwordOnlySessionWithCodes(t, email());
        String proof = token(reauth(t, u.access(), "2fa/backupcode", "{\"backupcode\":\"" + u.codes().get(1) + "\"}"));
        assertError(check(t, other.uid(), "2fa", proof), 403, 1193);
        TestTenant otherTenant = s.mfaTenant(false);
        assertError(check(otherTenant, u.uid(), "2fa", proof), 403, 938);
        assertError(check(t, u.uid(), "2fa", UUID.randomUUID().toString()), 403, 1193);
        assertError(check(t, u.uid(), "2fa", "not-a-token"), 403, 1193);
        assertError(t.manage("POST", "/identity/v2/manage/account/" + u.uid() + "/reauth/2fa", "{}"), 403, 908);

        String late = token(reauth(t, u.access(), "2fa/backupcode", "{\"backupcode\":\"" + u.codes().get(2) + "\"}"));
        s.clock.advance(Duration.ofMinutes(16));
        try {
            assertError(check(t, u.uid(), "2fa", late), 403, 1193);
        } finally {
            s.clock.advance(Duration.ofMinutes(-16));
        }
        // The code used for the first proof is spent.
        assertError(reauth(t, u.access(), "2fa/backupcode", "{\"backupcode\":\"" + u.codes().get(1) + "\"}"), 403, 1129);
    }

    @Test
    void theAuthenticatorAppOnBothPaths() {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false},"
                + "\"Security\":{\"MaxSecondFactorAttempts\":100}}");
        String email = email();
        String uid = t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        AuthenticatorDevice app = new AuthenticatorDevice(s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(),
                "Authorization", "Bearer " + access).json().get("ManualEntryCode").asText());
        assertThat(s.send("PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + t.apiKey(),
                "{\"authenticatorcode\":\"" + app.code(s.clock.instant()) + "\"}", "Authorization", "Bearer " + access,
                "Content-Type", "application/json").status()).isEqualTo(200);
        assertThat(s.get("/identity/v2/auth/account/reauth/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + access).json()
                .get("IsAuthenticatorVerified").asBoolean()).isTrue();

        s.clock.advance(Duration.ofSeconds(30));
        String code = app.code(s.clock.instant());
        String proof = token(reauth(t, access, "2fa/authenticatorcode", "{\"authenticatorcode\":\"" + code + "\"}"));
        assertError(reauth(t, access, "2fa/authenticatorcode", "{\"authenticatorcode\":\"" + code + "\"}"), 403, 1102); // replay
        s.clock.advance(Duration.ofSeconds(30));
        token(reauth(t, access, "2fa/googleauthenticatorcode", "{\"googleauthenticatorcode\":\"" + app.code(s.clock.instant()) + "\"}"));
        assertThat(check(t, uid, "2fa", proof).json().get("IsValid").asBoolean()).isTrue();
    }

    @Test
    void thePasswordGivesAPasswordProofOnly() {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false},"
                + "\"Security\":{\"MaxPasswordAttempts\":3}}");
        Signed u = passwordOnlySessionWithCodes(t, email());
        String proof = token(reauth(t, u.access(), "password", "{\"password\":\"" + PASSWORD + "\"}"));
        assertError(check(t, u.uid(), "2fa", proof), 403, 1193);
        assertThat(check(t, u.uid(), "password", proof).json()).isEqualTo(Json.parse("{\"IsValid\":true}"));
        assertError(newCodes(t, u.access()), 403, 1193); // a password is not a second factor

        assertError(reauth(t, u.access(), "password", "{}"), 400, 1089);
        assertError(reauth(t, u.access(), "password", "{\"password\":\"wrong one 1\"}"), 401, 966);
        assertError(reauth(t, u.access(), "password", "{\"password\":\"wrong one 2\"}"), 401, 966);
        assertError(reauth(t, u.access(), "password", "{\"password\":\"wrong one 3\"}"), 401, 966); // locks
        Reply locked = reauth(t, u.access(), "password", "{\"password\":\"" + PASSWORD + "\"}");
        assertError(locked, 403, 1198);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void wrongSecondFactorsCountTowardTheLockout() {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false},"
                + "\"Security\":{\"MaxSecondFactorAttempts\":3}}");
        String email = email();
        Signed u = passwordOnlySessionWithCodes(t, email);
        for (int i = 0; i < 3; i++) {
            assertError(reauth(t, u.access(), "2fa/backupcode", "{\"backupcode\":\"zzzzz-zzzz" + i + "\"}"), 403, 1129);
        }
        assertError(reauth(t, u.access(), "2fa/backupcode", "{\"backupcode\":\"" + u.codes().get(0) + "\"}"), 403, 1198);
        // The lock applies to logins too.
        assertError(t.login(email, PASSWORD), 403, 1198);
    }

    @Test
    void oneCodeInTwentyParallelReauthenticationsProvesOnce() throws Exception {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false},"
                + "\"Security\":{\"MaxSecondFactorAttempts\":100}}");
        Signed u = passwordOnlySessionWithCodes(t, email());
        String body = "{\"backupcode\":\"" + u.codes().get(3) + "\"}";
        List<Reply> replies = Parallel.times(20, () -> reauth(t, u.access(), "2fa/backupcode", body));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(replies.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(1129));
    }

    @Test
    void withoutMfaItIsNotEnabledAndBadInputsAreRefused() {
        TestTenant off = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":false}}");
        String email = email();
        off.account(email, PASSWORD);
        String access = off.login(email, PASSWORD).text("access_token");
        assertError(s.get("/identity/v2/auth/account/reauth/2fa?apikey=" + off.apiKey(), "Authorization", "Bearer " + access), 403, 1191);
        assertError(reauth(off, access, "2fa/backupcode", "{\"backupcode\":\"abcde-fghij\"}"), 403, 1191);

        TestTenant t = s.mfaTenant(false);
        Signed u = passwordOnlySessionWithCodes(t, email());
        assertError(reauth(t, u.access(), "2fa/backupcode", "{}"), 403, 908);
        assertError(reauth(t, u.access(), "2fa/backupcode", "{\"backupcode\":12345}"), 403, 1134);
        assertError(reauth(t, u.access(), "2fa/backupcode", "{\"backupcode\":\"" + "x".repeat(100_000) + "\"}"), 403, 1129);
        assertError(reauth(t, u.access(), "2fa/authenticatorcode", "{\"authenticatorcode\":\"123456\"}"), 403, 1099); // none set up
        assertError(s.send("PUT", "/identity/v2/auth/account/reauth/2fa/backupcode?apikey=" + t.apiKey(), "{\"backupcode\":\"a\"}",
                "Content-Type", "application/json"), 400, 1060);
    }
}

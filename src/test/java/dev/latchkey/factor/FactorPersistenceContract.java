package dev.latchkey.factor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.PasskeyEmulator;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A second factor never vanishes silently: an account that had one keeps needing one (using up the last backup code
 * changes nothing), the password alone never adds a factor to it, and changing its factors with an access token needs
 * a second factor passed recently (an admin can always reset).
 */
abstract class FactorPersistenceContract extends ServerContract {
    static final String ORIGIN = "http://localhost:8080";

    private static int code(Reply r) {
        return r.json() == null ? 0 : r.json().path("ErrorCode").asInt(0);
    }

    private static String unique() {
        return "factor-" + UUID.randomUUID() + "@example.com";
    }

    private TestTenant tenant(boolean required) {
        return s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":" + required + "},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPOrigins\":[\"" + ORIGIN + "\"]}}");
    }

    private static String token(Reply step1) {
        return step1.json().path("SecondFactorAuthentication").path("SecondFactorAuthenticationToken").asText(null);
    }

    private Reply withAccess(String method, TestTenant t, String path, String access) {
        return s.send(method, path + (path.contains("?") ? "&" : "?") + "apikey=" + t.apiKey(), method.equals("GET") ? null : "{}",
                "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    private void useAllCodes(TestTenant t, String email, List<String> codes) {
        for (String c : codes) {
            assertThat(t.redeem(t.secondFactorToken(email, "factor-password"), c).status()).isEqualTo(200);
        }
    }

    @Test
    void withOptionalMfaTheLastBackupCodeUsedStillLeavesASecondFactorToGive() {
        TestTenant t = tenant(false);
        String email = unique();
        String uid = t.account(email, "factor-password");
        useAllCodes(t, email, t.backupCodes(uid));
        Reply step1 = t.login(email, "factor-password");
        assertThat(step1.status()).isEqualTo(200);
        assertThat(token(step1)).as(step1.raw()).isNotNull();
        assertThat(step1.json().has("refresh_token")).isFalse();
        // An admin gives new codes (the recovery path): they work.
        List<String> fresh = t.backupCodes(uid);
        assertThat(t.redeem(token(step1), fresh.get(0)).status()).isEqualTo(200);
    }

    @Test
    void withRequiredMfaAnAccountThatHadAFactorCannotEnrollOneWithThePasswordAlone() {
        TestTenant t = tenant(true);
        String email = unique();
        String uid = t.account(email, "factor-password");
        useAllCodes(t, email, t.backupCodes(uid));
        String token = t.secondFactorToken(email, "factor-password");
        Reply begin = s.get("/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token);
        assertThat(begin.status()).isEqualTo(403);
        assertThat(code(begin)).isEqualTo(908);
        // A new account of the same tenant, which never had a factor, does enroll at its first login.
        String newcomer = unique();
        t.account(newcomer, "factor-password");
        String first = t.secondFactorToken(newcomer, "factor-password");
        assertThat(s.get("/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + first)
                .status()).isEqualTo(200);
    }

    @Test
    void changingSecondFactorsNeedsARecentSecondFactor() {
        TestTenant t = tenant(false);
        String email = unique();
        String uid = t.account(email, "factor-password");
        List<String> codes = t.backupCodes(uid);
        Reply login = t.redeem(t.secondFactorToken(email, "factor-password"), codes.get(0));
        String access = login.text("access_token");
        // Just after a second factor: allowed.
        Reply reset = withAccess("GET", t, "/identity/v2/auth/account/2fa/backupcode/reset", access);
        assertThat(reset.status()).as(reset.raw()).isEqualTo(200);
        // 16 minutes later (the proof lasts 15 by default), the same session may not.
        s.clock.advance(Duration.ofMinutes(16));
        Reply stale = withAccess("GET", t, "/identity/v2/auth/account/2fa/backupcode/reset", access);
        assertThat(stale.status()).isEqualTo(403);
        assertThat(code(stale)).isEqualTo(1193);
        assertThat(stale.json().path("Description").asText()).contains("second factor");
        assertThat(code(withAccess("DELETE", t, "/identity/v2/auth/account/2fa/authenticator/passkey", access))).isEqualTo(1193);
        assertThat(code(withAccess("GET", t, "/identity/v2/auth/account/2fa/register/passkey/begin", access))).isEqualTo(1193);
        assertThat(code(withAccess("DELETE", t, "/identity/v2/auth/account/passkey/" + UUID.randomUUID(), access))).isEqualTo(1193);
        // Reading is not changing: the profile and the MFA settings stay readable.
        assertThat(withAccess("GET", t, "/identity/v2/auth/account/2fa", access).status()).isEqualTo(200);
        // An admin can always reset.
        assertThat(t.manage("GET", "/identity/v2/manage/account/2fa/backupcode/reset?uid=" + uid, null).status()).isEqualTo(200);
    }

    @Test
    void aRefreshedSessionKeepsTheAgeOfItsProof() {
        TestTenant t = tenant(false);
        String email = unique();
        String uid = t.account(email, "factor-password");
        List<String> codes = t.backupCodes(uid);
        Reply login = t.redeem(t.secondFactorToken(email, "factor-password"), codes.get(0));
        s.clock.advance(Duration.ofMinutes(10));
        Reply refreshed = t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + login.text("refresh_token"), null);
        assertThat(withAccess("GET", t, "/identity/v2/auth/account/2fa/backupcode/reset", refreshed.text("access_token")).status()).isEqualTo(200);
        s.clock.advance(Duration.ofMinutes(6));
        assertThat(code(withAccess("GET", t, "/identity/v2/auth/account/2fa/backupcode/reset", refreshed.text("access_token")))).isEqualTo(1193);
    }

    @Test
    void thePasswordAloneSetsUpTheFirstFactorButAddsNoneToAnAccountThatHasOne() {
        TestTenant t = tenant(false);
        String email = unique();
        String uid = t.account(email, "factor-password");
        // Optional MFA, no factor: the password alone signs in, and that session may set up the first factor.
        String first = t.login(email, "factor-password").text("access_token");
        String second = t.login(email, "factor-password").text("access_token");
        Reply generated = withAccess("GET", t, "/identity/v2/auth/account/2fa/backupcode", first);
        assertThat(generated.status()).as(generated.raw()).isEqualTo(200);
        // Now the account has a factor: the other password-only session can neither replace the codes nor add a passkey.
        assertThat(code(withAccess("GET", t, "/identity/v2/auth/account/2fa/backupcode/reset", second))).isEqualTo(1193);
        assertThat(code(withAccess("GET", t, "/identity/v2/auth/account/2fa/register/passkey/begin", second))).isEqualTo(1193);
        assertThat(code(withAccess("GET", t, "/identity/v2/auth/account/2fa/backupcode/reset", first))).isEqualTo(1193);
    }

    @Test
    void removingTheLastFactorIsExplicitAndWithRequiredMfaRefused() {
        for (boolean required : new boolean[] {false, true}) {
            TestTenant t = tenant(required);
            String email = unique();
            t.account(email, "factor-password");
            PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
            String access;
            if (required) {
                String token = t.secondFactorToken(email, "factor-password");
                JsonNode creation = s.get("/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey()
                        + "&secondfactorauthenticationtoken=" + token).json().get("RegisterBeginCredential").get("publicKey");
                Reply finish = s.send("POST", "/identity/v2/auth/login/2fa/register/passkey/finish?apikey=" + t.apiKey()
                        + "&secondfactorauthenticationtoken=" + token, Json.write(pk.register(creation)), "Content-Type", "application/json");
                access = finish.text("access_token");
            } else {
                access = t.login(email, "factor-password").text("access_token");
                JsonNode creation = withAccess("GET", t, "/identity/v2/auth/account/2fa/register/passkey/begin", access)
                        .json().get("RegisterBeginCredential").get("publicKey");
                Reply added = s.send("POST", "/identity/v2/auth/account/2fa/register/passkey/finish?apikey=" + t.apiKey(),
                        Json.write(pk.register(creation)), "Authorization", "Bearer " + access, "Content-Type", "application/json");
                assertThat(added.status()).as(added.raw()).isEqualTo(200);
                // A fresh second factor for the removal.
                String token = t.secondFactorToken(email, "factor-password");
                JsonNode request = s.get("/identity/v2/auth/login/2fa/passkey/begin?apikey=" + t.apiKey()
                        + "&secondfactorauthenticationtoken=" + token).json().get("LoginBeginCredential").get("publicKey");
                access = s.send("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + t.apiKey()
                        + "&secondfactorauthenticationtoken=" + token, Json.write(pk.authenticate(request)), "Content-Type", "application/json")
                        .text("access_token");
            }
            Reply removed = withAccess("DELETE", t, "/identity/v2/auth/account/2fa/authenticator/passkey", access);
            if (required) {
                assertThat(removed.status()).as(removed.raw()).isEqualTo(403);
                assertThat(code(removed)).isEqualTo(1121);
                assertThat(t.login(email, "factor-password").json().path("SecondFactorAuthentication").path("IsPasskeyAuthenticatorVerified")
                        .asBoolean()).isTrue();
            } else {
                assertThat(removed.json()).as(removed.raw()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
                // Removed on purpose, with a recent second factor: the password alone signs in again.
                assertThat(t.login(email, "factor-password").json().has("refresh_token")).isTrue();
            }
        }
    }
}

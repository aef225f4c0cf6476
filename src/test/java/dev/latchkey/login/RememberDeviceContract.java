package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Remember this device (Latchkey's extension): after a second factor, {@code remember_device=true} gives a device token;
 * presented at step 1 ({@code X-Latchkey-Device-Token} or the body's {@code device_token}) it skips the second factor for
 * the tenant's {@code RememberDeviceDays}. Revocation by the user and the admin, a password change, a factor removed and
 * expiry (a moved clock) end it; risk-based authentication still challenges a remembered login from a new address.
 * Runs on H2 and PostgreSQL.
 */
abstract class RememberDeviceContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";
    private static final String LONDON = "81.2.69.142";
    private static final String SWEDEN = "89.160.20.112";

    @Override
    protected TestServer.Options options() {
        return TestServer.Options.DEFAULT.withRisk(new ServerConfig.Risk(TestServer.Options.geoipTestDb(), "127.0.0.1/32"));
    }

    private TestTenant tenant(String more) {
        return s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,\"RememberDeviceDays\":30}" + more + "}");
    }

    private static String email() {
        return "device." + UUID.randomUUID() + "@example.com";
    }

    private Reply step1(TestTenant t, String email, String deviceToken, String from) {
        return s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
                "Content-Type", "application/json", "X-Forwarded-For", from, "X-Latchkey-Device-Token", deviceToken == null ? "" : deviceToken);
    }

    private Reply step1(TestTenant t, String email, String deviceToken) {
        return step1(t, email, deviceToken, LONDON);
    }

    private static boolean asksForASecondFactor(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().hasNonNull("SecondFactorAuthentication");
    }

    /** Step 2 with a backup code, asking to remember the device: the login response. */
    private Reply rememberedLogin(TestTenant t, String email, String code, String from) {
        String token = step1(t, email, null, from).json().get("SecondFactorAuthentication").get("SecondFactorAuthenticationToken").asText();
        return s.send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + token + "&remember_device=true", "{\"backupcode\":\"" + code + "\"}", "Content-Type", "application/json", "X-Forwarded-For", from);
    }

    private record Remembered(String uid, List<String> codes, String deviceToken, String access) {}

    private Remembered remembered(TestTenant t, String email) {
        String uid = t.account(email, PASSWORD);
        List<String> codes = t.backupCodes(uid);
        Reply login = rememberedLogin(t, email, codes.get(0), LONDON);
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.text("device_token")).matches("[0-9a-f-]{36}");
        assertThat(java.time.Instant.parse(login.text("device_token_expires_in")).toEpochMilli() - s.clock.millis())
                .isBetween(Duration.ofDays(30).minusMinutes(1).toMillis(), Duration.ofDays(30).toMillis()); // the test clock runs
        return new Remembered(uid, codes, login.text("device_token"), login.text("access_token"));
    }

    @Test
    void aRememberedDeviceSkipsTheSecondFactorForItsAccountOnly() {
        TestTenant t = tenant("");
        String email = email();
        Remembered r = remembered(t, email);
        assertThat(java.time.Instant.parse(step1Expiry(t, email, r)).toEpochMilli() - s.clock.millis())
                .isBetween(Duration.ofDays(30).minusMinutes(1).toMillis(), Duration.ofDays(30).toMillis());

        Reply skipped = step1(t, email, r.deviceToken());
        assertThat(asksForASecondFactor(skipped)).isFalse();
        assertThat(skipped.text("access_token")).matches("[0-9a-f-]{36}");
        assertThat(skipped.json().has("device_token")).isFalse(); // a remembered login issues no new one
        // In step 1's body too (Latchkey's extension; the SDKs send neither).
        Reply inBody = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\",\"password\":\""
                + PASSWORD + "\",\"device_token\":\"" + r.deviceToken() + "\"}", "Content-Type", "application/json", "X-Forwarded-For", LONDON);
        assertThat(asksForASecondFactor(inBody)).isFalse();
        // Never the password alone: a wrong password with the device token is refused as ever.
        assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\",\"password\":\"nope\"}",
                "Content-Type", "application/json", "X-Latchkey-Device-Token", r.deviceToken()).json().get("ErrorCode").asInt()).isEqualTo(966);
        // Without it, with garbage, or with another account's: the second factor is asked for.
        assertThat(asksForASecondFactor(step1(t, email, null))).isTrue();
        assertThat(asksForASecondFactor(step1(t, email, "not-a-token"))).isTrue();
        assertThat(asksForASecondFactor(step1(t, email, UUID.randomUUID().toString()))).isTrue();
        String other = email();
        Remembered o = remembered(t, other);
        assertThat(asksForASecondFactor(step1(t, email, o.deviceToken()))).isTrue();
        // Another tenant's account of the same email does not know it.
        TestTenant elsewhere = tenant("");
        String uid2 = elsewhere.account(email, PASSWORD);
        elsewhere.backupCodes(uid2);
        assertThat(asksForASecondFactor(step1(elsewhere, email, r.deviceToken()))).isTrue();
        // A session that skipped the factor proved only the password: changing a factor needs a second factor.
        Reply reset = s.get("/identity/v2/auth/account/2fa/backupcode/reset?apikey=" + t.apiKey(), "Authorization", "Bearer "
                + skipped.text("access_token"));
        assertThat(reset.json().get("ErrorCode").asInt()).as(reset.raw()).isEqualTo(1193);
    }

    private String step1Expiry(TestTenant t, String email, Remembered r) {
        JsonNode listed = s.get("/identity/v2/auth/account/2fa/remembereddevices?apikey=" + t.apiKey(), "Authorization", "Bearer " + r.access()).json();
        return listed.get("Data").get(0).get("ExpiresAt").asText();
    }

    @Test
    void onlyWhereTheTenantRemembersDevicesAndOnlyWhenAsked() {
        TestTenant off = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false}}");
        String email = email();
        List<String> codes = off.backupCodes(off.account(email, PASSWORD));
        assertThat(rememberedLogin(off, email, codes.get(0), LONDON).json().has("device_token")).isFalse();
        TestTenant t = tenant("");
        String other = email();
        List<String> c2 = t.backupCodes(t.account(other, PASSWORD));
        assertThat(t.redeem(t.secondFactorToken(other, PASSWORD), c2.get(0)).json().has("device_token")).isFalse(); // not asked
        Reply bad = s.send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + t.secondFactorToken(other, PASSWORD) + "&remember_device=maybe", "{\"backupcode\":\"" + c2.get(1) + "\"}", "Content-Type", "application/json");
        assertThat(bad.json().get("ErrorCode").asInt()).as(bad.raw()).isEqualTo(908);
    }

    @Test
    void theUserAndTheAdminListAndRevoke() {
        TestTenant t = tenant("");
        String email = email();
        Remembered r = remembered(t, email);
        step1(t, email, r.deviceToken()); // a use
        JsonNode listed = s.get("/identity/v2/auth/account/2fa/remembereddevices?apikey=" + t.apiKey(), "Authorization", "Bearer " + r.access()).json();
        assertThat(listed.get("Data")).hasSize(1);
        JsonNode device = listed.get("Data").get(0);
        assertThat(device.get("IP").asText()).isEqualTo(LONDON);
        assertThat(device.get("LastUsedAt").isNull()).isFalse();
        assertThat(Json.write(listed)).doesNotContain(r.deviceToken());
        // Another user cannot revoke it; the user can.
        String other = email();
        Remembered o = remembered(t, other);
        Reply notTheirs = s.send("DELETE", "/identity/v2/auth/account/2fa/remembereddevices/" + device.get("Id").asText() + "?apikey=" + t.apiKey(),
                "{}", "Authorization", "Bearer " + o.access(), "Content-Type", "application/json");
        assertThat(notTheirs.json().get("ErrorCode").asInt()).isEqualTo(1134);
        Reply revoked = s.send("DELETE", "/identity/v2/auth/account/2fa/remembereddevices/" + device.get("Id").asText() + "?apikey=" + t.apiKey(),
                "{}", "Authorization", "Bearer " + r.access(), "Content-Type", "application/json");
        assertThat(revoked.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(asksForASecondFactor(step1(t, email, r.deviceToken()))).isTrue();

        // The admin: by uid, all of them.
        assertThat(asksForASecondFactor(step1(t, other, o.deviceToken()))).isFalse();
        assertThat(t.manage("GET", "/identity/v2/manage/account/2fa/remembereddevices?uid=" + o.uid(), null).json().get("Data")).hasSize(1);
        assertThat(t.manage("DELETE", "/identity/v2/manage/account/2fa/remembereddevices?uid=" + o.uid(), "{}").json())
                .isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(asksForASecondFactor(step1(t, other, o.deviceToken()))).isTrue();
    }

    @Test
    void aPasswordChangeAFactorRemovedAndExpiryEndIt() {
        TestTenant t = tenant("");
        // A password set by the application.
        String email = email();
        Remembered r = remembered(t, email);
        assertThat(t.manage("PUT", "/identity/v2/manage/account/" + r.uid(), "{\"Password\":\"another horse 2\"}").status()).isEqualTo(200);
        Reply after = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"email\":\"" + email
                + "\",\"password\":\"another horse 2\"}", "Content-Type", "application/json", "X-Latchkey-Device-Token", r.deviceToken());
        assertThat(asksForASecondFactor(after)).isTrue();

        // A second factor removed (the admin resets the authenticator app).
        String email2 = email();
        Remembered r2 = remembered(t, email2);
        String manual = s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + r2.access()).json()
                .get("ManualEntryCode").asText();
        assertThat(s.send("PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + t.apiKey(), "{\"authenticatorcode\":\""
                + new AuthenticatorDevice(manual).code(s.clock.instant()) + "\"}", "Authorization", "Bearer " + r2.access(),
                "Content-Type", "application/json").status()).isEqualTo(200);
        assertThat(asksForASecondFactor(step1(t, email2, r2.deviceToken()))).isFalse();
        assertThat(t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + r2.uid(), "{\"authenticator\":true}").status())
                .isEqualTo(200);
        assertThat(asksForASecondFactor(step1(t, email2, r2.deviceToken()))).isTrue();

        // Expiry.
        String email3 = email();
        Remembered r3 = remembered(t, email3);
        s.clock.advance(Duration.ofDays(29));
        assertThat(asksForASecondFactor(step1(t, email3, r3.deviceToken()))).isFalse();
        s.clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(asksForASecondFactor(step1(t, email3, r3.deviceToken()))).isTrue();
    }

    @Test
    void aRiskyLoginFromARememberedDeviceIsStillChallenged() {
        TestTenant t = tenant(",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true,\"Action\":\"MFA\",\"NotifyUser\":false}}");
        String email = email();
        Remembered r = remembered(t, email); // from London: the account's known address now
        assertThat(asksForASecondFactor(step1(t, email, r.deviceToken(), LONDON))).isFalse();
        Reply fromSweden = step1(t, email, r.deviceToken(), SWEDEN);
        assertThat(asksForASecondFactor(fromSweden)).as("a new address: the IP rule asks for a second factor").isTrue();
        // The challenge is finished with the account's own factor.
        String token = fromSweden.json().get("SecondFactorAuthentication").get("SecondFactorAuthenticationToken").asText();
        Reply done = s.send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken="
                + token, "{\"backupcode\":\"" + r.codes().get(1) + "\"}", "Content-Type", "application/json", "X-Forwarded-For", SWEDEN);
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
    }
}

package dev.latchkey.factor.authenticator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.latchkey.json.Json;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The authenticator-app factor (reference §2.2, §3.3) as an app using LoginRadius calls it: enrollment from the account
 * and during a login that must set up MFA, login on both paths with every seed parameter, replay, the window's edges
 * with a moved clock, lockout, reset by user and admin, the last-factor rule. Codes come from an independent TOTP
 * library ({@link AuthenticatorDevice}). Runs on H2 and PostgreSQL.
 */
abstract class AuthenticatorContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";
    private static final String SEED_QUERY = "&prevent_webhook=true&fields=Email,Uid"
            + "&rbabrowseremailtemplate=a&rbacityemailtemplate=b&rbacountryemailtemplate=c&rbaipemailtemplate=d"
            + "&rbadeviceemailtemplate=e&rbabrowsersmstemplate=f&rbacitysmstemplate=g&rbacountrysmstemplate=h"
            + "&rbaipsmstemplate=i&rbadevicesmstemplate=j&smstemplate2fa=k";

    private Instant now() {
        return s.clock.instant();
    }

    private static String email() {
        return "totp." + UUID.randomUUID() + "@example.com";
    }

    private Reply mfaSettings(TestTenant t, String accessToken) {
        return s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + accessToken);
    }

    private Reply enable(TestTenant t, String accessToken, String path, String field, String code) {
        return s.send("PUT", "/identity/v2/auth/account/2fa/verification/" + path + "?apikey=" + t.apiKey(),
                Json.write(Json.object().put(field, code)), "Authorization", "Bearer " + accessToken, "Content-Type", "application/json");
    }

    private Reply verify(TestTenant t, String token, String path, String field, String code, String extraQuery) {
        return s.send("PUT", "/identity/v2/auth/login/2fa/verification/" + path + "?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token + extraQuery, Json.write(Json.object().put(field, code)),
                "Content-Type", "application/json");
    }

    private Reply verify(TestTenant t, String token, String code) {
        return verify(t, token, "authenticatorcode", "authenticatorcode", code, "");
    }

    private Reply reset(TestTenant t, String accessToken, String body) {
        return s.send("DELETE", "/identity/v2/auth/account/2fa/authenticator?apikey=" + t.apiKey(), body,
                "Authorization", "Bearer " + accessToken, "Content-Type", "application/json");
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    /** Reads a QRCode data URL the way a phone's camera would, with ZXing's decoder. */
    static String scan(String dataUrl) throws Exception {
        assertThat(dataUrl).startsWith("data:image/png;base64,");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(dataUrl.substring("data:image/png;base64,".length()))));
        int[] pixels = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        // A generated image, not a photo: ZXing's pure-barcode mode reads it exactly (its photo mode misses about 2% of synthetic codes, a known quirk of its finder-pattern search).
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(img.getWidth(), img.getHeight(), pixels))),
                java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
    }

    /** A signed-in user of an optional-MFA tenant with an authenticator set up from the account; returns its app. */
    private AuthenticatorDevice enrolledFromAccount(TestTenant t, String email) {
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        String manual = mfaSettings(t, access).json().get("ManualEntryCode").asText();
        AuthenticatorDevice app = new AuthenticatorDevice(manual);
        assertThat(enable(t, access, "authenticatorcode", "authenticatorcode", app.code(now())).status()).isEqualTo(200);
        return app;
    }

    @Test
    void enrollFromTheAccountThenLogInOnBothPaths() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme Books\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false}}");
        String email = email();
        String uid = t.account(email, PASSWORD);
        Reply first = t.login(email, PASSWORD);
        assertThat(first.status()).isEqualTo(200); // optional MFA, no factor: a complete login
        String access = first.text("access_token");

        // The MFA settings carry the enrollment data: a QR code of the otpauth URI and the same secret as text.
        JsonNode settings = mfaSettings(t, access).json();
        assertThat(settings.get("IsAuthenticatorVerified").asBoolean()).isFalse();
        assertThat(settings.get("IsGoogleAuthenticatorVerified").asBoolean()).isFalse();
        String manual = settings.get("ManualEntryCode").asText();
        assertThat(manual).matches("[A-Z2-7]{32}");
        assertThat(scan(settings.get("QRCode").asText())).isEqualTo("otpauth://totp/Acme%20Books:" + email.replace("@", "%40")
                + "?secret=" + manual + "&issuer=Acme%20Books&algorithm=SHA1&digits=6&period=30");
        // The same secret while this session sets it up.
        assertThat(mfaSettings(t, access).json().get("ManualEntryCode").asText()).isEqualTo(manual);

        // A wrong code does not enable it (1102); the app's code does, answered with the profile.
        AuthenticatorDevice app = new AuthenticatorDevice(manual);
        assertError(enable(t, access, "authenticatorcode", "authenticatorcode", app.code(now(), 5)), 403, 1102);
        Reply enabled = enable(t, access, "authenticatorcode", "authenticatorcode", app.code(now()));
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);
        assertThat(enabled.json().get("Uid").asText()).isEqualTo(uid);
        JsonNode after = mfaSettings(t, access).json();
        assertThat(after.get("IsAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(after.get("IsGoogleAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(after.get("QRCode").isNull()).isTrue();
        assertThat(after.get("ManualEntryCode").isNull()).isTrue();

        // Step 1 now asks for the second factor and says the authenticator is set up.
        Reply step1 = t.login(email, PASSWORD);
        JsonNode sfa = step1.json().get("SecondFactorAuthentication");
        assertThat(sfa.get("IsAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(sfa.get("QRCode").isNull()).isTrue();

        // The code used to enable it is spent; the next step's code logs in, with every seed parameter.
        s.clock.advance(Duration.ofSeconds(30));
        Reply login = verify(t, sfa.get("SecondFactorAuthenticationToken").asText(), "authenticatorcode", "authenticatorcode",
                app.code(now()), SEED_QUERY);
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.json().get("Profile")).isEqualTo(Json.parse("{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email
                + "\"}],\"Uid\":\"" + uid + "\"}"));
        assertThat(login.text("access_token")).matches("[0-9a-f-]{36}");
        assertThat(login.text("refresh_token")).matches("[0-9a-f-]{36}");

        // The legacy Google Authenticator path, with its own body key, at the next step.
        s.clock.advance(Duration.ofSeconds(30));
        Reply legacy = verify(t, t.secondFactorToken(email, PASSWORD), "googleauthenticatorcode", "GoogleAuthenticatorCode",
                app.code(now()), "");
        assertThat(legacy.status()).as(legacy.raw()).isEqualTo(200);
        assertThat(legacy.json().get("Profile").get("Uid").asText()).isEqualTo(uid);
    }

    @Test
    void theLegacyEnablePathWorksToo() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        AuthenticatorDevice app = new AuthenticatorDevice(mfaSettings(t, access).json().get("ManualEntryCode").asText());
        Reply enabled = enable(t, access, "googleauthenticatorcode", "googleauthenticatorcode", app.code(now()));
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);
        assertThat(mfaSettings(t, access).json().get("IsGoogleAuthenticatorVerified").asBoolean()).isTrue();
    }

    @Test
    void aLoginThatMustSetUpMfaEnrollsWithItsFirstCode() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Required Co\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true}}");
        String email = email();
        String uid = t.account(email, PASSWORD);

        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        String manual = sfa.get("ManualEntryCode").asText();
        assertThat(manual).matches("[A-Z2-7]{32}");
        assertThat(scan(sfa.get("QRCode").asText())).contains("secret=" + manual).startsWith("otpauth://totp/Required%20Co:");
        String token = sfa.get("SecondFactorAuthenticationToken").asText();

        // Another login is shown another secret; each works only for the login it was shown to.
        JsonNode other = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(other.get("ManualEntryCode").asText()).isNotEqualTo(manual);
        AuthenticatorDevice app = new AuthenticatorDevice(manual);
        assertError(verify(t, other.get("SecondFactorAuthenticationToken").asText(), app.code(now())), 403, 1102);

        Reply enrolled = verify(t, token, "authenticatorcode", "authenticatorcode", app.code(now()), SEED_QUERY);
        assertThat(enrolled.status()).as(enrolled.raw()).isEqualTo(200);
        assertThat(enrolled.json().get("Profile").get("Uid").asText()).isEqualTo(uid);

        // From now on step 1 shows it set up, offers no enrollment, and the other login's secret never works.
        JsonNode next = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(next.get("IsAuthenticatorVerified").asBoolean()).isTrue();
        assertThat(next.get("ManualEntryCode").isNull()).isTrue();
        s.clock.advance(Duration.ofSeconds(30));
        AuthenticatorDevice otherApp = new AuthenticatorDevice(other.get("ManualEntryCode").asText());
        assertError(verify(t, next.get("SecondFactorAuthenticationToken").asText(), otherApp.code(now())), 403, 1102);
        Reply login = verify(t, t.secondFactorToken(email, PASSWORD), app.code(now()));
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
    }

    @Test
    void anAccountWithAnotherFactorCannotAddTheAuthenticatorDuringALogin() {
        TestTenant t = s.mfaTenant(true);
        String email = email();
        String uid = t.account(email, PASSWORD);
        t.backupCodes(uid);
        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(sfa.get("QRCode").isNull()).isTrue();
        assertThat(sfa.get("ManualEntryCode").isNull()).isTrue();
        assertError(verify(t, sfa.get("SecondFactorAuthenticationToken").asText(), "123456"), 403, 1099);
    }

    @Test
    void aCodeIsAcceptedOnceInSequence() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        AuthenticatorDevice app = enrolledFromAccount(t, email);
        s.clock.advance(Duration.ofSeconds(30));
        String code = app.code(now());
        assertThat(verify(t, t.secondFactorToken(email, PASSWORD), code).status()).isEqualTo(200);
        assertError(verify(t, t.secondFactorToken(email, PASSWORD), code), 403, 1102);
        // An older code of the window is refused too: only a later step is accepted after a use.
        assertError(verify(t, t.secondFactorToken(email, PASSWORD), app.code(now(), -1)), 403, 1102);
    }

    @Test
    void theSameCodeInTwentyParallelLoginsLogsInExactlyOnce() throws Exception {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false},"
                + "\"Security\":{\"MaxSecondFactorAttempts\":100}}");
        String email = email();
        AuthenticatorDevice app = enrolledFromAccount(t, email);
        s.clock.advance(Duration.ofSeconds(30));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(t.secondFactorToken(email, PASSWORD));
        }
        String code = app.code(now());
        List<java.util.concurrent.Callable<Reply>> calls = new ArrayList<>();
        tokens.forEach(tok -> calls.add(() -> verify(t, tok, code)));
        List<Reply> replies = Parallel.run(calls);
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(replies.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(1102));
    }

    @Test
    void theWindowIsOneStepEitherSide() {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false},"
                + "\"Security\":{\"MaxSecondFactorAttempts\":100}}");
        String email = email();
        AuthenticatorDevice app = enrolledFromAccount(t, email);
        s.clock.advance(Duration.ofMinutes(5));
        // The clock is the real time plus an offset: start 1 s into a 30 s step, so that no code below is computed in one
        // step and checked in the next (on a slow machine a code of "one step late" then became two steps late: 403).
        s.clock.advance(Duration.ofMillis(30_000 - now().toEpochMilli() % 30_000 + 1_000));
        // Two steps late or early: refused. One step late: accepted; then one step early: accepted (a later step).
        assertError(verify(t, t.secondFactorToken(email, PASSWORD), app.code(now(), -2)), 403, 1102);
        assertError(verify(t, t.secondFactorToken(email, PASSWORD), app.code(now(), 2)), 403, 1102);
        assertThat(verify(t, t.secondFactorToken(email, PASSWORD), app.code(now(), -1)).status()).isEqualTo(200);
        assertThat(verify(t, t.secondFactorToken(email, PASSWORD), app.code(now(), 1)).status()).isEqualTo(200);
        // Three steps later, the code of the step before now is later than the last one used: accepted, once.
        s.clock.advance(Duration.ofSeconds(90));
        String late = app.code(now(), -1);
        assertThat(verify(t, t.secondFactorToken(email, PASSWORD), late).status()).isEqualTo(200);
        assertError(verify(t, t.secondFactorToken(email, PASSWORD), late), 403, 1102);
    }

    @Test
    void wrongCodesCountTowardTheLockoutLikeBackupCodes() {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false},"
                + "\"Security\":{\"MaxSecondFactorAttemptsPerToken\":2,\"MaxSecondFactorAttempts\":3}}");
        String email = email();
        AuthenticatorDevice app = enrolledFromAccount(t, email);
        s.clock.advance(Duration.ofSeconds(30));
        String token = t.secondFactorToken(email, PASSWORD);
        assertError(verify(t, token, app.code(now(), 7)), 403, 1102);
        assertError(verify(t, token, app.code(now(), 8)), 403, 1102);
        assertError(verify(t, token, app.code(now())), 403, 1103); // the token died after its two wrong answers
        String token2 = t.secondFactorToken(email, PASSWORD);
        assertError(verify(t, token2, "000000".equals(app.code(now())) ? "111111" : "000000"), 403, 1102); // third: locks
        // The lock ends the pending logins, and a new one is refused before any code is asked for.
        assertError(verify(t, token2, app.code(now())), 403, 1103);
        Reply locked = t.login(email, PASSWORD);
        assertError(locked, 403, 1198);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        // After the lockout, the right code logs in.
        s.clock.advance(Duration.ofSeconds(901));
        assertThat(verify(t, t.secondFactorToken(email, PASSWORD), app.code(now())).status()).isEqualTo(200);
    }

    @Test
    void badInputsAreAnsweredInLoginRadiusShape() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        enrolledFromAccount(t, email);
        String token = t.secondFactorToken(email, PASSWORD);
        Reply missing = s.send("PUT", "/identity/v2/auth/login/2fa/verification/authenticatorcode?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token, "{}", "Content-Type", "application/json");
        assertError(missing, 403, 908);
        Reply number = s.send("PUT", "/identity/v2/auth/login/2fa/verification/authenticatorcode?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token, "{\"authenticatorcode\":123456}", "Content-Type", "application/json");
        assertError(number, 403, 1134);
        assertError(verify(t, token, "9".repeat(100_000)), 403, 1102);
        assertError(verify(t, token, "12345\u0000"), 403, 1134);
        Reply noToken = s.send("PUT", "/identity/v2/auth/login/2fa/verification/authenticatorcode?apikey=" + t.apiKey(),
                "{\"authenticatorcode\":\"123456\"}", "Content-Type", "application/json");
        assertError(noToken, 403, 908);
        assertError(verify(t, UUID.randomUUID().toString(), "123456"), 403, 1103);
    }

    @Test
    void enablingRefusesBadInputs() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        // Nothing shown to this session yet: nothing to confirm.
        Reply nothingPending = enable(t, access, "authenticatorcode", "authenticatorcode", "123456");
        assertError(nothingPending, 403, 1099);
        AuthenticatorDevice app = new AuthenticatorDevice(mfaSettings(t, access).json().get("ManualEntryCode").asText());
        String path = "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + t.apiKey();
        Reply missing = s.send("PUT", path, "{}", "Authorization", "Bearer " + access, "Content-Type", "application/json");
        assertError(missing, 403, 908);
        assertThat(missing.json().get("Description").asText()).isEqualTo("The authenticatorcode is a required parameter.");
        assertError(s.send("PUT", path, "{\"authenticatorcode\":123456}", "Authorization", "Bearer " + access, "Content-Type", "application/json"),
                403, 1134);
        assertError(enable(t, access, "authenticatorcode", "authenticatorcode", "1".repeat(100_000)), 403, 1102);
        assertError(enable(t, access, "authenticatorcode", "authenticatorcode", "12345\u0000"), 403, 1134);
        assertError(enable(t, access, "authenticatorcode", "authenticatorcode", "１２３４５６"), 403, 1102);
        // Another session of the same user was shown nothing: the secret shown to this one is not its to confirm.
        String otherSession = t.login(email, PASSWORD).text("access_token");
        assertError(enable(t, otherSession, "authenticatorcode", "authenticatorcode", app.code(now())), 403, 1099);
        assertThat(enable(t, access, "authenticatorcode", "authenticatorcode", app.code(now())).status()).isEqualTo(200);
        // MFA off for the tenant: 1097.
        TestTenant off = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":false}}");
        off.account(email, PASSWORD);
        assertError(enable(off, off.login(email, PASSWORD).text("access_token"), "authenticatorcode", "authenticatorcode", "123456"), 403, 1097);
    }

    @Test
    void twentyParallelEnablesSetItUpOnceAndTwentyParallelResetsRemoveItOnce() throws Exception {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        String uid = t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        AuthenticatorDevice app = new AuthenticatorDevice(mfaSettings(t, access).json().get("ManualEntryCode").asText());
        String code = app.code(now());
        List<Reply> enables = Parallel.times(20, () -> enable(t, access, "authenticatorcode", "authenticatorcode", code));
        assertThat(enables.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        // The others: 1279 (already set up) or, once the account has a factor, 1193 (this session proved only the password).
        assertThat(enables.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isIn(1279, 1193));
        List<Reply> resets = Parallel.times(20, () ->
                t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"authenticator\":true}"));
        assertThat(resets.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(resets.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(1099));
    }

    @Test
    void anotherTenantsTokenIsUnknown() {
        TestTenant t = s.mfaTenant(false);
        TestTenant other = s.mfaTenant(false);
        String email = email();
        AuthenticatorDevice app = enrolledFromAccount(t, email);
        s.clock.advance(Duration.ofSeconds(30));
        assertError(verify(other, t.secondFactorToken(email, PASSWORD), app.code(now())), 403, 1103);
    }

    @Test
    void theUserResetsWithARecentSecondFactorAndTheRightBody() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        AuthenticatorDevice app = enrolledFromAccount(t, email);
        s.clock.advance(Duration.ofSeconds(30));
        String access = verify(t, t.secondFactorToken(email, PASSWORD), app.code(now())).text("access_token");
        for (String wrong : new String[] {"{}", "{\"authenticator\":false}", "{\"pushauthenticator\":true}", "{\"authenticator\":\"yes\"}",
                "{\"authenticator\":true,\"unknown\":true}"}) {
            assertError(reset(t, access, wrong), 403, 1121);
        }
        Reply deleted = reset(t, access, "{\"authenticator\":true}");
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(mfaSettings(t, access).json().get("IsAuthenticatorVerified").asBoolean()).isFalse();
        assertError(reset(t, access, "{\"authenticator\":true}"), 403, 1099);
        // MFA optional and no factor left: the password alone logs in again.
        Reply plain = t.login(email, PASSWORD);
        assertThat(plain.json().has("SecondFactorAuthentication")).isFalse();
        assertThat(plain.text("access_token")).matches("[0-9a-f-]{36}");
    }

    @Test
    void aSessionThatProvedOnlyThePasswordCannotReset() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token"); // before the factor existed: the password alone
        AuthenticatorDevice app = new AuthenticatorDevice(mfaSettings(t, access).json().get("ManualEntryCode").asText());
        assertThat(enable(t, access, "authenticatorcode", "authenticatorcode", app.code(now())).status()).isEqualTo(200);
        assertError(reset(t, access, "{\"authenticator\":true}"), 403, 1193);
        // ... nor set up a second authenticator over it.
        assertError(enable(t, access, "authenticatorcode", "authenticatorcode", app.code(now(), 1)), 403, 1193);
    }

    @Test
    void theAdminResetsByUidWithEitherFlag() {
        TestTenant t = s.mfaTenant(true);
        String email = email();
        t.account(email, PASSWORD);
        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        AuthenticatorDevice app = new AuthenticatorDevice(sfa.get("ManualEntryCode").asText());
        assertThat(verify(t, sfa.get("SecondFactorAuthenticationToken").asText(), app.code(now())).status()).isEqualTo(200);
        String uid = t.manage("GET", "/identity/v2/manage/account?email=" + email, null).text("Uid");

        assertError(t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{}"), 403, 1121);
        Reply deleted = t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"googleauthenticator\":true}");
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertError(t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"authenticator\":true}"), 403, 1099);
        // With MFA required and nothing left, the next login sets a factor up again.
        assertThat(t.login(email, PASSWORD).json().get("SecondFactorAuthentication").get("ManualEntryCode").asText()).matches("[A-Z2-7]{32}");
        // Another tenant's secret cannot reach this account.
        TestTenant other = s.mfaTenant(true);
        assertError(other.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"authenticator\":true}"), 403, 938);
    }

    @Test
    void withMfaRequiredTheUserCannotRemoveTheLastFactor() {
        TestTenant t = s.mfaTenant(true);
        String email = email();
        t.account(email, PASSWORD);
        JsonNode sfa = t.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        AuthenticatorDevice app = new AuthenticatorDevice(sfa.get("ManualEntryCode").asText());
        String access = verify(t, sfa.get("SecondFactorAuthenticationToken").asText(), app.code(now())).text("access_token");
        assertError(reset(t, access, "{\"authenticator\":true}"), 403, 1121);
        assertThat(mfaSettings(t, access).json().get("IsAuthenticatorVerified").asBoolean()).isTrue();
    }

    @Test
    void aTenantThatTurnsTheAuthenticatorOffNeitherShowsNorAcceptsIt() {
        TestTenant required = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true,\"IsAuthenticator\":false}}");
        String email = email();
        required.account(email, PASSWORD);
        JsonNode sfa = required.login(email, PASSWORD).json().get("SecondFactorAuthentication");
        assertThat(sfa.get("QRCode").isNull()).isTrue();
        assertThat(sfa.get("ManualEntryCode").isNull()).isTrue();
        assertError(verify(required, sfa.get("SecondFactorAuthenticationToken").asText(), "123456"), 403, 1279);

        // Set up while offered, then turned off: not shown, not accepted (the right code included), still removable.
        TestTenant t = s.mfaTenant(false);
        String other = email();
        String uid = t.account(other, PASSWORD);
        String access = t.login(other, PASSWORD).text("access_token");
        AuthenticatorDevice app = new AuthenticatorDevice(mfaSettings(t, access).json().get("ManualEntryCode").asText());
        assertThat(enable(t, access, "authenticatorcode", "authenticatorcode", app.code(now())).status()).isEqualTo(200);
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"TwoFactorAuthentication\":{\"IsAuthenticator\":false}}").status())
                .isEqualTo(200);
        s.clock.advance(Duration.ofSeconds(30));
        JsonNode step1 = t.login(other, PASSWORD).json().get("SecondFactorAuthentication"); // it had a factor: still asked
        assertThat(step1.get("IsAuthenticatorVerified").asBoolean()).isFalse();
        assertError(verify(t, step1.get("SecondFactorAuthenticationToken").asText(), app.code(now())), 403, 1279);
        assertError(enable(t, access, "authenticatorcode", "authenticatorcode", app.code(now())), 403, 1279);
        assertThat(mfaSettings(t, access).json().get("ManualEntryCode").isNull()).isTrue();
        assertThat(t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"authenticator\":true}").status())
                .isEqualTo(200);
    }

    @Test
    void theWebhookEventsCanBeSubscribedTo() {
        TestTenant t = s.mfaTenant(false);
        Reply events = t.manage("GET", "/v2/manage/webhook/events", null);
        List<String> names = new ArrayList<>();
        events.json().get("Data").forEach(e -> names.add(e.asText()));
        assertThat(names).contains("AuthenticatorAdded", "AuthenticatorRemoved");
    }
}

package dev.latchkey.factor.passkey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.PasskeyEmulator;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Passkeys as a second factor with emulated authenticators: enrollment during login and from the account, MFA login
 * (seed 000), management, and every refusal with its exact ErrorCode. Runs on H2 and on PostgreSQL.
 */
abstract class PasskeyContract extends ServerContract {
    static final String ORIGIN = "http://localhost:8080";
    static final String SEED_QUERY = "&prevent_webhook=true&fields=Email,username"
            + "&rbabrowseremailtemplate=RBA-Browser-Email-Template&rbaoneclickemailtemplate=RBA-One-Click-Email-Template"
            + "&rbacityemailtemplate=RBA-City-Email-Template&rbacountryemailtemplate=RBA-Country-Email-Template"
            + "&rbaipemailtemplate=RBA-IP-Email-Template&rbadeviceemailtemplate=RBA-Device-Email-Template"
            + "&rbaotpsmstemplate=RBA-OTP-SMS-Template&rbabrowsersmstemplate=RBA-Browser-SMS-Template"
            + "&rbacitysmstemplate=RBA-City-SMS-Template&rbacountrysmstemplate=RBA-Country-SMS-Template"
            + "&rbaipsmstemplate=RBA-IP-SMS-Template&rbadevicesmstemplate=RBA-Device-SMS-Template";

    private TestTenant tenant(boolean required, String extra) {
        return s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":" + required + "},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPDisplayName\":\"Latchkey Test\",\"RPOrigins\":[\"" + ORIGIN + "\"]"
                + extra + "}}");
    }

    private static String email() {
        return "pk-" + UUID.randomUUID() + "@example.com";
    }

    /** The ErrorCode of a refusal, after checking its HTTP status is the one the catalog gives that code. */
    private static int code(Reply r) {
        int code = r.json().path("ErrorCode").asInt(0);
        int status = java.util.Arrays.stream(dev.latchkey.error.LrError.values()).filter(e -> e.code == code)
                .mapToInt(e -> e.status).findFirst().orElse(-1);
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        return code;
    }

    private Reply loginBegin(TestTenant t, String token) {
        return s.get("/identity/v2/auth/login/2fa/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token);
    }

    private Reply loginFinish(TestTenant t, String token, JsonNode body) {
        return s.send("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token,
                Json.write(body), "Content-Type", "application/json");
    }

    private JsonNode requestOptions(TestTenant t, String token) {
        Reply r = loginBegin(t, token);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().get("LoginBeginCredential").get("publicKey");
    }

    /** An account of a tenant with required MFA that enrolled {@code pk} during its first login. */
    private String enrolledDuringLogin(TestTenant t, String email, PasskeyEmulator pk) {
        t.account(email, "pk-password-1");
        String token = t.secondFactorToken(email, "pk-password-1");
        Reply begin = s.get("/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token);
        assertThat(begin.status()).as(begin.raw()).isEqualTo(200);
        Reply finish = s.send("POST", "/identity/v2/auth/login/2fa/register/passkey/finish?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token, Json.write(pk.register(begin.json().get("RegisterBeginCredential").get("publicKey"))),
                "Content-Type", "application/json");
        assertThat(finish.status()).as(finish.raw()).isEqualTo(200);
        return finish.json().get("Profile").get("Uid").asText();
    }

    @Test
    void enrollDuringLoginThenLogInWithThePasskey() {
        TestTenant t = tenant(true, "");
        String email = email();
        t.account(email, "pk-password-1");
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);

        String token = t.secondFactorToken(email, "pk-password-1");
        assertThat(t.login(email, "pk-password-1").json().get("SecondFactorAuthentication").get("IsPasskeyAuthenticatorVerified").asBoolean()).isFalse();
        Reply begin = s.get("/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token);
        assertThat(begin.status()).isEqualTo(200);
        JsonNode creation = begin.json().get("RegisterBeginCredential").get("publicKey");
        assertThat(creation.get("rp")).isEqualTo(Json.parse("{\"name\":\"Latchkey Test\",\"id\":\"localhost\"}"));
        assertThat(creation.get("user").get("name").asText()).isEqualTo(email);
        assertThat(creation.get("challenge").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(creation.get("pubKeyCredParams").findValuesAsText("alg")).contains("-7", "-8", "-257");
        assertThat(creation.get("attestation").asText()).isEqualTo("none");
        assertThat(creation.get("timeout").asInt()).isEqualTo(60000);

        Reply finish = s.send("POST", "/identity/v2/auth/login/2fa/register/passkey/finish?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token, Json.write(pk.register(creation)), "Content-Type", "application/json");
        assertThat(finish.status()).as(finish.raw()).isEqualTo(200);
        assertThat(finish.json().get("access_token").asText()).matches("[0-9a-f-]{36}");
        JsonNode passkeyLogin = finish.json().get("Profile").get("PasskeyLogin");
        assertThat(passkeyLogin.get("ProgressiveFlag").asBoolean()).isTrue();
        assertThat(passkeyLogin.get("LocalEnrollmentFlag").asBoolean()).isFalse();
        assertThat(passkeyLogin.get("ProgressiveEnrollmentDate").asText()).isNotBlank();

        // Next login: the passkey is the second factor (seed 000, every parameter and header).
        Reply step1 = t.login(email, "pk-password-1");
        assertThat(step1.json().get("SecondFactorAuthentication").get("IsPasskeyAuthenticatorVerified").asBoolean()).isTrue();
        String token2 = step1.json().get("SecondFactorAuthentication").get("SecondFactorAuthenticationToken").asText();
        Reply lb = loginBegin(t, token2);
        assertThat(lb.status()).isEqualTo(200);
        JsonNode request = lb.json().get("LoginBeginCredential").get("publicKey");
        List<String> keys = new ArrayList<>();
        request.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("challenge", "timeout", "rpId", "allowCredentials", "userVerification");
        assertThat(request.get("rpId").asText()).isEqualTo("localhost");
        assertThat(request.get("userVerification").asText()).isEqualTo("preferred");
        assertThat(request.get("allowCredentials")).hasSize(1);
        assertThat(request.get("allowCredentials").get(0).get("type").asText()).isEqualTo("public-key");
        assertThat(request.get("allowCredentials").get(0).get("id").asText()).isEqualTo(pk.credentialId());
        assertThat(request.get("allowCredentials").get(0).has("transports")).isTrue();

        Reply done = s.send("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token2
                + SEED_QUERY, Json.write(pk.authenticate(request)), "X-PreventWebhook", "true", "Content-Type", "application/json");
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        List<String> top = new ArrayList<>();
        done.json().fieldNames().forEachRemaining(top::add);
        assertThat(top).containsExactly("Profile", "access_token", "refresh_token", "expires_in");
        assertThat(done.json().get("Profile")).isEqualTo(Json.parse("{\"UserName\":null,\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}]}"));
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + done.json().get("access_token").asText())
                .status()).isEqualTo(200);

        // Replayed in sequence: the token is spent (1103); on a new token, the old challenge is refused (1321).
        ObjectNode again = pk.authenticate(request);
        assertThat(code(loginFinish(t, token2, again))).isEqualTo(1103);
        String token3 = t.secondFactorToken(email, "pk-password-1");
        requestOptions(t, token3);
        Reply replay = loginFinish(t, token3, again);
        assertThat(replay.status()).isEqualTo(403);
        assertThat(replay.json()).isEqualTo(Json.parse("""
                {"Description":"We apologize for the inconvenience. Please try again later.","ErrorCode":1321,
                 "Message":"An unexpected error occurred while verifying your passkey.","IsProviderError":false,"ProviderErrorResponse":null}"""));
    }

    /**
     * Step-up with a passkey: begin (access token) gives request options bound to that session; finish gives the proof,
     * which the application checks once; a forged assertion is refused and counted; another session's options do not work.
     */
    @Test
    void stepUpWithAPasskey() {
        TestTenant t = tenant(true, "");
        String email = email();
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
        String uid = enrolledDuringLogin(t, email, pk);
        String token = t.secondFactorToken(email, "pk-password-1");
        String access = loginFinish(t, token, pk.authenticate(requestOptions(t, token))).text("access_token");

        Reply begin = s.get("/identity/v2/auth/account/reauth/2fa/passkey/begin?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        assertThat(begin.status()).as(begin.raw()).isEqualTo(200);
        JsonNode options = begin.json().get("LoginBeginCredential").get("publicKey");
        assertThat(options.get("allowCredentials")).hasSize(1);
        // Another session of the account cannot finish this one's ceremony.
        String token2 = t.secondFactorToken(email, "pk-password-1");
        String other = loginFinish(t, token2, pk.authenticate(requestOptions(t, token2))).text("access_token");
        Reply elsewhere = s.send("POST", "/identity/v2/auth/account/reauth/2fa/passkey/finish?apikey=" + t.apiKey(),
                Json.write(pk.authenticate(options)), "Authorization", "Bearer " + other, "Content-Type", "application/json");
        assertThat(code(elsewhere)).isEqualTo(1321);
        Reply forged = s.send("POST", "/identity/v2/auth/account/reauth/2fa/passkey/finish?apikey=" + t.apiKey(),
                Json.write(pk.authenticate(options, null, null, PasskeyEmulator.b64url(new byte[32]), null)), "Authorization", "Bearer " + access, "Content-Type", "application/json");
        assertThat(code(forged)).isEqualTo(1321);

        JsonNode fresh = s.get("/identity/v2/auth/account/reauth/2fa/passkey/begin?apikey=" + t.apiKey(), "Authorization", "Bearer " + access)
                .json().get("LoginBeginCredential").get("publicKey");
        Reply proof = s.send("POST", "/identity/v2/auth/account/reauth/2fa/passkey/finish?apikey=" + t.apiKey(),
                Json.write(pk.authenticate(fresh)), "Authorization", "Bearer " + access, "Content-Type", "application/json");
        assertThat(proof.status()).as(proof.raw()).isEqualTo(200);
        String validation = proof.text("SecondFactorValidationToken");
        assertThat(t.manage("POST", "/identity/v2/manage/account/" + uid + "/reauth/2fa", "{\"SecondFactorValidationToken\":\"" + validation + "\"}")
                .json()).isEqualTo(Json.parse("{\"IsValid\":true}"));
        assertThat(code(t.manage("POST", "/identity/v2/manage/account/" + uid + "/reauth/2fa", "{\"SecondFactorValidationToken\":\"" + validation
                + "\"}"))).isEqualTo(1193);
        // The same assertion again: its challenge is spent.
        Reply replay = s.send("POST", "/identity/v2/auth/account/reauth/2fa/passkey/finish?apikey=" + t.apiKey(),
                Json.write(pk.authenticate(fresh)), "Authorization", "Bearer " + access, "Content-Type", "application/json");
        assertThat(code(replay)).isEqualTo(1321);
        // Without MFA: 1191.
        TestTenant off = s.tenant("{\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPDisplayName\":\"x\",\"RPOrigins\":[\""
                + ORIGIN + "\"]}}");
        off.account(email, "pk-password-1");
        String plain = off.login(email, "pk-password-1").text("access_token");
        assertThat(code(s.get("/identity/v2/auth/account/reauth/2fa/passkey/begin?apikey=" + off.apiKey(), "Authorization", "Bearer " + plain)))
                .isEqualTo(1191);
    }

    @Test
    void enrollFromTheAccountListRemoveAndTurnOff() {
        TestTenant t = tenant(false, "");
        String email = email();
        t.account(email, "pk-password-1");
        String access = t.login(email, "pk-password-1").json().get("access_token").asText();
        PasskeyEmulator first = new PasskeyEmulator(ORIGIN);
        PasskeyEmulator second = new PasskeyEmulator(ORIGIN);

        for (String[] variant : new String[][] {{"/identity/v2/auth/account/2fa/register/passkey/begin", "first"},
                {"/identity/v2/auth/login/2fa/register/passkey/begin", "second"}}) {
            if (variant[1].equals("second")) {
                // The account has a factor now: adding another takes a session that passed one (the password alone is refused).
                assertThat(code(s.get(variant[0] + "?apikey=" + t.apiKey(), "Authorization", "Bearer " + access))).isEqualTo(1193);
                String token = t.secondFactorToken(email, "pk-password-1");
                access = loginFinish(t, token, first.authenticate(requestOptions(t, token))).json().get("access_token").asText();
            }
            Reply begin = s.get(variant[0] + "?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
            assertThat(begin.status()).as(begin.raw()).isEqualTo(200);
            PasskeyEmulator pk = variant[1].equals("first") ? first : second;
            Reply finish = s.send("POST", "/identity/v2/auth/account/2fa/register/passkey/finish?apikey=" + t.apiKey(),
                    Json.write(pk.register(begin.json().get("RegisterBeginCredential").get("publicKey"))),
                    "Authorization", "Bearer " + access, "Content-Type", "application/json");
            assertThat(finish.status()).as(finish.raw()).isEqualTo(200);
            assertThat(finish.json().get("IsPosted").asBoolean()).isTrue();
            assertThat(finish.json().get("Id").asText()).matches("[0-9a-f-]{36}");
            assertThat(finish.json().get("Identifier").asText()).isEqualTo(pk.credentialId());
            assertThat(finish.json().has("CreatedAt")).isTrue();
        }
        // The second enrollment excluded the first credential.
        Reply list = s.get("/identity/v2/auth/account/passkey?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        assertThat(list.json().get("Data")).hasSize(2);
        assertThat(s.get("/identity/v2/auth/account?apikey=" + t.apiKey(), "Authorization", "Bearer " + access)
                .json().get("PasskeyLogin")).isEqualTo(Json.parse("{\"ProgressiveFlag\":false,\"LocalEnrollmentFlag\":true,\"ProgressiveEnrollmentDate\":null}"));

        // Optional MFA with a passkey: the login now asks for it, and either passkey works.
        String token = t.secondFactorToken(email, "pk-password-1");
        assertThat(loginFinish(t, token, second.authenticate(requestOptions(t, token))).status()).isEqualTo(200);

        String id = list.json().get("Data").get(0).get("Id").asText();
        Reply removed = s.send("DELETE", "/identity/v2/auth/account/passkey/" + id + "?apikey=" + t.apiKey(), "{}", "Authorization", "Bearer " + access);
        assertThat(removed.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(code(s.send("DELETE", "/identity/v2/auth/account/passkey/" + id + "?apikey=" + t.apiKey(), "{}", "Authorization", "Bearer " + access)))
                .isEqualTo(1325);
        Reply off = s.send("DELETE", "/identity/v2/auth/account/2fa/authenticator/passkey?apikey=" + t.apiKey(), "{}", "Authorization", "Bearer " + access);
        assertThat(off.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(code(s.send("DELETE", "/identity/v2/auth/account/2fa/authenticator/passkey?apikey=" + t.apiKey(), "{}",
                "Authorization", "Bearer " + access))).isEqualTo(1328);
        // No factor left and MFA optional: the password alone logs in again.
        assertThat(t.login(email, "pk-password-1").json().has("SecondFactorAuthentication")).isFalse();
    }

    @Test
    void adminManagesPasskeysByUid() {
        TestTenant t = tenant(true, "");
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
        String uid = enrolledDuringLogin(t, email(), pk);
        Reply list = t.manage("GET", "/identity/v2/manage/account/passkey?uid=" + uid, null);
        assertThat(list.status()).as(list.raw()).isEqualTo(200);
        assertThat(list.json().get("Data")).hasSize(1);
        String id = list.json().get("Data").get(0).get("Id").asText();
        assertThat(code(t.manage("DELETE", "/identity/v2/manage/account/passkey/" + UUID.randomUUID() + "?uid=" + uid, "{}"))).isEqualTo(1325);
        assertThat(t.manage("DELETE", "/identity/v2/manage/account/passkey/" + id + "?uid=" + uid, "{}").json())
                .isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(code(t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator/passkey?uid=" + uid, "{}"))).isEqualTo(1328);
        assertThat(code(t.manage("GET", "/identity/v2/manage/account/passkey", null))).isEqualTo(908);
    }

    @Test
    void everyForgedAssertionIsRefusedAndCounted() {
        TestTenant t = tenant(true, ",\"UserVerification\":\"preferred\"");
        s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"Security\":{\"MaxSecondFactorAttemptsPerToken\":10,\"MaxSecondFactorAttempts\":100}}");
        String email = email();
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
        enrolledDuringLogin(t, email, pk);
        String token = t.secondFactorToken(email, "pk-password-1");

        List<String> names = List.of("wrong origin", "wrong RP ID", "wrong challenge");
        for (int i = 0; i < names.size(); i++) {
            JsonNode options = requestOptions(t, token);
            ObjectNode forged = switch (i) {
                case 0 -> pk.authenticate(options, "https://evil.example", null, null, null);
                case 1 -> pk.authenticate(options, null, "evil.example", null, null);
                default -> pk.authenticate(options, null, null, PasskeyEmulator.b64url(new byte[32]), null);
            };
            Reply r = loginFinish(t, token, forged);
            assertThat(r.status()).as(names.get(i)).isEqualTo(403);
            assertThat(code(r)).as(names.get(i)).isEqualTo(1321);
        }
        // Another user's credential, on this user's token.
        PasskeyEmulator other = new PasskeyEmulator(ORIGIN);
        enrolledDuringLogin(t, email(), other);
        JsonNode options = requestOptions(t, token);
        ObjectNode otherOptions = options.deepCopy();
        otherOptions.putArray("allowCredentials");
        assertThat(code(loginFinish(t, token, other.authenticate(otherOptions)))).isEqualTo(1321);
        // Garbage and half-empty credentials.
        assertThat(code(loginFinish(t, token, Json.parse("{\"PasskeyCredential\":{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":{}}}"))))
                .isEqualTo(1321);
        assertThat(code(loginFinish(t, token, Json.parse("{\"PasskeyCredential\":\"nope\"}")))).isEqualTo(1321);
        ObjectNode wrongType = pk.authenticate(requestOptions(t, token));
        ((ObjectNode) wrongType.get("PasskeyCredential")).put("type", "password");
        assertThat(code(loginFinish(t, token, wrongType))).isEqualTo(1321);
        // All of those counted: six failures on this token so far; the real passkey still works on it.
        Integer failures = s.server.jdbi().withHandle(h -> h.createQuery(
                "SELECT MAX(failures) FROM second_factor_tokens").mapTo(Integer.class).one());
        assertThat(failures).isGreaterThanOrEqualTo(6);
        assertThat(loginFinish(t, token, pk.authenticate(requestOptions(t, token))).status()).isEqualTo(200);
    }

    @Test
    void failuresKillTheTokenAndLockTheAccount() {
        TestTenant t = tenant(true, "");
        s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"Security\":{\"MaxSecondFactorAttemptsPerToken\":2,\"MaxSecondFactorAttempts\":3}}");
        String email = email();
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
        enrolledDuringLogin(t, email, pk);
        String token = t.secondFactorToken(email, "pk-password-1");
        for (int i = 0; i < 2; i++) {
            assertThat(code(loginFinish(t, token, pk.authenticate(requestOptions(t, token), "https://evil.example", null, null, null)))).isEqualTo(1321);
        }
        assertThat(code(loginBegin(t, token))).isEqualTo(1103);
        String token2 = t.secondFactorToken(email, "pk-password-1");
        assertThat(code(loginFinish(t, token2, pk.authenticate(requestOptions(t, token2), "https://evil.example", null, null, null)))).isEqualTo(1321);
        assertThat(code(t.login(email, "pk-password-1"))).isEqualTo(1198);
    }

    @Test
    void twentyParallelReplaysSucceedOnce() throws Exception {
        TestTenant t = tenant(true, "");
        String email = email();
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
        enrolledDuringLogin(t, email, pk);
        String token = t.secondFactorToken(email, "pk-password-1");
        ObjectNode assertion = pk.authenticate(requestOptions(t, token));
        List<Reply> replies = Parallel.times(20, () -> loginFinish(t, token, assertion));
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(replies).filteredOn(r -> r.status() != 200).allMatch(r -> r.status() == 403 && code(r) == 1103);
    }

    @Test
    void aCounterThatGoesBackwardsMarksThePasskeyAsCloned() {
        TestTenant t = tenant(true, "");
        String email = email();
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
        String uid = enrolledDuringLogin(t, email, pk);
        PasskeyEmulator clone = pk.cloneAuthenticator();
        String token = t.secondFactorToken(email, "pk-password-1");
        assertThat(loginFinish(t, token, pk.authenticate(requestOptions(t, token))).status()).isEqualTo(200);
        String token2 = t.secondFactorToken(email, "pk-password-1");
        Reply cloned = loginFinish(t, token2, clone.authenticate(requestOptions(t, token2)));
        assertThat(cloned.status()).isEqualTo(403);
        assertThat(code(cloned)).isEqualTo(1321);
        // Now the credential is refused even from the original authenticator, and the admin sees why.
        JsonNode list = t.manage("GET", "/identity/v2/manage/account/passkey?uid=" + uid, null).json();
        assertThat(list.get("Data").get(0).get("IsPossiblyCloned").asBoolean()).isTrue();
        String token3 = t.secondFactorToken(email, "pk-password-1");
        assertThat(code(loginBegin(t, token3))).isEqualTo(1328);
    }

    @Test
    void userVerificationRequiredButAbsent() {
        TestTenant t = tenant(true, ",\"UserVerification\":\"required\"");
        String email = email();
        t.account(email, "pk-password-1");
        PasskeyEmulator noUv = new PasskeyEmulator(ORIGIN).withoutUserVerification();
        String token = t.secondFactorToken(email, "pk-password-1");
        Reply begin = s.get("/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token);
        assertThat(begin.json().get("RegisterBeginCredential").get("publicKey").get("authenticatorSelection").get("userVerification").asText())
                .isEqualTo("required");
        Reply enroll = s.send("POST", "/identity/v2/auth/login/2fa/register/passkey/finish?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token, Json.write(noUv.register(begin.json().get("RegisterBeginCredential").get("publicKey"))));
        assertThat(code(enroll)).isEqualTo(1321);

        // Enrolled with UV, then an assertion without it is refused.
        TestTenant preferred = tenant(true, "");
        String email2 = email();
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
        enrolledDuringLogin(preferred, email2, pk);
        s.admin("PATCH", "/admin/v1/tenants/" + preferred.apiKey(), "{\"PassKeysConfig\":{\"UserVerification\":\"required\"}}");
        PasskeyEmulator sameKeyNoUv = pk.cloneAuthenticator().withoutUserVerification();
        String token2 = preferred.secondFactorToken(email2, "pk-password-1");
        JsonNode options = requestOptions(preferred, token2);
        assertThat(options.get("userVerification").asText()).isEqualTo("required");
        assertThat(code(loginFinish(preferred, token2, sameKeyNoUv.authenticate(options)))).isEqualTo(1321);
        assertThat(loginFinish(preferred, token2, pk.authenticate(requestOptions(preferred, token2))).status()).isEqualTo(200);
    }

    @Test
    void tokenTenantAndBodyErrors() {
        TestTenant t = tenant(true, "");
        String email = email();
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
        enrolledDuringLogin(t, email, pk);

        String token = t.secondFactorToken(email, "pk-password-1");
        JsonNode options = requestOptions(t, token);
        s.clock.advance(Duration.ofMinutes(11));
        try {
            assertThat(code(loginFinish(t, token, pk.authenticate(options)))).isEqualTo(1104);
            assertThat(code(loginBegin(t, token))).isEqualTo(1104);
        } finally {
            s.clock.advance(Duration.ofMinutes(-11));
        }
        assertThat(code(loginBegin(t, UUID.randomUUID().toString()))).isEqualTo(1103);
        Reply missing = s.get("/identity/v2/auth/login/2fa/passkey/begin?apikey=" + t.apiKey());
        assertThat(missing.json().get("Description").asText()).isEqualTo("The secondfactorauthenticationtoken is a required parameter.");
        assertThat(code(s.get("/identity/v2/auth/login/2fa/passkey/begin?secondfactorauthenticationtoken=" + token))).isEqualTo(908);

        String token2 = t.secondFactorToken(email, "pk-password-1");
        requestOptions(t, token2);
        Reply noCredential = loginFinish(t, token2, Json.parse("{}"));
        assertThat(code(noCredential)).isEqualTo(908);
        assertThat(noCredential.json().get("Description").asText()).isEqualTo("The PasskeyCredential is a required parameter.");
        Reply malformed = s.send("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token2,
                "{\"PasskeyCredential\": {");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(code(malformed)).isEqualTo(965);
        Reply huge = s.send("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token2,
                "{\"PasskeyCredential\":{\"id\":\"" + "A".repeat(300_000) + "\"}}");
        assertThat(huge.status()).isEqualTo(400);
        assertThat(code(huge)).isEqualTo(965);
        // Key case does not matter.
        ObjectNode lower = Json.object();
        lower.set("passkeycredential", pk.authenticate(requestOptions(t, token2)).get("PasskeyCredential"));
        assertThat(loginFinish(t, token2, lower).status()).isEqualTo(200);

        // Passkeys turned off for the tenant: 1320 on every ceremony.
        String token3 = t.secondFactorToken(email, "pk-password-1");
        s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"PassKeysConfig\":{\"IsEnabled\":false}}");
        assertThat(code(loginBegin(t, token3))).isEqualTo(1320);
        assertThat(code(loginFinish(t, token3, pk.authenticate(options)))).isEqualTo(1320);
        // Enabled but with no origins: 1322.
        s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"PassKeysConfig\":{\"IsEnabled\":true,\"RPOrigins\":[]}}");
        assertThat(code(loginBegin(t, token3))).isEqualTo(1322);
    }

    @Test
    void noPasskeyOrAFactorAlreadySetUp() {
        TestTenant t = tenant(true, "");
        String email = email();
        String uid = t.account(email, "pk-password-1");
        String token = t.secondFactorToken(email, "pk-password-1");
        assertThat(code(loginBegin(t, token))).isEqualTo(1328);
        // With backup codes, enrolling during login (password only) is refused: verify the factor, then enroll from the account.
        t.backupCodes(uid);
        String token2 = t.secondFactorToken(email, "pk-password-1");
        Reply r = s.get("/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token2);
        assertThat(r.status()).isEqualTo(403);
        assertThat(code(r)).isEqualTo(908);
        // Account enrollment bad inputs.
        assertThat(code(s.get("/identity/v2/auth/account/2fa/register/passkey/begin?apikey=" + t.apiKey()))).isEqualTo(1060);
        assertThat(code(s.get("/identity/v2/auth/account/2fa/register/passkey/begin?apikey=" + t.apiKey(), "Authorization", "Bearer " + UUID.randomUUID())))
                .isEqualTo(905);
        assertThat(code(s.get("/identity/v2/auth/account/passkey?apikey=" + t.apiKey()))).isEqualTo(1060);
    }
}

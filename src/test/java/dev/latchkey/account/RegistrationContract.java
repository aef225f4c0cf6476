package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.crypto.Sott;
import dev.latchkey.json.Json;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sign-up through the Auth API (reference §12): {@code POST /identity/v2/auth/register} with a SOTT from the Management
 * API or made locally the way the SDKs do, in the header or the query; the new user signed in; what the body may not
 * choose; duplicates, in sequence and in parallel; bad SOTTs and bad bodies. Runs on H2 and PostgreSQL.
 */
abstract class RegistrationContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";

    private static String email() {
        return "new." + UUID.randomUUID() + "@example.com";
    }

    private String serverSott(TestTenant t) {
        Reply r = t.manage("GET", "/identity/v2/manage/account/sott?timedifference=20", null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(Instant.parse(r.text("ExpiryTime"))).isAfter(s.clock.instant().plus(Duration.ofMinutes(19)));
        return r.text("Sott");
    }

    private static String body(String email) {
        return "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"" + PASSWORD + "\",\"FirstName\":\"Ann\"}";
    }

    private Reply register(TestTenant t, String sott, String body) {
        return s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey(), body, "Content-Type", "application/json",
                "X-LoginRadius-Sott", sott == null ? "" : sott);
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    @Test
    void aNewUserSignsUpAndIsSignedIn() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        String email = email();
        Reply r = register(t, serverSott(t), body(email));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().get("IsPosted").asBoolean()).isTrue();
        JsonNode data = r.json().get("Data");
        assertThat(data.get("Profile").get("Email").get(0).get("Value").asText()).isEqualTo(email);
        assertThat(data.get("Profile").get("FirstName").asText()).isEqualTo("Ann");
        assertThat(data.get("Profile").get("EmailVerified").asBoolean()).isFalse();
        assertThat(data.get("Profile").get("NoOfLogins").asInt()).isEqualTo(1);
        assertThat(data.get("access_token").asText()).matches("[0-9a-f-]{36}");
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer "
                + data.get("access_token").asText()).status()).isEqualTo(200);
        // The password works at login; the same email cannot sign up twice (936).
        assertThat(t.login(email, PASSWORD).status()).isEqualTo(200);
        assertError(register(t, serverSott(t), body(email.toUpperCase())), 403, 936);
    }

    @Test
    void aSottMadeLikeTheSdksMakeThemInTheHeaderOrTheQuery() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        Instant now = s.clock.instant();
        String local = Sott.make(t.apiKey(), t.apiSecret(), now.minusSeconds(30), now.plus(Duration.ofMinutes(10)));
        assertThat(register(t, local, body(email())).status()).isEqualTo(200);
        // In the query, not encoded (as the Java SDK joins parameters): a '+' arrives as a space and still reads.
        Reply query = s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey() + "&sott=" + local, body(email()),
                "Content-Type", "application/json");
        assertThat(query.status()).as(query.raw()).isEqualTo(200);
        // One SOTT serves its window (LoginRadius's are not single use: the admin console makes static ones).
        assertThat(register(t, local, body(email())).status()).isEqualTo(200);
    }

    @Test
    void aSottWhoseBase64StartsWithAPlusReadsUnencodedInTheQuery() {
        // The '+' arrives as a leading space: trimming the parameter would cut a character of the SOTT (1 in 64 did).
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        Instant now = s.clock.instant();
        String plus = null;
        for (int i = 1; i <= 1_000 && plus == null; i++) { // the first Base64 characters come from the start's minute
            String candidate = Sott.make(t.apiKey(), t.apiSecret(), now.minus(Duration.ofMinutes(i)), now.plus(Duration.ofMinutes(10)));
            if (candidate.startsWith("+")) {
                plus = candidate;
            }
        }
        assertThat(plus).as("a SOTT starting with '+' within 1,000 start minutes").isNotNull();
        Reply query = s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey() + "&sott=" + plus, body(email()),
                "Content-Type", "application/json");
        assertThat(query.status()).as(query.raw()).isEqualTo(200);
        assertThat(register(t, plus, body(email())).status()).isEqualTo(200);
    }

    @Test
    void badSotts() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        TestTenant other = s.tenant("{\"Name\":\"Other\"}");
        Instant now = s.clock.instant();
        assertError(register(t, null, body(email())), 400, 1048);
        assertError(register(t, "not a sott", body(email())), 403, 1049);
        assertError(register(t, serverSott(other), body(email())), 403, 1049); // another tenant's
        assertError(register(t, Sott.make(t.apiKey(), other.apiSecret(), now, now.plusSeconds(600)), body(email())), 403, 1049);
        assertError(register(t, Sott.make(t.apiKey(), t.apiSecret(), now.minusSeconds(1200), now.minusSeconds(1)), body(email())), 403, 1049);
        assertError(register(t, Sott.make(t.apiKey(), t.apiSecret(), now.plusSeconds(600), now.plusSeconds(1200)), body(email())), 403, 1049);
        assertError(register(t, "x".repeat(4_000) + "*" + "0".repeat(32), body(email())), 403, 1049);
        assertError(register(t, "x".repeat(100_000), body(email())), 431, 431); // a header that size never reaches the API
        // A SOTT that expires is refused from then on.
        String sott = serverSott(t);
        s.clock.advance(Duration.ofMinutes(21));
        assertError(register(t, sott, body(email())), 403, 1049);
        assertError(t.manage("GET", "/identity/v2/manage/account/sott?timedifference=0", null), 403, 908);
        assertError(t.manage("GET", "/identity/v2/manage/account/sott?timedifference=ten", null), 403, 908);
        assertError(s.get("/identity/v2/manage/account/sott?apikey=" + t.apiKey()), 400, 923);
    }

    @Test
    void theBodyCannotChooseWhatOnlyTheApplicationMay() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        String email = email();
        Reply r = register(t, serverSott(t), "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"" + PASSWORD
                + "\",\"EmailVerified\":true,\"IsActive\":false,\"Uid\":\"chosen-uid\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode profile = r.json().get("Data").get("Profile");
        assertThat(profile.get("EmailVerified").asBoolean()).isFalse();
        assertThat(profile.get("IsActive").asBoolean()).isTrue();
        assertThat(profile.get("Uid").asText()).isNotEqualTo("chosen-uid").matches("[0-9a-f-]{36}");
    }

    @Test
    void badBodies() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"PasswordMinLength\":12}}");
        assertError(register(t, serverSott(t), "{\"Password\":\"" + PASSWORD + "\"}"), 400, 1038);
        assertError(register(t, serverSott(t), "{\"UserName\":\"ann\",\"Password\":\"" + PASSWORD + "\"}"), 400, 1038);
        assertError(register(t, serverSott(t), "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email() + "\"}]}"), 403, 1134);
        assertError(register(t, serverSott(t), "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email() + "\"}],\"Password\":\"short\"}"), 403, 1134);
        assertError(register(t, serverSott(t), "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"not-an-email\"}],\"Password\":\"" + PASSWORD + "\"}"),
                403, 1134);
        assertError(register(t, serverSott(t), "[1,2]"), 400, 965);
        assertError(register(t, serverSott(t), "{\"Email\":\"" + email() + "\",\"Password\":\"" + PASSWORD + "\"}"), 403, 1134);
        assertError(register(t, serverSott(t), "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"a\\u0000@example.com\"}],\"Password\":\"" + PASSWORD + "\"}"),
                403, 1134);
    }

    @Test
    void twentyParallelSignUpsOfOneEmailMakeOneAccount() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        String sott = serverSott(t);
        String email = email();
        List<Reply> replies = Parallel.times(20, () -> register(t, sott, body(email)));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(replies.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(936));
    }

    @Test
    void whereMfaIsRequiredTheNewUserSetsAFactorUpAtTheNextLogin() {
        TestTenant t = s.mfaTenant(true);
        String email = email();
        Reply r = register(t, serverSott(t), body(email));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(t.login(email, PASSWORD).json().get("SecondFactorAuthentication").get("ManualEntryCode").asText()).isNotBlank();
    }

    @Test
    void theRegisterWebhookEventIsSent() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        Reply hook = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Register\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        assertThat(hook.status()).as(hook.raw()).isEqualTo(200);
        assertThat(hook.json().get("IsSentByLatchkey").asBoolean()).isTrue();
        String email = email();
        assertThat(register(t, serverSott(t), body(email)).status()).isEqualTo(200);
        List<String> queued = s.server.jdbi().withHandle(h -> h.createQuery("SELECT event FROM webhook_outbox WHERE tenant_id = "
                + "(SELECT id FROM tenants WHERE api_key = :k)").bind("k", t.apiKey()).mapTo(String.class).list());
        assertThat(queued).contains("Register").doesNotContain("CreateTraditionalAccount");
    }
}

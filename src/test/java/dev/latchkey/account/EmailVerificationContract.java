package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Email verification (reference §13) through a real SMTP server in the test (GreenMail): sign-up sends the link (to an
 * allowed URL only), {@code GET /auth/email?verificationtoken=} verifies once, the Required flow refuses the login (970)
 * until then, the link is sent again on request, AutoLogin signs the user in. Runs on H2 and PostgreSQL.
 */
abstract class EmailVerificationContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";
    private static final Pattern LINK = Pattern.compile("(https://app\\.example\\.com/verify\\S*vtoken=([0-9a-f-]{36}))");

    private final Mailbox mail = new Mailbox().ignoring(Mailbox::securityNotice);

    @Override
    protected TestServer.Options options() {
        return TestServer.Options.mailTo(mail.port(), "Acme <no-reply@acme.example>");
    }

    @AfterAll
    void stopMail() {
        mail.close();
    }

    private TestTenant tenant(String verification) {
        return s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AllowedUrls\":[\"https://app.example.com/verify\"]},\"EmailVerification\":{"
                + verification + "}}");
    }

    private static String email() {
        return "verify." + UUID.randomUUID() + "@example.com";
    }

    private Reply register(TestTenant t, String email, String query) {
        String sott = t.manage("GET", "/identity/v2/manage/account/sott", null).text("Sott");
        return s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey() + query, "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\""
                + email + "\"}],\"Password\":\"" + PASSWORD + "\"}", "Content-Type", "application/json", "X-LoginRadius-Sott", sott);
    }

    private Reply verify(TestTenant t, String token) {
        return s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationToken=" + token);
    }

    private String token(String address, int n) {
        List<Mailbox.Mail> got = mail.await(address, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        Mailbox.Mail m = got.get(n - 1);
        assertThat(m.subject()).isEqualTo("Confirm your email address for Acme");
        Matcher link = LINK.matcher(m.text());
        assertThat(link.find()).as(m.text()).isTrue();
        assertThat(link.group(1)).startsWith("https://app.example.com/verify?vtype=emailverification&vtoken=");
        return link.group(2);
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    private boolean verified(TestTenant t, String email) {
        return t.manage("GET", "/identity/v2/manage/account?email=" + email, null).json().get("EmailVerified").asBoolean();
    }

    @Test
    void signUpSendsTheLinkWhichVerifiesOnce() {
        TestTenant t = tenant("");
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"EmailVerification\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        String email = email();
        Reply r = register(t, email, "&verificationUrl=https://app.example.com/verify");
        assertThat(r.json().get("Data").get("access_token").asText()).matches("[0-9a-f-]{36}"); // Optional: signed in
        assertThat(verified(t, email)).isFalse();
        String token = token(email, 1);
        Reply ok = verify(t, token);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(ok.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(verified(t, email)).isTrue();
        assertError(verify(t, token), 403, 974);
        assertError(verify(t, UUID.randomUUID().toString()), 403, 1063);
        assertError(verify(tenant(""), token), 403, 1063);
        assertError(s.get("/identity/v2/auth/email?apikey=" + t.apiKey()), 403, 908);
        List<String> queued = s.server.jdbi().withHandle(h -> h.createQuery("SELECT event FROM webhook_outbox WHERE tenant_id = "
                + "(SELECT id FROM tenants WHERE api_key = :k)").bind("k", t.apiKey()).mapTo(String.class).list());
        assertThat(queued).contains("EmailVerification");
    }

    @Test
    void aWelcomeFollowsTheVerificationWhereTheTenantWantsOne() {
        TestTenant t = tenant("\"WelcomeEmail\":true");
        String email = email();
        register(t, email, "&verificationurl=https://app.example.com/verify");
        String token = token(email, 1);
        assertThat(verify(t, token).status()).isEqualTo(200);
        List<Mailbox.Mail> got = mail.await(email, 2);
        assertThat(got).hasSize(2);
        assertThat(got.get(1).subject()).isEqualTo("Welcome to Acme");
        assertThat(got.get(1).text()).contains("/hosted?apikey=" + t.apiKey());
        // On request (the application asks), and where the flow is Disabled: at sign-up.
        String access = t.login(email, PASSWORD).text("access_token");
        Reply again = s.get("/identity/v2/auth/account/sendwelcomeemail?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
        assertThat(again.json()).as(again.raw()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(mail.await(email, 3).get(2).subject()).isEqualTo("Welcome to Acme");
        TestTenant off = tenant("\"Flow\":\"Disabled\",\"WelcomeEmail\":true");
        String direct = email();
        register(off, direct, "");
        assertThat(mail.await(direct, 1).get(0).subject()).isEqualTo("Welcome to Acme");
        // Without the setting, none.
        TestTenant quiet = tenant("");
        String plain = email();
        register(quiet, plain, "&verificationurl=https://app.example.com/verify");
        assertThat(verify(quiet, token(plain, 1)).status()).isEqualTo(200);
        assertThat(mail.to(plain)).hasSize(1);
    }

    @Test
    void theRequiredFlowWaitsForTheLinkAndSendsItAgain() {
        TestTenant t = tenant("\"Flow\":\"Required\"");
        String email = email();
        Reply r = register(t, email, "&verificationurl=https://app.example.com/verify");
        assertThat(r.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        token(email, 1);
        assertError(t.login(email, PASSWORD), 403, 970);
        assertError(t.login(email, "wrong password"), 401, 966); // only who knows the password learns it is unverified
        Reply again = s.send("PUT", "/identity/v2/auth/register?apikey=" + t.apiKey() + "&verificationurl=https://app.example.com/verify",
                "{\"email\":\"" + email + "\"}", "Content-Type", "application/json");
        assertThat(again.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        String second = token(email, 2);
        assertThat(verify(t, second).status()).isEqualTo(200);
        assertThat(t.login(email, PASSWORD).status()).isEqualTo(200);
        // Nobody, or an address already verified: the same answer, no mail.
        String nobody = email();
        assertThat(s.send("PUT", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"email\":\"" + nobody + "\"}",
                "Content-Type", "application/json").json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(s.send("PUT", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\"}",
                "Content-Type", "application/json").status()).isEqualTo(200);
        assertThat(mail.to(nobody)).isEmpty();
        assertThat(mail.await(email, 3)).hasSize(2);
    }

    @Test
    void autoLoginSignsTheUserInWhenTheLinkIsFollowed() {
        TestTenant t = tenant("\"Flow\":\"Required\",\"AutoLogin\":true");
        String email = email();
        register(t, email, "&verificationurl=https://app.example.com/verify");
        Reply r = verify(t, token(email, 1));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode data = r.json().get("Data");
        assertThat(data.get("Profile").get("EmailVerified").asBoolean()).isTrue();
        assertThat(data.get("access_token").asText()).matches("[0-9a-f-]{36}");
    }

    @Test
    void linksOnlyToAllowedUrlsTheyExpireAndCanBePrevented() {
        TestTenant t = tenant("\"TokenSeconds\":300");
        String email = email();
        assertError(register(t, email, "&verificationurl=https://evil.example.com/verify"), 403, 908);
        assertThat(register(t, email, "&verificationurl=https://app.example.com/verify").status()).isEqualTo(200); // not made before
        String token = token(email, 1);
        s.clock.advance(Duration.ofSeconds(301));
        assertError(verify(t, token), 403, 975);
        String quiet = email();
        assertThat(register(t, quiet, "&options=PreventVerificationEmail").status()).isEqualTo(200);
        assertThat(mail.to(quiet)).isEmpty();
        TestTenant off = tenant("\"Flow\":\"Disabled\"");
        String none = email();
        assertThat(register(off, none, "").status()).isEqualTo(200);
        assertError(s.send("PUT", "/identity/v2/auth/register?apikey=" + off.apiKey(), "{\"email\":\"" + none + "\"}",
                "Content-Type", "application/json"), 403, 1034);
        // Without a verificationurl the link points at the hosted page.
        String hosted = email();
        register(t, hosted, "");
        assertThat(mail.await(hosted, 1).get(0).text()).contains("/hosted?apikey=" + t.apiKey() + "&vtype=emailverification&vtoken=");
    }
}

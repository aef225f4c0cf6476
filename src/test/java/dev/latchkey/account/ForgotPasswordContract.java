package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.json.Json;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.Parallel;
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
 * Forgotten passwords (reference §14): {@code POST /auth/password} emails a link (through a real SMTP server in the test,
 * GreenMail) to an allowed URL only, and answers the same for nobody; {@code PUT /auth/password/reset} spends the link's
 * token once (in sequence and in parallel), not after it expires, and ends every session. Runs on H2 and PostgreSQL.
 */
abstract class ForgotPasswordContract extends ServerContract {
    private static final String PASSWORD = "correct horse 1";
    private static final String NEW = "battery staple 2";
    private static final Pattern LINK = Pattern.compile("(https://app\\.example\\.com/reset\\S*vtoken=([0-9a-f-]{36}))");

    private final Mailbox mail = new Mailbox().ignoring(Mailbox::securityNotice);

    @Override
    protected TestServer.Options options() {
        return TestServer.Options.mailTo(mail.port(), "Acme <no-reply@acme.example>");
    }

    @AfterAll
    void stopMail() {
        mail.close();
    }

    private TestTenant tenant() {
        return s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AllowedUrls\":[\"https://app.example.com/reset\"]}}");
    }

    private static String email() {
        return "forgot." + UUID.randomUUID() + "@example.com";
    }

    private Reply forgot(TestTenant t, String body, String url) {
        return s.send("POST", "/identity/v2/auth/password?apikey=" + t.apiKey() + (url == null ? "" : "&resetPasswordUrl=" + url), body,
                "Content-Type", "application/json");
    }

    private Reply reset(TestTenant t, String token, String password) {
        return s.send("PUT", "/identity/v2/auth/password/reset?apikey=" + t.apiKey(), "{\"ResetToken\":\"" + token + "\",\"Password\":\""
                + password + "\"}", "Content-Type", "application/json");
    }

    /** The token of the {@code n}th reset email to {@code address}. */
    private String token(String address, int n) {
        List<Mailbox.Mail> got = mail.await(address, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        Mailbox.Mail m = got.get(n - 1);
        assertThat(m.subject()).isEqualTo("Reset your Acme password");
        Matcher link = LINK.matcher(m.text());
        assertThat(link.find()).as(m.text()).isTrue();
        assertThat(link.group(1)).startsWith("https://app.example.com/reset?vtype=reset&vtoken=");
        return link.group(2);
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    @Test
    void forgotThenResetWithTheEmailedTokenAndEverySessionEnds() {
        TestTenant t = tenant();
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"ResetPassword\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        Reply asked = forgot(t, "{\"email\":\"" + email.toUpperCase() + "\"}", "https://app.example.com/reset");
        assertThat(asked.status()).as(asked.raw()).isEqualTo(200);
        assertThat(asked.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        String token = token(email, 1);
        assertError(reset(t, token, "short"), 403, 1134); // the policy first: the token is not spent
        Reply done = reset(t, token, NEW);
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertError(reset(t, token, "another horse 3"), 403, 974);
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access).status())
                .isNotEqualTo(200);
        assertError(t.login(email, PASSWORD), 401, 966);
        assertThat(t.login(email, NEW).status()).isEqualTo(200);
        List<String> queued = s.server.jdbi().withHandle(h -> h.createQuery("SELECT event FROM webhook_outbox WHERE tenant_id = "
                + "(SELECT id FROM tenants WHERE api_key = :k)").bind("k", t.apiKey()).mapTo(String.class).list());
        assertThat(queued).contains("ResetPassword");
        // The token is stored as a keyed hash only.
        List<String> stored = s.server.jdbi().withHandle(h -> h.createQuery("SELECT token_hash FROM account_links").mapTo(String.class).list());
        assertThat(stored).noneMatch(v -> v.contains(token));
    }

    @Test
    void nobodyGetsTheSameAnswerAndNoMail() {
        TestTenant t = tenant();
        String nobody = email();
        Reply r = forgot(t, "{\"email\":\"" + nobody + "\"}", "https://app.example.com/reset");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        // By username too: the mail goes to the account's address.
        String email = email();
        t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"UserName\":\"forgetful"
                + Math.abs(email.hashCode()) + "\",\"Password\":\"" + PASSWORD + "\"}");
        assertThat(forgot(t, "{\"username\":\"forgetful" + Math.abs(email.hashCode()) + "\"}", null).status()).isEqualTo(200);
        assertThat(mail.await(email, 1)).hasSize(1);
        assertThat(mail.to(nobody)).isEmpty();
    }

    @Test
    void aTenantMayChooseLoginRadiussRevealingAnswer() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"ForgotPasswordRevealsUnknown\":true}}");
        assertError(forgot(t, "{\"email\":\"" + email() + "\"}", null), 403, 938);
        assertError(forgot(t, "{\"username\":\"nobody-here\"}", null), 403, 938);
        String email = email();
        t.account(email, PASSWORD);
        assertThat(forgot(t, "{\"email\":\"" + email + "\"}", null).json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(mail.await(email, 1)).hasSize(1);
    }

    @Test
    void onlyAllowedUrlsAndAtMostFiveAnHour() {
        TestTenant t = tenant();
        String email = email();
        t.account(email, PASSWORD);
        String body = "{\"email\":\"" + email + "\"}";
        for (String bad : new String[] {"https://evil.example.com/reset", "http://app.example.com/reset", "https://app.example.com/other",
                "https://app.example.com.evil.example/reset", "https://app.example.com:8443/reset", "javascript:alert(1)", "not a url"}) {
            assertError(forgot(t, body, bad.replace(" ", "%20")), 403, 908);
        }
        assertThat(mail.to(email)).isEmpty();
        for (int i = 0; i < 7; i++) {
            assertThat(forgot(t, body, "https://app.example.com/reset/page").status()).isEqualTo(200);
        }
        mail.await(email, 5);
        assertThat(mail.to(email)).hasSize(5);
    }

    @Test
    void tokensExpireAreSingleUseInParallelAndOneLinkEndsTheOthers() throws Exception {
        TestTenant t = tenant();
        String email = email();
        t.account(email, PASSWORD);
        forgot(t, "{\"email\":\"" + email + "\"}", "https://app.example.com/reset");
        String first = token(email, 1);
        s.clock.advance(Duration.ofMinutes(61));
        assertError(reset(t, first, NEW), 403, 975);
        forgot(t, "{\"email\":\"" + email + "\"}", "https://app.example.com/reset");
        forgot(t, "{\"email\":\"" + email + "\"}", "https://app.example.com/reset");
        String second = token(email, 2);
        String third = token(email, 3);
        List<Reply> replies = Parallel.times(20, () -> reset(t, third, NEW));
        assertThat(replies.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
        assertThat(replies.stream().filter(r -> r.status() != 200)).allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(974));
        assertError(reset(t, second, "another horse 3"), 403, 974); // the others died with it
        assertError(reset(t, UUID.randomUUID().toString(), NEW), 403, 1063);
        assertError(reset(t, "garbage", NEW), 403, 1063);
        assertError(reset(tenant(), third, NEW), 403, 1063); // another tenant's
    }

    @Test
    void badInputs() {
        TestTenant t = tenant();
        assertError(forgot(t, "{}", null), 403, 908);
        assertError(forgot(t, "{\"email\":42}", null), 403, 1134);
        assertError(forgot(t, "{\"email\":\"" + "a".repeat(400) + "@example.com\"}", null), 403, 908);
        assertError(forgot(t, "[1]", null), 400, 965);
        assertError(s.send("PUT", "/identity/v2/auth/password/reset?apikey=" + t.apiKey(), "{\"password\":\"" + NEW + "\"}",
                "Content-Type", "application/json"), 403, 908);
        assertError(s.send("PUT", "/identity/v2/auth/password/reset?apikey=" + t.apiKey(), "{\"resettoken\":\"" + UUID.randomUUID() + "\"}",
                "Content-Type", "application/json"), 403, 908);
        assertError(reset(t, UUID.randomUUID().toString(), "x\\u0000y".repeat(5)), 403, 1134);
    }
}

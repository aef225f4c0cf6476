package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Mailbox;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The account self-service tried as an attacker would (a review's findings, each test written to pass once the weakness was
 * gone): brute force of the emailed verification code (counted per address, before the comparison, across emails; one
 * live code per address), a session from an emailed code proving no password, links that die with their address or with
 * the sessions, the hourly cap under races, uid changes racing each other. H2 and PostgreSQL.
 */
abstract class AccountAbuseContract extends ServerContract {
    private static final String PASSWORD = "Lattice-Umbra-4417";
    private static final Pattern VTOKEN = Pattern.compile("vtoken=([0-9a-f-]{36})");
    private final Mailbox mail = new Mailbox().ignoring(Mailbox::securityNotice);

    @Override
    protected TestServer.Options options() {
        return TestServer.Options.mailTo(mail.port(), "Acme <no-reply@acme.example>");
    }

    @AfterAll
    void stopMail() {
        mail.close();
    }

    private TestTenant tenant(String security, String verification) {
        return s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AllowedUrls\":[\"https://app.example.com/\"]" + security + "}"
                + ",\"EmailVerification\":{" + verification + "}}");
    }

    private static String email() {
        return "rev." + UUID.randomUUID() + "@example.com";
    }

    private Reply call(TestTenant t, String method, String path, String token, String body) {
        String sep = path.contains("?") ? "&" : "?";
        return s.send(method, path + sep + "apikey=" + t.apiKey(), body, "Content-Type", "application/json", "Authorization", "Bearer " + token);
    }

    private Reply json(TestTenant t, String method, String path, String body) {
        String sep = path.contains("?") ? "&" : "?";
        return s.send(method, path + sep + "apikey=" + t.apiKey(), body, "Content-Type", "application/json");
    }

    private String linkToken(String address, int n, String vtype) {
        String text = mail.await(address, n).get(n - 1).text();
        assertThat(text).contains("vtype=" + vtype + "&vtoken=");
        Matcher m = VTOKEN.matcher(text);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private String code(String address, int n) {
        String text = mail.await(address, n).get(n - 1).text();
        Matcher m = Pattern.compile("Or enter this code where you were asked for it: ([0-9]{6})").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    private Reply otp(TestTenant t, String email, String code) {
        return json(t, "PUT", "/identity/v2/auth/email", "{\"email\":\"" + email + "\",\"otp\":\"" + code + "\"}");
    }

    /** Attempts are counted before the comparison: guesses sent while another request holds the address's rows cannot outrun the limit. */
    @Test
    void guessesAtOnceCannotOutrunTheLimitOfFiveTries() throws Exception {
        final int WRONG = 6;
        TestTenant t = tenant("", "");
        String email = email();
        t.account(email, PASSWORD);
        json(t, "PUT", "/identity/v2/auth/register", "{\"email\":\"" + email + "\"}");
        String right = code(email, 1);
        String key = Identifiers.key("email", email);
        org.jdbi.v3.core.Handle inFlight = s.server.jdbi().open();
        inFlight.begin();
        inFlight.createUpdate("UPDATE account_links SET used_at = used_at WHERE email_key = :k").bind("k", key).execute();
        List<Callable<Reply>> calls = new ArrayList<>();
        for (int i = 1; i <= WRONG; i++) {
            String wrong = String.format("%06d", (Integer.parseInt(right) + i) % 1_000_000);
            calls.add(() -> otp(t, email, wrong));
        }
        calls.add(() -> {
            // After five wrong ones were counted (not after a fixed time: a loaded machine may be slower than any sleep).
            long until = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < until && s.server.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COALESCE(MAX(failures), 0) FROM email_code_failures WHERE email_key = :k").bind("k", key).mapTo(Integer.class).one()) < 5) {
                Thread.sleep(10);
            }
            return otp(t, email, right);
        });
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(1500);
                inFlight.commit();
                inFlight.close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        release.start();
        List<Reply> replies = Parallel.run(calls);
        release.join();
        assertThat(replies).allSatisfy(r -> {
            assertThat(r.status()).as(r.raw()).isEqualTo(403);
            assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1185);
        });
    }

    /** A new email (a resend) neither resets the count nor adds a second live code: only the newest code lives. */
    @Test
    void aNewEmailNeitherResetsTheCountNorAddsALiveCode() throws Exception {
        TestTenant t = tenant("", "");
        String email = email();
        t.account(email, PASSWORD);
        json(t, "PUT", "/identity/v2/auth/register", "{\"email\":\"" + email + "\"}");
        String first = code(email, 1);
        json(t, "PUT", "/identity/v2/auth/register", "{\"email\":\"" + email + "\"}");
        String second = code(email, 2);
        if (!first.equals(second)) {
            assertThat(otp(t, email, first).status()).isEqualTo(403); // the older email's code ended
        }
        for (int i = 1; i <= 5; i++) {
            String wrong = String.format("%06d", (Integer.parseInt(second) + i) % 1_000_000);
            assertThat(otp(t, email, wrong).status()).isEqualTo(403);
        }
        json(t, "PUT", "/identity/v2/auth/register", "{\"email\":\"" + email + "\"}");
        String third = code(email, 3);
        assertThat(otp(t, email, third).status()).as("the count survives a new email").isEqualTo(403);
        // 20 resends at once: the hourly cap holds (5 links an hour), one live code.
        TestTenant u = tenant("", "");
        String other = email();
        u.account(other, PASSWORD);
        List<Reply> replies = Parallel.times(20, () -> json(u, "PUT", "/identity/v2/auth/register", "{\"email\":\"" + other + "\"}"));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        String otherKey = Identifiers.key("email", other);
        int links = s.server.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM account_links WHERE email_key = :k AND used_at IS NULL")
                .bind("k", otherKey).mapTo(Integer.class).one());
        int codes = s.server.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM account_links WHERE email_key = :k AND used_at IS NULL AND otp_hash IS NOT NULL")
                .bind("k", otherKey).mapTo(Integer.class).one());
        assertThat(links).isEqualTo(AccountLinks.PER_ACCOUNT_PER_HOUR);
        assertThat(codes).isEqualTo(1);
    }

    /** A session from an emailed code (verification with AutoLogin) is the mailbox, not the password: no address changes. */
    @Test
    void theCodesAutoLoginSessionCannotRouteRecovery() {
        TestTenant t = tenant("", "\"AutoLogin\":true");
        String victim = email();
        t.account(victim, PASSWORD);
        assertThat(json(t, "PUT", "/identity/v2/auth/register", "{\"email\":\"" + victim + "\"}").status()).isEqualTo(200);
        Reply in = otp(t, victim, code(victim, 1));
        assertThat(in.status()).as(in.raw()).isEqualTo(200);
        String token = in.json().get("Data").get("access_token").asText();
        Reply add = call(t, "POST", "/identity/v2/auth/email", token, "{\"email\":\"" + email() + "\",\"type\":\"Primary\"}");
        assertThat(add.status()).as(add.raw()).isEqualTo(403);
        assertThat(add.json().get("ErrorCode").asInt()).isEqualTo(1193);
    }

    /** A reset link sent to an address dies when the address leaves the account. */
    @Test
    void aResetLinkToARemovedAddressDiesWithIt() {
        TestTenant t = tenant("", "");
        String old = email();
        t.account(old, PASSWORD);
        String token = t.login(old, PASSWORD).text("access_token");
        assertThat(json(t, "POST", "/identity/v2/auth/password", "{\"email\":\"" + old + "\"}").status()).isEqualTo(200);
        String stolen = linkToken(old, 1, "reset");
        String fresh = email();
        assertThat(call(t, "POST", "/identity/v2/auth/email", token, "{\"email\":\"" + fresh + "\",\"type\":\"Primary\"}").status()).isEqualTo(200);
        assertThat(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + linkToken(fresh, 1, "emailverification")).status())
                .isEqualTo(200);
        assertThat(call(t, "DELETE", "/identity/v2/auth/email", token, "{\"email\":\"" + old + "\"}").status()).isEqualTo(200);
        Reply reset = json(t, "PUT", "/identity/v2/auth/password/reset", "{\"resettoken\":\"" + stolen + "\",\"password\":\"Quartz-Meadow-9051\"}");
        assertThat(reset.status()).as(reset.raw()).isEqualTo(403);
        assertThat(reset.json().get("ErrorCode").asInt()).isEqualTo(974);
        assertThat(t.login(fresh, PASSWORD).status()).isEqualTo(200);
    }

    /** Ending the sessions (a password change) ends what they asked for: an address waiting to join no longer joins. */
    @Test
    void aPendingAdditionDiesWithThePasswordChange() {
        TestTenant t = tenant("", "");
        String owner = email();
        String uid = t.account(owner, PASSWORD);
        String thief = t.login(owner, PASSWORD).text("access_token");
        String attacker = email();
        assertThat(call(t, "POST", "/identity/v2/auth/email", thief, "{\"email\":\"" + attacker + "\",\"type\":\"Primary\"}").status()).isEqualTo(200);
        String ownerToken = t.login(owner, PASSWORD).text("access_token");
        assertThat(call(t, "PUT", "/identity/v2/auth/password/change", ownerToken,
                "{\"oldpassword\":\"" + PASSWORD + "\",\"newpassword\":\"Quartz-Meadow-9051\"}").status()).isEqualTo(200);
        Reply joined = s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + linkToken(attacker, 1, "emailverification"));
        assertThat(joined.status()).as(joined.raw()).isEqualTo(403);
        assertThat(joined.json().get("ErrorCode").asInt()).isEqualTo(974);
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("Email").toString()).doesNotContain(attacker);
    }

    /** Eight accounts renamed to one NewUid at once: one wins, the others are refused as taken (never a 5xx). */
    @Test
    void uidChangesRacingForOneUid() throws Exception {
        TestTenant t = tenant("", "");
        List<String> uids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            uids.add(t.account(email(), PASSWORD));
        }
        String wanted = "same_" + UUID.randomUUID().toString().substring(0, 8);
        List<Callable<Reply>> calls = new ArrayList<>();
        for (String uid : uids) {
            calls.add(() -> t.manage("PUT", "/identity/v2/manage/account/uid?uid=" + uid, "{\"NewUid\":\"" + wanted + "\"}"));
        }
        List<Reply> replies = Parallel.run(calls);
        assertThat(replies.stream().filter(r -> r.status() == 200)).hasSize(1);
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.raw()).isIn(200, 403));
        assertThat(replies.stream().filter(r -> r.status() == 403)).allSatisfy(r -> assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1134));
    }

    /** Logins racing a uid change or a deletion: a login that loses is refused as a wrong one (966), never a 5xx (it was 500). */
    @Test
    void loginsRacingAUidChangeOrADeletion() throws Exception {
        TestTenant t = tenant("", "");
        List<Reply> all = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            String email = email();
            String uid = t.account(email, PASSWORD);
            List<Callable<Reply>> race = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                race.add(() -> t.login(email, PASSWORD));
            }
            race.add(round % 2 == 0
                    ? () -> t.manage("PUT", "/identity/v2/manage/account/uid?uid=" + uid, "{\"NewUid\":\"n_" + uid.substring(0, 30) + "\"}")
                    : () -> t.manage("DELETE", "/identity/v2/manage/account/" + uid, null));
            all.addAll(Parallel.run(race));
        }
        // 429: the account's logins at once wait their turn for the password hashing (Retry-After); never a 5xx.
        assertThat(all).allSatisfy(r -> assertThat(r.status()).as(r.raw()).isIn(200, 401, 429));
    }

    /** Allowed URLs are compared by path segment, without dot segments or a user part. */
    @Test
    void anAllowedUrlIsAPathPrefixBySegment() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AllowedUrls\":[\"https://app.example.com/auth\"]}}");
        for (String url : List.of("https://app.example.com/authx", "https://app.example.com/auth/../blog", "https://app.example.com/auth/%2e%2e/blog",
                "https://evil@app.example.com/auth")) {
            Reply r = json(t, "POST", "/identity/v2/auth/password?resetpasswordurl=" + java.net.URLEncoder.encode(url, java.nio.charset.StandardCharsets.UTF_8),
                    "{\"email\":\"" + email() + "\"}");
            assertThat(r.status()).as(url + " " + r.raw()).isEqualTo(403);
            assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(908);
        }
        assertThat(json(t, "POST", "/identity/v2/auth/password?resetpasswordurl=https://app.example.com/auth/reset", "{\"email\":\"" + email() + "\"}")
                .status()).isEqualTo(200);
    }
}

package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * What a signed-in user changes on their own account (reference §13, §15): the profile, email addresses (added once the
 * new address's link is followed), the username, the availability checks, and the account's deletion confirmed by an
 * emailed link; and what the application asks for an account through the Management API (a token for a uid, the
 * identities of an address, a uid change, an address upsert or removal, the phone, a reset or verification token, token
 * info and the sliding token). Exact wire answers; H2 and PostgreSQL; real SMTP (GreenMail).
 */
abstract class AccountSelfServiceContract extends ServerContract {
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

    private TestTenant tenant(String more) {
        return s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AllowedUrls\":[\"https://app.example.com/\"]" + more + "}}");
    }

    private static String email() {
        return "self." + UUID.randomUUID() + "@example.com";
    }

    private static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    private String signIn(TestTenant t, String email) {
        Reply r = t.login(email, PASSWORD);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.text("access_token");
    }

    private Reply call(TestTenant t, String method, String path, String token, String body) {
        String sep = path.contains("?") ? "&" : "?";
        return s.send(method, path + sep + "apikey=" + t.apiKey(), body, "Content-Type", "application/json", "Authorization", "Bearer " + token);
    }

    private String linkToken(String address, int n, String vtype) {
        List<Mailbox.Mail> got = mail.await(address, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        String text = got.get(n - 1).text();
        assertThat(text).contains("vtype=" + vtype + "&vtoken=");
        Matcher m = VTOKEN.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    private static void subscribe(TestTenant t, String... events) {
        for (String e : events) {
            t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"" + e + "\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        }
    }

    private List<String> queuedEvents(TestTenant t) {
        return s.server.jdbi().withHandle(h -> h.createQuery("SELECT event FROM webhook_outbox WHERE tenant_id = "
                + "(SELECT id FROM tenants WHERE api_key = :k)").bind("k", t.apiKey()).mapTo(String.class).list());
    }

    @Test
    void theUserUpdatesTheirProfileButNotWhatOnlyTheApplicationMay() {
        TestTenant t = tenant("");
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"UpdateProfile\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        String email = email();
        String uid = t.account(email, PASSWORD);
        t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"LastName\":\"Kept\"}");
        String token = signIn(t, email);
        Reply r = call(t, "PUT", "/identity/v2/auth/account", token,
                "{\"FirstName\":\"Ada\",\"LastName\":null,\"IsActive\":false,\"EmailVerified\":true,\"Uid\":\"mine\",\"Password\":\"x\",\"PhoneId\":\"+15550100\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().get("IsPosted").asBoolean()).isTrue();
        JsonNode p = r.json().get("Data");
        assertThat(p.get("FirstName").asText()).isEqualTo("Ada");
        assertThat(p.get("LastName").asText()).isEqualTo("Kept"); // null leaves it without nullsupport
        assertThat(p.get("IsActive").asBoolean()).isTrue();
        assertThat(p.get("EmailVerified").asBoolean()).isFalse();
        assertThat(p.get("Uid").asText()).isEqualTo(uid);
        assertThat(p.get("PhoneId").isNull()).isTrue();
        assertThat(t.login(email, PASSWORD).status()).isEqualTo(200); // the password did not change
        Reply cleared = call(t, "PUT", "/identity/v2/auth/account?nullsupport=true&fields=LastName,FirstName", token, "{\"LastName\":null}");
        assertThat(cleared.json()).isEqualTo(Json.parse("{\"IsPosted\":true,\"Data\":{\"LastName\":null,\"FirstName\":\"Ada\"}}"));
        assertThat(queuedEvents(t)).contains("UpdateProfile");
        // Bad input: LoginRadius errors, never a 5xx.
        assertError(call(t, "PUT", "/identity/v2/auth/account", token, "{\"FirstName\":5}"), 403, 1134);
        assertError(call(t, "PUT", "/identity/v2/auth/account", token, "[1]"), 400, 1079);
        assertError(call(t, "PUT", "/identity/v2/auth/account", UUID.randomUUID().toString(), "{}"), 403, 905);
        assertError(call(tenant(""), "PUT", "/identity/v2/auth/account", token, "{}"), 403, 905); // another tenant's token
    }

    @Test
    void anAddedAddressJoinsOnlyWhenItsLinkIsFollowedAndCanBeRemoved() {
        TestTenant t = tenant("");
        subscribe(t, "AddEmail", "RemoveEmail");
        String email = email();
        t.account(email, PASSWORD);
        String token = signIn(t, email);
        String added = email();
        Reply r = call(t, "POST", "/identity/v2/auth/email?verificationurl=https://app.example.com/verify", token,
                "{\"email\":\"" + added + "\",\"type\":\"Secondary\"}");
        assertThat(r.json()).as(r.raw()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(t.login(added, PASSWORD).status()).isEqualTo(401); // not yet its
        assertThat(t.manage("GET", "/identity/v2/manage/account?email=" + added, null).status()).isEqualTo(403);
        String vtoken = linkToken(added, 1, "emailverification");
        Reply verified = s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + vtoken);
        assertThat(verified.json()).as(verified.raw()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        JsonNode emails = t.manage("GET", "/identity/v2/manage/account?email=" + email, null).json().get("Email");
        assertThat(emails).isEqualTo(Json.parse("[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"},{\"Type\":\"Secondary\",\"Value\":\"" + added + "\"}]"));
        assertThat(t.login(added, PASSWORD).status()).isEqualTo(200);
        assertThat(queuedEvents(t)).contains("AddEmail");
        assertError(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + vtoken), 403, 974);

        // What may not be added.
        assertError(call(t, "POST", "/identity/v2/auth/email", token, "{\"email\":\"" + added + "\",\"type\":\"Secondary\"}"), 403, 1174);
        String someoneElse = email();
        t.account(someoneElse, PASSWORD);
        assertError(call(t, "POST", "/identity/v2/auth/email", token, "{\"email\":\"" + someoneElse + "\",\"type\":\"Secondary\"}"), 403, 936);
        assertError(call(t, "POST", "/identity/v2/auth/email", token, "{\"email\":\"" + email() + "\"}"), 400, 1201);
        assertError(call(t, "POST", "/identity/v2/auth/email", token, "{\"email\":\"not an address\",\"type\":\"Secondary\"}"), 400, 1038);
        assertError(call(t, "POST", "/identity/v2/auth/email", token, "{\"type\":\"Secondary\"}"), 403, 908);
        assertError(call(t, "POST", "/identity/v2/auth/email?verificationurl=https://evil.example/x", token,
                "{\"email\":\"" + email() + "\",\"type\":\"Secondary\"}"), 403, 908);

        // Removal: not its own, then the primary (the other becomes primary), then the only one left.
        assertError(call(t, "DELETE", "/identity/v2/auth/email", token, "{\"email\":\"" + someoneElse + "\"}"), 403, 1340);
        Reply removed = call(t, "DELETE", "/identity/v2/auth/email", token, "{\"email\":\"" + email.toUpperCase() + "\"}");
        assertThat(removed.json()).as(removed.raw()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(t.manage("GET", "/identity/v2/manage/account?email=" + added, null).json().get("Email"))
                .isEqualTo(Json.parse("[{\"Type\":\"Primary\",\"Value\":\"" + added + "\"}]"));
        assertThat(t.login(email, PASSWORD).status()).isEqualTo(401);
        assertError(call(t, "DELETE", "/identity/v2/auth/email", token, "{\"email\":\"" + added + "\"}"), 403, 1005);
        assertThat(queuedEvents(t)).contains("RemoveEmail");
    }

    private String code(String address, int n) {
        String text = mail.await(address, n).get(n - 1).text();
        Matcher m = Pattern.compile("Or enter this code where you were asked for it: ([0-9]{6})").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    private Reply verifyByOtp(TestTenant t, String email, String otp) {
        return s.send("PUT", "/identity/v2/auth/email?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\",\"otp\":\"" + otp + "\"}",
                "Content-Type", "application/json");
    }

    @Test
    void theVerificationEmailsCodeVerifiesOnceAndFiveWrongOnesKillIt() {
        TestTenant t = tenant("");
        String email = email();
        String uid = t.account(email, PASSWORD);
        String token = signIn(t, email);
        // A sign-up's verification (here: sent again on request) and an added address both carry a code.
        assertThat(s.send("PUT", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\"}",
                "Content-Type", "application/json").status()).isEqualTo(200);
        String otp = code(email, 1);
        assertError(verifyByOtp(t, email, otp.equals("000000") ? "000001" : "000000"), 403, 1185);
        assertError(verifyByOtp(tenant(""), email, otp), 403, 1185); // another tenant
        Reply ok = verifyByOtp(t, email.toUpperCase(), otp);
        assertThat(ok.json()).as(ok.raw()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("EmailVerified").asBoolean()).isTrue();
        assertError(verifyByOtp(t, email, otp), 403, 1185); // used
        String added = email();
        call(t, "POST", "/identity/v2/auth/email", token, "{\"email\":\"" + added + "\",\"type\":\"Secondary\"}");
        String addedOtp = code(added, 1);
        for (int i = 0; i < 5; i++) {
            String wrong = String.format("%06d", (Integer.parseInt(addedOtp) + 1 + i) % 1_000_000);
            assertError(verifyByOtp(t, added, wrong), 403, 1185);
        }
        assertError(verifyByOtp(t, added, addedOtp), 403, 1185); // dead after five wrong ones
        String vtoken = linkToken(added, 1, "emailverification"); // the link still works
        assertThat(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + vtoken).status()).isEqualTo(200);
        assertThat(t.login(added, PASSWORD).status()).isEqualTo(200);
        // Bad input.
        assertError(verifyByOtp(t, added, "abc"), 403, 1185);
        assertError(s.send("PUT", "/identity/v2/auth/email?apikey=" + t.apiKey(), "{\"email\":\"" + added + "\"}",
                "Content-Type", "application/json"), 403, 908);
        assertError(s.send("PUT", "/identity/v2/auth/email?apikey=" + t.apiKey(), "[]", "Content-Type", "application/json"), 400, 1079);
    }

    @Test
    void aProfileUpdateWithOtherAddressesAddsThemByTheirLinkAndRemovesTheOnesLeftOut() {
        TestTenant t = tenant("");
        String email = email();
        String uid = t.account(email, PASSWORD);
        String token = signIn(t, email);
        String next = email();
        Reply r = call(t, "PUT", "/identity/v2/auth/account?verificationurl=https://app.example.com/v", token,
                "{\"FirstName\":\"Moved\",\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + next + "\"}]}");
        // The new address is not the account's until its link is followed: every address cannot go at once (1005), and
        // nothing changed (no link sent, the name as it was).
        assertError(r, 403, 1005);
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("FirstName").asText()).isEqualTo("Test");
        assertThat(call(t, "POST", "/identity/v2/auth/email?verificationurl=https://app.example.com/v", token,
                "{\"email\":\"" + next + "\",\"type\":\"Primary\"}").status()).isEqualTo(200);
        String vtoken = linkToken(next, 1, "emailverification");
        assertThat(mail.to(next)).hasSize(1);
        assertThat(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + vtoken).status()).isEqualTo(200);
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("Email")).isEqualTo(Json.parse(
                "[{\"Type\":\"Secondary\",\"Value\":\"" + email + "\"},{\"Type\":\"Primary\",\"Value\":\"" + next + "\"}]"));
        Reply moved = call(t, "PUT", "/identity/v2/auth/account", token,
                "{\"FirstName\":\"Moved\",\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + next + "\"}]}");
        assertThat(moved.status()).as(moved.raw()).isEqualTo(200);
        assertThat(moved.json().get("Data").get("Email")).isEqualTo(Json.parse("[{\"Type\":\"Primary\",\"Value\":\"" + next + "\"}]"));
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("FirstName").asText()).isEqualTo("Moved");
        assertThat(t.login(email, PASSWORD).status()).isEqualTo(401);
        assertThat(t.login(next, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aLinkToAnAddressTheAccountNoLongerHasVerifiesNothing() {
        TestTenant t = tenant("");
        String email = email();
        String uid = t.account(email, PASSWORD);
        String token = signIn(t, email);
        s.send("PUT", "/identity/v2/auth/register?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\"}", "Content-Type", "application/json");
        String old = linkToken(email, 1, "emailverification");
        String added = email();
        call(t, "POST", "/identity/v2/auth/email", token, "{\"email\":\"" + added + "\",\"type\":\"Secondary\"}");
        assertThat(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + linkToken(added, 1, "emailverification"))
                .status()).isEqualTo(200);
        assertThat(call(t, "DELETE", "/identity/v2/auth/email", token, "{\"email\":\"" + email + "\"}").status()).isEqualTo(200);
        assertError(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + old), 403, 974); // ended with its address
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("EmailVerified").asBoolean()).isFalse();
    }

    @Test
    void anAccountWithoutASecondFactorNeedsTheRecentlyProvedPasswordToChangeItsAddresses() {
        TestTenant t = tenant("");
        String email = email();
        String uid = t.account(email, PASSWORD);
        Reply login = t.login(email, PASSWORD);
        String token = login.text("access_token");
        String body = "{\"email\":\"" + email() + "\",\"type\":\"Secondary\"}";
        // Refreshed within the window: the login's proof goes on with the session.
        s.clock.advance(Duration.ofMinutes(10));
        Reply refreshed = t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + login.text("refresh_token"), null);
        String fresh = refreshed.text("access_token");
        assertThat(call(t, "POST", "/identity/v2/auth/email", fresh, body).status()).isEqualTo(200);
        s.clock.advance(Duration.ofMinutes(6));
        Reply stale = call(t, "POST", "/identity/v2/auth/email", fresh, "{\"email\":\"" + email() + "\",\"type\":\"Secondary\"}");
        assertError(stale, 403, 1193);
        assertThat(stale.json().get("Description").asText()).contains("needs the password proved in the last 15 minutes");
        assertError(call(t, "DELETE", "/identity/v2/auth/email", fresh, "{\"email\":\"" + email + "\"}"), 403, 1193);
        // The password again (step-up) renews the proof.
        Reply again = call(t, "PUT", "/identity/v2/auth/account/reauth/password", fresh, "{\"password\":\"" + PASSWORD + "\"}");
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        assertThat(call(t, "POST", "/identity/v2/auth/email", fresh, "{\"email\":\"" + email() + "\",\"type\":\"Secondary\"}").status())
                .isEqualTo(200);
        // A session the application asked for proved no password.
        String impersonated = t.manage("GET", "/identity/v2/manage/account/access_token?uid=" + uid, null).text("access_token");
        assertError(call(t, "POST", "/identity/v2/auth/email", impersonated, "{\"email\":\"" + email() + "\",\"type\":\"Secondary\"}"), 403, 1193);
        assertThat(call(t, "PUT", "/identity/v2/auth/account", impersonated, "{\"FirstName\":\"Fine\"}").status()).isEqualTo(200);
    }

    @Test
    void anAccountWithASecondFactorNeedsARecentOneToChangeItsAddresses() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true}}");
        String email = email();
        String uid = t.account(email, PASSWORD);
        List<String> codes = t.backupCodes(uid);
        String sf = t.secondFactorToken(email, PASSWORD);
        Reply done = t.redeem(sf, codes.get(0));
        String token = done.text("access_token");
        s.clock.advance(Duration.ofMinutes(16));
        assertError(call(t, "POST", "/identity/v2/auth/email", token, "{\"email\":\"" + email() + "\",\"type\":\"Secondary\"}"), 403, 1193);
        assertError(call(t, "DELETE", "/identity/v2/auth/email", token, "{\"email\":\"" + email + "\"}"), 403, 1193);
        assertError(call(t, "PUT", "/identity/v2/auth/account", token, "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email() + "\"}]}"), 403, 1193);
        // Fields other than the addresses need no proof.
        assertThat(call(t, "PUT", "/identity/v2/auth/account", token, "{\"FirstName\":\"Ok\"}").status()).isEqualTo(200);
    }

    @Test
    void usernamesAndTheAvailabilityChecks() {
        TestTenant t = tenant("");
        subscribe(t, "SetUsername");
        String email = email();
        t.account(email, PASSWORD);
        String token = signIn(t, email);
        String name = "user" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(s.get("/identity/v2/auth/username?apikey=" + t.apiKey() + "&username=" + name).json())
                .isEqualTo(Json.parse("{\"IsExist\":false}"));
        assertThat(call(t, "PUT", "/identity/v2/auth/username", token, "{\"username\":\"" + name + "\"}").json())
                .isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(s.get("/identity/v2/auth/username?apikey=" + t.apiKey() + "&username=" + name.toUpperCase()).json())
                .isEqualTo(Json.parse("{\"IsExist\":true}"));
        assertThat(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&email=" + email).json()).isEqualTo(Json.parse("{\"IsExist\":true}"));
        assertThat(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&email=" + email()).json()).isEqualTo(Json.parse("{\"IsExist\":false}"));
        assertThat(queuedEvents(t)).contains("SetUsername");
        String other = email();
        t.account(other, PASSWORD);
        assertError(call(t, "PUT", "/identity/v2/auth/username", signIn(t, other), "{\"username\":\"" + name + "\"}"), 403, 1017);
        assertError(call(t, "PUT", "/identity/v2/auth/username", token, "{\"username\":\"two words\"}"), 403, 1024);
        assertError(call(t, "PUT", "/identity/v2/auth/username", token, "{\"username\":5}"), 403, 1134);
        assertError(s.get("/identity/v2/auth/username?apikey=" + t.apiKey()), 403, 908);
        // Another tenant does not see this one's accounts; a tenant may turn the checks off.
        assertThat(s.get("/identity/v2/auth/email?apikey=" + tenant("").apiKey() + "&email=" + email).json()).isEqualTo(Json.parse("{\"IsExist\":false}"));
        TestTenant closed = tenant(",\"AvailabilityChecks\":false");
        assertError(s.get("/identity/v2/auth/email?apikey=" + closed.apiKey() + "&email=" + email), 401, 6002);
        assertError(s.get("/identity/v2/auth/username?apikey=" + closed.apiKey() + "&username=" + name), 401, 6002);
    }

    @Test
    void deletionWaitsForTheEmailedLinkWhichWorksOnce() throws Exception {
        TestTenant t = tenant("");
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"DeleteAccount\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        String email = email();
        String uid = t.account(email, PASSWORD);
        String token = signIn(t, email);
        assertError(call(t, "DELETE", "/identity/v2/auth/account?deleteurl=https://evil.example/", token, null), 403, 908);
        Reply r = call(t, "DELETE", "/identity/v2/auth/account?deleteurl=https://app.example.com/bye", token, null);
        assertThat(r.json()).as(r.raw()).isEqualTo(Json.parse("{\"IsDeleteRequestAccepted\":true}"));
        List<Mailbox.Mail> got = mail.await(email, 1);
        assertThat(got.get(0).subject()).isEqualTo("Confirm the deletion of your Acme account");
        assertThat(got.get(0).text()).contains("https://app.example.com/bye?vtype=deleteuser&vtoken=");
        String vtoken = linkToken(email, 1, "deleteuser");
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).status()).isEqualTo(200); // not yet
        assertError(s.get("/identity/v2/auth/account/delete?apikey=" + tenant("").apiKey() + "&deletetoken=" + vtoken), 403, 1119);
        assertError(s.get("/identity/v2/auth/account/delete?apikey=" + t.apiKey() + "&deletetoken=" + UUID.randomUUID()), 403, 1119);
        assertError(s.get("/identity/v2/auth/account/delete?apikey=" + t.apiKey() + "&deletetoken=nope"), 403, 1119);
        assertError(s.get("/identity/v2/auth/account/delete?apikey=" + t.apiKey()), 403, 908);
        List<Reply> replies = Parallel.times(20, () -> s.get("/identity/v2/auth/account/delete?apikey=" + t.apiKey() + "&deletetoken=" + vtoken));
        assertThat(replies.stream().filter(x -> x.status() == 200)).hasSize(1);
        assertThat(replies.stream().filter(x -> x.status() == 200).findFirst().orElseThrow().json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(replies).allSatisfy(x -> assertThat(x.status()).as(x.raw()).isIn(200, 403));
        assertError(t.manage("GET", "/identity/v2/manage/account/" + uid, null), 403, 938);
        assertError(call(t, "GET", "/identity/v2/auth/account", token, null), 403, 905); // its sessions went with it
        assertThat(queuedEvents(t)).contains("DeleteAccount");
    }

    @Test
    void theLinkOfADeletionExpires() {
        TestTenant t = tenant(",\"DeleteAccountTokenSeconds\":600");
        String email = email();
        t.account(email, PASSWORD);
        call(t, "DELETE", "/identity/v2/auth/account", signIn(t, email), null);
        String vtoken = linkToken(email, 1, "deleteuser");
        s.clock.advance(Duration.ofMinutes(11));
        assertError(s.get("/identity/v2/auth/account/delete?apikey=" + t.apiKey() + "&deletetoken=" + vtoken), 403, 975);
    }

    @Test
    void theApplicationsAccountCalls() {
        TestTenant t = tenant("");
        subscribe(t, "UpdateUid", "UpdatePhoneId", "InvalidateEmailVerification");
        String email = email();
        String uid = t.account(email, PASSWORD);
        // A token for a uid (the route is matched before {uid}).
        Reply issued = t.manage("GET", "/identity/v2/manage/account/access_token?uid=" + uid, null);
        assertThat(issued.status()).as(issued.raw()).isEqualTo(200);
        assertThat(issued.json().fieldNames()).toIterable().containsExactly("access_token", "refresh_token", "expires_in");
        String token = issued.text("access_token");
        assertThat(call(t, "GET", "/identity/v2/auth/account", token, null).text("Uid")).isEqualTo(uid);
        assertError(t.manage("GET", "/identity/v2/manage/account/access_token?uid=" + UUID.randomUUID(), null), 403, 938);
        assertError(s.get("/identity/v2/manage/account/access_token?apikey=" + t.apiKey() + "&uid=" + uid), 400, 923);
        // Token info, then the sliding token: a new pair, the old access token ends.
        assertThat(call(t, "GET", "/identity/v2/auth/access_token", token, null).json())
                .isEqualTo(Json.parse("{\"provider\":\"Email\",\"access_token\":\"" + token + "\",\"isrememberme\":false}"));
        Reply slid = call(t, "GET", "/identity/v2/auth/access_token/sliding_token", token, null);
        assertThat(slid.json().fieldNames()).toIterable().containsExactly("access_token", "refresh_token", "expires_in");
        assertError(call(t, "GET", "/identity/v2/auth/account", token, null), 403, 905);
        assertThat(call(t, "GET", "/identity/v2/auth/account", slid.text("access_token"), null).status()).isEqualTo(200);
        // Identities of an address.
        Reply ids = t.manage("GET", "/identity/v2/manage/account/identities?email=" + email, null);
        assertThat(ids.json().get("Data")).hasSize(1);
        assertThat(ids.json().get("Data").get(0).get("Uid").asText()).isEqualTo(uid);
        assertThat(t.manage("GET", "/identity/v2/manage/account/identities?email=" + email(), null).json()).isEqualTo(Json.parse("{\"Data\":[]}"));
        // Addresses and phone.
        String second = email();
        Reply upserted = t.manage("PUT", "/identity/v2/manage/account/" + uid + "/email", "{\"Email\":[{\"Type\":\"Secondary\",\"Value\":\"" + second + "\"}]}");
        assertThat(upserted.json().get("Email")).as(upserted.raw()).hasSize(2);
        assertThat(t.login(second, PASSWORD).status()).isEqualTo(200);
        Reply removed = t.manage("DELETE", "/identity/v2/manage/account/" + uid + "/email", "{\"email\":\"" + second + "\"}");
        assertThat(removed.json().get("Email")).hasSize(1);
        Reply phone = t.manage("PUT", "/identity/v2/manage/account/" + uid + "/phoneid", "{\"phone\":\"+15550199\"}");
        assertThat(phone.json().get("PhoneId").asText()).as(phone.raw()).isEqualTo("+15550199");
        assertError(t.manage("PUT", "/identity/v2/manage/account/" + uid + "/phoneid", "{\"phone\":\"call me\"}"), 403, 1134);
        // A reset token and a verification token.
        String forgot = t.manage("POST", "/identity/v2/manage/account/forgot/token", "{\"email\":\"" + email + "\"}").text("ForgotToken");
        Reply reset = s.send("PUT", "/identity/v2/auth/password/reset?apikey=" + t.apiKey(),
                "{\"resettoken\":\"" + forgot + "\",\"password\":\"Quartz-Meadow-9051\"}", "Content-Type", "application/json");
        assertThat(reset.json()).as(reset.raw()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(t.login(email, "Quartz-Meadow-9051").status()).isEqualTo(200);
        assertError(t.manage("POST", "/identity/v2/manage/account/forgot/token", "{\"email\":\"" + email() + "\"}"), 403, 938);
        Reply vt = t.manage("POST", "/identity/v2/manage/account/verify/token", "{\"email\":\"" + email + "\"}");
        assertThat(vt.json().fieldNames()).toIterable().containsExactly("VerificationToken", "expires_in");
        assertThat(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + vt.text("VerificationToken")).status()).isEqualTo(200);
        assertError(t.manage("POST", "/identity/v2/manage/account/verify/token", "{\"email\":\"" + email + "\"}"), 403, 1126);
        // A uid change: everything follows; the old uid is remembered.
        String session = t.login(email, "Quartz-Meadow-9051").text("access_token");
        assertThat(t.manage("PUT", "/identity/v2/manage/account/uid?uid=" + uid, "{\"NewUid\":\"customer_42-" + uid.substring(0, 8) + "\"}").json())
                .isEqualTo(Json.parse("{\"IsPosted\":true}"));
        String newUid = "customer_42-" + uid.substring(0, 8);
        assertError(t.manage("GET", "/identity/v2/manage/account/" + uid, null), 403, 938);
        JsonNode moved = t.manage("GET", "/identity/v2/manage/account/" + newUid, null).json();
        assertThat(moved.get("Uid").asText()).isEqualTo(newUid);
        assertThat(moved.get("PreviousUids")).isEqualTo(Json.parse("[\"" + uid + "\"]"));
        assertThat(call(t, "GET", "/identity/v2/auth/account", session, null).text("Uid")).isEqualTo(newUid);
        assertThat(t.login(email, "Quartz-Meadow-9051").status()).isEqualTo(200);
        String other = t.account(email(), PASSWORD);
        assertError(t.manage("PUT", "/identity/v2/manage/account/uid?uid=" + other, "{\"NewUid\":\"" + newUid + "\"}"), 403, 1134);
        assertError(t.manage("PUT", "/identity/v2/manage/account/uid?uid=" + other, "{\"NewUid\":\"has space\"}"), 403, 1134);
        assertError(t.manage("PUT", "/identity/v2/manage/account/uid?uid=" + UUID.randomUUID(), "{\"NewUid\":\"free_one\"}"), 403, 938);
        assertThat(queuedEvents(t)).contains("UpdateUid", "UpdatePhoneId");
        // The email unverified again, with a new link; then the account deleted by its address.
        assertThat(t.manage("PUT", "/identity/v2/manage/account/" + newUid + "/invalidateemail?verificationurl=https://app.example.com/v", null).json())
                .isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + newUid, null).json().get("EmailVerified").asBoolean()).isFalse();
        String again = linkToken(email, 1, "emailverification");
        assertThat(s.get("/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationtoken=" + again).status()).isEqualTo(200);
        assertThat(queuedEvents(t)).contains("InvalidateEmailVerification");
        assertError(t.manage("PUT", "/identity/v2/manage/account/" + UUID.randomUUID() + "/invalidateemail", null), 403, 938);
        assertThat(t.manage("DELETE", "/identity/v2/manage/account?email=" + email.toUpperCase(), null).json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertError(t.manage("GET", "/identity/v2/manage/account/" + newUid, null), 403, 938);
        assertError(t.manage("DELETE", "/identity/v2/manage/account?email=" + email, null), 403, 938);
    }
}

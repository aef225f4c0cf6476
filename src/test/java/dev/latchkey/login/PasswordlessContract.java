package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-in without a password (reference §17) on the wire, as an attacker would try it, through a real SMTP server
 * (GreenMail) and a local Twilio-compatible receiver: passwordless by email link and code and by SMS code, smart login and
 * one-touch login with the ping; each way off by default, replay, expiry (a moved clock), wrong codes and the lockout,
 * unknown addresses answered as known ones, send limits, the account's own second factor, requests at once, tenant
 * isolation, and sessions that hold no proof of the password. Runs on H2 and PostgreSQL.
 */
abstract class PasswordlessContract extends ServerContract {
    static final String PASSWORD = "correct horse 1";
    static final String SID = "AC" + "0123456789abcdef0123456789abcdef";
    static final String URL = "https://app.example.com/signin";
    static final String GUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    static final String ZERO = "00000000-0000-0000-0000-000000000000";
    private static final Pattern CODE = Pattern.compile("Or enter this code where you asked for it: ([0-9]{6})");

    private final Mailbox mail = new Mailbox().ignoring(Mailbox::securityNotice);
    private final SmsReceiver sms = new SmsReceiver();

    @Override
    protected TestServer.Options options() {
        return new TestServer.Options(new ServerConfig.Messaging(null,
                new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "Acme <no-reply@acme.example>"),
                new DeliverySettings.Sms(sms.baseUrl(), SID, "sms-token", "+15550000000"), 100, 60_000, null), ServerConfig.Risk.NONE);
    }

    @AfterAll
    void stopReceivers() {
        mail.close();
        sms.close();
    }

    // ── Helpers ─────────────────────────────────────────────────────────────────────────────────────────────────

    private static final String ALL_ON = "\"Passwordless\":{\"EmailLink\":true,\"SmsCode\":true,\"SmartLogin\":true,\"OneTouchLogin\":true";
    private static final String GENEROUS = "\"SendLimits\":{\"PerPhonePerHour\":1000,\"PerEmailPerHour\":1000,\"PerAccountPerHour\":1000,"
            + "\"PerClientAddressPerHour\":100000}";

    /** A tenant with every way on and generous send limits; {@code extra}: more settings (sections after a comma). */
    private TestTenant tenant(String passwordless, String extra) {
        String security = extra.contains("\"Security\"") ? "" : "\"Security\":{\"AllowedUrls\":[\"https://app.example.com/\"]},";
        return s.tenant("{\"Name\":\"Acme\"," + security + ALL_ON + passwordless + "}," + GENEROUS + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    private TestTenant tenant() {
        return tenant("", "");
    }

    /** A tenant with every way on and the send limits {@code limits} (the SendLimits section's fields). */
    private TestTenant limited(String limits) {
        return s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AllowedUrls\":[\"https://app.example.com/\"]}," + ALL_ON + "},\"SendLimits\":{"
                + limits + "}}");
    }

    static String email() {
        return "pl." + UUID.randomUUID() + "@example.com";
    }

    static String phone() {
        return "+1555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    static String guid() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * An account the application made, with a password, a verified email (a sign-in that proves an unverified one ends the
     * password a stranger may have set) and optionally a phone (verified unless said) and a username.
     */
    private String account(TestTenant t, String email, String phone, Boolean phoneVerified, String username) {
        return account(t, email, true, phone, phoneVerified, username);
    }

    private String account(TestTenant t, String email, boolean emailVerified, String phone, Boolean phoneVerified, String username) {
        StringBuilder b = new StringBuilder("{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"" + PASSWORD
                + "\",\"FirstName\":\"Ann\",\"EmailVerified\":" + emailVerified);
        if (phone != null) {
            b.append(",\"PhoneId\":\"").append(phone).append('"');
            if (phoneVerified != null) {
                b.append(",\"PhoneIdVerified\":").append(phoneVerified);
            }
        }
        if (username != null) {
            b.append(",\"UserName\":\"").append(username).append('"');
        }
        Reply r = t.manage("POST", "/identity/v2/manage/account", b.append('}').toString());
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.text("Uid");
    }

    private String account(TestTenant t, String email) {
        return account(t, email, null, null, null);
    }

    /** An account whose email is not verified yet. */
    private String unverified(TestTenant t, String email) {
        return account(t, email, false, null, null, null);
    }

    private Reply startEmail(TestTenant t, String query) {
        return s.get("/identity/v2/auth/login/passwordlesslogin/email?apikey=" + t.apiKey() + query);
    }

    private Reply startEmail(TestTenant t, String kind, String value) {
        return startEmail(t, "&" + kind + "=" + value + "&verificationurl=" + URL);
    }

    private Reply verifyLink(TestTenant t, String token) {
        return s.get("/identity/v2/auth/login/passwordlesslogin/email/verify?apikey=" + t.apiKey() + "&verificationtoken=" + token);
    }

    private Reply emailCode(TestTenant t, String email, String otp) {
        return s.send("POST", "/identity/v2/auth/login/passwordlesslogin/email/verifyotp?apikey=" + t.apiKey(),
                "{\"email\":\"" + email + "\",\"otp\":\"" + otp + "\"}", "Content-Type", "application/json");
    }

    private Reply usernameCode(TestTenant t, String username, String otp) {
        return s.send("POST", "/identity/v2/auth/login/passwordlesslogin/username/verifyotp?apikey=" + t.apiKey(),
                "{\"username\":\"" + username + "\",\"otp\":\"" + otp + "\"}", "Content-Type", "application/json");
    }

    private Reply startSms(TestTenant t, String phone) {
        return s.get("/identity/v2/auth/login/passwordlesslogin/otp?apikey=" + t.apiKey() + "&phone=" + phone);
    }

    private Reply verifySms(TestTenant t, String phone, String otp) {
        return s.send("PUT", "/identity/v2/auth/login/passwordlesslogin/otp/verify?apikey=" + t.apiKey(),
                "{\"phone\":\"" + phone + "\",\"otp\":\"" + otp + "\"}", "Content-Type", "application/json");
    }

    private Reply startSmart(TestTenant t, String kind, String value, String clientGuid) {
        return s.get("/identity/v2/auth/login/smartlogin?apikey=" + t.apiKey() + "&" + kind + "=" + value + "&clientguid=" + clientGuid
                + "&redirecturl=" + URL);
    }

    private Reply ping(TestTenant t, String clientGuid) {
        return s.get("/identity/v2/auth/login/smartlogin/ping?apikey=" + t.apiKey() + "&clientguid=" + clientGuid);
    }

    private Reply openSmart(TestTenant t, String token) {
        return s.get("/identity/v2/auth/email/smartlogin?apikey=" + t.apiKey() + "&verificationtoken=" + token);
    }

    private Reply openOneTouch(TestTenant t, String token) {
        return s.get("/identity/v2/auth/email/onetouchlogin?apikey=" + t.apiKey() + "&verificationtoken=" + token);
    }

    private Reply oneTouchEmail(TestTenant t, String clientGuid, String email, String name) {
        return s.send("POST", "/identity/v2/auth/onetouchlogin/email?apikey=" + t.apiKey() + "&redirecturl=" + URL,
                "{\"clientguid\":\"" + clientGuid + "\",\"email\":\"" + email + "\",\"name\":\"" + name + "\"}", "Content-Type", "application/json");
    }

    private Reply oneTouchPhone(TestTenant t, String phone, String name) {
        return s.send("POST", "/identity/v2/auth/onetouchlogin/phone?apikey=" + t.apiKey(),
                "{\"phone\":\"" + phone + "\",\"name\":\"" + name + "\"}", "Content-Type", "application/json");
    }

    private Reply oneTouchPhoneVerify(TestTenant t, String phone, String otp) {
        return s.send("PUT", "/identity/v2/auth/onetouchlogin/phone/verify?apikey=" + t.apiKey() + "&otp=" + otp,
                "{\"phone\":\"" + phone + "\"}", "Content-Type", "application/json");
    }

    private Reply passwordLogin(TestTenant t, String email) {
        return s.send("POST", "/identity/v2/auth/login?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
                "Content-Type", "application/json");
    }

    /** {@code POST /auth/email} (add an address) with the session's access token: 200 with a password proof, 1193 without. */
    private Reply addEmail(TestTenant t, String accessToken) {
        return s.send("POST", "/identity/v2/auth/email?apikey=" + t.apiKey() + "&verificationurl=" + URL,
                "{\"email\":\"" + email() + "\",\"type\":\"Secondary\"}", "Content-Type", "application/json", "Authorization", "Bearer " + accessToken);
    }

    /** The {@code n}th passwordless email to {@code address}: its link's token and its code. */
    private String[] linkAndCode(String address, int n, String base) {
        List<Mailbox.Mail> got = mail.await(address, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        Mailbox.Mail m = got.get(n - 1);
        assertThat(m.subject()).isEqualTo("Your sign-in link for Acme");
        Matcher link = Pattern.compile(Pattern.quote(base) + "[?&]vtype=oneclicksignin&vtoken=(" + GUID_RE + ")\\s").matcher(m.text());
        assertThat(link.find()).as(m.text()).isTrue();
        Matcher code = CODE.matcher(m.text());
        assertThat(code.find()).as(m.text()).isTrue();
        return new String[] {link.group(1), code.group(1)};
    }

    private String[] linkAndCode(String address, int n) {
        return linkAndCode(address, n, URL);
    }

    /** The {@code n}th smart or one-touch email to {@code address}: its link's token. */
    private String pollLink(String address, int n, String vtype) {
        List<Mailbox.Mail> got = mail.await(address, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        Mailbox.Mail m = got.get(n - 1);
        assertThat(m.subject()).isEqualTo("Confirm your sign-in to Acme");
        Matcher link = Pattern.compile(Pattern.quote(URL) + "\\?vtype=" + vtype + "&vtoken=(" + GUID_RE + ")\\s").matcher(m.text());
        assertThat(link.find()).as(m.text()).isTrue();
        return link.group(1);
    }

    /** The {@code n}th SMS to {@code phone}: its code. */
    private String smsCode(String phone, int n) {
        List<SmsReceiver.Request> got = sms.await(phone, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        String body = got.get(n - 1).form().get("Body");
        assertThat(body).matches("[0-9]{6} is your Acme code\\. It expires in [0-9]+ minutes?\\. Do not share it\\.");
        return body.substring(0, 6);
    }

    static void assertError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json()).as(r.raw()).isNotNull();
        assertThat(r.json().path("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    static void assertPosted(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json()).as(r.raw()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
    }

    /** LoginRadius's login response, exactly its four fields; the profile. */
    static JsonNode assertLogin(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.json().fieldNames().forEachRemaining(names::add);
        assertThat(names).as(r.raw()).containsExactlyInAnyOrder("Profile", "access_token", "refresh_token", "expires_in");
        assertThat(r.text("access_token")).matches(GUID_RE).isNotEqualTo(ZERO);
        assertThat(r.text("refresh_token")).matches(GUID_RE);
        assertThat(r.text("expires_in")).matches("20[0-9]{2}-[0-9]{2}-[0-9]{2}T.*");
        assertThat(r.json().get("Profile").isObject()).as(r.raw()).isTrue();
        return r.json().get("Profile");
    }

    /** {@link #assertLogin}, then the access token. */
    static String assertLoginToken(Reply r) {
        assertLogin(r);
        return r.text("access_token");
    }

    /** The answer of a login that waits for the account's second factor: its SecondFactorAuthenticationToken. */
    static String assertSecondFactorAsked(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().get("Profile").isNull()).as(r.raw()).isTrue();
        assertThat(r.text("access_token")).isEqualTo(ZERO);
        assertThat(r.text("expires_in")).isEqualTo("0001-01-01T00:00:00");
        assertThat(r.json().has("refresh_token")).isFalse();
        String token = r.json().path("SecondFactorAuthentication").path("SecondFactorAuthenticationToken").asText(null);
        assertThat(token).as(r.raw()).isNotNull().isNotEmpty();
        return token;
    }

    /** The SMS start's answer: {@code {"Data": {"AccountSid", "Sid"}}} and nothing else. */
    static void assertSmsData(Reply r, boolean posted) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.json().fieldNames().forEachRemaining(names::add);
        if (posted) {
            assertThat(names).as(r.raw()).containsExactly("IsPosted", "Data");
            assertThat(r.json().get("IsPosted").asBoolean()).isTrue();
        } else {
            assertThat(names).as(r.raw()).containsExactly("Data");
        }
        JsonNode data = r.json().get("Data");
        List<String> inner = new ArrayList<>();
        data.fieldNames().forEachRemaining(inner::add);
        assertThat(inner).as(r.raw()).containsExactlyInAnyOrder("AccountSid", "Sid");
        assertThat(data.get("AccountSid").asText()).isEqualTo(SID);
        assertThat(data.get("Sid").asText()).matches(GUID_RE);
    }

    private JsonNode profile(TestTenant t, String query) {
        Reply r = t.manage("GET", "/identity/v2/manage/account?" + query, null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json();
    }

    private List<String> queuedEvents(TestTenant t) {
        return s.server.jdbi().withHandle(h -> h.createQuery("SELECT event FROM webhook_outbox WHERE tenant_id = "
                + "(SELECT id FROM tenants WHERE api_key = :k)").bind("k", t.apiKey()).mapTo(String.class).list());
    }

    /** How many of the account's sessions (access tokens) hold a proof of the password. */
    private int sessionsWithPasswordProof(String uid) {
        return s.server.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM access_tokens WHERE uid = :u AND password_at IS NOT NULL")
                .bind("u", uid).mapTo(Integer.class).one());
    }

    /** Lets messages still on their way arrive (what must not come has had its chance). */
    private static void settle() {
        try {
            Thread.sleep(800);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    private static long count(List<Reply> replies, int status, Integer code) {
        return replies.stream().filter(r -> r.status() == status && (code == null || r.json().path("ErrorCode").asInt() == code)).count();
    }

    // ── Each way off by default ─────────────────────────────────────────────────────────────────────────────────

    @Test
    void eachWayIsOffUntilTheTenantTurnsItOn() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"AllowedUrls\":[\"https://app.example.com/\"]}}");
        String email = email();
        String phone = phone();
        account(t, email, phone, true, "off" + guid().substring(0, 10));
        assertError(startEmail(t, "email", email), 403, 1059);
        assertError(startEmail(t, "username", "whoever"), 403, 1059);
        assertError(emailCode(t, email, "123456"), 403, 1059);
        assertError(usernameCode(t, "whoever", "123456"), 403, 1059);
        assertError(startSms(t, phone), 403, 1059);
        assertError(verifySms(t, phone, "123456"), 403, 1059);
        assertError(startSmart(t, "email", email, guid()), 403, 1135);
        assertError(oneTouchEmail(t, guid(), email, "Ann"), 403, 1146);
        assertError(oneTouchPhone(t, phone, "Ann"), 403, 1146);
        assertError(oneTouchPhoneVerify(t, phone, "123456"), 403, 1146);

        // One way on leaves the others off.
        TestTenant onlyLinks = s.tenant("{\"Name\":\"Acme\",\"Passwordless\":{\"EmailLink\":true}}");
        account(onlyLinks, email, null, null, null);
        assertPosted(startEmail(onlyLinks, "&email=" + email));
        assertError(startSms(onlyLinks, phone), 403, 1059);
        assertError(startSmart(onlyLinks, "email", email, guid()), 403, 1135);
        assertError(oneTouchEmail(onlyLinks, guid(), email, "Ann"), 403, 1146);
        TestTenant onlySmart = s.tenant("{\"Name\":\"Acme\",\"Passwordless\":{\"SmartLogin\":true}}");
        assertError(startEmail(onlySmart, "&email=" + email), 403, 1059);
        assertError(oneTouchEmail(onlySmart, guid(), email, "Ann"), 403, 1146);
        // Only the tenant that turned links on sent one; nothing was sent by SMS.
        assertThat(mail.awaitExactly(email, 1)).hasSize(1);
        assertThat(sms.to(phone)).isEmpty();
    }

    @Test
    void aWayTurnedOffEndsWhatItHadSent() {
        TestTenant t = tenant();
        String email = email();
        String phone = phone();
        account(t, email, phone, true, null);
        assertPosted(startEmail(t, "email", email));
        String[] sent = linkAndCode(email, 1);
        assertSmsData(startSms(t, phone), false);
        String code = smsCode(phone, 1);
        String smart = guid();
        assertPosted(startSmart(t, "email", email, smart));
        String smartLink = pollLink(email, 2, "smartlogin");
        String opened = guid();
        assertPosted(startSmart(t, "email", email, opened));
        assertThat(openSmart(t, pollLink(email, 3, "smartlogin")).status()).isEqualTo(200);
        String touch = guid();
        String newcomer = email();
        assertPosted(oneTouchEmail(t, touch, newcomer, "Ann"));
        String touchLink = pollLink(newcomer, 1, "onetouchlogin");

        Reply off = s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(),
                "{\"Passwordless\":{\"EmailLink\":false,\"SmsCode\":false,\"SmartLogin\":false,\"OneTouchLogin\":false}}");
        assertThat(off.status()).as(off.raw()).isEqualTo(200);
        assertError(emailCode(t, email, sent[1]), 403, 1059);
        assertError(verifySms(t, phone, code), 403, 1059);
        assertError(verifyLink(t, sent[0]), 403, 1059);
        assertError(openSmart(t, smartLink), 403, 1135);
        assertError(ping(t, opened), 403, 1135);
        assertError(openOneTouch(t, touchLink), 403, 1135); // the link and the ping are off when neither way is on
        assertThat(t.manage("GET", "/identity/v2/manage/account?email=" + newcomer, null).status()).isEqualTo(403); // nobody made
    }

    // ── By email: the link ──────────────────────────────────────────────────────────────────────────────────────

    @Test
    void anEmailLinkSignsInOnceAndProvesTheMailbox() {
        TestTenant t = tenant();
        String email = email();
        String uid = unverified(t, email);
        assertThat(profile(t, "email=" + email).get("EmailVerified").asBoolean()).isFalse();

        assertError(startEmail(t, "&email=" + email + "&verificationurl=https://evil.example.com/signin"), 403, 908);
        assertError(startEmail(t, "&email=" + email + "&verificationurl=https://app.example.com.evil.example/signin"), 403, 908);
        assertPosted(startEmail(t, "email", email));
        String[] first = linkAndCode(email, 1); // the refused URLs sent nothing: this is the first mail
        assertThat(mail.to(email).get(0).text()).doesNotContain("evil");

        assertError(verifyLink(t, UUID.randomUUID().toString()), 403, 1063);
        assertError(verifyLink(t, "not-a-token"), 403, 1063);
        Reply in = verifyLink(t, first[0]);
        JsonNode p = assertLogin(in);
        assertThat(p.get("Uid").asText()).isEqualTo(uid);
        assertThat(p.get("EmailVerified").asBoolean()).isTrue();
        assertThat(profile(t, "email=" + email).get("EmailVerified").asBoolean()).isTrue();
        Reply me = s.get("/identity/v2/auth/account?apikey=" + t.apiKey(), "Authorization", "Bearer " + in.text("access_token"));
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        assertThat(me.json().get("Uid").asText()).isEqualTo(uid);
        assertError(verifyLink(t, first[0]), 403, 1062);
        // The link's code died with it.
        assertError(emailCode(t, email, first[1]), 403, 1185);

        // Without a verificationurl, the hosted page.
        assertPosted(startEmail(t, "&email=" + email));
        String[] hosted = linkAndCode(email, 2, "/hosted?apikey=" + t.apiKey());
        assertLogin(verifyLink(t, hosted[0]));
    }

    @Test
    void anEmailLinkByUsernameGoesToThePrimaryAddress() {
        TestTenant t = tenant();
        String email = email();
        String username = "user" + guid().substring(0, 12);
        String uid = account(t, email, null, null, username);
        assertPosted(startEmail(t, "username", username));
        String[] sent = linkAndCode(email, 1);
        assertThat(assertLogin(verifyLink(t, sent[0])).get("Uid").asText()).isEqualTo(uid);
        assertError(verifyLink(t, sent[0]), 403, 1062);
    }

    @Test
    void anEmailLinkExpires() {
        TestTenant t = tenant(",\"LinkSeconds\":120", "");
        String email = email();
        account(t, email);
        assertPosted(startEmail(t, "email", email));
        String[] sent = linkAndCode(email, 1);
        s.clock.advance(Duration.ofSeconds(121));
        assertError(verifyLink(t, sent[0]), 403, 975);
        assertError(emailCode(t, email, sent[1]), 403, 1185);
        // A new one works.
        assertPosted(startEmail(t, "email", email));
        assertLogin(verifyLink(t, linkAndCode(email, 2)[0]));
    }

    @Test
    void twentyVerificationsOfOneLinkAtOnceSignInOnce() throws Exception {
        TestTenant t = tenant();
        String email = email();
        account(t, email);
        for (int round = 1; round <= 3; round++) { // a race is not lost every time: three chances to show it
            assertPosted(startEmail(t, "email", email));
            String token = linkAndCode(email, round)[0];
            List<Reply> replies = Parallel.times(20, () -> verifyLink(t, token));
            assertThat(count(replies, 200, null)).as(replies.toString()).isEqualTo(1);
            assertThat(count(replies, 403, 1062)).as(replies.toString()).isEqualTo(19);
        }
    }

    @Test
    void aSessionFromALinkOrCodeHoldsNoPasswordProof() {
        TestTenant t = tenant();
        String email = email();
        String phone = phone();
        account(t, email, phone, true, null);
        assertPosted(startEmail(t, "email", email));
        Reply byLink = verifyLink(t, linkAndCode(email, 1)[0]);
        assertLogin(byLink);
        assertError(addEmail(t, byLink.text("access_token")), 403, 1193);
        // Refreshed, still none.
        Reply refreshed = t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + byLink.text("refresh_token"), null);
        assertThat(refreshed.status()).as(refreshed.raw()).isEqualTo(200);
        assertError(addEmail(t, refreshed.text("access_token")), 403, 1193);

        assertPosted(startEmail(t, "email", email));
        Reply byCode = emailCode(t, email, linkAndCode(email, 2)[1]);
        assertLogin(byCode);
        assertError(addEmail(t, byCode.text("access_token")), 403, 1193);

        assertSmsData(startSms(t, phone), false);
        Reply bySms = verifySms(t, phone, smsCode(phone, 1));
        assertLogin(bySms);
        assertError(addEmail(t, bySms.text("access_token")), 403, 1193);

        // The password's session is accepted.
        Reply byPassword = passwordLogin(t, email);
        assertLogin(byPassword);
        assertPosted(addEmail(t, byPassword.text("access_token")));
    }

    @Test
    void aNewPasswordOrABlockEndsTheLinksAndCodesSent() {
        TestTenant t = tenant();
        String email = email();
        String phone = phone();
        String uid = account(t, email, phone, true, null);
        assertPosted(startEmail(t, "email", email));
        String[] sent = linkAndCode(email, 1);
        assertPosted(startEmail(t, "email", email));
        String[] newer = linkAndCode(email, 2);
        assertSmsData(startSms(t, phone), false);
        String code = smsCode(phone, 1);
        Reply set = t.manage("PUT", "/identity/v2/manage/account/" + uid + "/password", "{\"password\":\"another horse 22\"}");
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        assertError(verifyLink(t, sent[0]), 403, 1062);
        assertError(emailCode(t, email, newer[1]), 403, 1185);
        assertError(verifyLink(t, newer[0]), 403, 1062);
        assertError(verifySms(t, phone, code), 403, 1067); // ended, not used: as wrong as any

        assertPosted(startEmail(t, "email", email));
        String[] before = linkAndCode(email, 3);
        Reply block = t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"IsActive\":false}");
        assertThat(block.status()).as(block.raw()).isEqualTo(200);
        assertThat(t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"IsActive\":true}").status()).isEqualTo(200);
        assertError(verifyLink(t, before[0]), 403, 1062);
        assertError(emailCode(t, email, before[1]), 403, 1185);

        // Revoking every session (an operator's "this account was taken": latchkey user revoke-sessions) ends them too.
        assertPosted(startEmail(t, "email", email));
        String[] beforeRevoke = linkAndCode(email, 4);
        assertSmsData(startSms(t, phone), false);
        String smsBeforeRevoke = smsCode(phone, 2);
        Reply revoke = t.manage("DELETE", "/identity/v2/manage/account/" + uid + "/access_token/refresh/revoke", null);
        assertThat(revoke.status()).as(revoke.raw()).isEqualTo(200);
        assertError(verifyLink(t, beforeRevoke[0]), 403, 1062);
        assertError(emailCode(t, email, beforeRevoke[1]), 403, 1185);
        assertError(verifySms(t, phone, smsBeforeRevoke), 403, 1067);
    }

    // ── By email: the code ──────────────────────────────────────────────────────────────────────────────────────

    @Test
    void theEmailedCodeSignsInOnceByEmailOrUsername() {
        TestTenant t = tenant();
        String email = email();
        String username = "code" + guid().substring(0, 12);
        String uid = account(t, email, false, null, null, username);
        assertPosted(startEmail(t, "email", email));
        String[] sent = linkAndCode(email, 1);
        assertError(emailCode(t, email, wrong(sent[1])), 403, 1185);
        assertError(emailCode(t, email, "12345"), 403, 1185);
        JsonNode p = assertLogin(emailCode(t, email.toUpperCase(), sent[1]));
        assertThat(p.get("Uid").asText()).isEqualTo(uid);
        assertThat(p.get("EmailVerified").asBoolean()).isTrue();
        assertError(emailCode(t, email, sent[1]), 403, 1185);
        // The code's link died with it.
        assertError(verifyLink(t, sent[0]), 403, 1062);

        assertPosted(startEmail(t, "username", username));
        String[] byName = linkAndCode(email, 2);
        assertError(usernameCode(t, username, wrong(byName[1])), 403, 1185);
        assertError(usernameCode(t, "nobody" + guid().substring(0, 8), byName[1]), 403, 1185);
        assertThat(assertLogin(usernameCode(t, username, byName[1])).get("Uid").asText()).isEqualTo(uid);
        assertError(usernameCode(t, username, byName[1]), 403, 1185);
        assertError(emailCode(t, email, byName[1]), 403, 1185);
    }

    @Test
    void onlyTheNewestEmailsCodeLives() {
        TestTenant t = tenant();
        String email = email();
        account(t, email);
        assertPosted(startEmail(t, "email", email));
        String[] first = linkAndCode(email, 1);
        assertPosted(startEmail(t, "email", email));
        String[] second = linkAndCode(email, 2);
        if (!first[1].equals(second[1])) {
            assertError(emailCode(t, email, first[1]), 403, 1185);
        }
        assertLogin(emailCode(t, email, second[1]));
        // Signing in ended the address's other links.
        assertError(verifyLink(t, first[0]), 403, 1062);
    }

    @Test
    void twentyRightCodesAtOnceSignInOnce() throws Exception {
        TestTenant t = tenant();
        for (int round = 0; round < 3; round++) { // a race is not lost every time
            // By email: the code's owner (a client that retries, a double submit) gets a session, whichever try wins.
            String email = email();
            account(t, email);
            assertPosted(startEmail(t, "email", email));
            String code = linkAndCode(email, 1)[1];
            List<Reply> replies = Parallel.times(20, () -> emailCode(t, email, code));
            assertThat(count(replies, 200, null)).as(replies.toString()).isEqualTo(1);
            assertThat(replies.stream().filter(r -> r.status() >= 500).count()).as(replies.toString()).isZero();

            String phone = phone();
            account(t, email(), phone, true, null);
            assertSmsData(startSms(t, phone), false);
            String sent = smsCode(phone, 1);
            List<Reply> bySms = Parallel.times(20, () -> verifySms(t, phone, sent));
            assertThat(count(bySms, 200, null)).as(bySms.toString()).isEqualTo(1);
            assertThat(bySms.stream().filter(r -> r.status() >= 500).count()).as(bySms.toString()).isZero();
        }
    }

    @Test
    void wrongEmailCodesCountTowardTheLockout() {
        TestTenant t = tenant("", "\"Security\":{\"AllowedUrls\":[\"https://app.example.com/\"],\"MaxPasswordAttempts\":3}");
        String email = email();
        account(t, email);
        assertPosted(startEmail(t, "email", email));
        String code = linkAndCode(email, 1)[1];
        for (int i = 0; i < 3; i++) {
            assertError(emailCode(t, email, wrong(code)), 403, 1185);
        }
        assertError(passwordLogin(t, email), 403, 1198);
        assertError(emailCode(t, email, code), 403, 1198);
    }

    @Test
    void aRightCodeGivesTheWrongTriesBack() {
        TestTenant t = tenant("", "\"Security\":{\"AllowedUrls\":[\"https://app.example.com/\"],\"MaxPasswordAttempts\":3}");
        String email = email();
        account(t, email);
        assertPosted(startEmail(t, "email", email));
        String code = linkAndCode(email, 1)[1];
        assertError(emailCode(t, email, wrong(code)), 403, 1185);
        assertError(emailCode(t, email, wrong(code)), 403, 1185);
        assertLogin(emailCode(t, email, code));
        // The count started again: two more wrong passwords do not lock.
        for (int i = 0; i < 2; i++) {
            assertError(s.send("POST", "/identity/v2/auth/login?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\",\"password\":\"wrong one 123\"}",
                    "Content-Type", "application/json"), 401, 966);
        }
        assertLogin(passwordLogin(t, email));
    }

    // ── Unknown addresses, blocked accounts ────────────────────────────────────────────────────────────────────

    @Test
    void unknownAddressesAndBlockedAccountsGetTheSameAnswerAndNoEmail() {
        TestTenant t = tenant();
        String nobody = email();
        String blocked = email();
        String blockedName = "blocked" + guid().substring(0, 8);
        String blockedUid = account(t, blocked, null, null, blockedName);
        Reply block = t.manage("PUT", "/identity/v2/manage/account/" + blockedUid, "{\"IsActive\":false}");
        assertThat(block.status()).as(block.raw()).isEqualTo(200);
        String known = email();
        account(t, known);

        assertPosted(startEmail(t, "email", nobody));
        assertPosted(startEmail(t, "username", "nobody" + guid().substring(0, 8)));
        assertPosted(startEmail(t, "email", blocked));
        assertPosted(startEmail(t, "username", blockedName));
        assertPosted(startEmail(t, "email", known));
        // A code for an address nobody has is a wrong code.
        assertError(emailCode(t, nobody, "123456"), 403, 1185);
        assertThat(mail.awaitExactly(known, 1)).hasSize(1);
        assertThat(mail.to(nobody)).isEmpty();
        assertThat(mail.to(blocked)).isEmpty();

        // The same for smart login and a blocked account's one-touch.
        assertPosted(startSmart(t, "email", nobody, guid()));
        assertPosted(startSmart(t, "email", blocked, guid()));
        assertPosted(oneTouchEmail(t, guid(), blocked, "Mallory"));
        assertThat(mail.awaitExactly(blocked, 0)).isEmpty();
        assertThat(mail.to(nobody)).isEmpty();
    }

    // ── By SMS ──────────────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void anSmsCodeSignsInOnceOnlyAtAVerifiedNumber() {
        TestTenant t = tenant();
        String email = email();
        String phone = phone();
        String uid = account(t, email, phone, true, null);
        String unverified = phone();
        account(t, email(), unverified, false, null);
        String nobody = phone();

        assertSmsData(startSms(t, nobody), false);
        assertSmsData(startSms(t, unverified), false);
        assertSmsData(startSms(t, phone), false);
        String code = smsCode(phone, 1);
        assertThat(sms.to(phone).get(0).form().get("From")).isEqualTo("+15550000000");

        assertError(verifySms(t, phone, wrong(code)), 403, 1067);
        assertError(verifySms(t, nobody, code), 403, 1067);
        assertError(verifySms(t, unverified, code), 403, 1067);
        JsonNode p = assertLogin(verifySms(t, phone, code));
        assertThat(p.get("Uid").asText()).isEqualTo(uid);
        assertThat(p.get("PhoneId").asText()).isEqualTo(phone);
        assertThat(p.get("PhoneIdVerified").asBoolean()).isTrue();
        assertError(verifySms(t, phone, code), 403, 1068);

        // Only the verified number got a code.
        settle();
        assertThat(sms.to(nobody)).isEmpty();
        assertThat(sms.to(unverified)).isEmpty();
        assertThat(sms.to(phone)).hasSize(1);
        // Bad input.
        assertError(startSms(t, "not-a-number"), 400, 1096);
        assertError(s.get("/identity/v2/auth/login/passwordlesslogin/otp?apikey=" + t.apiKey()), 400, 1076);
    }

    @Test
    void anSmsCodeExpires() {
        TestTenant t = tenant("", "\"PhoneAuthentication\":{\"CodeSeconds\":60}");
        String phone = phone();
        account(t, email(), phone, true, null);
        assertSmsData(startSms(t, phone), false);
        String code = smsCode(phone, 1);
        s.clock.advance(Duration.ofSeconds(61));
        assertError(verifySms(t, phone, code), 403, 1069);
    }

    @Test
    void wrongSmsCodesCountTowardTheLockout() {
        TestTenant t = tenant("", "\"Security\":{\"AllowedUrls\":[\"https://app.example.com/\"],\"MaxPasswordAttempts\":3}");
        String email = email();
        String phone = phone();
        account(t, email, phone, true, null);
        assertSmsData(startSms(t, phone), false);
        String code = smsCode(phone, 1);
        for (int i = 0; i < 3; i++) {
            assertError(verifySms(t, phone, wrong(code)), 403, 1067);
        }
        assertError(passwordLogin(t, email), 403, 1198);
        assertError(verifySms(t, phone, code), 403, 1198);
    }

    // ── Send limits ─────────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void perAddressAndPerNumberLimitsRefuseKnownAndUnknownAlikeForAnHour() {
        TestTenant t = limited("\"PerEmailPerHour\":2,\"PerPhonePerHour\":2,\"PerAccountPerHour\":1000,\"PerClientAddressPerHour\":100000");
        String known = email();
        String phone = phone();
        account(t, known, phone, true, null);
        String nobody = email();
        String nobodyPhone = phone();
        for (String address : List.of(known, nobody)) {
            assertPosted(startEmail(t, "&email=" + address));
            assertPosted(startSmart(t, "email", address, guid()));
            assertError(startEmail(t, "&email=" + address), 403, 1122);
            assertError(startSmart(t, "email", address, guid()), 403, 1122);
            assertError(oneTouchEmail(t, guid(), address, "Ann"), 403, 1122);
        }
        for (String number : List.of(phone, nobodyPhone)) {
            assertSmsData(startSms(t, number), false);
            assertSmsData(startSms(t, number), false);
            assertError(startSms(t, number), 403, 1123);
            assertError(oneTouchPhone(t, number, "Ann"), 403, 1123);
        }
        assertThat(mail.awaitExactly(known, 2)).hasSize(2);
        assertThat(sms.await(phone, 2)).hasSize(2);

        s.clock.advance(Duration.ofMinutes(61));
        assertPosted(startEmail(t, "&email=" + known));
        assertPosted(startEmail(t, "&email=" + nobody));
        assertSmsData(startSms(t, phone), false);
        assertSmsData(startSms(t, nobodyPhone), false);
        assertThat(mail.await(known, 3)).hasSize(3);
        assertThat(sms.await(phone, 3)).hasSize(3);
    }

    @Test
    void twentySendsAtOnceAreCountedOneByOne() throws Exception {
        TestTenant t = limited("\"PerEmailPerHour\":5,\"PerPhonePerHour\":5,\"PerAccountPerHour\":1000,\"PerClientAddressPerHour\":100000");
        String nobody = email();
        List<Reply> replies = Parallel.times(20, () -> startEmail(t, "&email=" + nobody));
        assertThat(count(replies, 200, null)).as(replies.toString()).isEqualTo(5);
        assertThat(count(replies, 403, 1122)).as(replies.toString()).isEqualTo(15);
        String number = phone();
        List<Reply> sent = Parallel.times(20, () -> startSms(t, number));
        assertThat(count(sent, 200, null)).as(sent.toString()).isEqualTo(5);
        assertThat(count(sent, 403, 1123)).as(sent.toString()).isEqualTo(15);
    }

    @Test
    void twentySendsAtOnceUnderTheLimitAreAllAnswered() throws Exception {
        TestTenant t = tenant();
        for (int round = 0; round < 3; round++) {
            String nobody = email();
            List<Reply> replies = Parallel.times(20, () -> startEmail(t, "&email=" + nobody));
            assertThat(count(replies, 200, null)).as(replies.toString()).isEqualTo(20);
            String number = phone();
            List<Reply> sent = Parallel.times(20, () -> startSms(t, number));
            assertThat(count(sent, 200, null)).as(sent.toString()).isEqualTo(20);
        }
    }

    @Test
    void theClientAddressLimitCoversEveryAddressAndNumber() {
        TestTenant t = limited("\"PerEmailPerHour\":1000,\"PerPhonePerHour\":1000,\"PerAccountPerHour\":1000,\"PerClientAddressPerHour\":3");
        String known = email();
        account(t, known);
        assertPosted(startEmail(t, "&email=" + email()));
        assertPosted(startEmail(t, "&email=" + email()));
        assertSmsData(startSms(t, phone()), false);
        assertError(startEmail(t, "&email=" + known), 403, 1122);
        assertError(startEmail(t, "&email=" + email()), 403, 1122);
        assertError(startSms(t, phone()), 403, 1123);
        assertThat(mail.awaitExactly(known, 0)).isEmpty();
        // Another tenant is not affected.
        TestTenant other = tenant();
        assertPosted(startEmail(other, "&email=" + email()));
        s.clock.advance(Duration.ofMinutes(61));
        assertPosted(startEmail(t, "&email=" + known));
        assertThat(mail.await(known, 1)).hasSize(1);
    }

    @Test
    void theAccountsOwnLimitTellsNoMoreThanTheAddressLimit() {
        // Whatever the limits, a known address and an unknown one get the same answers to the same requests.
        TestTenant t = limited("\"PerEmailPerHour\":5,\"PerPhonePerHour\":5,\"PerAccountPerHour\":2,\"PerClientAddressPerHour\":100000");
        String known = email();
        account(t, known);
        String nobody = email();
        List<Integer> knownAnswers = new ArrayList<>();
        List<Integer> unknownAnswers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            knownAnswers.add(startEmail(t, "&email=" + known).status());
            unknownAnswers.add(startEmail(t, "&email=" + nobody).status());
        }
        assertThat(knownAnswers).isEqualTo(unknownAnswers);
    }

    // ── The account's second factor ───────────────────────────────────────────────────────────────────────────

    @Test
    void requiredMfaAsksForTheAccountsFactorAndTheSessionStillHoldsNoPasswordProof() {
        TestTenant t = tenant("", "\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true}");
        String email = email();
        String phone = phone();
        String uid = account(t, email, phone, true, null);
        List<String> codes = t.backupCodes(uid);

        assertPosted(startEmail(t, "email", email));
        String token = assertSecondFactorAsked(verifyLink(t, linkAndCode(email, 1)[0]));
        assertThat(sessionsWithPasswordProof(uid)).isZero();
        JsonNode p = assertLogin(t.redeem(token, codes.get(0)));
        assertThat(p.get("Uid").asText()).isEqualTo(uid);

        assertPosted(startEmail(t, "email", email));
        assertLogin(t.redeem(assertSecondFactorAsked(emailCode(t, email, linkAndCode(email, 2)[1])), codes.get(1)));
        assertSmsData(startSms(t, phone), false);
        assertLogin(t.redeem(assertSecondFactorAsked(verifySms(t, phone, smsCode(phone, 1))), codes.get(2)));
        String guid = guid();
        assertPosted(startSmart(t, "email", email, guid));
        assertThat(openSmart(t, pollLink(email, 3, "smartlogin")).status()).isEqualTo(200);
        assertLogin(t.redeem(assertSecondFactorAsked(ping(t, guid)), codes.get(3)));
        assertThat(sessionsWithPasswordProof(uid)).isZero();

        // The password and a backup code: that session holds the proof.
        assertLogin(t.redeem(t.secondFactorToken(email, PASSWORD), codes.get(4)));
        assertThat(sessionsWithPasswordProof(uid)).isEqualTo(1);
    }

    @Test
    void anAccountWithAFactorIsAskedForItWhereMfaIsOptional() {
        TestTenant t = tenant("", "\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false}");
        String email = email();
        String uid = account(t, email);
        String plain = email();
        account(t, plain);
        List<String> codes = t.backupCodes(uid);
        assertPosted(startEmail(t, "email", email));
        String token = assertSecondFactorAsked(verifyLink(t, linkAndCode(email, 1)[0]));
        assertError(t.redeem(token, "zzzzz-zzzzz"), 403, 1129);
        Reply done = t.redeem(token, codes.get(0));
        assertLogin(done);
        assertThat(sessionsWithPasswordProof(uid)).isZero();
        // An account without a factor is signed in at once.
        assertPosted(startEmail(t, "email", plain));
        assertLogin(verifyLink(t, linkAndCode(plain, 1)[0]));
    }

    // ── Smart login ─────────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void smartLoginHandsTheTokensToTheFirstPingAfterTheClick() {
        TestTenant t = tenant();
        String email = email();
        String uid = unverified(t, email);
        assertThat(profile(t, "email=" + email).get("EmailVerified").asBoolean()).isFalse();
        String guid = guid();
        assertPosted(startSmart(t, "email", email, guid));
        assertError(ping(t, guid), 403, 1139);
        String token = pollLink(email, 1, "smartlogin");
        assertError(openSmart(t, UUID.randomUUID().toString()), 403, 1063);
        Reply opened = openSmart(t, token);
        assertThat(opened.status()).as(opened.raw()).isEqualTo(200);
        assertThat(opened.json()).isEqualTo(Json.parse("{\"IsPosted\":true,\"IsVerified\":true}"));
        assertThat(profile(t, "email=" + email).get("EmailVerified").asBoolean()).isTrue();

        JsonNode p = assertLogin(ping(t, guid));
        assertThat(p.get("Uid").asText()).isEqualTo(uid);
        assertError(ping(t, guid), 403, 1137);
        assertError(openSmart(t, token), 403, 1138);
        assertError(startSmart(t, "email", email, guid), 403, 1136);
        assertError(startSmart(t, "email", email, "short0123456789"), 403, 1140);
        assertError(ping(t, "short0123456789"), 403, 1140);
        assertError(ping(t, guid()), 403, 1140);
        assertError(s.get("/identity/v2/auth/login/smartlogin?apikey=" + t.apiKey() + "&email=" + email + "&clientguid=" + guid()
                + "&redirecturl=https://evil.example.com/signin"), 403, 908);
        assertError(s.get("/identity/v2/auth/login/smartlogin?apikey=" + t.apiKey() + "&email=" + email), 403, 1140);
        assertError(s.get("/identity/v2/auth/login/smartlogin?apikey=" + t.apiKey() + "&clientguid=" + guid()), 400, 1141);
        assertThat(mail.awaitExactly(email, 1)).hasSize(1);

        // The session proves the mailbox, not the password.
        String next = guid();
        assertPosted(startSmart(t, "email", email, next));
        assertThat(openSmart(t, pollLink(email, 2, "smartlogin")).status()).isEqualTo(200);
        assertError(addEmail(t, assertLoginToken(ping(t, next))), 403, 1193);
    }

    @Test
    void smartLoginByUsernameAndForNobody() {
        TestTenant t = tenant();
        String email = email();
        String username = "smart" + guid().substring(0, 10);
        String uid = account(t, email, null, null, username);
        String guid = guid();
        assertPosted(startSmart(t, "username", username, guid));
        assertThat(openSmart(t, pollLink(email, 1, "smartlogin")).status()).isEqualTo(200);
        assertThat(assertLogin(ping(t, guid)).get("Uid").asText()).isEqualTo(uid);

        String nobodyGuid = guid();
        String nobody = email();
        assertPosted(startSmart(t, "email", nobody, nobodyGuid));
        assertError(ping(t, nobodyGuid), 403, 1139);
        assertError(startSmart(t, "email", email(), nobodyGuid), 403, 1136); // its GUID is spent as any
        assertThat(mail.awaitExactly(nobody, 0)).isEmpty();
        assertError(ping(t, nobodyGuid), 403, 1139);
    }

    @Test
    void aSmartLoginExpires() {
        TestTenant t = tenant(",\"LinkSeconds\":120", "");
        String email = email();
        account(t, email);
        String clicked = guid();
        assertPosted(startSmart(t, "email", email, clicked));
        assertThat(openSmart(t, pollLink(email, 1, "smartlogin")).status()).isEqualTo(200);
        String unclicked = guid();
        assertPosted(startSmart(t, "email", email, unclicked));
        String late = pollLink(email, 2, "smartlogin");
        s.clock.advance(Duration.ofSeconds(121));
        assertError(ping(t, clicked), 403, 1140);
        assertError(ping(t, unclicked), 403, 1140);
        assertError(openSmart(t, late), 403, 975);
    }

    @Test
    void twentyPingsAtOnceAfterTheClickSignInOnce() throws Exception {
        TestTenant t = tenant();
        String email = email();
        account(t, email);
        for (int round = 1; round <= 3; round++) {
            String guid = guid();
            assertPosted(startSmart(t, "email", email, guid));
            assertThat(openSmart(t, pollLink(email, round, "smartlogin")).status()).isEqualTo(200);
            List<Reply> replies = Parallel.times(20, () -> ping(t, guid));
            assertThat(count(replies, 200, null)).as(replies.toString()).isEqualTo(1);
            assertThat(count(replies, 403, 1137)).as(replies.toString()).isEqualTo(19);
        }
    }

    @Test
    void twentyClicksAtOnceVerifyOnce() throws Exception {
        TestTenant t = tenant();
        String email = email();
        account(t, email);
        for (int round = 1; round <= 3; round++) {
            String guid = guid();
            assertPosted(startSmart(t, "email", email, guid));
            String token = pollLink(email, round, "smartlogin");
            List<Reply> replies = Parallel.times(20, () -> openSmart(t, token));
            assertThat(count(replies, 200, null)).as(replies.toString()).isEqualTo(1);
            assertThat(count(replies, 403, 1138)).as(replies.toString()).isEqualTo(19);
            assertLogin(ping(t, guid));
        }
    }

    @Test
    void twentyStartsWithOneGuidAtOnceOpenOnePoll() throws Exception {
        TestTenant t = tenant();
        String email = email();
        account(t, email);
        for (int round = 1; round <= 3; round++) { // a race is not lost every time
            String guid = guid();
            List<Reply> replies = Parallel.times(20, () -> startSmart(t, "email", email, guid));
            assertThat(count(replies, 200, null)).as(replies.toString()).isEqualTo(1);
            assertThat(count(replies, 403, 1136)).as(replies.toString()).isEqualTo(19);
            String other = guid();
            List<Reply> oneTouch = Parallel.times(20, () -> oneTouchEmail(t, other, email(), "Ann"));
            assertThat(count(oneTouch, 200, null)).as(oneTouch.toString()).isEqualTo(1);
            assertThat(count(oneTouch, 403, 1136)).as(oneTouch.toString()).isEqualTo(19);
            assertThat(mail.awaitExactly(email, round)).hasSize(round); // one email per GUID
        }
    }

    // ── One-touch login ─────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void oneTouchByEmailMakesTheAccountWhenTheLinkIsOpened() {
        TestTenant t = tenant();
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Register\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        String email = email();
        String guid = guid();
        assertPosted(oneTouchEmail(t, guid, email, "Ann"));
        assertError(ping(t, guid), 403, 1139);
        assertThat(t.manage("GET", "/identity/v2/manage/account?email=" + email, null).status()).isEqualTo(403); // not yet
        String token = pollLink(email, 1, "onetouchlogin");
        Reply opened = openOneTouch(t, token);
        assertThat(opened.status()).as(opened.raw()).isEqualTo(200);
        assertThat(opened.json()).isEqualTo(Json.parse("{\"IsPosted\":true,\"IsVerified\":true}"));
        JsonNode made = profile(t, "email=" + email);
        assertThat(made.get("EmailVerified").asBoolean()).isTrue();
        assertThat(made.get("FirstName").asText()).isEqualTo("Ann");
        assertThat(queuedEvents(t)).contains("Register");

        Reply in = ping(t, guid);
        JsonNode p = assertLogin(in);
        assertThat(p.get("Uid").asText()).isEqualTo(made.get("Uid").asText());
        assertError(addEmail(t, in.text("access_token")), 403, 1193); // the mailbox, no password (it has none)
        assertError(ping(t, guid), 403, 1137);
        assertError(openOneTouch(t, token), 403, 1145);
        assertError(openSmart(t, token), 403, 1145); // either path, the link's kind answers
        assertError(oneTouchEmail(t, guid, email, "Ann"), 403, 1136);

        // Again for the address that now has an account: the same account, no second one.
        String again = guid();
        assertPosted(oneTouchEmail(t, again, email, "Someone Else"));
        assertThat(openSmart(t, pollLink(email, 2, "onetouchlogin")).status()).isEqualTo(200);
        assertThat(assertLogin(ping(t, again)).get("Uid").asText()).isEqualTo(made.get("Uid").asText());
        assertThat(profile(t, "email=" + email).get("FirstName").asText()).isEqualTo("Ann");
        assertThat(queuedEvents(t).stream().filter("Register"::equals).count()).isEqualTo(1);

        // Bad input.
        assertError(oneTouchEmail(t, "short", email(), "Ann"), 403, 1140);
        assertError(oneTouchEmail(t, guid(), "not an address", "Ann"), 400, 1038);
        assertError(oneTouchEmail(t, guid(), email(), "A".repeat(101)), 403, 908);
        assertError(s.send("POST", "/identity/v2/auth/onetouchlogin/email?apikey=" + t.apiKey() + "&redirecturl=https://evil.example.com/x",
                "{\"clientguid\":\"" + guid() + "\",\"email\":\"" + email() + "\"}", "Content-Type", "application/json"), 403, 908);
    }

    @Test
    void oneTouchLinksForOneNewAddressOpenedAtOnceMakeOneAccount() throws Exception {
        TestTenant t = tenant();
        for (int round = 0; round < 3; round++) { // a race is not lost every time
            String email = email();
            List<String> guids = new ArrayList<>();
            List<String> links = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                String guid = guid();
                assertPosted(oneTouchEmail(t, guid, email, "Ann"));
                guids.add(guid);
                links.add(pollLink(email, i, "onetouchlogin"));
            }
            List<Reply> opened = Parallel.run(links.stream().map(l -> (java.util.concurrent.Callable<Reply>) () -> openOneTouch(t, l)).toList());
            for (Reply r : opened) {
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                assertThat(r.json()).isEqualTo(Json.parse("{\"IsPosted\":true,\"IsVerified\":true}"));
            }
            String uid = profile(t, "email=" + email).get("Uid").asText();
            for (String guid : guids) {
                assertThat(assertLogin(ping(t, guid)).get("Uid").asText()).isEqualTo(uid);
            }
        }
    }

    @Test
    void oneTouchByPhoneMakesAVerifiedPhoneAccount() {
        TestTenant t = tenant();
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Register\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
        String phone = phone();
        assertSmsData(oneTouchPhone(t, phone, "Bo"), true);
        String code = smsCode(phone, 1);
        assertError(oneTouchPhoneVerify(t, phone, wrong(code)), 403, 1067);
        assertError(oneTouchPhoneVerify(t, phone(), code), 403, 1067);
        Reply in = oneTouchPhoneVerify(t, phone, code);
        JsonNode p = assertLogin(in);
        assertError(addEmail(t, in.text("access_token")), 403, 1193);
        assertThat(p.get("PhoneId").asText()).isEqualTo(phone);
        assertThat(p.get("PhoneIdVerified").asBoolean()).isTrue();
        assertThat(p.get("FirstName").asText()).isEqualTo("Bo");
        assertThat(queuedEvents(t)).contains("Register");
        assertError(oneTouchPhoneVerify(t, phone, code), 403, 1068);

        // The number has an account now: the next code signs that account in.
        assertSmsData(oneTouchPhone(t, phone, "Bo"), true);
        assertThat(assertLogin(oneTouchPhoneVerify(t, phone, smsCode(phone, 2))).get("Uid").asText()).isEqualTo(p.get("Uid").asText());

        // A number an account holds unverified gets no code, and the same answer.
        String held = phone();
        account(t, email(), held, false, null);
        assertSmsData(oneTouchPhone(t, held, "Mallory"), true);
        assertError(oneTouchPhoneVerify(t, held, "123456"), 403, 1067);
        settle();
        assertThat(sms.to(held)).isEmpty();
        assertThat(sms.to(phone)).hasSize(2);
    }

    // ── Tenant isolation ────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void linksCodesAndGuidsOfOneTenantAreUnknownAtAnother() {
        TestTenant a = tenant();
        TestTenant b = tenant();
        String email = email();
        String phone = phone();
        account(a, email, phone, true, null);
        account(b, email, phone, true, null);

        assertPosted(startEmail(a, "email", email));
        String[] sent = linkAndCode(email, 1);
        assertError(verifyLink(b, sent[0]), 403, 1063);
        assertError(emailCode(b, email, sent[1]), 403, 1185);

        assertSmsData(startSms(a, phone), false);
        String code = smsCode(phone, 1);
        assertError(verifySms(b, phone, code), 403, 1067);

        String guid = guid();
        assertPosted(startSmart(a, "email", email, guid));
        String smart = pollLink(email, 2, "smartlogin");
        assertError(openSmart(b, smart), 403, 1063);
        assertThat(openSmart(a, smart).status()).isEqualTo(200);
        assertError(ping(b, guid), 403, 1140);

        String newPhone = phone();
        assertSmsData(oneTouchPhone(a, newPhone, "Ann"), true);
        String oneTouch = smsCode(newPhone, 1);
        assertError(oneTouchPhoneVerify(b, newPhone, oneTouch), 403, 1067);

        // At their own tenant all of them still work.
        assertLogin(verifyLink(a, sent[0]));
        assertLogin(verifySms(a, phone, code));
        assertLogin(ping(a, guid));
        assertLogin(oneTouchPhoneVerify(a, newPhone, oneTouch));
    }
}

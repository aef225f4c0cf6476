package dev.latchkey.risk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.PasskeyEmulator;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Risk-based authentication end to end: logins from the addresses of MaxMind's test GeoIP database (forwarded by a
 * trusted proxy) and with different user agents; which signals fire, which action is taken, and the exact email a real
 * SMTP server (GreenMail) received and the exact SMS request a local Twilio-compatible receiver got, for every
 * {@code rba*template} parameter of both seeds. Runs on H2 and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RiskBasedAuthContract {
    static final String LONDON = "81.2.69.142";
    static final String LONDON_2 = "81.2.69.144";
    static final String BOXFORD = "2.125.160.216";
    static final String LINKOPING = "89.160.20.112";
    static final String MILTON = "216.160.83.56";
    static final String CHROME_WINDOWS = UserAgentsTest.CHROME_WINDOWS;
    static final String FIREFOX_WINDOWS = UserAgentsTest.FIREFOX_WINDOWS;
    static final String CHROME_MAC = UserAgentsTest.CHROME_MAC;

    static final String MAIL_FROM = "Latchkey <no-reply@latchkey.test>";
    static final String SMS_SID = "AC0123456789abcdef0123456789abcdef";
    static final String SMS_TOKEN = "sms-auth-token-1";
    static final String SMS_FROM = "+15005550006";
    static final String PUBLIC_URL = "https://id.example.test";
    static final String PASSWORD = "risk-password-1";
    static final String ORIGIN = "http://localhost:8080";

    /** Seed 003 (backup code): its ten template parameters and the webhook suppression. */
    static final String SEED_003_QUERY = "&prevent_webhook=true"
            + "&rbabrowseremailtemplate=RBA-Browser-Email-Template&rbacityemailtemplate=RBA-City-Email-Template"
            + "&rbacountryemailtemplate=RBA-Country-Email-Template&rbaipemailtemplate=RBA-IP-Email-Template"
            + "&rbadeviceemailtemplate=RBA-Device-Email-Template&rbabrowsersmstemplate=RBA-Browser-SMS-Template"
            + "&rbacitysmstemplate=RBA-City-SMS-Template&rbacountrysmstemplate=RBA-Country-SMS-Template"
            + "&rbaipsmstemplate=RBA-IP-SMS-Template&rbadevicesmstemplate=RBA-Device-SMS-Template";
    /** Seed 000 (passkey finish): its twelve template parameters, fields and the webhook suppression. */
    static final String SEED_000_QUERY = "&prevent_webhook=true&fields=Email,username"
            + "&rbabrowseremailtemplate=RBA-Browser-Email-Template&rbaoneclickemailtemplate=RBA-One-Click-Email-Template"
            + "&rbacityemailtemplate=RBA-City-Email-Template&rbacountryemailtemplate=RBA-Country-Email-Template"
            + "&rbaipemailtemplate=RBA-IP-Email-Template&rbadeviceemailtemplate=RBA-Device-Email-Template"
            + "&rbaotpsmstemplate=RBA-OTP-SMS-Template&rbabrowsersmstemplate=RBA-Browser-SMS-Template"
            + "&rbacitysmstemplate=RBA-City-SMS-Template&rbacountrysmstemplate=RBA-Country-SMS-Template"
            + "&rbaipsmstemplate=RBA-IP-SMS-Template&rbadevicesmstemplate=RBA-Device-SMS-Template";

    static final String ALL_SIGNALS = "\"Device\":{\"IsEnabled\":true},\"Browser\":{\"IsEnabled\":true},\"City\":{\"IsEnabled\":true},"
            + "\"Country\":{\"IsEnabled\":true},\"IP\":{\"IsEnabled\":true}";

    protected abstract Backend backend();

    Mailbox mail;
    SmsReceiver sms;
    TestServer s;

    @BeforeAll
    void start() {
        // Setting up backup codes or a passkey tells the user by email (SecurityNoticeTest); these tests count risk mail.
        mail = new Mailbox().ignoring(Mailbox::securityNotice);
        sms = new SmsReceiver();
        s = new TestServer(backend(), new TestServer.Options(
                new ServerConfig.Messaging(PUBLIC_URL,
                        new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, MAIL_FROM),
                        new DeliverySettings.Sms(sms.baseUrl(), SMS_SID, SMS_TOKEN, SMS_FROM), 100, 60_000, null),
                new ServerConfig.Risk(TestServer.Options.geoipTestDb(), "127.0.0.1/32")));
    }

    @AfterAll
    void stop() {
        if (s != null) {
            s.close();
        }
        if (mail != null) {
            mail.close();
        }
        if (sms != null) {
            sms.close();
        }
    }

    // ── Fixtures ────────────────────────────────────────────────────────────────────────────────────────────────

    /** A tenant named Acme with the given TwoFactorAuthentication and RiskBasedAuthentication sections (and more). */
    TestTenant tenant(String mfa, String rba, String more) {
        return s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":" + mfa + ",\"RiskBasedAuthentication\":{" + rba + "}" + more + "}");
    }

    static final String MFA_OFF = "{\"IsEnabled\":false}";
    static final String MFA_OPTIONAL = "{\"IsEnabled\":true,\"IsRequired\":false}";

    /** The seeds' template names, each with a body that says which template it is and what it was given. */
    void seedTemplates(TestTenant t) {
        for (String signal : List.of("Browser", "City", "Country", "IP", "Device")) {
            String name = "RBA-" + signal + "-Email-Template";
            ObjectNode email = Json.object().put("Name", name)
                    .put("Subject", name + ": new {{Login.SignalLabel}} on {{App.Name}}")
                    .put("Text", "{{Login.Signal}} via " + name + " for {{Profile.FirstName}}: ip={{Login.IP}} city={{Login.City}} "
                            + "country={{Login.CountryCode}} browser={{Login.Browser}} device={{Login.Device}} "
                            + "signals={{#Login.Signals}}{{.}};{{/Login.Signals}} action={{Login.Action}}")
                    .put("Html", "<p>{{Profile.FirstName}} · {{Login.Signal}} · {{Login.Location}}</p>");
            assertThat(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/email-templates", Json.write(email)).status()).isEqualTo(200);
            String smsName = "RBA-" + signal + "-SMS-Template";
            ObjectNode text = Json.object().put("Name", smsName)
                    .put("Body", smsName + ": {{Login.Signal}} {{Login.IP}} {{Login.Location}} signals={{#Login.Signals}}{{.}};{{/Login.Signals}}");
            assertThat(s.admin("PUT", "/admin/v1/tenants/" + t.apiKey() + "/sms-templates/" + smsName, Json.write(text)).status()).isEqualTo(200);
        }
        ObjectNode oneClick = Json.object().put("Name", "RBA-One-Click-Email-Template")
                .put("Subject", "Confirm your sign-in to {{App.Name}}, {{Profile.FirstName}}")
                .put("Text", "New {{Login.SignalLabel}} ({{Login.Location}}, {{Login.Browser}} on {{Login.Device}}). "
                        + "Link: {{OneClickSignIn.Url}} valid {{OneClickSignIn.ExpiresInMinutes}} min")
                .put("Html", "<a href=\"{{OneClickSignIn.Url}}\">Sign in</a>");
        assertThat(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/email-templates", Json.write(oneClick)).status()).isEqualTo(200);
        ObjectNode otp = Json.object().put("Name", "RBA-OTP-SMS-Template")
                .put("Body", "{{Otp.Code}} is your {{App.Name}} code ({{Otp.ExpiresInMinutes}} min), new {{Login.SignalLabel}}");
        assertThat(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/sms-templates", Json.write(otp)).status()).isEqualTo(200);
    }

    /** A user: how step 1 names them (email or phone), their second factor (backup codes or a passkey). */
    final class User {
        final String uid;
        final String email;
        final String phone;
        final boolean byPhone;
        Iterator<String> codes;
        PasskeyEmulator passkey;

        User(TestTenant t, String firstName, boolean withPhone, boolean byPhone) {
            this.email = "risk-" + UUID.randomUUID() + "@example.com";
            this.phone = withPhone ? "+1555" + String.format("%07d", (long) (Math.random() * 9_999_999)) : null;
            this.byPhone = byPhone;
            ObjectNode body = Json.object().put("Password", PASSWORD).put("FirstName", firstName);
            body.putArray("Email").addObject().put("Type", "Primary").put("Value", email);
            if (phone != null) {
                body.put("PhoneId", phone);
            }
            Reply r = t.manage("POST", "/identity/v2/manage/account", Json.write(body));
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            this.uid = r.text("Uid");
        }

        User withBackupCodes(TestTenant t) {
            codes = t.backupCodes(uid).iterator();
            return this;
        }

        String loginBody() {
            return byPhone ? "{\"phone\":\"" + phone + "\",\"password\":\"" + PASSWORD + "\"}" : "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}";
        }
    }

    Reply from(String method, String pathAndQuery, String body, String ip, String ua, String... more) {
        List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json", "X-Forwarded-For", ip, "User-Agent", ua));
        headers.addAll(List.of(more));
        return s.send(method, pathAndQuery, body, headers.toArray(String[]::new));
    }

    Reply step1(TestTenant t, User u, String ip, String ua, String query) {
        return from("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey() + query, u.loginBody(), ip, ua);
    }

    Reply plainLogin(TestTenant t, User u, String ip, String ua) {
        return from("POST", "/identity/v2/auth/login?apikey=" + t.apiKey(), u.loginBody(), ip, ua);
    }

    static String token(Reply step1) {
        assertThat(step1.status()).as(step1.raw()).isEqualTo(200);
        String token = step1.json().path("SecondFactorAuthentication").path("SecondFactorAuthenticationToken").asText(null);
        assertThat(token).as(step1.raw()).isNotNull();
        return token;
    }

    /** How the second step is taken: one of the seeds' endpoints, with all of its parameters and its header. */
    interface Finisher {
        Reply finish(TestTenant t, User u, String token, String ip, String ua);
    }

    final Finisher backupCodeSeed = (t, u, token, ip, ua) -> from("PUT", "/identity/v2/auth/login/2fa/backupcode?apikey=" + t.apiKey()
            + "&secondfactorauthenticationtoken=" + token + SEED_003_QUERY, "{ \"backupcode\": \"" + u.codes.next() + "\" }", ip, ua,
            "X-PreventWebhook", "true");

    final Finisher passkeySeed = (t, u, token, ip, ua) -> {
        Reply begin = from("GET", "/identity/v2/auth/login/2fa/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token,
                null, ip, ua);
        assertThat(begin.status()).as(begin.raw()).isEqualTo(200);
        return from("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token
                + SEED_000_QUERY, Json.write(u.passkey.authenticate(begin.json().get("LoginBeginCredential").get("publicKey"))), ip, ua,
                "X-PreventWebhook", "true");
    };

    Reply mfaLogin(TestTenant t, User u, Finisher f, String ip, String ua) {
        Reply r = f.finish(t, u, token(step1(t, u, ip, ua, "")), ip, ua);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().has("access_token")).isTrue();
        return r;
    }

    /** A tenant with required MFA and passkeys, and a user who enrolled one during a first login from London. */
    User passkeyUser(TestTenant t, boolean withPhone, boolean byPhone) {
        User u = new User(t, "Pia", withPhone, byPhone);
        u.passkey = new PasskeyEmulator(ORIGIN);
        String token = token(step1(t, u, LONDON, CHROME_WINDOWS, ""));
        Reply begin = from("GET", "/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token,
                null, LONDON, CHROME_WINDOWS);
        assertThat(begin.status()).as(begin.raw()).isEqualTo(200);
        Reply finish = from("POST", "/identity/v2/auth/login/2fa/register/passkey/finish?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token,
                Json.write(u.passkey.register(begin.json().get("RegisterBeginCredential").get("publicKey"))), LONDON, CHROME_WINDOWS);
        assertThat(finish.status()).as(finish.raw()).isEqualTo(200);
        return u;
    }

    static final String PASSKEYS = ",\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPDisplayName\":\"Acme\",\"RPOrigins\":[\"" + ORIGIN + "\"]}";

    JsonNode riskEvents(TestTenant t, String uid) {
        Reply r = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/risk-events?uid=" + uid, null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().get("Data");
    }

    void patch(TestTenant t, String body) {
        Reply r = s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), body);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Nothing more arrives for the user (by email or SMS) after a short wait. */
    void assertNothingNewFor(User u, int mails, int texts) {
        assertThat(mail.awaitExactly(u.email, mails)).hasSize(mails);
        if (u.phone != null) {
            assertThat(sms.to(u.phone)).hasSize(texts);
        }
    }

    // ── Every signal alone, with each seed's template parameters ────────────────────────────────────────────────

    /** One risky login: where from, which signal decides the message, all that fired, and what the message shows. */
    record Step(String ip, String ua, String signal, String label, List<String> fired, String city, String countryCode,
                String location, String browser, String device) {}

    static final List<Step> STEPS = List.of(
            new Step(LONDON_2, CHROME_WINDOWS, "IP", "IP address", List.of("IP"), "London", "GB", "London, United Kingdom", "Chrome 131", "Windows 10"),
            new Step(LONDON, FIREFOX_WINDOWS, "Browser", "browser", List.of("Browser"), "London", "GB", "London, United Kingdom", "Firefox 133", "Windows 10"),
            new Step(LONDON, CHROME_MAC, "Device", "device", List.of("Device"), "London", "GB", "London, United Kingdom", "Chrome 131", "Mac (Mac OS X 10)"),
            new Step(BOXFORD, CHROME_WINDOWS, "City", "city", List.of("City", "IP"), "Boxford", "GB", "Boxford, United Kingdom", "Chrome 131", "Windows 10"),
            // Before this step the City signal is turned off: a new country then decides the message.
            new Step(LINKOPING, CHROME_WINDOWS, "Country", "country", List.of("Country", "IP"), "Linköping", "SE", "Linköping, Sweden", "Chrome 131", "Windows 10"),
            // A phone in the US: four signals at once; the first in LoginRadius's order decides the template.
            new Step(MILTON, UserAgentsTest.SAFARI_IPHONE, "Device", "device", List.of("Device", "Browser", "Country", "IP"), "Milton", "US",
                    "Milton, United States", "Mobile Safari 17", "iPhone (iOS 17)"));

    /**
     * The baseline login from London, an unchanged login (nothing fires), then each signal alone (or first in
     * LoginRadius's order), each notifying with the template its seed parameter names: by email after an email login,
     * by SMS after a phone login.
     */
    void everySignalNotifiesWithItsSeedTemplate(TestTenant t, User u, Finisher f) {
        mfaLogin(t, u, f, LONDON, CHROME_WINDOWS);
        mfaLogin(t, u, f, LONDON, CHROME_WINDOWS);
        assertNothingNewFor(u, 0, 0);
        assertThat(riskEvents(t, u.uid)).isEmpty();

        int n = 0;
        for (Step step : STEPS) {
            if (step.signal().equals("Country")) {
                patch(t, "{\"RiskBasedAuthentication\":{\"City\":{\"IsEnabled\":false}}}");
            }
            mfaLogin(t, u, f, step.ip(), step.ua());
            n++;
            String signals = String.join(";", step.fired()) + ";";
            if (u.byPhone) {
                List<SmsReceiver.Request> got = sms.await(u.phone, n);
                assertThat(got).hasSize(n);
                SmsReceiver.Request r = got.get(n - 1);
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/2010-04-01/Accounts/" + SMS_SID + "/Messages.json");
                assertThat(r.authorization()).isEqualTo(basic(SMS_SID, SMS_TOKEN));
                assertThat(r.contentType()).isEqualTo("application/x-www-form-urlencoded");
                assertThat(r.form()).isEqualTo(Map.of("To", u.phone, "From", SMS_FROM, "Body",
                        "RBA-" + step.signal() + "-SMS-Template: " + step.signal() + " " + step.ip() + " " + step.location() + " signals=" + signals));
                assertThat(mail.to(u.email)).as("a phone login is told by SMS").isEmpty();
            } else {
                List<Mailbox.Mail> got = mail.await(u.email, n);
                assertThat(got).hasSize(n);
                Mailbox.Mail m = got.get(n - 1);
                String name = "RBA-" + step.signal() + "-Email-Template";
                assertThat(m.from()).isEqualTo(MAIL_FROM);
                assertThat(m.to()).containsExactly(u.email);
                assertThat(m.subject()).isEqualTo(name + ": new " + step.label() + " on Acme");
                assertThat(m.text()).isEqualTo(step.signal() + " via " + name + " for " + (f == passkeySeed ? "Pia" : "Ann") + ": ip=" + step.ip()
                        + " city=" + step.city() + " country=" + step.countryCode() + " browser=" + step.browser() + " device=" + step.device()
                        + " signals=" + signals + " action=Notify");
                assertThat(m.html()).isEqualTo("<p>" + (f == passkeySeed ? "Pia" : "Ann") + " · " + step.signal() + " · " + step.location() + "</p>");
                if (u.phone != null) {
                    assertThat(sms.to(u.phone)).as("an email login is told by email").isEmpty();
                }
            }
            JsonNode event = riskEvents(t, u.uid).get(0);
            assertThat(event.get("Signals")).isEqualTo(Json.MAPPER.valueToTree(step.fired()));
            assertThat(event.get("Action").asText()).isEqualTo("Notify");
            assertThat(event.get("IP").asText()).isEqualTo(step.ip());
            assertThat(event.get("Country").asText()).isEqualTo(step.countryCode());
            assertThat(event.get("City").asText()).isEqualTo(step.city());
            assertThat(event.get("Browser").asText()).isEqualTo(step.browser());
            assertThat(event.get("Device").asText()).isEqualTo(step.device());
        }
        assertThat(riskEvents(t, u.uid)).hasSize(STEPS.size());
        // Every one of those places is known now: the same logins again are quiet.
        mfaLogin(t, u, f, LINKOPING, CHROME_MAC);
        mfaLogin(t, u, f, MILTON, CHROME_WINDOWS);
        assertNothingNewFor(u, u.byPhone ? 0 : STEPS.size(), u.byPhone ? STEPS.size() : 0);
    }

    @Test
    void backupCodeSeedEmailTemplates() {
        TestTenant t = tenant(MFA_OPTIONAL, ALL_SIGNALS, "");
        seedTemplates(t);
        everySignalNotifiesWithItsSeedTemplate(t, new User(t, "Ann", false, false).withBackupCodes(t), backupCodeSeed);
    }

    @Test
    void backupCodeSeedSmsTemplates() {
        TestTenant t = tenant(MFA_OPTIONAL, ALL_SIGNALS, "");
        seedTemplates(t);
        everySignalNotifiesWithItsSeedTemplate(t, new User(t, "Ann", true, true).withBackupCodes(t), backupCodeSeed);
    }

    @Test
    void passkeySeedEmailTemplates() {
        TestTenant t = tenant("{\"IsEnabled\":true,\"IsRequired\":true}", ALL_SIGNALS, PASSKEYS);
        seedTemplates(t);
        everySignalNotifiesWithItsSeedTemplate(t, passkeyUser(t, false, false), passkeySeed);
    }

    @Test
    void passkeySeedSmsTemplates() {
        TestTenant t = tenant("{\"IsEnabled\":true,\"IsRequired\":true}", ALL_SIGNALS, PASSKEYS);
        seedTemplates(t);
        everySignalNotifiesWithItsSeedTemplate(t, passkeyUser(t, true, true), passkeySeed);
    }

    // ── Require a second factor ─────────────────────────────────────────────────────────────────────────────────

    static final Pattern LINK = Pattern.compile("Link: (\\S+) valid 10 min");

    @Test
    void aNewCountryAsksForASecondFactorAndTheOneClickLinkFinishesTheLogin() {
        TestTenant t = tenant(MFA_OFF, "\"Country\":{\"IsEnabled\":true,\"Action\":\"MFA\"}", PASSKEYS);
        seedTemplates(t);
        User u = new User(t, "Ann", false, false);
        assertThat(step1(t, u, LONDON, CHROME_WINDOWS, "").json().has("access_token")).isTrue(); // the baseline

        // The plain login names the signal (LoginRadius's code); nothing is sent, nothing becomes known.
        Reply plain = plainLogin(t, u, LINKOPING, CHROME_WINDOWS);
        assertThat(plain.status()).isEqualTo(403);
        assertThat(plain.json().get("ErrorCode").asInt()).isEqualTo(1170);
        assertThat(plain.json().get("Message").asText()).isEqualTo("Login attempt from a new country is detected");

        // The MFA login answers like step 1, and mails a one-click link with the seed's template.
        Reply challenge = step1(t, u, LINKOPING, CHROME_WINDOWS, "&rbaoneclickemailtemplate=RBA-One-Click-Email-Template");
        String token = token(challenge);
        JsonNode sfa = challenge.json().get("SecondFactorAuthentication");
        String masked = u.email.charAt(0) + "***" + u.email.substring(u.email.indexOf('@') - 1, u.email.indexOf('@')) + "@e***.com";
        assertThat(sfa.get("Email")).isEqualTo(Json.parse("[\"" + masked + "\"]"));
        assertThat(sfa.get("OTPStatus").isNull()).isTrue();
        assertThat(challenge.json().get("Profile").isNull()).isTrue();
        assertThat(challenge.text("access_token")).isEqualTo("00000000-0000-0000-0000-000000000000");

        Mailbox.Mail m = mail.await(u.email, 1).get(0);
        assertThat(m.subject()).isEqualTo("Confirm your sign-in to Acme, Ann");
        Matcher link = LINK.matcher(m.text());
        assertThat(link.find()).as(m.text()).isTrue();
        assertThat(m.text()).isEqualTo("New country (Linköping, Sweden, Chrome 131 on Windows 10). Link: " + link.group(1) + " valid 10 min");
        String prefix = PUBLIC_URL + "/hosted?apikey=" + t.apiKey() + "&vtype=oneclicksignin&vtoken=";
        assertThat(link.group(1)).startsWith(prefix);
        String vtoken = link.group(1).substring(prefix.length());
        assertThat(vtoken).matches("[0-9a-f-]{36}");
        assertThat(m.html()).isEqualTo("<a href=\"" + link.group(1).replace("&", "&amp;") + "\">Sign in</a>");

        // The link proves the login (a password alone cannot finish it by enrolling a passkey).
        Reply enroll = from("GET", "/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token, null, LINKOPING, CHROME_WINDOWS);
        assertThat(enroll.status()).isEqualTo(403);
        assertThat(enroll.json().get("ErrorCode").asInt()).isEqualTo(908);
        assertThat(enroll.json().get("Description").asText())
                .isEqualTo("This login must be confirmed with the link or code that was sent, or with a second factor already configured.");
        // Ann opens the link on the same computer in Sweden.
        Reply done = from("GET", "/identity/v2/auth/login/oneclickverify?apikey=" + t.apiKey() + "&verificationtoken=" + vtoken
                + "&welcomeemailtemplate=", null, LINKOPING, CHROME_WINDOWS);
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(keys(done.json())).containsExactly("Profile", "access_token", "refresh_token", "expires_in");
        assertThat(done.json().get("Profile").get("Uid").asText()).isEqualTo(u.uid);
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + done.text("access_token")).status())
                .isEqualTo(200);

        // Single use: the link again, and the token it belonged to.
        Reply again = s.get("/identity/v2/auth/login/oneclickverify?apikey=" + t.apiKey() + "&verificationtoken=" + vtoken);
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.json().get("ErrorCode").asInt()).isEqualTo(1062);
        Reply reuse = from("PUT", "/identity/v2/auth/login/2fa/verification/otp?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token,
                "{\"otp\":\"123456\"}", LINKOPING, CHROME_WINDOWS);
        assertThat(reuse.json().get("ErrorCode").asInt()).isEqualTo(1103);

        // Sweden is known now (the confirmation came from there): the next login from there goes straight through, and
        // nothing more is sent.
        Reply next = step1(t, u, LINKOPING, CHROME_WINDOWS, "");
        assertThat(next.json().has("SecondFactorAuthentication")).isFalse();
        assertThat(next.json().get("Profile").get("Uid").asText()).isEqualTo(u.uid);
        assertThat(mail.awaitExactly(u.email, 1)).hasSize(1);
        JsonNode events = riskEvents(t, u.uid);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("Action").asText()).isEqualTo("MFA");
        assertThat(events.get(1).get("Action").asText()).as("the plain login").isEqualTo("MFA");
    }

    @Test
    void aConfirmationTeachesWhereTheConfirmationCameFromNotWhereTheChallengedLoginCameFrom() {
        TestTenant t = tenant(MFA_OFF, "\"Country\":{\"IsEnabled\":true,\"Action\":\"MFA\"}", PASSKEYS);
        User u = new User(t, "Ann", false, false);
        assertThat(step1(t, u, LONDON, CHROME_WINDOWS, "").json().has("access_token")).isTrue(); // the baseline
        // Someone who holds Ann's password logs in from Sweden; Ann, at home in London, gets the link and clicks it.
        Reply attacker = step1(t, u, LINKOPING, CHROME_WINDOWS, "");
        assertThat(token(attacker)).isNotNull();
        Matcher link = Pattern.compile("vtoken=([0-9a-f-]{36})").matcher(mail.await(u.email, 1).get(0).text());
        assertThat(link.find()).isTrue();
        String vtoken = link.group(1);
        Reply clicked = from("GET", "/identity/v2/auth/login/oneclickverify?apikey=" + t.apiKey() + "&verificationtoken=" + vtoken,
                null, LONDON, CHROME_WINDOWS);
        assertThat(clicked.status()).as(clicked.raw()).isEqualTo(200);
        // The tokens went to Ann's browser, and Sweden did not become known: the next login from there is challenged again.
        Reply again = step1(t, u, LINKOPING, CHROME_WINDOWS, "");
        assertThat(again.status()).isEqualTo(200);
        assertThat(token(again)).as(again.raw()).isNotNull();
        assertThat(again.json().has("refresh_token")).isFalse();
    }

    @Test
    void aPhoneLoginGetsACodeBySmsThatCountsTowardLockout() {
        TestTenant t = tenant(MFA_OFF, "\"Device\":{\"IsEnabled\":true,\"Action\":\"MFA\"}",
                ",\"Security\":{\"MaxSecondFactorAttemptsPerToken\":3}");
        seedTemplates(t);
        User u = new User(t, "Ann", true, true);
        assertThat(step1(t, u, LONDON, CHROME_WINDOWS, "").json().has("access_token")).isTrue();

        Reply challenge = step1(t, u, LONDON, CHROME_MAC, "&rbaotpsmstemplate=RBA-OTP-SMS-Template&rbaoneclickemailtemplate=RBA-One-Click-Email-Template");
        String token = token(challenge);
        JsonNode sfa = challenge.json().get("SecondFactorAuthentication");
        assertThat(sfa.get("OTPPhoneNo").asText()).isEqualTo("*".repeat(u.phone.length() - 4) + u.phone.substring(u.phone.length() - 4));
        List<SmsReceiver.Request> texts = sms.await(u.phone, 1);
        assertThat(texts).hasSize(1);
        assertThat(sfa.get("OTPStatus").get("AccountSid").asText()).isEqualTo(SMS_SID);
        assertThat(sfa.get("OTPStatus").get("Sid").asText()).matches("[0-9a-f-]{36}");
        SmsReceiver.Request text = texts.get(0);
        assertThat(text.path()).isEqualTo("/2010-04-01/Accounts/" + SMS_SID + "/Messages.json");
        assertThat(text.authorization()).isEqualTo(basic(SMS_SID, SMS_TOKEN));
        String code = text.form().get("Body").substring(0, 6);
        assertThat(code).matches("[0-9]{6}");
        assertThat(text.form()).isEqualTo(Map.of("To", u.phone, "From", SMS_FROM, "Body", code + " is your Acme code (10 min), new device"));
        // The account has an email too: the one-click link goes there as well.
        assertThat(mail.await(u.email, 1).get(0).subject()).isEqualTo("Confirm your sign-in to Acme, Ann");

        String wrong = code.equals("000000") ? "111111" : "000000";
        String otpPath = "/identity/v2/auth/login/2fa/verification/otp?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token;
        Reply bad = from("PUT", otpPath, "{\"otp\":\"" + wrong + "\"}", LONDON, CHROME_MAC);
        assertThat(bad.status()).isEqualTo(403);
        assertThat(bad.json().get("ErrorCode").asInt()).isEqualTo(1067);
        assertThat(bad.json().get("Description").asText()).isEqualTo("The OTP code is invalid, please request for a new OTP.");
        Reply ok = from("PUT", otpPath, "{\"Otp\":\" " + code + " \"}", LONDON, CHROME_MAC);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(ok.json().get("Profile").get("PhoneId").asText()).isEqualTo(u.phone);
        Reply replay = from("PUT", otpPath, "{\"otp\":\"" + code + "\"}", LONDON, CHROME_MAC);
        assertThat(replay.json().get("ErrorCode").asInt()).isEqualTo(1103);

        // Wrong codes count: after the tenant's limit the token is dead, the right code included.
        patch(t, "{\"RiskBasedAuthentication\":{\"Browser\":{\"IsEnabled\":true,\"Action\":\"MFA\"}}}");
        String token2 = token(step1(t, u, LONDON, FIREFOX_WINDOWS, ""));
        String code2 = sms.await(u.phone, 2).get(1).form().get("Body").substring(0, 6);
        String wrong2 = code2.equals("000000") ? "111111" : "000000";
        String otpPath2 = "/identity/v2/auth/login/2fa/verification/otp?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token2;
        for (int i = 0; i < 3; i++) {
            assertThat(from("PUT", otpPath2, "{\"otp\":\"" + wrong2 + "\"}", LONDON, FIREFOX_WINDOWS).json().get("ErrorCode").asInt()).isEqualTo(1067);
        }
        assertThat(from("PUT", otpPath2, "{\"otp\":\"" + code2 + "\"}", LONDON, FIREFOX_WINDOWS).json().get("ErrorCode").asInt()).isEqualTo(1103);
    }

    @Test
    void thePlainLoginAnswersEachSignalsCode() {
        TestTenant t = tenant(MFA_OFF, "\"Device\":{\"IsEnabled\":true,\"Action\":\"MFA\"},\"Browser\":{\"IsEnabled\":true,\"Action\":\"MFA\"},"
                + "\"City\":{\"IsEnabled\":true,\"Action\":\"MFA\"},\"IP\":{\"IsEnabled\":true,\"Action\":\"MFA\"},"
                + "\"Country\":{\"IsEnabled\":true,\"Action\":\"None\"}", "");
        User u = new User(t, "Ann", false, false);
        assertThat(plainLogin(t, u, LONDON, CHROME_WINDOWS).status()).isEqualTo(200);
        Object[][] cases = {
            {LONDON_2, CHROME_WINDOWS, 1171, "Login attempt from a new ip is detected"},
            {LONDON, FIREFOX_WINDOWS, 1168, "Login attempt from a new browser is detected"},
            {LONDON, CHROME_MAC, 1287, "Login attempt from a new device is detected"},
            {BOXFORD, CHROME_WINDOWS, 1169, "Login attempt from a new city is detected"},
            // Country's rule only notifies; City asks for MFA and comes first in LoginRadius's order.
            {LINKOPING, CHROME_WINDOWS, 1169, "Login attempt from a new city is detected"},
        };
        for (Object[] c : cases) {
            Reply r = plainLogin(t, u, (String) c[0], (String) c[1]);
            assertThat(r.status()).as(r.raw()).isEqualTo(403);
            assertThat(keys(r.json())).startsWith("Description", "ErrorCode", "Message", "IsProviderError", "ProviderErrorResponse");
            assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(c[2]);
            assertThat(r.json().get("Message").asText()).isEqualTo(c[3]);
            assertThat(r.json().get("Description").asText()).isEqualTo(c[3] + ".");
        }
        TestTenant countryOnly = tenant(MFA_OFF, "\"Country\":{\"IsEnabled\":true,\"Action\":\"MFA\"},\"City\":{\"IsEnabled\":true}", "");
        User v = new User(countryOnly, "Ann", false, false);
        assertThat(plainLogin(countryOnly, v, LONDON, CHROME_WINDOWS).status()).isEqualTo(200);
        Reply r = plainLogin(countryOnly, v, LINKOPING, CHROME_WINDOWS);
        assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1170);
        assertThat(riskEvents(countryOnly, v.uid).get(0).get("Signals")).isEqualTo(Json.parse("[\"City\",\"Country\"]"));
        assertNothingNewFor(u, 0, 0);
    }

    // ── Block ───────────────────────────────────────────────────────────────────────────────────────────────────

    @Test
    void aBlockedCountryAnswers1164AndTellsTheUserAndTheAdmins() {
        String admin = "security-" + UUID.randomUUID() + "@acme.test";
        TestTenant t = tenant(MFA_OFF, "\"Country\":{\"IsEnabled\":true,\"Action\":\"Block\",\"NotifyAdmins\":true},\"AdminEmails\":[\"" + admin + "\"]", "");
        User u = new User(t, "Ann", false, false);
        assertThat(step1(t, u, LONDON, CHROME_WINDOWS, "").status()).isEqualTo(200);
        for (Reply r : List.of(step1(t, u, LINKOPING, CHROME_WINDOWS, ""), plainLogin(t, u, LINKOPING, CHROME_WINDOWS))) {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1164);
            assertThat(r.json().get("Message").asText()).isEqualTo("Your account has been blocked due to suspicious activity");
            assertThat(r.json().has("access_token")).isFalse();
        }
        // The built-in templates: the user learns a sign-in was stopped, the admins what happened.
        List<Mailbox.Mail> toUser = mail.awaitExactly(u.email, 2);
        assertThat(toUser).hasSize(2);
        Mailbox.Mail notice = toUser.get(0);
        assertThat(notice.subject()).isEqualTo("Sign-in to Acme from a new country was stopped");
        assertThat(notice.text()).contains("Hello Ann,", "Someone tried to sign in to your Acme account from a new country, and was stopped.",
                "Where:   Linköping, Sweden (IP address 89.160.20.112)", "Browser: Chrome 131", "Device:  Windows 10");
        assertThat(notice.html()).contains("<p>Hello Ann,</p>", "Linköping, Sweden (IP address 89.160.20.112)");
        List<Mailbox.Mail> toAdmin = mail.awaitExactly(admin, 2);
        assertThat(toAdmin).hasSize(2);
        assertThat(toAdmin.get(0).subject()).isEqualTo("[Acme] Risky sign-in (Block): new country for " + u.uid);
        assertThat(toAdmin.get(0).text()).contains("Account: " + u.uid + " " + u.email, "Signals: Country ", "Action:  Block");
        // Nothing was learnt: Sweden stays blocked, London still works.
        assertThat(step1(t, u, LINKOPING, CHROME_WINDOWS, "").json().get("ErrorCode").asInt()).isEqualTo(1164);
        assertThat(step1(t, u, LONDON, CHROME_WINDOWS, "").status()).isEqualTo(200);
        JsonNode events = riskEvents(t, u.uid);
        assertThat(events).hasSize(3);
        events.forEach(e -> assertThat(e.get("Action").asText()).isEqualTo("Block"));
    }

    @Test
    void afterASecondFactorRiskOnlyNotifies() {
        TestTenant t = tenant(MFA_OPTIONAL, "\"Country\":{\"IsEnabled\":true,\"Action\":\"Block\"},\"IP\":{\"IsEnabled\":true,\"Action\":\"MFA\"}", "");
        User u = new User(t, "Ann", false, false).withBackupCodes(t);
        mfaLogin(t, u, backupCodeSeedWithout(), LONDON, CHROME_WINDOWS);
        Reply r = mfaLogin(t, u, backupCodeSeedWithout(), LINKOPING, CHROME_WINDOWS);
        assertThat(r.json().get("Profile").get("Uid").asText()).isEqualTo(u.uid);
        Mailbox.Mail m = mail.await(u.email, 1).get(0);
        assertThat(m.subject()).isEqualTo("New sign-in to Acme from a new country");
        assertThat(m.text()).contains("Someone signed in to your Acme account from a new country.",
                "When:    " + r.json().get("Profile").get("LastLoginDate").asText());
        assertThat(riskEvents(t, u.uid).get(0).get("Action").asText()).isEqualTo("Notify");
        assertThat(riskEvents(t, u.uid).get(0).get("Signals")).isEqualTo(Json.parse("[\"Country\",\"IP\"]"));
    }

    /** The backup-code finish without template parameters (the tenant's defaults, here the built-in templates). */
    Finisher backupCodeSeedWithout() {
        return (t, u, token, ip, ua) -> from("PUT", "/identity/v2/auth/login/2fa/backupcode?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + token, "{\"backupcode\":\"" + u.codes.next() + "\"}", ip, ua);
    }

    // ── Templates: defaults, unknown names, escaping ────────────────────────────────────────────────────────────

    @Test
    void anUnknownTemplateNameIsAClearErrorAndSpendsNothing() {
        TestTenant t = tenant(MFA_OPTIONAL, "\"IP\":{\"IsEnabled\":true}", "");
        User u = new User(t, "Ann", false, false).withBackupCodes(t);
        Reply r = step1(t, u, LONDON, CHROME_WINDOWS, "&rbaipemailtemplate=No-Such-Template");
        // Step 1 of an MFA account does not assess risk: nothing is checked or sent there.
        String token = token(r);
        String code = u.codes.next();
        Reply refused = from("PUT", "/identity/v2/auth/login/2fa/backupcode?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token
                + "&rbaipsmstemplate=No-Such-SMS", "{\"backupcode\":\"" + code + "\"}", LONDON, CHROME_WINDOWS);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("ErrorCode").asInt()).isEqualTo(908);
        assertThat(refused.json().get("Description").asText())
                .isEqualTo("The rbaipsmstemplate parameter names no SMS template of this site: 'No-Such-SMS'.");
        // The token and the code were not spent.
        Reply ok = from("PUT", "/identity/v2/auth/login/2fa/backupcode?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token
                + "&rbaipsmstemplate=latchkey-risk-notice", "{\"backupcode\":\"" + code + "\"}", LONDON, CHROME_WINDOWS);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);

        TestTenant plain = tenant(MFA_OFF, "\"IP\":{\"IsEnabled\":true}", "");
        User v = new User(plain, "Ann", false, false);
        Reply bad = step1(plain, v, LONDON, CHROME_WINDOWS, "&RbaIpEmailTemplate=Nope");
        assertThat(bad.json().get("ErrorCode").asInt()).isEqualTo(908);
        assertThat(bad.json().get("Description").asText()).isEqualTo("The rbaipemailtemplate parameter names no email template of this site: 'Nope'.");
    }

    @Test
    void theHtmlPartEscapesWhatItInsertsAndTheTextPartDoesNot() {
        TestTenant t = tenant(MFA_OFF, "\"IP\":{\"IsEnabled\":true}", "");
        assertThat(s.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/email-templates", Json.write(Json.object().put("Name", "Ours")
                .put("Subject", "Hi {{Profile.FirstName}}\r\nBcc: evil@example.com").put("Text", "Hi {{Profile.FirstName}} {{{Profile.LastName}}}")
                .put("Html", "<b>{{Profile.FirstName}}</b> {{Login.UserAgent}}"))).status()).isEqualTo(200);
        patch(t, "{\"RiskBasedAuthentication\":{\"IP\":{\"EmailTemplate\":\"Ours\"}}}");
        User u = new User(t, "<Ann & \"Bob\">", false, false);
        assertThat(step1(t, u, LONDON, "Agent <script>", "").status()).isEqualTo(200);
        assertThat(step1(t, u, LONDON_2, "Agent <script>", "").status()).isEqualTo(200);
        Mailbox.Mail m = mail.await(u.email, 1).get(0);
        assertThat(m.subject()).as("one line: no header injection").isEqualTo("Hi <Ann & \"Bob\"> Bcc: evil@example.com");
        assertThat(m.text()).isEqualTo("Hi <Ann & \"Bob\"> ");
        assertThat(m.html()).isEqualTo("<b>&lt;Ann &amp; &quot;Bob&quot;&gt;</b> Agent &lt;script&gt;");
    }

    @Test
    void theAccountsHourlyLimitStopsNoticesAndChallenges() {
        TestTenant t = tenant(MFA_OFF, "\"IP\":{\"IsEnabled\":true},\"Device\":{\"IsEnabled\":true,\"Action\":\"MFA\"},\"MaxMessagesPerHour\":1", "");
        User u = new User(t, "Ann", false, false);
        assertThat(step1(t, u, LONDON, CHROME_WINDOWS, "").status()).isEqualTo(200);
        assertThat(step1(t, u, LONDON_2, CHROME_WINDOWS, "").status()).isEqualTo(200);
        assertThat(mail.await(u.email, 1)).hasSize(1);
        assertThat(step1(t, u, BOXFORD, CHROME_WINDOWS, "").status()).as("notices stop, logins do not").isEqualTo(200);
        Reply limited = step1(t, u, LONDON, CHROME_MAC, "");
        assertThat(limited.status()).isEqualTo(403);
        assertThat(limited.json().get("ErrorCode").asInt()).isEqualTo(1122);
        assertThat(mail.awaitExactly(u.email, 1)).hasSize(1);
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }
}

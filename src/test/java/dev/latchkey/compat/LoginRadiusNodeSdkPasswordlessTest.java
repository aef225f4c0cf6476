package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.NodeSdk;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Sign-in without a password (reference §17, issue 14) through the official Node SDK 11.7.0 run by node, unchanged, every
 * method of its {@code passwordLessLoginApi} ({@code passwordlessLoginByEmail}, {@code passwordlessLoginByUserName},
 * {@code passwordlessLoginVerification}, {@code passwordlessLoginVerificationByEmailAndOTP},
 * {@code passwordlessLoginVerificationByUserNameAndOTP}, {@code passwordlessLoginByPhone},
 * {@code passwordlessLoginPhoneVerification}), {@code smartLoginApi} ({@code smartLoginByEmail}, {@code smartLoginByUserName},
 * {@code smartLoginTokenVerification}, {@code smartLoginPing}) and {@code oneTouchLoginApi} ({@code oneTouchLoginByEmail},
 * {@code oneTouchEmailVerification}, {@code oneTouchLoginPing}, {@code oneTouchLoginByPhone},
 * {@code oneTouchLoginOTPVerification}). Links and email codes through GreenMail, SMS codes through a local
 * Twilio-compatible receiver.
 */
@Isolated
class LoginRadiusNodeSdkPasswordlessTest {
    private static final String PASSWORD = "Lattice-Umbra-4417";
    private static final String SID = "AC" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final String APP = "https://app.example.com/";
    private static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String PL = "passwordLessLoginApi";
    private static final String SMART = "smartLoginApi";
    private static final String ONE_TOUCH = "oneTouchLoginApi";
    private static final Pattern EMAIL_CODE = Pattern.compile("Or enter this code where you asked for it: ([0-9]{6})");
    static SmsReceiver sms;
    static Mailbox mail;
    static TestServer s;
    static TestServer.TestTenant t;
    static NodeSdk node;

    @BeforeAll
    static void start() throws Exception {
        sms = new SmsReceiver();
        mail = new Mailbox().ignoring(Mailbox::securityNotice);
        s = new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging(null,
                new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "Acme <no-reply@acme.example>"),
                new DeliverySettings.Sms(sms.baseUrl(), SID, "sms-token", "+15550000000"), 100, 60_000, null), ServerConfig.Risk.NONE));
        t = s.tenant("{\"Name\":\"Acme\"," + LoginRadiusJavaSdkPasswordlessTest.ALL_ON + "}");
        node = NodeSdk.start(s.server.port(), t.apiKey(), t.apiSecret());
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (s != null) {
            s.close();
        }
        if (sms != null) {
            sms.close();
        }
        if (mail != null) {
            mail.close();
        }
    }

    private static int errorCode(NodeSdk.Answer a) {
        assertThat(a.error()).as("the Node SDK resolved: %s", a).isNotNull();
        return a.error().get("ErrorCode").asInt();
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> i = n.fieldNames(); i.hasNext();) {
            out.add(i.next());
        }
        return out;
    }

    private static String link(String address, int n, String base, String vtype) {
        return LoginRadiusJavaSdkPasswordlessTest.linkToken(mail, address, n, base, vtype);
    }

    /** The code of the {@code n}th passwordless email to {@code address}. */
    private static String emailCode(String address, int n) {
        List<Mailbox.Mail> got = mail.await(address, n);
        assertThat(got).hasSizeGreaterThanOrEqualTo(n);
        Matcher m = EMAIL_CODE.matcher(got.get(n - 1).text());
        assertThat(m.find()).as(got.get(n - 1).text()).isTrue();
        return m.group(1);
    }

    private static String wrong(String code) {
        return LoginRadiusJavaSdkPhoneTest.wrong(code);
    }

    /** The login response: {@code Profile}, a GUID {@code access_token}, {@code expires_in}; the profile's Uid. */
    private static String signedIn(JsonNode login) {
        assertThat(fields(login)).contains("Profile", "access_token", "expires_in");
        assertThat(login.get("access_token").asText()).matches(GUID);
        return login.get("Profile").get("Uid").asText();
    }

    @Test
    void passwordlessByEmailLinkByEmailCodeAndBySmsCode() throws Exception {
        String email = "node.pl@example.com";
        String phone = "+15555550170";
        String uid = LoginRadiusJavaSdkPasswordlessTest.account(t, email, "nodepl", phone);

        // The link, once.
        JsonNode asked = node.call(PL, "passwordlessLoginByEmail", email, null, APP + "signin").ok();
        assertThat(asked.toString()).isEqualTo("{\"IsPosted\":true}");
        String token = link(email, 1, APP + "signin", "oneclicksignin");
        JsonNode byLink = node.call(PL, "passwordlessLoginVerification", token, null, null).ok();
        assertThat(signedIn(byLink)).isEqualTo(uid);
        assertThat(byLink.get("Profile").get("EmailVerified").asBoolean()).isTrue();
        assertThat(errorCode(node.call(PL, "passwordlessLoginVerification", token, null, null))).isEqualTo(1062);
        assertThat(errorCode(node.call(PL, "passwordlessLoginVerification", UUID.randomUUID().toString(), null, null))).isEqualTo(1063);

        // The code of the same kind of email, by address (its link then dies with it).
        node.call(PL, "passwordlessLoginByEmail", email, null, APP + "signin").ok();
        String code = emailCode(email, 2);
        String itsLink = link(email, 2, APP + "signin", "oneclicksignin");
        assertThat(errorCode(node.call(PL, "passwordlessLoginVerificationByEmailAndOTP", Map.of("email", email, "otp", wrong(code)), null)))
                .isEqualTo(1185);
        JsonNode byCode = node.call(PL, "passwordlessLoginVerificationByEmailAndOTP", Map.of("email", email, "otp", code), "Uid,Email").ok();
        assertThat(signedIn(byCode)).isEqualTo(uid);
        assertThat(fields(byCode.get("Profile"))).containsExactlyInAnyOrder("Uid", "Email");
        assertThat(errorCode(node.call(PL, "passwordlessLoginVerificationByEmailAndOTP", Map.of("email", email, "otp", code), null))).isEqualTo(1185);
        assertThat(errorCode(node.call(PL, "passwordlessLoginVerification", itsLink, null, null))).isEqualTo(1062);

        // By username: the email to the account's address (the hosted page's link), its code by username.
        JsonNode byName = node.call(PL, "passwordlessLoginByUserName", "nodepl", null, null).ok();
        assertThat(byName.toString()).isEqualTo("{\"IsPosted\":true}");
        link(email, 3, "/hosted?apikey=" + t.apiKey(), "oneclicksignin");
        String nameCode = emailCode(email, 3);
        assertThat(errorCode(node.call(PL, "passwordlessLoginVerificationByUserNameAndOTP", Map.of("username", "nodepl", "otp", wrong(nameCode)), null)))
                .isEqualTo(1185);
        JsonNode byNameCode = node.call(PL, "passwordlessLoginVerificationByUserNameAndOTP", Map.of("username", "nodepl", "otp", nameCode), null).ok();
        assertThat(signedIn(byNameCode)).isEqualTo(uid);
        assertThat(byNameCode.get("Profile").get("UserName").asText()).isEqualTo("nodepl");

        // Nobody's address: the same answer, nothing sent; a URL the tenant does not allow: 908.
        assertThat(node.call(PL, "passwordlessLoginByEmail", "nobody.node@example.com", null, null).ok().toString()).isEqualTo("{\"IsPosted\":true}");
        assertThat(errorCode(node.call(PL, "passwordlessLoginByEmail", email, null, "https://evil.example.net/"))).isEqualTo(908);
        assertThat(mail.awaitExactly(email, 3)).hasSize(3);
        assertThat(mail.to("nobody.node@example.com")).isEmpty();

        // By SMS: {"Data": {"AccountSid", "Sid"}} (no IsPosted), then the code, once.
        JsonNode sent = node.call(PL, "passwordlessLoginByPhone", phone, null, null).ok();
        assertThat(fields(sent)).containsExactly("Data");
        assertThat(sent.get("Data").get("AccountSid").asText()).isEqualTo(SID);
        assertThat(sent.get("Data").get("Sid").asText()).matches(GUID);
        String smsCode = LoginRadiusJavaSdkPhoneTest.code(sms, phone, 1);
        assertThat(errorCode(node.call(PL, "passwordlessLoginPhoneVerification", Map.of("phone", phone, "otp", wrong(smsCode)), null, null, null)))
                .isEqualTo(1067);
        JsonNode bySms = node.call(PL, "passwordlessLoginPhoneVerification", Map.of("phone", phone, "otp", smsCode), null, null, null).ok();
        assertThat(signedIn(bySms)).isEqualTo(uid);
        assertThat(bySms.get("Profile").get("PhoneIdVerified").asBoolean()).isTrue();
        assertThat(errorCode(node.call(PL, "passwordlessLoginPhoneVerification", Map.of("phone", phone, "otp", smsCode), null, null, null)))
                .isEqualTo(1068);
        // isVoiceOtp left out: the SDK sends "isVoiceOtp=", a code by SMS all the same; true: 1281.
        node.call(PL, "passwordlessLoginByPhone", phone).ok();
        LoginRadiusJavaSdkPhoneTest.code(sms, phone, 2);
        assertThat(errorCode(node.call(PL, "passwordlessLoginByPhone", phone, null, true))).isEqualTo(1281);
    }

    @Test
    void smartLoginTheDeviceThatAskedTakesTheTokensOnce() throws Exception {
        String email = "node.smart@example.com";
        String uid = LoginRadiusJavaSdkPasswordlessTest.account(t, email, "nodesmart", "+15555550171");

        String guid = UUID.randomUUID().toString();
        assertThat(node.call(SMART, "smartLoginByEmail", guid, email, APP + "smart", null, null).ok().toString()).isEqualTo("{\"IsPosted\":true}");
        assertThat(errorCode(node.call(SMART, "smartLoginPing", guid, null))).isEqualTo(1139);
        String token = link(email, 1, APP + "smart", "smartlogin");
        JsonNode clicked = node.call(SMART, "smartLoginTokenVerification", token, null).ok();
        assertThat(clicked.toString()).isEqualTo("{\"IsPosted\":true,\"IsVerified\":true}");
        assertThat(errorCode(node.call(SMART, "smartLoginTokenVerification", token, null))).isEqualTo(1138);
        JsonNode in = node.call(SMART, "smartLoginPing", guid, null).ok();
        assertThat(signedIn(in)).isEqualTo(uid);
        assertThat(errorCode(node.call(SMART, "smartLoginPing", guid, null))).isEqualTo(1137);
        assertThat(errorCode(node.call(SMART, "smartLoginByEmail", guid, email, APP + "smart", null, null))).isEqualTo(1136);
        assertThat(errorCode(node.call(SMART, "smartLoginPing", UUID.randomUUID().toString(), null))).isEqualTo(1140);

        // By username, to the hosted page; the ping with fields.
        String byName = UUID.randomUUID().toString();
        assertThat(node.call(SMART, "smartLoginByUserName", byName, "nodesmart", null, null, null).ok().toString()).isEqualTo("{\"IsPosted\":true}");
        node.call(SMART, "smartLoginTokenVerification", link(email, 2, "/hosted?apikey=" + t.apiKey(), "smartlogin"), null).ok();
        JsonNode projected = node.call(SMART, "smartLoginPing", byName, "Uid,UserName").ok();
        assertThat(fields(projected.get("Profile"))).containsExactlyInAnyOrder("Uid", "UserName");
        assertThat(projected.get("Profile").get("UserName").asText()).isEqualTo("nodesmart");
    }

    @Test
    void oneTouchLoginMakesTheAccountOnFirstUse() throws Exception {
        // By email, for an address of nobody yet: the account is made when the link is opened.
        String email = "node.onetouch@example.com";
        String guid = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("clientguid", guid, "email", email, "name", "Olive");
        assertThat(node.call(ONE_TOUCH, "oneTouchLoginByEmail", body, null, APP + "touch", null).ok().toString()).isEqualTo("{\"IsPosted\":true}");
        assertThat(errorCode(node.call(ONE_TOUCH, "oneTouchLoginPing", guid, null))).isEqualTo(1139);
        String token = link(email, 1, APP + "touch", "onetouchlogin");
        JsonNode clicked = node.call(ONE_TOUCH, "oneTouchEmailVerification", token, null).ok();
        assertThat(clicked.toString()).isEqualTo("{\"IsPosted\":true,\"IsVerified\":true}");
        assertThat(errorCode(node.call(ONE_TOUCH, "oneTouchEmailVerification", token, null))).isEqualTo(1145);
        JsonNode in = node.call(ONE_TOUCH, "oneTouchLoginPing", guid, null).ok();
        signedIn(in);
        assertThat(in.get("Profile").get("Email").get(0).get("Value").asText()).isEqualTo(email);
        assertThat(in.get("Profile").get("EmailVerified").asBoolean()).isTrue();
        assertThat(in.get("Profile").get("FirstName").asText()).isEqualTo("Olive");
        assertThat(errorCode(node.call(ONE_TOUCH, "oneTouchLoginPing", guid, null))).isEqualTo(1137);
        assertThat(errorCode(node.call(ONE_TOUCH, "oneTouchLoginByEmail", body, null, APP + "touch", null))).isEqualTo(1136);
        // The smart login ping and the one-touch ping are one endpoint.
        String again = UUID.randomUUID().toString();
        node.call(ONE_TOUCH, "oneTouchLoginByEmail", Map.of("clientguid", again, "email", email), null, null, null).ok();
        node.call(ONE_TOUCH, "oneTouchEmailVerification", link(email, 2, "/hosted?apikey=" + t.apiKey(), "onetouchlogin"), null).ok();
        assertThat(signedIn(node.call(SMART, "smartLoginPing", again, null).ok())).isEqualTo(in.get("Profile").get("Uid").asText());

        // By phone, for a number of nobody yet: {"IsPosted", "Data"}; the account is made when the code is entered.
        String phone = "+15555550172";
        JsonNode sent = node.call(ONE_TOUCH, "oneTouchLoginByPhone", Map.of("phone", phone, "name", "Otto"), null, null).ok();
        assertThat(fields(sent)).containsExactly("IsPosted", "Data");
        assertThat(sent.get("IsPosted").asBoolean()).isTrue();
        assertThat(sent.get("Data").get("AccountSid").asText()).isEqualTo(SID);
        assertThat(sent.get("Data").get("Sid").asText()).matches(GUID);
        String code = LoginRadiusJavaSdkPhoneTest.code(sms, phone, 1);
        assertThat(errorCode(node.call(ONE_TOUCH, "oneTouchLoginOTPVerification", wrong(code), phone, null, null))).isEqualTo(1067);
        JsonNode made = node.call(ONE_TOUCH, "oneTouchLoginOTPVerification", code, phone, null, null).ok();
        String uid = signedIn(made);
        assertThat(made.get("Profile").get("PhoneId").asText()).isEqualTo(phone);
        assertThat(made.get("Profile").get("PhoneIdVerified").asBoolean()).isTrue();
        assertThat(made.get("Profile").get("FirstName").asText()).isEqualTo("Otto");
        assertThat(errorCode(node.call(ONE_TOUCH, "oneTouchLoginOTPVerification", code, phone, null, null))).isEqualTo(1068);
        node.call(ONE_TOUCH, "oneTouchLoginByPhone", Map.of("phone", phone), null).ok(); // isVoiceOtp left out
        JsonNode next = node.call(ONE_TOUCH, "oneTouchLoginOTPVerification", LoginRadiusJavaSdkPhoneTest.code(sms, phone, 2), phone, "Uid", null).ok();
        assertThat(signedIn(next)).isEqualTo(uid);
        assertThat(errorCode(node.call(ONE_TOUCH, "oneTouchLoginByPhone", Map.of("phone", phone), null, true))).isEqualTo(1281);
    }
}

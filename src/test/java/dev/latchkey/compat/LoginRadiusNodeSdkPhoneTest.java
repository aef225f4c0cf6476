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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Phone accounts (reference §16, issue 14) through the official Node SDK 11.7.0 run by node, unchanged, every method of
 * its {@code phoneAuthenticationApi}: {@code userRegistrationByPhone} (a SOTT from {@code helper.getSott}),
 * {@code checkPhoneNumberAvailability}, {@code phoneResendVerificationOTP}, {@code phoneVerificationByOTP},
 * {@code loginByPhone}, {@code updatePhoneNumber}, {@code phoneResendVerificationOTPByToken},
 * {@code phoneVerificationOTPByAccessToken}, {@code forgotPasswordByPhoneOTP}, {@code resetPasswordByPhoneOTP} and
 * {@code removePhoneIDByAccessToken}; {@code isVoiceOtp} left out (the SDK then sends {@code isVoiceOtp=}), null, false
 * and true (1281). SMS through a local Twilio-compatible receiver, email through GreenMail.
 */
@Isolated
class LoginRadiusNodeSdkPhoneTest {
    private static final String PASSWORD = "Lattice-Umbra-4417";
    private static final String RESET = "Quarry-Heron-8352";
    private static final String SID = "AC" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final String PHONE = "phoneAuthenticationApi";
    private static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
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
        t = s.tenant("{\"Name\":\"Acme\",\"SendLimits\":{\"PerPhonePerHour\":100,\"PerAccountPerHour\":100}}");
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

    private static String code(String number, int n) {
        return LoginRadiusJavaSdkPhoneTest.code(sms, number, n);
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

    /** {@code {"IsPosted": true, "Data": {"AccountSid", "Sid"}}}. */
    private static void sent(NodeSdk.Answer a) {
        JsonNode ok = a.ok();
        assertThat(fields(ok)).containsExactly("IsPosted", "Data");
        assertThat(ok.get("IsPosted").asBoolean()).isTrue();
        assertThat(fields(ok.get("Data"))).containsExactlyInAnyOrder("AccountSid", "Sid");
        assertThat(ok.get("Data").get("AccountSid").asText()).isEqualTo(SID);
        assertThat(ok.get("Data").get("Sid").asText()).matches(GUID);
    }

    private static boolean exists(String number) throws Exception {
        JsonNode ok = node.call(PHONE, "checkPhoneNumberAvailability", number).ok();
        assertThat(fields(ok)).containsExactly("IsExist");
        return ok.get("IsExist").asBoolean();
    }

    private static NodeSdk.Answer login(String number, String password) throws Exception {
        return node.call(PHONE, "loginByPhone", Map.of("phone", number, "password", password), null, null, null, null);
    }

    private static String sott() throws Exception {
        return node.call("helper", "getSott", Map.of(), null, null, 20).ok().asText();
    }

    @Test
    void everyPhoneAuthenticationCallOfTheNodeSdk() throws Exception {
        String number = "+15555550160";
        String next = "+447700900160";

        // Sign up with a PhoneId: no session until the number is verified.
        assertThat(exists(number)).isFalse();
        Map<String, Object> user = Map.of("PhoneId", number, "Password", PASSWORD, "FirstName", "Nora");
        JsonNode made = node.call(PHONE, "userRegistrationByPhone", user, sott(), null, null, null, null, null, null, null).ok();
        assertThat(made.toString()).isEqualTo("{\"IsPosted\":true}");
        String first = code(number, 1);
        assertThat(exists(number)).isTrue();
        assertThat(errorCode(node.call(PHONE, "userRegistrationByPhone", user, sott(), null, null, null, null, null, null, null))).isEqualTo(1058);
        assertThat(errorCode(login(number, PASSWORD))).isEqualTo(1066);

        // The code again (isVoiceOtp left out: the SDK sends "isVoiceOtp="), then verified by it: signed in, once.
        sent(node.call(PHONE, "phoneResendVerificationOTP", number));
        String second = code(number, 2);
        if (!first.equals(second)) { // only the newest code lives
            assertThat(errorCode(node.call(PHONE, "phoneVerificationByOTP", first, number, null, null, null))).isEqualTo(1067);
        }
        assertThat(errorCode(node.call(PHONE, "phoneVerificationByOTP", LoginRadiusJavaSdkPhoneTest.wrong(second), number, null, null, null)))
                .isEqualTo(1067);
        JsonNode verified = node.call(PHONE, "phoneVerificationByOTP", second, number, null, null, false).ok();
        assertThat(verified.get("access_token").asText()).matches(GUID);
        assertThat(verified.get("Profile").get("PhoneId").asText()).isEqualTo(number);
        assertThat(verified.get("Profile").get("PhoneIdVerified").asBoolean()).isTrue();
        assertThat(verified.get("Profile").get("FirstName").asText()).isEqualTo("Nora");
        String uid = verified.get("Profile").get("Uid").asText();
        assertThat(errorCode(node.call(PHONE, "phoneVerificationByOTP", second, number, null, null, null))).isEqualTo(1068);
        sent(node.call(PHONE, "phoneResendVerificationOTP", number, null, null)); // verified: the same answer, nothing sent
        assertThat(sms.to(number)).hasSize(2);

        // Phone + password (fields projected).
        assertThat(errorCode(login(number, "Wrong-Password-0000"))).isEqualTo(966);
        JsonNode in = node.call(PHONE, "loginByPhone", Map.of("phone", number, "password", PASSWORD), "Uid,PhoneId,PhoneIdVerified", null, null, null).ok();
        assertThat(fields(in.get("Profile"))).containsExactlyInAnyOrder("Uid", "PhoneId", "PhoneIdVerified");
        assertThat(in.get("Profile").get("Uid").asText()).isEqualTo(uid);
        assertThat(in.get("Profile").get("PhoneIdVerified").asBoolean()).isTrue();
        String access = in.get("access_token").asText();

        // A new number joins when its code (sent again by token) is entered with the session.
        sent(node.call(PHONE, "updatePhoneNumber", access, next, null, null));
        code(next, 1);
        sent(node.call(PHONE, "phoneResendVerificationOTPByToken", access, next, null, null));
        String joining = code(next, 2);
        assertThat(errorCode(node.call(PHONE, "phoneVerificationOTPByAccessToken", access, LoginRadiusJavaSdkPhoneTest.wrong(joining), null, null)))
                .isEqualTo(1067);
        JsonNode joined = node.call(PHONE, "phoneVerificationOTPByAccessToken", access, joining, null, null).ok();
        assertThat(joined.toString()).isEqualTo("{\"IsPosted\":true}");
        assertThat(exists(next)).isTrue();
        assertThat(exists(number)).isFalse();
        assertThat(errorCode(node.call(PHONE, "updatePhoneNumber", access, next, null, null))).isEqualTo(1073);
        assertThat(errorCode(login(number, PASSWORD))).isEqualTo(966);

        // A forgotten password, reset by an SMS code: every session ends.
        sent(node.call(PHONE, "forgotPasswordByPhoneOTP", next, null, null));
        String resetCode = code(next, 3);
        assertThat(errorCode(node.call(PHONE, "resetPasswordByPhoneOTP",
                Map.of("phone", next, "otp", LoginRadiusJavaSdkPhoneTest.wrong(resetCode), "password", RESET)))).isEqualTo(1067);
        JsonNode reset = node.call(PHONE, "resetPasswordByPhoneOTP", Map.of("phone", next, "otp", resetCode, "password", RESET)).ok();
        assertThat(reset.toString()).isEqualTo("{\"IsPosted\":true}");
        assertThat(errorCode(node.call(PHONE, "resetPasswordByPhoneOTP", Map.of("phone", next, "otp", resetCode, "password", RESET)))).isEqualTo(1068);
        assertThat(errorCode(node.call(PHONE, "updatePhoneNumber", access, number, null, null))).isEqualTo(905);
        assertThat(login(next, RESET).ok().get("Profile").get("Uid").asText()).isEqualTo(uid);

        // Nobody's number: the same answers, nothing sent.
        String nobody = "+15555550169";
        sent(node.call(PHONE, "forgotPasswordByPhoneOTP", nobody, null, null));
        sent(node.call(PHONE, "phoneResendVerificationOTP", nobody, null, null));
        assertThat(sms.to(nobody)).isEmpty();
    }

    @Test
    void removeTheNumberOfAnAccountWithAnEmail() throws Exception {
        String number = "+15555550161";
        String email = "node.phone@example.com";
        Map<String, Object> user = Map.of("PhoneId", number, "Password", PASSWORD,
                "Email", List.of(Map.of("Type", "Primary", "Value", email)));
        assertThat(node.call(PHONE, "userRegistrationByPhone", user, sott(), null, null, null, null, null, null, null).ok().toString())
                .isEqualTo("{\"IsPosted\":true}");
        JsonNode verified = node.call(PHONE, "phoneVerificationByOTP", code(number, 1), number, null, null, null).ok();
        assertThat(verified.get("Profile").get("Email").get(0).get("Value").asText()).isEqualTo(email);
        // The code's session proves the phone, not the password (1193); a password login's removes the number.
        assertThat(errorCode(node.call(PHONE, "removePhoneIDByAccessToken", verified.get("access_token").asText()))).isEqualTo(1193);
        String access = login(number, PASSWORD).ok().get("access_token").asText();
        JsonNode removed = node.call(PHONE, "removePhoneIDByAccessToken", access).ok();
        assertThat(removed.toString()).isEqualTo("{\"IsDeleted\":true}");
        assertThat(exists(number)).isFalse();
        assertThat(errorCode(node.call(PHONE, "removePhoneIDByAccessToken", access))).isEqualTo(1292);
        assertThat(errorCode(login(number, PASSWORD))).isEqualTo(966);
    }

    @Test
    void aVoiceCodeIsRefusedAndANumberThatIsNoneToo() throws Exception {
        String number = "+15555550162";
        assertThat(errorCode(node.call(PHONE, "userRegistrationByPhone", Map.of("PhoneId", number, "Password", PASSWORD), sott(),
                null, null, null, null, null, null, true))).isEqualTo(1281);
        assertThat(errorCode(node.call(PHONE, "phoneResendVerificationOTP", number, null, true))).isEqualTo(1281);
        assertThat(errorCode(node.call(PHONE, "forgotPasswordByPhoneOTP", number, null, true))).isEqualTo(1281);
        assertThat(errorCode(node.call(PHONE, "phoneResendVerificationOTP", "not-a-phone", null, null))).isEqualTo(1096);
        assertThat(exists(number)).isFalse();
        assertThat(sms.to(number)).isEmpty();
    }
}

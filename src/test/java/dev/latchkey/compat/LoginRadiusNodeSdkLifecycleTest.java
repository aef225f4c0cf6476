package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.NodeSdk;
import dev.latchkey.support.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * An account's whole life through the official Node SDK 11.7.0 run by node, unchanged (issue 13): sign-up with a SOTT
 * from the Management API ({@code sottApi.generateSott}) and with one the SDK makes itself ({@code helper.getSott}),
 * {@code userRegistrationByEmail}, the emailed link ({@code verifyEmail}), {@code loginByEmail}, {@code forgotPassword}
 * and {@code resetPasswordByResetToken}, {@code changePassword} (old tokens die), {@code getAccessTokenInfo},
 * {@code slidingAccessToken}, {@code updateProfileByAccessToken}, {@code addEmail} (joins when its link is followed) and
 * {@code removeEmail}, {@code setOrChangeUserName}, {@code checkUserNameAvailability}, {@code checkEmailAvailability},
 * {@code deleteAccountWithEmailConfirmation} and {@code deleteAccountByDeleteToken}; and the Management calls of
 * {@code accountApi} that go with it. Mail through a real SMTP server in the test (GreenMail).
 */
@Isolated
class LoginRadiusNodeSdkLifecycleTest {
    private static final String PASSWORD = "Lattice-Umbra-4417";
    private static final String RESET = "Quarry-Heron-8352";
    private static final String CHANGED = "Vellum-Orchid-2961";
    private static final String AUTH = "authenticationApi";
    private static final String ACCOUNT = "accountApi";
    private static final String APP = "https://app.example.com/";
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static Mailbox mail;
    static TestServer s;
    static TestServer.TestTenant t;
    static NodeSdk node;

    @BeforeAll
    static void start() throws Exception {
        mail = new Mailbox().ignoring(Mailbox::securityNotice);
        s = new TestServer(Backend.H2, TestServer.Options.mailTo(mail.port(), "Acme <no-reply@acme.example>"));
        t = s.tenant("{\"Name\":\"Acme\",\"EmailVerification\":{\"Flow\":\"Required\"},"
                + "\"Security\":{\"AllowedUrls\":[\"" + APP + "\"]}}");
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
        if (mail != null) {
            mail.close();
        }
    }

    /** The token of the {@code n}th link of kind {@code vtype} (emailverification, reset, deleteuser) mailed to {@code address}. */
    private static String linkToken(String address, String vtype, int n) {
        Pattern link = Pattern.compile("vtype=" + vtype + "&vtoken=([0-9a-f-]{36})");
        long deadline = System.currentTimeMillis() + 15_000;
        List<String> found = new ArrayList<>();
        while (System.currentTimeMillis() < deadline) {
            found.clear();
            for (Mailbox.Mail m : mail.to(address)) {
                Matcher x = link.matcher(m.text() == null ? String.valueOf(m.html()) : m.text());
                if (x.find()) {
                    found.add(x.group(1));
                }
            }
            if (found.size() >= n) {
                return found.get(n - 1);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return fail("no " + n + "th " + vtype + " link mailed to " + address + "; received: " + mail.to(address));
    }

    private static int errorCode(NodeSdk.Answer a) {
        assertThat(a.error()).as("the SDK resolved instead of rejecting").isNotNull();
        assertThat(a.error().path("Description").asText()).as(String.valueOf(a.error())).isNotBlank();
        return a.error().path("ErrorCode").asInt();
    }

    private static Map<String, Object> credentials(String email, String password) {
        return Map.of("email", email, "password", password);
    }

    private static Map<String, Object> user(String email, String first) {
        return Map.of("Email", List.of(Map.of("Type", "Primary", "Value", email)), "Password", PASSWORD, "FirstName", first);
    }

    /** The answer's field names, to check a small answer has exactly LoginRadius's fields. */
    private static List<String> fields(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> emails(JsonNode profile) {
        List<String> out = new ArrayList<>();
        profile.path("Email").forEach(e -> out.add(e.path("Type").asText() + ":" + e.path("Value").asText()));
        return out;
    }

    private static JsonNode login(String email, String password) throws Exception {
        JsonNode in = node.call(AUTH, "loginByEmail", credentials(email, password), null, null, null, null).ok();
        assertThat(in.get("access_token").asText()).matches(UUID);
        assertThat(in.get("refresh_token").asText()).matches(UUID);
        assertThat(Instant.parse(in.get("expires_in").asText())).isAfter(Instant.now());
        assertThat(in.get("Profile").get("Email").get(0).get("Value").asText()).isEqualTo(email);
        return in;
    }

    @Test
    void anAccountsWholeLifeThroughTheNodeSdk() throws Exception {
        String email = "node.life@example.com";
        String other = "node.life.sdksott@example.com";
        String work = "node.life.work@example.com";

        // Sign-up: a SOTT from the Management API, and one the SDK makes itself; a bad one is 1049.
        JsonNode served = node.call("sottApi", "generateSott", 10).ok();
        assertThat(fields(served)).containsExactlyInAnyOrder("Sott", "ExpiryTime");
        assertThat(served.get("Sott").asText()).contains("*");
        assertThat(Instant.parse(served.get("ExpiryTime").asText())).isAfter(Instant.now().plusSeconds(9 * 60));
        JsonNode made = node.call(AUTH, "userRegistrationByEmail", user(email, "Nora"), served.get("Sott").asText(), null, null, null,
                APP + "verify", null, null).ok();
        assertThat(made.get("IsPosted").asBoolean()).isTrue();
        assertThat(fields(made)).as("no session before the email is verified").containsExactly("IsPosted");

        // helper.getSott encrypts "now#apikey#now+20min" in node (util/sott.js); a 20-minute window, so never the served one
        String local = node.call("helper", "getSott", Map.of(), null, null, 20).ok().asText();
        assertThat(local).contains("*").isNotEqualTo(served.get("Sott").asText());
        assertThat(node.call(AUTH, "userRegistrationByEmail", user(other, "Otto"), local, null, null, null, APP + "verify", null, null).ok()
                .get("IsPosted").asBoolean()).isTrue();
        assertThat(errorCode(node.call(AUTH, "userRegistrationByEmail", user("node.life.bad@example.com", "Bad"), "bad*sott", null, null,
                null, APP + "verify", null, null))).isEqualTo(1049);
        assertThat(errorCode(node.call(AUTH, "userRegistrationByEmail", user(email, "Nora"), local, null, null, null, APP + "verify", null,
                null))).isEqualTo(936);

        // The emailed link verifies the address (required before a login here); it works once.
        assertThat(errorCode(node.call(AUTH, "loginByEmail", credentials(email, PASSWORD), null, null, null, null))).isEqualTo(970);
        String verification = linkToken(email, "emailverification", 1);
        JsonNode verified = node.call(AUTH, "verifyEmail", verification, null, null, null, null).ok();
        assertThat(verified.get("IsPosted").asBoolean()).isTrue();
        assertThat(fields(verified)).as("no AutoLogin here").containsExactly("IsPosted");
        assertThat(errorCode(node.call(AUTH, "verifyEmail", verification, null, null, null, null))).isEqualTo(974);
        // The other address by the code the same email carries (verifyEmailByOTP), once.
        linkToken(other, "emailverification", 1);
        Matcher code = Pattern.compile("enter this code where you were asked for it: ([0-9]{6})").matcher(mail.to(other).get(0).text());
        assertThat(code.find()).isTrue();
        Map<String, Object> byOtp = Map.of("email", other, "otp", code.group(1));
        assertThat(fields(node.call(AUTH, "verifyEmailByOTP", byOtp, null, null, null).ok())).containsExactly("IsPosted");
        assertThat(errorCode(node.call(AUTH, "verifyEmailByOTP", byOtp, null, null, null))).isEqualTo(1185);
        assertThat(login(other, PASSWORD).get("Profile").get("FirstName").asText()).isEqualTo("Otto");

        JsonNode first = login(email, PASSWORD);
        String uid = first.get("Profile").get("Uid").asText();
        assertThat(first.get("Profile").get("EmailVerified").asBoolean()).isTrue();
        assertThat(first.get("Profile").get("FirstName").asText()).isEqualTo("Nora");

        // Forgot → the emailed token → reset: every session ends, the new password logs in.
        assertThat(node.call(AUTH, "forgotPassword", email, APP + "reset", null).ok().get("IsPosted").asBoolean()).isTrue();
        String reset = linkToken(email, "reset", 1);
        JsonNode resetDone = node.call(AUTH, "resetPasswordByResetToken", Map.of("resettoken", reset, "password", RESET)).ok();
        assertThat(resetDone.get("IsPosted").asBoolean()).isTrue();
        assertThat(fields(resetDone)).containsExactly("IsPosted");
        assertThat(errorCode(node.call(AUTH, "resetPasswordByResetToken", Map.of("resettoken", reset, "password", RESET)))).isEqualTo(974);
        assertThat(errorCode(node.call(AUTH, "getProfileByAccessToken", first.get("access_token").asText(), null, null, null, null)))
                .isEqualTo(905);
        assertThat(errorCode(node.call(AUTH, "forgotPassword", email, "https://evil.example.net/reset", null))).isEqualTo(908);

        // Change password: a wrong current one is 967; then the old token is refused, the new password logs in.
        String beforeChange = login(email, RESET).get("access_token").asText();
        assertThat(errorCode(node.call(AUTH, "changePassword", beforeChange, CHANGED, "Wrong-Guess-0000"))).isEqualTo(967);
        assertThat(node.call(AUTH, "changePassword", beforeChange, CHANGED, RESET).ok().get("IsPosted").asBoolean()).isTrue();
        assertThat(errorCode(node.call(AUTH, "getProfileByAccessToken", beforeChange, null, null, null, null))).isEqualTo(905);
        assertThat(errorCode(node.call(AUTH, "loginByEmail", credentials(email, RESET), null, null, null, null))).isEqualTo(966);
        String access = login(email, CHANGED).get("access_token").asText();

        // Token info, then a sliding token: the new pair works, the old access token is spent.
        JsonNode info = node.call(AUTH, "getAccessTokenInfo", access).ok();
        assertThat(fields(info)).containsExactlyInAnyOrder("provider", "access_token", "isrememberme");
        assertThat(info.get("provider").asText()).isEqualTo("Email");
        assertThat(info.get("access_token").asText()).isEqualTo(access);
        assertThat(info.get("isrememberme").isBoolean()).isTrue();
        assertThat(info.get("isrememberme").asBoolean()).isFalse();
        JsonNode slid = node.call("slidingTokenApi", "slidingAccessToken", access).ok();
        assertThat(fields(slid)).containsExactlyInAnyOrder("access_token", "refresh_token", "expires_in");
        assertThat(slid.get("access_token").asText()).matches(UUID).isNotEqualTo(access);
        assertThat(slid.get("refresh_token").asText()).matches(UUID);
        assertThat(Instant.parse(slid.get("expires_in").asText())).isAfter(Instant.now());
        assertThat(errorCode(node.call(AUTH, "getAccessTokenInfo", access))).isEqualTo(905);
        access = slid.get("access_token").asText();
        assertThat(node.call(AUTH, "getAccessTokenInfo", access).ok().get("access_token").asText()).isEqualTo(access);

        // The profile.
        JsonNode updated = node.call(AUTH, "updateProfileByAccessToken", access, Map.of("LastName", "Lindqvist", "City", "Uppsala"),
                null, null, null, null, null, null, null).ok();
        assertThat(updated.get("IsPosted").asBoolean()).isTrue();
        assertThat(fields(updated)).containsExactlyInAnyOrder("IsPosted", "Data");
        assertThat(updated.get("Data").get("Uid").asText()).isEqualTo(uid);
        assertThat(updated.get("Data").get("FirstName").asText()).isEqualTo("Nora");
        assertThat(updated.get("Data").get("LastName").asText()).isEqualTo("Lindqvist");
        assertThat(updated.get("Data").get("City").asText()).isEqualTo("Uppsala");
        JsonNode profile = node.call(AUTH, "getProfileByAccessToken", access, null, null, null, null).ok();
        assertThat(profile.get("LastName").asText()).isEqualTo("Lindqvist");
        assertThat(emails(profile)).containsExactly("Primary:" + email);

        // Username, and whether a username or an email is taken.
        JsonNode free = node.call(AUTH, "checkUserNameAvailability", "nora_lindqvist").ok();
        assertThat(fields(free)).containsExactly("IsExist");
        assertThat(free.get("IsExist").asBoolean()).isFalse();
        JsonNode named = node.call(AUTH, "setOrChangeUserName", access, "nora_lindqvist").ok();
        assertThat(fields(named)).containsExactly("IsPosted");
        assertThat(named.get("IsPosted").asBoolean()).isTrue();
        assertThat(node.call(AUTH, "checkUserNameAvailability", "nora_lindqvist").ok().get("IsExist").asBoolean()).isTrue();
        assertThat(node.call(AUTH, "getProfileByAccessToken", access, null, null, null, null).ok().get("UserName").asText())
                .isEqualTo("nora_lindqvist");
        JsonNode taken = node.call(AUTH, "checkEmailAvailability", email).ok();
        assertThat(fields(taken)).containsExactly("IsExist");
        assertThat(taken.get("IsExist").asBoolean()).isTrue();
        assertThat(node.call(AUTH, "checkEmailAvailability", "nobody.here@example.com").ok().get("IsExist").asBoolean()).isFalse();

        // Add an email: a link to the new address; it joins the profile only when followed. Then remove it.
        JsonNode added = node.call(AUTH, "addEmail", access, work, "Secondary", null, APP + "verify").ok();
        assertThat(fields(added)).containsExactly("IsPosted");
        assertThat(added.get("IsPosted").asBoolean()).isTrue();
        String addition = linkToken(work, "emailverification", 1);
        assertThat(emails(node.call(AUTH, "getProfileByAccessToken", access, null, null, null, null).ok())).containsExactly("Primary:" + email);
        assertThat(node.call(AUTH, "checkEmailAvailability", work).ok().get("IsExist").asBoolean()).isFalse();
        assertThat(node.call(AUTH, "verifyEmail", addition, null, null, null, null).ok().get("IsPosted").asBoolean()).isTrue();
        assertThat(emails(node.call(AUTH, "getProfileByAccessToken", access, null, null, null, null).ok()))
                .containsExactly("Primary:" + email, "Secondary:" + work);
        assertThat(node.call(AUTH, "checkEmailAvailability", work).ok().get("IsExist").asBoolean()).isTrue();
        assertThat(errorCode(node.call(AUTH, "addEmail", access, work, "Secondary", null, APP + "verify"))).isEqualTo(1174);
        JsonNode removed = node.call(AUTH, "removeEmail", access, work).ok();
        assertThat(fields(removed)).containsExactly("IsDeleted");
        assertThat(removed.get("IsDeleted").asBoolean()).isTrue();
        assertThat(emails(node.call(AUTH, "getProfileByAccessToken", access, null, null, null, null).ok())).containsExactly("Primary:" + email);
        assertThat(node.call(AUTH, "checkEmailAvailability", work).ok().get("IsExist").asBoolean()).isFalse();
        assertThat(errorCode(node.call(AUTH, "removeEmail", access, work))).isEqualTo(1340);

        // Delete, confirmed by the emailed link; then the login fails and the link is spent.
        JsonNode asked = node.call(AUTH, "deleteAccountWithEmailConfirmation", access, APP + "delete", null).ok();
        assertThat(fields(asked)).containsExactly("IsDeleteRequestAccepted");
        assertThat(asked.get("IsDeleteRequestAccepted").asBoolean()).isTrue();
        String deletion = linkToken(email, "deleteuser", 1);
        assertThat(mail.to(email).stream().anyMatch(m -> m.text().contains(APP + "delete?vtype=deleteuser&vtoken=" + deletion))).isTrue();
        login(email, CHANGED); // nothing is deleted before the link is followed
        assertThat(errorCode(node.call(AUTH, "deleteAccountByDeleteToken", "00000000-0000-4000-8000-000000000000"))).isEqualTo(1119);
        JsonNode deleted = node.call(AUTH, "deleteAccountByDeleteToken", deletion).ok();
        assertThat(fields(deleted)).containsExactly("IsPosted");
        assertThat(deleted.get("IsPosted").asBoolean()).isTrue();
        assertThat(errorCode(node.call(AUTH, "loginByEmail", credentials(email, CHANGED), null, null, null, null))).isEqualTo(966);
        assertThat(errorCode(node.call(AUTH, "getAccessTokenInfo", access))).isEqualTo(905);
        assertThat(node.call(AUTH, "checkEmailAvailability", email).ok().get("IsExist").asBoolean()).isFalse();
        assertThat(node.call(AUTH, "checkUserNameAvailability", "nora_lindqvist").ok().get("IsExist").asBoolean()).isFalse();
        assertThat(errorCode(node.call(AUTH, "deleteAccountByDeleteToken", deletion))).isEqualTo(1119);
    }

    @Test
    void theManagementCallsOfTheNodeSdk() throws Exception {
        String email = "node.manage@example.com";
        String second = "node.manage.second@example.com";
        String uid = t.account(email, PASSWORD);

        // A verification token for the unverified address, spent with verifyEmail; then 1126.
        JsonNode vt = node.call(ACCOUNT, "getEmailVerificationToken", email).ok();
        assertThat(fields(vt)).containsExactlyInAnyOrder("VerificationToken", "expires_in");
        assertThat(vt.get("VerificationToken").asText()).matches(UUID);
        assertThat(Instant.parse(vt.get("expires_in").asText())).isAfter(Instant.now());
        assertThat(node.call(AUTH, "verifyEmail", vt.get("VerificationToken").asText(), null, null, null, null).ok()
                .get("IsPosted").asBoolean()).isTrue();
        assertThat(errorCode(node.call(ACCOUNT, "getEmailVerificationToken", email))).isEqualTo(1126);
        assertThat(errorCode(node.call(ACCOUNT, "getEmailVerificationToken", "nobody.here@example.com"))).isEqualTo(938);

        // A session for the account, asked by the application.
        JsonNode session = node.call(ACCOUNT, "getAccessTokenByUid", uid).ok();
        assertThat(fields(session)).containsExactlyInAnyOrder("access_token", "refresh_token", "expires_in");
        assertThat(session.get("access_token").asText()).matches(UUID);
        assertThat(session.get("refresh_token").asText()).matches(UUID);
        assertThat(Instant.parse(session.get("expires_in").asText())).isAfter(Instant.now());
        assertThat(node.call(AUTH, "getProfileByAccessToken", session.get("access_token").asText(), null, null, null, null).ok()
                .get("Uid").asText()).isEqualTo(uid);

        // The identities of an address.
        JsonNode ids = node.call(ACCOUNT, "getAccountIdentitiesByEmail", email, null).ok();
        assertThat(fields(ids)).containsExactly("Data");
        assertThat(ids.get("Data")).hasSize(1);
        assertThat(ids.get("Data").get(0).get("Uid").asText()).isEqualTo(uid);
        assertThat(emails(ids.get("Data").get(0))).containsExactly("Primary:" + email);
        assertThat(node.call(ACCOUNT, "getAccountIdentitiesByEmail", "nobody.here@example.com", null).ok().get("Data")).isEmpty();

        // Addresses: upsert one, remove it (1340 when absent, 1005 for the only one).
        JsonNode upserted = node.call(ACCOUNT, "upsertEmail", Map.of("Email", List.of(Map.of("Type", "Secondary", "Value", second))), uid,
                null).ok();
        assertThat(upserted.get("Uid").asText()).isEqualTo(uid);
        assertThat(emails(upserted)).containsExactly("Primary:" + email, "Secondary:" + second);
        assertThat(node.call(ACCOUNT, "getAccountIdentitiesByEmail", second, null).ok().get("Data").get(0).get("Uid").asText()).isEqualTo(uid);
        JsonNode without = node.call(ACCOUNT, "removeEmail", second, uid, null).ok();
        assertThat(without.get("Uid").asText()).isEqualTo(uid);
        assertThat(emails(without)).containsExactly("Primary:" + email);
        assertThat(errorCode(node.call(ACCOUNT, "removeEmail", second, uid, null))).isEqualTo(1340);
        assertThat(errorCode(node.call(ACCOUNT, "removeEmail", email, uid, null))).isEqualTo(1005);

        // The phone.
        JsonNode phoned = node.call(ACCOUNT, "updatePhoneIDByUid", "+15005550006", uid, null).ok();
        assertThat(phoned.get("Uid").asText()).isEqualTo(uid);
        assertThat(phoned.get("PhoneId").asText()).isEqualTo("+15005550006");

        // A forgot-password token, also emailed on request: the same token, which resets the password.
        JsonNode forgot = node.call(ACCOUNT, "getForgotPasswordToken", email, null, APP + "reset", true).ok();
        assertThat(fields(forgot)).containsExactlyInAnyOrder("ForgotToken", "IdentityProviders");
        String token = forgot.get("ForgotToken").asText();
        assertThat(token).matches(UUID);
        assertThat(forgot.get("IdentityProviders").isArray()).isTrue();
        assertThat(forgot.get("IdentityProviders")).isEmpty();
        assertThat(linkToken(email, "reset", 1)).isEqualTo(token);
        assertThat(node.call(AUTH, "resetPasswordByResetToken", Map.of("resettoken", token, "password", RESET)).ok()
                .get("IsPosted").asBoolean()).isTrue();
        login(email, RESET);
        assertThat(errorCode(node.call(ACCOUNT, "getForgotPasswordToken", "nobody.here@example.com", null, null, null))).isEqualTo(938);

        // A new uid.
        String renamed = "node-manage-renamed";
        JsonNode moved = node.call(ACCOUNT, "accountUpdateUid", Map.of("NewUid", renamed), uid).ok();
        assertThat(fields(moved)).containsExactly("IsPosted");
        assertThat(moved.get("IsPosted").asBoolean()).isTrue();
        assertThat(node.call(ACCOUNT, "getAccountProfileByUid", renamed, null).ok().get("Uid").asText()).isEqualTo(renamed);
        assertThat(errorCode(node.call(ACCOUNT, "getAccountProfileByUid", uid, null))).isEqualTo(938);
        assertThat(login(email, RESET).get("Profile").get("Uid").asText()).isEqualTo(renamed);
    }
}

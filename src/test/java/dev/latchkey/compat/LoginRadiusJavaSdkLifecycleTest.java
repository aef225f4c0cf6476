package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.loginradius.sdk.api.account.AccountApi;
import com.loginradius.sdk.api.account.SottApi;
import com.loginradius.sdk.api.authentication.AuthenticationApi;
import com.loginradius.sdk.models.requestmodels.AuthUserRegistrationModel;
import com.loginradius.sdk.models.requestmodels.EmailAuthenticationModel;
import com.loginradius.sdk.models.requestmodels.EmailModel;
import com.loginradius.sdk.models.requestmodels.ResetPasswordByResetTokenModel;
import com.loginradius.sdk.models.requestmodels.UpdateUidModel;
import com.loginradius.sdk.models.requestmodels.UpsertEmailModel;
import com.loginradius.sdk.models.requestmodels.UserProfileUpdateModel;
import com.loginradius.sdk.models.responsemodels.AccessToken;
import com.loginradius.sdk.models.responsemodels.AccessTokenBase;
import com.loginradius.sdk.models.responsemodels.ListReturn;
import com.loginradius.sdk.models.responsemodels.SottResponseData;
import com.loginradius.sdk.models.responsemodels.configobjects.EmailVerificationData;
import com.loginradius.sdk.models.responsemodels.otherobjects.DeleteRequestAcceptResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.DeleteResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.EmailVerificationTokenResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.ExistResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.ForgotPasswordResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.PostResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.ServiceInfoModel;
import com.loginradius.sdk.models.responsemodels.otherobjects.ServiceSottInfo;
import com.loginradius.sdk.models.responsemodels.otherobjects.TokenInfoResponseModel;
import com.loginradius.sdk.models.responsemodels.otherobjects.UserProfilePostResponse;
import com.loginradius.sdk.models.responsemodels.userprofile.Identity;
import com.loginradius.sdk.util.Sott;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * An account's life through the official Java SDK 11.0.0, unchanged (issue 13): sign-up ({@code userRegistrationByEmail}
 * with a SOTT from {@code SottApi.generateSott} and one from {@code Sott.getSott}), {@code verifyEmail},
 * {@code loginByEmail}, {@code forgotPassword} and {@code resetPasswordByResetToken}, {@code changePassword},
 * {@code getAccessTokenInfo}, {@code updateProfileByAccessToken}, {@code addEmail} (joins when its emailed link is
 * followed) and {@code removeEmail}, {@code setOrChangeUserName}, {@code checkUserNameAvailability},
 * {@code checkEmailAvailability}, {@code deleteAccountWithEmailConfirmation} and {@code deleteAccountByDeleteToken}; and the
 * Management calls of {@code AccountApi} that go with it. This SDK has no sliding-token call (the Node SDK's
 * {@code slidingTokenApi.slidingAccessToken}), so that one is only in {@link LoginRadiusNodeSdkLifecycleTest}.
 */
@Isolated
class LoginRadiusJavaSdkLifecycleTest {
    private static final String PASSWORD = "Lattice-Umbra-4417";
    private static final String RESET = "Quarry-Heron-8352";
    private static final String CHANGED = "Vellum-Orchid-2961";
    private static final String APP = "https://app.example.com/";
    static Mailbox mail;
    static TestServer s;
    static TestServer.TestTenant t;

    @BeforeAll
    static void start() {
        mail = new Mailbox().ignoring(Mailbox::securityNotice);
        s = new TestServer(Backend.H2, TestServer.Options.mailTo(mail.port(), "Acme <no-reply@acme.example>"));
        t = s.tenant("{\"Name\":\"Acme\",\"EmailVerification\":{\"Flow\":\"Required\"},"
                + "\"Security\":{\"AllowedUrls\":[\"" + APP + "\"]}}");
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
        if (mail != null) {
            mail.close();
        }
    }

    /** The SDK's configuration is static: every test starts from this tenant's. */
    @BeforeEach
    void configure() {
        JavaSdk.pointAt(s, t);
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

    private static AuthUserRegistrationModel user(String email, String first) {
        EmailModel e = new EmailModel();
        e.setType("Primary");
        e.setValue(email);
        AuthUserRegistrationModel m = new AuthUserRegistrationModel();
        m.setEmail(List.of(e));
        m.setPassword(PASSWORD);
        m.setFirstName(first);
        return m;
    }

    private static EmailAuthenticationModel credentials(String email, String password) {
        EmailAuthenticationModel m = new EmailAuthenticationModel();
        m.setEmail(email);
        m.setPassword(password);
        return m;
    }

    private static List<String> emails(Identity profile) {
        List<String> out = new ArrayList<>();
        if (profile.getEmail() != null) {
            profile.getEmail().forEach(e -> out.add(e.getType() + ":" + e.getValue()));
        }
        return out;
    }

    private static AccessToken<Identity> login(AuthenticationApi auth, String email, String password) {
        AccessToken<Identity> in = LoginRadiusJavaSdkTest.ok("loginByEmail " + email,
                h -> auth.loginByEmail(credentials(email, password), null, null, null, null, h));
        assertThat(in.getAccess_Token()).isNotNull();
        assertThat(in.getRefresh_Token()).isNotNull();
        assertThat(Instant.parse(in.getExpires_In())).isAfter(Instant.now());
        assertThat(in.getProfile().getEmail().get(0).getValue()).isEqualTo(email);
        return in;
    }

    private static Identity profile(AuthenticationApi auth, String access) {
        return LoginRadiusJavaSdkTest.ok("getProfileByAccessToken", h -> auth.getProfileByAccessToken(access, null, h));
    }

    private static boolean emailExists(AuthenticationApi auth, String email) {
        ExistResponse r = LoginRadiusJavaSdkTest.ok("checkEmailAvailability " + email, h -> auth.checkEmailAvailability(email, h));
        return r.getIsExist();
    }

    private static boolean userNameExists(AuthenticationApi auth, String username) {
        ExistResponse r = LoginRadiusJavaSdkTest.ok("checkUserNameAvailability " + username, h -> auth.checkUserNameAvailability(username, h));
        return r.getIsExist();
    }

    private static void verify(AuthenticationApi auth, String token) {
        UserProfilePostResponse<EmailVerificationData<Identity>> v = LoginRadiusJavaSdkTest.ok("verifyEmail",
                h -> auth.verifyEmail(token, null, null, null, h));
        assertThat(v.getIsPosted()).isTrue();
    }

    @Test
    void anAccountsWholeLifeThroughTheJavaSdk() throws Exception {
        String email = "java.life@example.com";
        String other = "java.life.sdksott@example.com";
        String work = "java.life.work@example.com";
        AuthenticationApi auth = new AuthenticationApi();

        // Sign-up with a SOTT from the Management API and with one the SDK makes; no session before verification.
        SottResponseData served = LoginRadiusJavaSdkTest.ok("generateSott", h -> new SottApi().generateSott(10, h));
        UserProfilePostResponse<AccessToken<Identity>> made = LoginRadiusJavaSdkTest.ok("userRegistrationByEmail (server SOTT)",
                h -> auth.userRegistrationByEmail(user(email, "Nora"), served.getSott(), null, null, null, APP + "verify", null, h));
        assertThat(made.getIsPosted()).isTrue();
        assertThat(made.getData()).isNull();
        ServiceSottInfo window = new ServiceSottInfo();
        window.setTimeDifference("10");
        ServiceInfoModel model = new ServiceInfoModel();
        model.setSott(window);
        String local = Sott.getSott(model);
        UserProfilePostResponse<AccessToken<Identity>> second = LoginRadiusJavaSdkTest.ok("userRegistrationByEmail (SDK SOTT)",
                h -> auth.userRegistrationByEmail(user(other, "Otto"), local, null, null, null, APP + "verify", null, h));
        assertThat(second.getIsPosted()).isTrue();

        // The emailed links verify the addresses.
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("loginByEmail before verification", 970,
                h -> auth.loginByEmail(credentials(email, PASSWORD), null, null, null, null, h));
        verify(auth, linkToken(email, "emailverification", 1));
        verify(auth, linkToken(other, "emailverification", 1));
        assertThat(login(auth, other, PASSWORD).getProfile().getFirstName()).isEqualTo("Otto");
        AccessToken<Identity> first = login(auth, email, PASSWORD);
        String uid = first.getProfile().getUid();
        assertThat(first.getProfile().getEmailVerified()).isTrue();

        // Forgot → reset with the emailed token: sessions end, the new password logs in.
        PostResponse asked = LoginRadiusJavaSdkTest.ok("forgotPassword", h -> auth.forgotPassword(email, APP + "reset", null, h));
        assertThat(asked.getIsPosted()).isTrue();
        ResetPasswordByResetTokenModel reset = new ResetPasswordByResetTokenModel();
        reset.setResetToken(linkToken(email, "reset", 1));
        reset.setPassword(RESET);
        UserProfilePostResponse<AccessTokenBase> resetDone = LoginRadiusJavaSdkTest.ok("resetPasswordByResetToken",
                h -> auth.resetPasswordByResetToken(reset, h));
        assertThat(resetDone.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<Identity>fails("getProfileByAccessToken after the reset", 905,
                h -> auth.getProfileByAccessToken(first.getAccess_Token().toString(), null, h));

        // Change password: the old token is refused, the new password logs in.
        String beforeChange = login(auth, email, RESET).getAccess_Token().toString();
        PostResponse changed = LoginRadiusJavaSdkTest.ok("changePassword", h -> auth.changePassword(beforeChange, CHANGED, RESET, h));
        assertThat(changed.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<Identity>fails("getProfileByAccessToken after the change", 905,
                h -> auth.getProfileByAccessToken(beforeChange, null, h));
        String access = login(auth, email, CHANGED).getAccess_Token().toString();

        // Token info.
        TokenInfoResponseModel info = LoginRadiusJavaSdkTest.ok("getAccessTokenInfo", h -> auth.getAccessTokenInfo(access, h));
        assertThat(info.getProvider()).isEqualTo("Email");
        assertThat(info.getAccess_Token().toString()).isEqualTo(access);
        assertThat(info.getIsRememberMe()).isFalse();

        // The profile.
        UserProfileUpdateModel update = new UserProfileUpdateModel();
        update.setLastName("Lindqvist");
        update.setCity("Uppsala");
        UserProfilePostResponse<Identity> updated = LoginRadiusJavaSdkTest.ok("updateProfileByAccessToken",
                h -> auth.updateProfileByAccessToken(access, update, null, null, null, null, h));
        assertThat(updated.getIsPosted()).isTrue();
        assertThat(updated.getData().getUid()).isEqualTo(uid);
        assertThat(updated.getData().getFirstName()).isEqualTo("Nora");
        assertThat(updated.getData().getLastName()).isEqualTo("Lindqvist");
        assertThat(updated.getData().getCity()).isEqualTo("Uppsala");
        com.google.gson.JsonObject raw = new com.google.gson.JsonObject();
        raw.addProperty("Company", "Acme Widgets");
        UserProfilePostResponse<Identity> rawUpdated = LoginRadiusJavaSdkTest.ok("updateProfileByAccessToken (JsonObject)",
                h -> auth.updateProfileByAccessToken(access, raw, null, null, null, null, null, h));
        assertThat(rawUpdated.getData().getCompany()).isEqualTo("Acme Widgets");
        assertThat(rawUpdated.getData().getLastName()).isEqualTo("Lindqvist");
        assertThat(profile(auth, access).getCity()).isEqualTo("Uppsala");

        // Username and availability.
        assertThat(userNameExists(auth, "nora_java")).isFalse();
        PostResponse named = LoginRadiusJavaSdkTest.ok("setOrChangeUserName", h -> auth.setOrChangeUserName(access, "nora_java", h));
        assertThat(named.getIsPosted()).isTrue();
        assertThat(userNameExists(auth, "nora_java")).isTrue();
        assertThat(profile(auth, access).getUserName()).isEqualTo("nora_java");
        assertThat(emailExists(auth, email)).isTrue();
        assertThat(emailExists(auth, "nobody.here@example.com")).isFalse();

        // Add an email: it joins when the link mailed to it is followed; then remove it.
        PostResponse added = LoginRadiusJavaSdkTest.ok("addEmail", h -> auth.addEmail(access, work, "Secondary", null, APP + "verify", h));
        assertThat(added.getIsPosted()).isTrue();
        String addition = linkToken(work, "emailverification", 1);
        assertThat(emails(profile(auth, access))).containsExactly("Primary:" + email);
        assertThat(emailExists(auth, work)).isFalse();
        verify(auth, addition);
        assertThat(emails(profile(auth, access))).containsExactly("Primary:" + email, "Secondary:" + work);
        assertThat(emailExists(auth, work)).isTrue();
        DeleteResponse removed = LoginRadiusJavaSdkTest.ok("removeEmail", h -> auth.removeEmail(access, work, h));
        assertThat(removed.getIsDeleted()).isTrue();
        assertThat(emails(profile(auth, access))).containsExactly("Primary:" + email);
        assertThat(emailExists(auth, work)).isFalse();
        LoginRadiusJavaSdkTest.<DeleteResponse>fails("removeEmail again", 1340, h -> auth.removeEmail(access, work, h));

        // Delete, confirmed by the emailed link; then the login fails.
        DeleteRequestAcceptResponse deleting = LoginRadiusJavaSdkTest.ok("deleteAccountWithEmailConfirmation",
                h -> auth.deleteAccountWithEmailConfirmation(access, APP + "delete", null, h));
        assertThat(deleting.getIsDeleteRequestAccepted()).isTrue();
        String deletion = linkToken(email, "deleteuser", 1);
        login(auth, email, CHANGED); // nothing is deleted before the link is followed
        PostResponse deleted = LoginRadiusJavaSdkTest.ok("deleteAccountByDeleteToken", h -> auth.deleteAccountByDeleteToken(deletion, h));
        assertThat(deleted.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("loginByEmail after the deletion", 966,
                h -> auth.loginByEmail(credentials(email, CHANGED), null, null, null, null, h));
        LoginRadiusJavaSdkTest.<PostResponse>fails("deleteAccountByDeleteToken again", 1119, h -> auth.deleteAccountByDeleteToken(deletion, h));
        assertThat(emailExists(auth, email)).isFalse();
        assertThat(userNameExists(auth, "nora_java")).isFalse();
    }

    @Test
    void theManagementCallsOfTheJavaSdk() {
        String email = "java.manage@example.com";
        String second = "java.manage.second@example.com";
        String uid = t.account(email, PASSWORD);
        AccountApi account = new AccountApi();
        AuthenticationApi auth = new AuthenticationApi();

        // A verification token for the unverified address, spent with verifyEmail; then 1126.
        EmailVerificationTokenResponse vt = LoginRadiusJavaSdkTest.ok("getEmailVerificationToken", h -> account.getEmailVerificationToken(email, h));
        assertThat(vt.getVerificationToken()).matches("[0-9a-f-]{36}");
        verify(auth, vt.getVerificationToken());
        LoginRadiusJavaSdkTest.<EmailVerificationTokenResponse>fails("getEmailVerificationToken when verified", 1126,
                h -> account.getEmailVerificationToken(email, h));

        // A session for the account, asked by the application.
        AccessTokenBase session = LoginRadiusJavaSdkTest.ok("getAccessTokenByUid", h -> account.getAccessTokenByUid(uid, h));
        assertThat(session.getAccess_Token()).isNotNull();
        assertThat(session.getRefresh_Token()).isNotNull();
        assertThat(Instant.parse(session.getExpires_In())).isAfter(Instant.now());
        assertThat(profile(auth, session.getAccess_Token().toString()).getUid()).isEqualTo(uid);

        // The identities of an address.
        ListReturn<Identity> ids = LoginRadiusJavaSdkTest.ok("getAccountIdentitiesByEmail", h -> account.getAccountIdentitiesByEmail(email, null, h));
        assertThat(ids.getData()).hasSize(1);
        assertThat(ids.getData().get(0).getUid()).isEqualTo(uid);
        assertThat(emails(ids.getData().get(0))).containsExactly("Primary:" + email);
        ListReturn<Identity> none = LoginRadiusJavaSdkTest.ok("getAccountIdentitiesByEmail (nobody)",
                h -> account.getAccountIdentitiesByEmail("nobody.here@example.com", null, h));
        assertThat(none.getData()).isEmpty();

        // Addresses: upsert one, remove it (1340 when absent, 1005 for the only one).
        EmailModel extra = new EmailModel();
        extra.setType("Secondary");
        extra.setValue(second);
        UpsertEmailModel upsert = new UpsertEmailModel();
        upsert.setEmail(List.of(extra));
        Identity upserted = LoginRadiusJavaSdkTest.ok("upsertEmail", h -> account.upsertEmail(upsert, uid, null, h));
        assertThat(upserted.getUid()).isEqualTo(uid);
        assertThat(emails(upserted)).containsExactly("Primary:" + email, "Secondary:" + second);
        Identity without = LoginRadiusJavaSdkTest.ok("removeEmail (Management)", h -> account.removeEmail(second, uid, null, h));
        assertThat(emails(without)).containsExactly("Primary:" + email);
        LoginRadiusJavaSdkTest.<Identity>fails("removeEmail (Management) again", 1340, h -> account.removeEmail(second, uid, null, h));
        LoginRadiusJavaSdkTest.<Identity>fails("removeEmail (Management) of the only address", 1005, h -> account.removeEmail(email, uid, null, h));

        // The phone.
        Identity phoned = LoginRadiusJavaSdkTest.ok("updatePhoneIDByUid", h -> account.updatePhoneIDByUid("+15005550006", uid, null, h));
        assertThat(phoned.getUid()).isEqualTo(uid);
        assertThat(phoned.getPhoneId()).isEqualTo("+15005550006");

        // A forgot-password token, also emailed on request: the same token, which resets the password.
        ForgotPasswordResponse forgot = LoginRadiusJavaSdkTest.ok("getForgotPasswordToken",
                h -> account.getForgotPasswordToken(email, null, APP + "reset", true, h));
        assertThat(forgot.getForgotToken()).matches("[0-9a-f-]{36}");
        assertThat(forgot.getIdentityProviders()).isEmpty();
        assertThat(linkToken(email, "reset", 1)).isEqualTo(forgot.getForgotToken());
        ResetPasswordByResetTokenModel reset = new ResetPasswordByResetTokenModel();
        reset.setResetToken(forgot.getForgotToken());
        reset.setPassword(RESET);
        assertThat(LoginRadiusJavaSdkTest.<UserProfilePostResponse<AccessTokenBase>>ok("resetPasswordByResetToken",
                h -> auth.resetPasswordByResetToken(reset, h)).getIsPosted()).isTrue();
        login(auth, email, RESET);
        LoginRadiusJavaSdkTest.<ForgotPasswordResponse>fails("getForgotPasswordToken (nobody)", 938,
                h -> account.getForgotPasswordToken("nobody.here@example.com", null, null, false, h));

        // A new uid.
        String renamed = "java-manage-renamed";
        UpdateUidModel newUid = new UpdateUidModel();
        newUid.setNewUid(renamed);
        PostResponse moved = LoginRadiusJavaSdkTest.ok("accountUpdateUid", h -> account.accountUpdateUid(newUid, uid, h));
        assertThat(moved.getIsPosted()).isTrue();
        assertThat(LoginRadiusJavaSdkTest.<Identity>ok("getAccountProfileByUid (new)", h -> account.getAccountProfileByUid(renamed, null, h))
                .getUid()).isEqualTo(renamed);
        LoginRadiusJavaSdkTest.<Identity>fails("getAccountProfileByUid (old)", 938, h -> account.getAccountProfileByUid(uid, null, h));
        assertThat(login(auth, email, RESET).getProfile().getUid()).isEqualTo(renamed);
    }
}

package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.loginradius.sdk.api.account.AccountApi;
import com.loginradius.sdk.api.advanced.MultiFactorAuthenticationApi;
import com.loginradius.sdk.api.authentication.AuthenticationApi;
import com.loginradius.sdk.models.requestmodels.AccountCreateModel;
import com.loginradius.sdk.models.requestmodels.EmailModel;
import com.loginradius.sdk.models.requestmodels.MultiFactorAuthModelByBackupCode;
import com.loginradius.sdk.models.responsemodels.AccessToken;
import com.loginradius.sdk.models.responsemodels.AccessTokenBase;
import com.loginradius.sdk.models.responsemodels.MultiFactorAuthenticationResponse;
import com.loginradius.sdk.models.responsemodels.MultiFactorAuthenticationSettingsResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.BackupCodeResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.DeleteResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.PostResponse;
import com.loginradius.sdk.models.responsemodels.userprofile.Identity;
import com.loginradius.sdk.util.AsyncHandler;
import com.loginradius.sdk.util.ErrorResponse;
import com.loginradius.sdk.util.LoginRadiusSDK;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Drives a real Latchkey node with the official LoginRadius Java SDK 11.0.0: account creation, the MFA login with a
 * backup code, the access-token endpoints, refresh and revoke, logout, and the SDK's error path.
 * The SDK keeps its configuration and request state in static fields, so this class runs serially, in order,
 * each step using what the previous one produced.
 */
@Isolated
@Execution(ExecutionMode.SAME_THREAD)
@TestMethodOrder(OrderAnnotation.class)
class LoginRadiusJavaSdkTest {
    private static final String EMAIL = "sdk.user@example.com";
    private static final String PASSWORD = "S3cure-Passw0rd!";

    private static TestServer s;
    private static TestServer.TestTenant tenant;

    // State carried from step to step.
    private static String uid;
    private static List<String> resetCodes;
    private static String accessToken;
    private static String refreshToken;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
        tenant = s.mfaTenant(false);
        configureSdk(tenant.apiSecret());
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    /** Every test starts from the right static configuration, whatever a previous one changed. */
    @BeforeEach
    void configure() {
        configureSdk(tenant.apiSecret());
    }

    private static void configureSdk(String apiSecret) {
        LoginRadiusSDK.Initialize.setApiKey(tenant.apiKey());
        LoginRadiusSDK.Initialize.setApiSecret(apiSecret);
        LoginRadiusSDK.Initialize.setCustomDomain(s.base); // no trailing slash: the SDK appends "/" + path
        LoginRadiusSDK.Initialize.setRequestSigning(false);
    }

    // ── The callback holder ─────────────────────────────────────────────────────────────────────────────────────

    /** Records which callback the SDK called, and with what. The SDK calls back on the calling thread. */
    static final class Captured<T> implements AsyncHandler<T> {
        T data;
        ErrorResponse error;
        int successes;
        int failures;

        @Override
        public void onSuccess(T d) {
            successes++;
            data = d;
        }

        @Override
        public void onFailure(ErrorResponse e) {
            failures++;
            error = e;
        }
    }

    private static String describe(ErrorResponse e) {
        if (e == null) {
            return "null ErrorResponse";
        }
        return "ErrorCode=" + e.getErrorCode() + ", Message=" + e.getMessage() + ", Description=" + e.getDescription();
    }

    /** Runs the SDK call; fails the test unless exactly onSuccess was called, and returns its data. */
    static <T> T ok(String what, Consumer<AsyncHandler<T>> call) {
        Captured<T> c = new Captured<>();
        call.accept(c);
        if (c.failures > 0) {
            fail(what + ": onFailure called: " + describe(c.error));
        }
        if (c.successes != 1) {
            fail(what + ": onSuccess called " + c.successes + " times");
        }
        assertThat(c.data).as(what + ": parsed response").isNotNull();
        return c.data;
    }

    /** Runs the SDK call; fails the test unless exactly onFailure was called with {@code code}. */
    static <T> ErrorResponse fails(String what, int code, Consumer<AsyncHandler<T>> call) {
        Captured<T> c = new Captured<>();
        call.accept(c);
        if (c.successes > 0) {
            fail(what + ": expected onFailure with " + code + " but onSuccess was called");
        }
        if (c.failures != 1) {
            fail(what + ": onFailure called " + c.failures + " times");
        }
        assertThat(c.error.getErrorCode()).as(what + ": ErrorCode (" + describe(c.error) + ")").isEqualTo(code);
        assertThat(c.error.getDescription()).as(what + ": Description").isNotBlank();
        assertThat(c.error.getMessage()).as(what + ": Message").isNotBlank();
        return c.error;
    }

    /** Skips a step whose input an earlier step failed to produce, so only the root failure is reported. */
    private static void requires(Object value, String earlierStep) {
        Assumptions.assumeTrue(value != null, "skipped: " + earlierStep + " failed earlier");
    }

    private static MultiFactorAuthenticationApi mfa() {
        return new MultiFactorAuthenticationApi();
    }

    private static AccountApi account() {
        return new AccountApi();
    }

    private static AuthenticationApi auth() {
        return new AuthenticationApi();
    }

    private static void assertUuid(String what, UUID value) {
        assertThat(value).as(what).isNotNull();
        assertThat(value.toString()).as(what).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    private static void assertTenCodes(String what, List<String> codes) {
        assertThat(codes).as(what).hasSize(10).doesNotHaveDuplicates();
        assertThat(codes).as(what).allSatisfy(code -> assertThat(code).matches("[a-z0-9]{5}-[a-z0-9]{5}"));
    }

    private static String secondFactorToken() {
        MultiFactorAuthenticationResponse<Identity> r = ok("mfaLoginByEmail", h ->
                mfa().mfaLoginByEmail(EMAIL, PASSWORD, null, null, null, null, null, null, h));
        assertThat(r.getProfile()).as("Profile of a login that still needs a second factor").isNull();
        assertThat(r.getSecondFactorAuthentication()).as("SecondFactorAuthentication").isNotNull();
        UUID token = r.getSecondFactorAuthentication().getSecondFactorAuthenticationToken();
        assertUuid("SecondFactorAuthenticationToken", token);
        assertThat(r.getSecondFactorAuthentication().getExpireIn()).as("ExpireIn").isNotBlank();
        return token.toString();
    }

    // ── The flow ────────────────────────────────────────────────────────────────────────────────────────────────

    @Test
    @Order(1)
    void createAccount() {
        AccountCreateModel model = new AccountCreateModel();
        EmailModel email = new EmailModel();
        email.setType("Primary");
        email.setValue(EMAIL);
        model.setEmail(List.of(email));
        model.setPassword(PASSWORD);
        model.setFirstName("Ann");

        Identity created = ok("createAccount", h -> account().createAccount(model, null, h));
        assertThat(created.getUid()).as("Uid").isNotBlank();
        assertThat(created.getEmail()).as("Email").hasSize(1);
        assertThat(created.getEmail().get(0).getValue()).isEqualTo(EMAIL);
        assertThat(created.getEmail().get(0).getType()).isEqualTo("Primary");
        assertThat(created.getFirstName()).isEqualTo("Ann");
        uid = created.getUid();
    }

    @Test
    @Order(2)
    void getAccountProfileByUid() {
        requires(uid, "createAccount");
        Identity p = ok("getAccountProfileByUid", h -> account().getAccountProfileByUid(uid, null, h));
        assertThat(p.getUid()).isEqualTo(uid);
        assertThat(p.getEmail()).extracting(e -> e.getValue()).containsExactly(EMAIL);
        assertThat(p.getFirstName()).isEqualTo("Ann");
    }

    @Test
    @Order(3)
    void backupCodesByUid() {
        requires(uid, "createAccount");
        BackupCodeResponse first = ok("mfaBackupCodeByUid", h -> mfa().mfaBackupCodeByUid(uid, h));
        assertTenCodes("generated codes", first.getBackUpCodes());

        BackupCodeResponse reset = ok("mfaResetBackupCodeByUid", h -> mfa().mfaResetBackupCodeByUid(uid, h));
        assertTenCodes("reset codes", reset.getBackUpCodes());
        assertThat(reset.getBackUpCodes()).as("reset codes share none with the first set")
                .doesNotContainAnyElementsOf(first.getBackUpCodes());
        resetCodes = reset.getBackUpCodes();
    }

    @Test
    @Order(4)
    void mfaLoginByEmailAsksForSecondFactor() {
        requires(resetCodes, "backupCodesByUid");
        secondFactorToken(); // the assertions are in the helper
    }

    @Test
    @Order(5)
    void mfaValidateBackupCode() {
        requires(resetCodes, "backupCodesByUid");
        String code = resetCodes.get(0);
        MultiFactorAuthModelByBackupCode body = new MultiFactorAuthModelByBackupCode();
        body.setBackupCode(code);
        String token = secondFactorToken();

        AccessToken<Identity> t = ok("mfaValidateBackupCode", h -> mfa().mfaValidateBackupCode(body, token, null, h));
        assertUuid("access_token", t.getAccess_Token());
        assertUuid("refresh_token", t.getRefresh_Token());
        assertThat(t.getExpires_In()).as("expires_in").isNotBlank();
        assertThat(t.getProfile()).as("Profile").isNotNull();
        assertThat(t.getProfile().getUid()).isEqualTo(uid);
        accessToken = t.getAccess_Token().toString();
        refreshToken = t.getRefresh_Token().toString();

        // A backup code is single use: the same one on a fresh 2FA token is refused.
        String fresh = secondFactorToken();
        LoginRadiusJavaSdkTest.<AccessToken<Identity>>fails("mfaValidateBackupCode replay", 1129, h -> mfa().mfaValidateBackupCode(body, fresh, null, h));
    }

    @Test
    @Order(6)
    void authValidateAccessToken() {
        requires(accessToken, "mfaValidateBackupCode");
        AccessTokenBase v = ok("authValidateAccessToken", h -> auth().authValidateAccessToken(accessToken, h));
        assertThat(v.getAccess_Token()).isNotNull();
        assertThat(v.getAccess_Token().toString()).isEqualTo(accessToken);
        assertThat(v.getExpires_In()).as("expires_in").isNotBlank();
    }

    @Test
    @Order(7)
    void getProfileByAccessToken() {
        requires(accessToken, "mfaValidateBackupCode");
        Identity p = ok("getProfileByAccessToken", h -> auth().getProfileByAccessToken(accessToken, null, h));
        assertThat(p.getUid()).isEqualTo(uid);
        assertThat(p.getEmail()).extracting(e -> e.getValue()).containsExactly(EMAIL);
    }

    @Test
    @Order(8)
    void mfaConfigureByAccessToken() {
        requires(accessToken, "mfaValidateBackupCode");
        MultiFactorAuthenticationSettingsResponse r = ok("mfaConfigureByAccessToken",
                h -> mfa().mfaConfigureByAccessToken(accessToken, null, h));
        assertThat(r.getIsGoogleAuthenticatorVerified()).as("IsGoogleAuthenticatorVerified").isFalse();
        assertThat(r.getIsOTPAuthenticatorVerified()).as("IsOTPAuthenticatorVerified").isFalse();
    }

    @Test
    @Order(9)
    void backupCodesByAccessToken() {
        requires(accessToken, "mfaValidateBackupCode");
        LoginRadiusJavaSdkTest.<BackupCodeResponse>fails("mfaBackupCodeByAccessToken while codes exist", 1127, h -> mfa().mfaBackupCodeByAccessToken(accessToken, h));

        BackupCodeResponse reset = ok("mfaResetBackupCodeByAccessToken", h -> mfa().mfaResetBackupCodeByAccessToken(accessToken, h));
        assertTenCodes("codes reset by access token", reset.getBackUpCodes());
        assertThat(reset.getBackUpCodes()).doesNotContainAnyElementsOf(resetCodes);
        Set<String> all = new HashSet<>(reset.getBackUpCodes());
        assertThat(all).hasSize(10);
    }

    @Test
    @Order(10)
    void refreshThenRevoke() {
        requires(refreshToken, "mfaValidateBackupCode");
        AccessTokenBase refreshed = ok("refreshAccessTokenByRefreshToken",
                h -> account().refreshAccessTokenByRefreshToken(refreshToken, h));
        assertUuid("new access_token", refreshed.getAccess_Token());
        assertUuid("new refresh_token", refreshed.getRefresh_Token());
        assertThat(refreshed.getExpires_In()).as("expires_in").isNotBlank();
        assertThat(refreshed.getAccess_Token().toString()).isNotEqualTo(accessToken);
        assertThat(refreshed.getRefresh_Token().toString()).isNotEqualTo(refreshToken);

        // The new access token works.
        Identity p = ok("getProfileByAccessToken with the refreshed token",
                h -> auth().getProfileByAccessToken(refreshed.getAccess_Token().toString(), null, h));
        assertThat(p.getUid()).isEqualTo(uid);

        String newRefresh = refreshed.getRefresh_Token().toString();
        DeleteResponse revoked = ok("revokeRefreshToken", h -> account().revokeRefreshToken(newRefresh, h));
        assertThat(revoked.getIsDeleted()).as("IsDeleted").isTrue();

        // The revoked token is spent (the consumed one is presented again after the logout below: that ends its session).
        LoginRadiusJavaSdkTest.<AccessTokenBase>fails("refresh with the revoked token", 1217, h -> account().refreshAccessTokenByRefreshToken(newRefresh, h));
    }

    @Test
    @Order(11)
    void invalidateAccessToken() {
        requires(accessToken, "mfaValidateBackupCode");
        PostResponse r = ok("authInValidateAccessToken", h -> auth().authInValidateAccessToken(accessToken, false, h));
        assertThat(r.getIsPosted()).as("IsPosted").isTrue();

        LoginRadiusJavaSdkTest.<AccessTokenBase>fails("authValidateAccessToken after logout", 905, h -> auth().authValidateAccessToken(accessToken, h));
        LoginRadiusJavaSdkTest.<Identity>fails("getProfileByAccessToken after logout", 905, h -> auth().getProfileByAccessToken(accessToken, null, h));
        // The refresh token consumed by the refresh above: refused.
        LoginRadiusJavaSdkTest.<AccessTokenBase>fails("refresh with the consumed token", 1217, h -> account().refreshAccessTokenByRefreshToken(refreshToken, h));
    }

    @Test
    @Order(12)
    void wrongApiSecretIsRefused() {
        requires(uid, "createAccount");
        configureSdk(UUID.randomUUID().toString());
        try {
            LoginRadiusJavaSdkTest.<Identity>fails("getAccountProfileByUid with a wrong secret", 902, h -> account().getAccountProfileByUid(uid, null, h));
            LoginRadiusJavaSdkTest.<BackupCodeResponse>fails("mfaResetBackupCodeByUid with a wrong secret", 902, h -> mfa().mfaResetBackupCodeByUid(uid, h));
        } finally {
            configureSdk(tenant.apiSecret());
        }
        // The right secret works again (the SDK keeps the last secret in a static field).
        Identity p = ok("getAccountProfileByUid with the right secret", h -> account().getAccountProfileByUid(uid, null, h));
        assertThat(p.getUid()).isEqualTo(uid);
    }
}

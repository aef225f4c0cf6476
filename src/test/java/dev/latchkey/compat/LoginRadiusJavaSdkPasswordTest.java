package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.account.AccountApi;
import com.loginradius.sdk.api.authentication.AuthenticationApi;
import com.loginradius.sdk.models.responsemodels.UserPasswordHash;
import com.loginradius.sdk.models.responsemodels.otherobjects.PostResponse;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Passwords through the official Java SDK 11.0.0, unchanged: {@code changePassword} (967 for a wrong current password,
 * then the change, after which the old access token is dead), {@code setAccountPasswordByUid} and
 * {@code getAccountPasswordHashByUid}.
 */
@Isolated
class LoginRadiusJavaSdkPasswordTest {
    private static final String EMAIL = "sdk.pw@example.com";
    private static final String PASSWORD = "S3cure-Passw0rd!";
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void changeSetAndReadThroughTheSdk() {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        JavaSdk.pointAt(s, t);
        String uid = t.account(EMAIL, PASSWORD);
        String access = t.login(EMAIL, PASSWORD).text("access_token");
        AuthenticationApi auth = new AuthenticationApi();
        LoginRadiusJavaSdkTest.<PostResponse>fails("changePassword with a wrong current one", 967,
                h -> auth.changePassword(access, "N3w-Passw0rd!!", "wrong-password", h));
        PostResponse changed = LoginRadiusJavaSdkTest.ok("changePassword", h -> auth.changePassword(access, "N3w-Passw0rd!!", PASSWORD, h));
        assertThat(changed.getIsPosted()).isTrue();
        LoginRadiusJavaSdkTest.<PostResponse>fails("changePassword with the ended session", 905,
                h -> auth.changePassword(access, "Th1rd-Passw0rd!", "N3w-Passw0rd!!", h));
        assertThat(t.login(EMAIL, "N3w-Passw0rd!!").status()).isEqualTo(200);

        AccountApi account = new AccountApi();
        UserPasswordHash set = LoginRadiusJavaSdkTest.ok("setAccountPasswordByUid", h -> account.setAccountPasswordByUid("Th1rd-Passw0rd!", uid, h));
        assertThat(set.getPasswordHash()).startsWith("$argon2id$");
        UserPasswordHash read = LoginRadiusJavaSdkTest.ok("getAccountPasswordHashByUid", h -> account.getAccountPasswordHashByUid(uid, h));
        assertThat(read.getPasswordHash()).isEqualTo(set.getPasswordHash());
        assertThat(t.login(EMAIL, "Th1rd-Passw0rd!").status()).isEqualTo(200);
    }
}

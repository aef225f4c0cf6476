package dev.latchkey.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.account.AccountApi;
import com.loginradius.sdk.models.responsemodels.userprofile.Identity;
import com.loginradius.sdk.util.AsyncHandler;
import com.loginradius.sdk.util.ErrorResponse;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.TestServer;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The official Java SDK 11.0.0's account lookups: getAccountProfileByEmail, getAccountProfileByUserName (it sends
 * {@code userName}) and getAccountProfileByPhone, which send their identifier unencoded (a '+' arrives raw). The SDK keeps
 * its configuration in static fields, so this class runs alone.
 */
@Isolated
@Execution(ExecutionMode.SAME_THREAD)
class LoginRadiusJavaSdkLookupTest {
    private static TestServer s;
    private static String uid;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
        TestServer.TestTenant tenant = s.mfaTenant(false);
        TestServer.Reply created = tenant.manage("POST", "/identity/v2/manage/account", """
                {"Email":[{"Type":"Primary","Value":"Sdk+Lookup@Example.com"}],"UserName":"SdkLookup","PhoneId":"+15005550006",
                 "Password":"lookup-password","FirstName":"Sam"}""");
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        uid = created.text("Uid");
        JavaSdk.pointAt(s, tenant);
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    /** What the SDK called back with: exactly one of the two. */
    private static final class Captured implements AsyncHandler<Identity> {
        Identity data;
        ErrorResponse error;

        @Override
        public void onSuccess(Identity d) {
            data = d;
        }

        @Override
        public void onFailure(ErrorResponse e) {
            error = e;
        }
    }

    private static Captured call(Consumer<AsyncHandler<Identity>> lookup) {
        Captured c = new Captured();
        lookup.accept(c);
        return c;
    }

    private static void found(String what, Consumer<AsyncHandler<Identity>> lookup) {
        Captured c = call(lookup);
        assertThat(c.error).as(what + ": " + (c.error == null ? "" : c.error.getErrorCode() + " " + c.error.getDescription())).isNull();
        assertThat(c.data.getUid()).as(what).isEqualTo(uid);
        assertThat(c.data.getFirstName()).as(what).isEqualTo("Sam");
        assertThat(c.data.getEmail().get(0).getValue()).as(what).isEqualTo("Sdk+Lookup@Example.com");
    }

    @Test
    void theSdkFindsTheAccountByEmailUserNameAndPhone() {
        AccountApi api = new AccountApi();
        found("getAccountProfileByEmail", h -> api.getAccountProfileByEmail("sdk+lookup@example.com", null, h));
        found("getAccountProfileByUserName", h -> api.getAccountProfileByUserName("sdklookup", null, h));
        found("getAccountProfileByPhone", h -> api.getAccountProfileByPhone("+15005550006", null, h));
        Captured projected = call(h -> api.getAccountProfileByEmail("SDK+LOOKUP@example.com", "Uid,FirstName", h));
        assertThat(projected.data.getUid()).isEqualTo(uid);
        assertThat(projected.data.getEmail()).isNull();
    }

    @Test
    void anUnknownAccountIs938() {
        Captured c = call(h -> new AccountApi().getAccountProfileByEmail("nobody@example.com", null, h));
        assertThat(c.data).isNull();
        assertThat(c.error.getErrorCode()).isEqualTo(938);
        assertThat(c.error.getDescription()).isNotBlank();
    }
}

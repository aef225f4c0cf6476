package dev.latchkey.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.api.advanced.WebHookApi;
import com.loginradius.sdk.models.requestmodels.WebHookSubscribeModel;
import com.loginradius.sdk.models.responsemodels.EntityPermissionAcknowledgement;
import com.loginradius.sdk.models.responsemodels.ListData;
import com.loginradius.sdk.models.responsemodels.otherobjects.DeleteResponse;
import com.loginradius.sdk.models.responsemodels.otherobjects.PostResponse;
import com.loginradius.sdk.util.AsyncHandler;
import com.loginradius.sdk.util.ErrorResponse;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JavaSdk;
import dev.latchkey.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The official Java SDK 11.0.0's webhook methods (it has the legacy {@code /api/v2/webhook} API only) against a node:
 * subscribe, list, test and unsubscribe, its models reading Latchkey's answers, the {@code IsSentByLatchkey}
 * extension included. The SDK keeps its configuration in static fields, so this class runs alone.
 */
@Isolated
@Execution(ExecutionMode.SAME_THREAD)
class WebhookJavaSdkTest {
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
        TestServer.TestTenant t = s.mfaTenant(false);
        JavaSdk.pointAt(s, t);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    /** The SDK calls back on the calling thread. */
    static final class Captured<T> implements AsyncHandler<T> {
        T data;
        ErrorResponse error;

        @Override
        public void onSuccess(T d) {
            data = d;
        }

        @Override
        public void onFailure(ErrorResponse e) {
            error = e;
        }

        T data() {
            assertThat(error).as(() -> "ErrorCode=" + error.getErrorCode() + " " + error.getDescription()).isNull();
            return data;
        }
    }

    @Test
    void subscribeListTestAndUnsubscribeWithTheSdk() {
        WebHookApi api = new WebHookApi();
        for (String event : new String[] {"Login", "Register"}) {
            WebHookSubscribeModel model = new WebHookSubscribeModel();
            model.setEvent(event);
            model.setTargetUrl("http://127.0.0.1:9/sdk-" + event);
            Captured<PostResponse> posted = new Captured<>();
            api.webHookSubscribe(model, posted);
            assertThat(posted.data().getIsPosted()).isTrue();
        }
        for (String event : new String[] {"Login", "Register"}) { // one sent by Latchkey, one never sent: both read
            Captured<ListData<com.loginradius.sdk.models.responsemodels.otherobjects.WebHookSubscribeModel>> listed = new Captured<>();
            api.getWebHookSubscribedURLs(event, listed);
            assertThat(listed.data().getData()).hasSize(1);
            assertThat(listed.data().getData().get(0).getEvent()).isEqualTo(event);
            assertThat(listed.data().getData().get(0).getTargetUrl()).isEqualTo("http://127.0.0.1:9/sdk-" + event);
        }
        Captured<EntityPermissionAcknowledgement> test = new Captured<>();
        api.webhookTest(test);
        assertThat(test.data().getIsAllowed()).isTrue();
        WebHookSubscribeModel gone = new WebHookSubscribeModel();
        gone.setEvent("Register");
        gone.setTargetUrl("http://127.0.0.1:9/sdk-Register");
        Captured<DeleteResponse> deleted = new Captured<>();
        api.webHookUnsubscribe(gone, deleted);
        assertThat(deleted.data().getIsDeleted()).isTrue();
    }
}

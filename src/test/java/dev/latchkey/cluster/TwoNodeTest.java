package dev.latchkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.PasskeyEmulator;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two stateless nodes over one PostgreSQL: any step of any login on any node, one-time things once, shared lockout. */
class TwoNodeTest {
    static final String ORIGIN = "http://localhost:8080";
    static TestServer a;
    static TestServer b;

    @BeforeAll
    static void start() {
        a = new TestServer(Backend.POSTGRES);
        b = TestServer.sharing(a);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    /** The same tenant seen from node b. */
    private static TestTenant on(TestServer node, TestTenant t) {
        return new TestTenant(node, t.apiKey(), t.apiSecret());
    }

    private static TestTenant tenant(String security) {
        return a.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPOrigins\":[\"" + ORIGIN + "\"]},"
                + "\"Security\":" + security + "}");
    }

    private static int code(Reply r) {
        return r.json().path("ErrorCode").asInt(0);
    }

    @Test
    void stepOneOnANodeStepTwoOnTheOther() {
        TestTenant ta = tenant("{}");
        TestTenant tb = on(b, ta);
        String uid = ta.account("two@example.com", "two-password");
        List<String> codes = tb.backupCodes(uid);
        String token = ta.secondFactorToken("two@example.com", "two-password");
        Reply r = tb.redeem(token, codes.get(0));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        // The token it issued works on the first node.
        assertThat(a.get("/identity/v2/auth/account?apikey=" + ta.apiKey(), "Authorization", "Bearer " + r.text("access_token")).status())
                .isEqualTo(200);
    }

    @Test
    void passkeyBegunOnOneNodeFinishedOnTheOtherAndNeverReplayed() {
        TestTenant ta = tenant("{}");
        TestTenant tb = on(b, ta);
        ta.account("pk2@example.com", "two-password");
        PasskeyEmulator pk = new PasskeyEmulator(ORIGIN);
        // Enroll during login: begin on a, finish on b.
        String token = ta.secondFactorToken("pk2@example.com", "two-password");
        JsonNode creation = a.get("/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + ta.apiKey()
                + "&secondfactorauthenticationtoken=" + token).json().get("RegisterBeginCredential").get("publicKey");
        Reply enrolled = b.send("POST", "/identity/v2/auth/login/2fa/register/passkey/finish?apikey=" + ta.apiKey()
                + "&secondfactorauthenticationtoken=" + token, Json.write(pk.register(creation)));
        assertThat(enrolled.status()).as(enrolled.raw()).isEqualTo(200);

        // Login: step 1 on b, begin on a, finish on b.
        String token2 = tb.secondFactorToken("pk2@example.com", "two-password");
        JsonNode options = a.get("/identity/v2/auth/login/2fa/passkey/begin?apikey=" + ta.apiKey()
                + "&secondfactorauthenticationtoken=" + token2).json().get("LoginBeginCredential").get("publicKey");
        ObjectNode assertion = pk.authenticate(options);
        Reply done = b.send("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + ta.apiKey()
                + "&secondfactorauthenticationtoken=" + token2, Json.write(assertion));
        assertThat(done.status()).as(done.raw()).isEqualTo(200);

        // The same assertion replayed on the other node: refused with its token (1103) and with a fresh one (1321).
        assertThat(code(a.send("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + ta.apiKey()
                + "&secondfactorauthenticationtoken=" + token2, Json.write(assertion)))).isEqualTo(1103);
        String token3 = ta.secondFactorToken("pk2@example.com", "two-password");
        a.get("/identity/v2/auth/login/2fa/passkey/begin?apikey=" + ta.apiKey() + "&secondfactorauthenticationtoken=" + token3);
        assertThat(code(a.send("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + ta.apiKey()
                + "&secondfactorauthenticationtoken=" + token3, Json.write(assertion)))).isEqualTo(1321);
    }

    @Test
    void oneBackupCodeSentToBothNodesTwentyTimesInParallelSucceedsOnce() throws Exception {
        TestTenant ta = tenant("{\"MaxSecondFactorAttempts\":100}");
        TestTenant tb = on(b, ta);
        String uid = ta.account("race@example.com", "two-password");
        String code = ta.backupCodes(uid).get(0);
        List<Callable<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestTenant node = i % 2 == 0 ? ta : tb;
            String token = node.secondFactorToken("race@example.com", "two-password");
            TestTenant other = i % 2 == 0 ? tb : ta;
            calls.add(() -> other.redeem(token, code));
        }
        List<Reply> replies = Parallel.run(calls);
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(replies).filteredOn(r -> r.status() != 200).hasSize(19).allMatch(r -> code(r) == 1129);
    }

    @Test
    void lockoutIsCountedAcrossNodes() {
        TestTenant ta = tenant("{\"MaxSecondFactorAttempts\":4,\"MaxSecondFactorAttemptsPerToken\":10,\"MaxPasswordAttempts\":4}");
        TestTenant tb = on(b, ta);
        String uid = ta.account("lock@example.com", "two-password");
        ta.backupCodes(uid);
        String token = ta.secondFactorToken("lock@example.com", "two-password");
        for (int i = 0; i < 4; i++) {
            assertThat(code((i % 2 == 0 ? ta : tb).redeem(token, "wrong-" + UUID.randomUUID().toString().substring(0, 5)))).isEqualTo(1129);
        }
        assertThat(code(ta.login("lock@example.com", "two-password"))).isEqualTo(1198);
        assertThat(code(tb.login("lock@example.com", "two-password"))).isEqualTo(1198);

        ta.account("pw-lock@example.com", "two-password");
        for (int i = 0; i < 4; i++) {
            assertThat(code((i % 2 == 0 ? ta : tb).login("pw-lock@example.com", "not-it"))).isEqualTo(966);
        }
        assertThat(code(tb.login("pw-lock@example.com", "two-password"))).isEqualTo(1198);
        assertThat(code(ta.login("pw-lock@example.com", "two-password"))).isEqualTo(1198);
    }
}

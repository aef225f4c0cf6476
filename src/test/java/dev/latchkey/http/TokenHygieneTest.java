package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No cache keeps an answer that carries a token, a code or a secret; and an operator can refuse access tokens and API
 * secrets in the query string (where proxies and access logs keep them) without breaking the Node SDK, which sends the
 * access token in both places.
 */
class TokenHygieneTest {
    private static void assertNoStore(Reply r) {
        assertThat(r.headers().firstValue("Cache-Control")).as(r.raw()).hasValue("no-store");
    }

    @Test
    void everyAnswerWithATokenCodeOrSecretIsNotStored() {
        try (TestServer s = new TestServer(Backend.H2)) {
            TestTenant t = s.mfaTenant(false);
            String uid = t.account("hygiene@example.com", "hygiene-password");
            Reply login = t.login("hygiene@example.com", "hygiene-password");
            assertNoStore(login);
            String access = login.text("access_token");
            Reply codes = s.get("/identity/v2/auth/account/2fa/backupcode?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
            assertNoStore(codes);
            List<String> backup = t.backupCodes(uid);
            Reply step1 = t.login("hygiene@example.com", "hygiene-password");
            assertNoStore(step1);
            Reply step2 = t.redeem(step1.json().path("SecondFactorAuthentication").path("SecondFactorAuthenticationToken").asText(), backup.get(0));
            assertNoStore(step2);
            assertNoStore(t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + step2.text("refresh_token"), null));
            assertNoStore(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + step2.text("access_token")));
            assertNoStore(s.admin("GET", "/admin/v1/tenants/" + t.apiKey(), null));
            assertNoStore(t.login("hygiene@example.com", "wrong-password"));
        }
    }

    @Test
    void theOperatorCanRefuseTokensInTheQueryString() {
        ServerConfig.Limits d = ServerConfig.Limits.DEFAULT;
        TestServer.Options strict = TestServer.Options.DEFAULT.withLimits(
                new ServerConfig.Limits(d.passwordHashingQueue(), d.auditRetentionMillis(), d.retentionMillis(), true));
        try (TestServer s = new TestServer(Backend.H2, strict)) {
            TestTenant t = s.mfaTenant(false);
            assertThat(s.send("POST", "/identity/v2/manage/account?apikey=" + t.apiKey(),
                    "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"query@example.com\"}],\"Password\":\"query-password\"}",
                    "Content-Type", "application/json", "X-LoginRadius-ApiSecret", t.apiSecret()).status()).isEqualTo(200);
            String access = t.login("query@example.com", "query-password").text("access_token");
            Reply inQuery = s.get("/identity/v2/auth/account?apikey=" + t.apiKey() + "&access_token=" + access);
            assertThat(inQuery.status()).isEqualTo(403);
            assertThat(inQuery.json().path("ErrorCode").asInt()).isEqualTo(908);
            assertThat(inQuery.json().path("Description").asText()).isEqualTo("This server does not accept the access_token in the query "
                    + "string (proxies and logs keep URLs); send it in the Authorization header as a Bearer token.");
            assertThat(s.get("/identity/v2/auth/account?apikey=" + t.apiKey(), "Authorization", "Bearer " + access).status()).isEqualTo(200);
            // The Node SDK sends both: the header is used.
            assertThat(s.get("/identity/v2/auth/account?apikey=" + t.apiKey() + "&access_token=" + access, "Authorization", "Bearer " + access)
                    .status()).isEqualTo(200);
            Reply secretInQuery = t.manage("GET", "/identity/v2/manage/account/2fa/backupcode?uid=x", null);
            assertThat(secretInQuery.json().path("ErrorCode").asInt()).isEqualTo(908);
            assertThat(s.get("/identity/v2/manage/account/" + java.util.UUID.randomUUID() + "?apikey=" + t.apiKey(),
                    "X-LoginRadius-ApiSecret", t.apiSecret()).json().path("ErrorCode").asInt()).isEqualTo(938);
        }
        // By default both stay accepted, as LoginRadius documents them.
        try (TestServer s = new TestServer(Backend.H2)) {
            TestTenant t = s.mfaTenant(false);
            t.account("query@example.com", "query-password");
            String access = t.login("query@example.com", "query-password").text("access_token");
            assertThat(s.get("/identity/v2/auth/account?apikey=" + t.apiKey() + "&access_token=" + access).status()).isEqualTo(200);
        }
    }
}

package dev.latchkey.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Webhook subscriptions: LoginRadius's /v2/manage/webhook API (singular and plural) and the legacy /api/v2/webhook. */
class WebhookSubscriptionTest {
    static TestServer s;
    static TestTenant t;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
        t = s.mfaTenant(false);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static int code(Reply r) {
        return r.json().path("ErrorCode").asInt(0);
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void createReadUpdateListDelete() {
        Reply created = t.manage("POST", "/v2/manage/webhook", """
                {"Event":"login","TargetUrl":"http://127.0.0.1:9/hook","Name":"Sync","Headers":{"X-Team":"blue"},
                 "QueryParams":{"source":"latchkey"},"Authentication":{"AuthType":"Basic","BasicAuth":{"Username":"u","Password":"p@ss"}}}""");
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        JsonNode w = created.json();
        assertThat(keys(w)).containsExactly("Id", "TargetUrl", "Event", "CreatedDate", "LastModifiedDate", "SecretName",
                "IsIntegrationWebhook", "Name", "Headers", "QueryParams", "Authentication", "IsSentByLatchkey");
        assertThat(w.get("Event").asText()).isEqualTo("Login");
        assertThat(w.get("Authentication")).isEqualTo(Json.parse("{\"AuthType\":\"Basic\",\"BasicAuth\":{\"Username\":\"u\",\"Password\":\"********\"}}"));
        assertThat(created.raw()).doesNotContain("p@ss");
        String id = w.get("Id").asText();

        // The plural path the Node SDK uses sees the same subscription.
        Reply got = t.manage("GET", "/v2/manage/webhooks/" + id, null);
        assertThat(got.json()).isEqualTo(w);
        Reply updated = t.manage("PUT", "/v2/manage/webhook/" + id,
                "{\"TargetUrl\":\"https://127.0.0.1:8443/h\",\"Authentication\":{\"AuthType\":\"Bearer\",\"BearerToken\":{\"Token\":\"tkn\"}}}");
        assertThat(updated.status()).as(updated.raw()).isEqualTo(200);
        assertThat(updated.json().get("TargetUrl").asText()).isEqualTo("https://127.0.0.1:8443/h");
        assertThat(updated.json().get("Name").asText()).isEqualTo("Sync");
        assertThat(updated.json().get("Authentication")).isEqualTo(Json.parse("{\"AuthType\":\"Bearer\",\"BearerToken\":{\"Token\":\"********\"}}"));

        t.manage("POST", "/v2/manage/webhooks", "{\"Event\":\"Register\",\"TargetUrl\":\"http://127.0.0.1:9/r\"}");
        assertThat(t.manage("GET", "/v2/manage/webhook", null).json().get("Data")).hasSize(2);
        assertThat(t.manage("GET", "/v2/manage/webhook?event=LOGIN", null).json().get("Data")).hasSize(1);

        Reply deleted = s.send("DELETE", "/v2/manage/webhook/" + id + "?apikey=" + t.apiKey(), "{}", "X-LoginRadius-ApiSecret", t.apiSecret());
        assertThat(deleted.json()).isEqualTo(Json.parse("{\"isdeleted\":true}"));
        assertThat(code(t.manage("GET", "/v2/manage/webhook/" + id, null))).isEqualTo(908);
        assertThat(code(t.manage("DELETE", "/v2/manage/webhook/" + id, "{}"))).isEqualTo(908);
    }

    @Test
    void eventsAndTheLegacyApi() {
        Reply events = t.manage("GET", "/v2/manage/webhook/events", null);
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.json().get("Data")).hasSize(43);
        assertThat(events.json().get("Data").get(0).asText()).isEqualTo("Login");

        TestTenant legacy = s.mfaTenant(false);
        assertThat(legacy.manage("POST", "/api/v2/webhook", "{\"targeturl\":\"http://127.0.0.1:9/old\",\"event\":\"UpdateProfile\"}").json())
                .isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(legacy.manage("GET", "/api/v2/webhook?event=updateprofile", null).json())
                .isEqualTo(Json.parse("{\"Count\":1,\"data\":[{\"TargetUrl\":\"http://127.0.0.1:9/old\",\"Event\":\"UpdateProfile\",\"IsSentByLatchkey\":true}]}"));
        assertThat(legacy.manage("GET", "/api/v2/webhook/test", null).json()).isEqualTo(Json.parse("{\"IsAllowed\":true}"));
        assertThat(legacy.manage("DELETE", "/api/v2/webhook", "{\"targeturl\":\"http://127.0.0.1:9/old\",\"event\":\"UpdateProfile\"}").json())
                .isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertThat(code(legacy.manage("DELETE", "/api/v2/webhook", "{\"targeturl\":\"http://127.0.0.1:9/old\",\"event\":\"UpdateProfile\"}")))
                .isEqualTo(908);
    }

    @Test
    void badInputs() {
        String[][] cases = {
            {"{\"TargetUrl\":\"http://127.0.0.1:9/x\"}", "908", null},
            {"{\"Event\":\"Login\"}", "908", null},
            {"{\"Event\":\"Logn\",\"TargetUrl\":\"http://127.0.0.1:9/x\"}", "1134", "Event"},
            {"{\"Event\":\"Login\",\"TargetUrl\":\"ftp://example.com/x\"}", "1134", "TargetUrl"},
            {"{\"Event\":\"Login\",\"TargetUrl\":\"http://user:pw@example.com/x\"}", "1134", "TargetUrl"},
            {"{\"Event\":\"Login\",\"TargetUrl\":\"not a url\"}", "1134", "TargetUrl"},
            {"{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/x\",\"Headers\":{\"Signature\":\"forged\"}}", "1134", "Headers.Signature"},
            {"{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/x\",\"Headers\":{\"X-A\":\"a\\r\\nX-B: b\"}}", "1134", "Headers.X-A"},
            {"{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/x\",\"Authentication\":{\"AuthType\":\"Digest\"}}", "1134", "Authentication.AuthType"},
            {"{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/x\",\"Authentication\":{\"AuthType\":\"Basic\",\"BasicAuth\":{\"Username\":\"a:b\",\"Password\":\"p\"}}}", "1134", "Authentication.BasicAuth"},
            {"{\"Event\": 5, \"TargetUrl\":\"http://127.0.0.1:9/x\"}", "1134", "Event"},
            // Even where the operator allows private targets, a special-purpose address is no receiver.
            {"{\"Event\":\"Login\",\"TargetUrl\":\"http://0.0.0.0:9/x\"}", "1134", "TargetUrl"},
        };
        for (String[] c : cases) {
            Reply r = t.manage("POST", "/v2/manage/webhook", c[0]);
            assertThat(code(r)).as(c[0] + " → " + r.raw()).isEqualTo(Integer.parseInt(c[1]));
            assertThat(r.status()).isLessThan(500);
            if (c[2] != null) {
                assertThat(r.json().get("Errors").get(0).get("FieldName").asText()).as(c[0]).isEqualTo(c[2]);
            }
        }
        assertThat(code(t.manage("POST", "/v2/manage/webhook", "{\"Event\":"))).isEqualTo(965);
        assertThat(code(s.send("GET", "/v2/manage/webhook?apikey=" + t.apiKey(), null))).isEqualTo(923);
        assertThat(code(s.send("GET", "/v2/manage/webhook?apikey=" + t.apiKey() + "&apisecret=" + UUID.randomUUID(), null))).isEqualTo(902);
        assertThat(code(s.send("GET", "/v2/manage/webhook?apiKey=" + UUID.randomUUID() + "&apiSecret=" + t.apiSecret(), null))).isEqualTo(901);
        assertThat(code(s.send("GET", "/v2/manage/webhook", null))).isEqualTo(908);
    }

    @Test
    void privateTargetsAreRefusedUnlessTheOperatorAllowsThemSpecialOnesAlways() {
        TargetUrls strict = new TargetUrls(HostResolver.system(), new TargetAddresses(false));
        TargetUrls allowing = new TargetUrls(HostResolver.system(), new TargetAddresses(true));
        for (String url : List.of("http://127.0.0.1:8080/h", "http://10.1.2.3/h", "http://192.168.1.1/h", "http://[::1]/h",
                "http://169.254.169.254/latest", "http://100.64.0.1/h")) {
            assertThat(strict.problem(url)).as(url).contains("refused unless the operator starts Latchkey with --webhooks-allow-private-targets");
            assertThat(allowing.problem(url)).as(url).isNull();
        }
        assertThat(strict.problem("http://8.8.8.8/h")).isNull();
        assertThat(allowing.problem("http://224.0.0.1/h")).isEqualTo("The TargetUrl's host 224.0.0.1 is not allowed: "
                + "224.0.0.1 is a multicast address, which never receives webhooks.");
    }

    @Test
    void headersTheProtocolOrLatchkeyOwnAndValuesWithControlCharactersAreRefusedWhenSaved() {
        TestTenant t = s.mfaTenant(false);
        for (String name : List.of("Expect", "Upgrade", "Connection", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "TE",
                "Trailer", "Transfer-Encoding", "Host", "Content-Length", "Content-Type", "HTTP2-Settings", "signature",
                "X-Latchkey-Delivery", "User-Agent", "content-type", "EXPECT")) {
            Reply r = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/x\","
                    + "\"Headers\":{\"" + name + "\":\"100-continue\"}}");
            assertThat(code(r)).as(name + " → " + r.raw()).isEqualTo(1134);
            assertThat(r.json().get("Errors").get(0).get("FieldName").asText()).isEqualTo("Headers." + name);
        }
        for (String value : List.of("a\\u0000b", "a\\u0007", "bell\\u001b[0m", "del\\u007f", "a\\rb", "a\\nb", "caf\\u00e9", "\\u20ac")) {
            Reply r = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/x\","
                    + "\"Headers\":{\"X-Value\":\"" + value + "\"}}");
            assertThat(code(r)).as(value + " → " + r.raw()).isEqualTo(1134);
            assertThat(r.json().get("Errors").get(0).get("FieldName").asText()).isEqualTo("Headers.X-Value");
        }
        // The same name twice (names are case-insensitive), and an Authorization header beside Authentication.
        Reply twice = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/x\","
                + "\"Headers\":{\"X-Team\":\"a\",\"x-team\":\"b\"}}");
        assertThat(code(twice)).as(twice.raw()).isEqualTo(1134);
        assertThat(twice.json().get("Errors").get(0).get("FieldName").asText()).isEqualTo("Headers.x-team");
        Reply both = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/x\","
                + "\"Headers\":{\"Authorization\":\"Token t\"},\"Authentication\":{\"AuthType\":\"Bearer\",\"BearerToken\":{\"Token\":\"b\"}}}");
        assertThat(code(both)).as(both.raw()).isEqualTo(1134);
        assertThat(both.json().get("Errors").get(0).get("FieldName").asText()).isEqualTo("Headers.Authorization");
        // Also when Authentication comes later, in an update.
        Reply alone = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/x\","
                + "\"Headers\":{\"Authorization\":\"Token t\",\"X-Tab\":\"a\\tb\"}}");
        assertThat(alone.status()).as(alone.raw()).isEqualTo(200);
        Reply later = t.manage("PUT", "/v2/manage/webhook/" + alone.json().get("Id").asText(),
                "{\"Authentication\":{\"AuthType\":\"Basic\",\"BasicAuth\":{\"Username\":\"u\",\"Password\":\"p\"}}}");
        assertThat(code(later)).as(later.raw()).isEqualTo(1134);
        assertThat(later.json().get("Errors").get(0).get("FieldName").asText()).isEqualTo("Headers.Authorization");
    }

    @Test
    void anEventLatchkeyNeverSendsIsAcceptedAndFlagged() {
        TestTenant t = s.mfaTenant(false);
        // What Latchkey sends: grep outbox.enqueue (LoginFlow, Accounts, and every factor).
        List<String> sent = List.of("Login", "Register", "CreateTraditionalAccount", "UpdateProfile", "SetPassword", "ChangePassword", "ResetPassword", "EmailVerification", "BlockAccount",
                "DeleteAccount", "AddEmail", "RemoveEmail", "SetUsername", "UpdatePhoneId", "UpdateUid", "InvalidateEmailVerification", "VerifyPhoneNumber", "RemovePhoneId", "BackupCodesGenerated", "BackupCodesReset", "PasskeyAdded", "PasskeyRemoved", "AuthenticatorAdded",
                "AuthenticatorRemoved", "SmsAuthenticatorAdded", "SmsAuthenticatorRemoved", "EmailOtpAuthenticatorAdded",
                "EmailOtpAuthenticatorRemoved", "SecurityQuestionAuthenticatorAdded", "SecurityQuestionAuthenticatorRemoved");
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Webhooks.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        JsonNode all = t.manage("GET", "/v2/manage/webhook/events", null).json().get("Data");
        assertThat(all).hasSize(43);
        List<String> flaggedSent = new ArrayList<>();
        for (JsonNode event : all) {
            Reply r = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"" + event.asText() + "\",\"TargetUrl\":\"http://127.0.0.1:9/e\"}");
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            if (r.json().get("IsSentByLatchkey").asBoolean()) {
                flaggedSent.add(r.json().get("Event").asText());
            }
        }
        assertThat(flaggedSent).containsExactlyInAnyOrderElementsOf(sent);
        log.detachAppender(logged);
        List<String> warnings = logged.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).filter(m -> m.contains(t.apiKey())).toList();
        assertThat(warnings).hasSize(all.size() - sent.size());
        assertThat(warnings).anySatisfy(m -> assertThat(m).contains("subscribes to AssignRoles, an event Latchkey never sends"));
        JsonNode roles = t.manage("GET", "/v2/manage/webhook?event=AssignRoles", null).json().get("Data").get(0);
        assertThat(roles.get("IsSentByLatchkey").asBoolean()).isFalse();
        assertThat(t.manage("GET", "/v2/manage/webhook/" + roles.get("Id").asText(), null).json().get("IsSentByLatchkey").isBoolean()).isTrue();
        assertThat(t.manage("GET", "/api/v2/webhook?event=AssignRoles", null).json())
                .isEqualTo(Json.parse("{\"Count\":1,\"data\":[{\"TargetUrl\":\"http://127.0.0.1:9/e\",\"Event\":\"AssignRoles\",\"IsSentByLatchkey\":false}]}"));
    }
}

package dev.latchkey.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operators' tenant API: authorization, defaults, validation naming the field, partial updates, plan expiry. */
class AdminApiTest {
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static void assertInvalid(Reply r, int status, int code, String field) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(code);
        if (field != null) {
            assertThat(r.json().get("Errors").get(0).get("FieldName").asText()).isEqualTo(field);
        }
    }

    @Test
    void createWithTheDocumentedBodyAndReadIt() {
        Reply r = s.admin("POST", "/admin/v1/tenants", """
                {"Name": "Acme", "TwoFactorAuthentication": {"IsEnabled": true, "IsRequired": true},
                 "PassKeysConfig": {"IsEnabled": true, "RPID": "localhost", "RPDisplayName": "Acme", "RPOrigins": ["http://localhost:8080"]},
                 "Plan": {"Name": "trial", "ExpiresAt": "2099-01-01T00:00:00Z"}}""");
        assertThat(r.status()).isEqualTo(200);
        JsonNode t = r.json();
        assertThat(t.get("ApiKey").asText()).matches("[0-9a-f-]{36}");
        assertThat(t.get("ApiSecret").asText()).matches("[0-9a-f-]{36}").isNotEqualTo(t.get("ApiKey").asText());
        assertThat(t.get("Name").asText()).isEqualTo("Acme");
        assertThat(t.get("TwoFactorAuthentication")).isEqualTo(Json.parse("{\"IsEnabled\":true,\"IsRequired\":true,\"IsAuthenticator\":true,\"IsSmsOTPAuthenticator\":false,\"IsEmailOTPAuthenticator\":false,\"IsSecurityQuestionAuthenticator\":false,\"SecurityQuestionsToAnswer\":2,\"CodeLifetimeSeconds\":600,\"SmsCodesPerPhonePerHour\":5,\"SmsCodesPerAccountPerHour\":10,\"EmailCodesPerAccountPerHour\":10,\"RememberDeviceDays\":0}"));
        assertThat(t.get("PassKeysConfig")).isEqualTo(Json.parse("""
                {"IsEnabled":true,"RPID":"localhost","RPDisplayName":"Acme","RPOrigins":["http://localhost:8080"],"UserVerification":"preferred"}"""));
        assertThat(t.get("Plan")).isEqualTo(Json.parse("{\"Name\":\"trial\",\"ExpiresAt\":\"2099-01-01T00:00:00Z\"}"));
        assertThat(t.get("Security")).isEqualTo(Json.parse("""
                {"MaxPasswordAttempts":5,"MaxSecondFactorAttemptsPerToken":5,"MaxSecondFactorAttempts":10,"LockoutSeconds":900,
                 "MaxFailedLoginsPerAddress":100,"AddressWindowSeconds":900,"SecondFactorProofMaxAgeSeconds":900,"PasswordMinLength":12,
                 "AllowedUrls":[],"PasswordResetTokenSeconds":3600,"ForgotPasswordRevealsUnknown":false,"RefuseBreachedPasswords":true,"HostedSignUp":false,"AvailabilityChecks":true,
                 "DeleteAccountTokenSeconds":259200}"""));
        Reply got = s.admin("GET", "/admin/v1/tenants/" + t.get("ApiKey").asText().toUpperCase(), null);
        assertThat(got.status()).isEqualTo(200);
        JsonNode gotView = ((com.fasterxml.jackson.databind.node.ObjectNode) got.json().deepCopy()).without("ModifiedDate");
        JsonNode createdView = ((com.fasterxml.jackson.databind.node.ObjectNode) t.deepCopy()).without("ModifiedDate");
        assertThat(gotView).isEqualTo(createdView);
    }

    @Test
    void everyFieldIsOptionalWithSensibleDefaults() {
        Reply r = s.admin("POST", "/admin/v1/tenants", "{}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("TwoFactorAuthentication")).isEqualTo(Json.parse("{\"IsEnabled\":false,\"IsRequired\":false,\"IsAuthenticator\":true,\"IsSmsOTPAuthenticator\":false,\"IsEmailOTPAuthenticator\":false,\"IsSecurityQuestionAuthenticator\":false,\"SecurityQuestionsToAnswer\":2,\"CodeLifetimeSeconds\":600,\"SmsCodesPerPhonePerHour\":5,\"SmsCodesPerAccountPerHour\":10,\"EmailCodesPerAccountPerHour\":10,\"RememberDeviceDays\":0}"));
        assertThat(r.json().get("Plan")).isEqualTo(Json.parse("{\"Name\":null,\"ExpiresAt\":null}"));
        assertThat(r.json().get("Tokens")).isEqualTo(Json.parse(
                "{\"AccessTokenLifetimeSeconds\":3600,\"RefreshTokenLifetimeSeconds\":5184000,\"SecondFactorTokenLifetimeSeconds\":600,"
                        + "\"LogoutEndsRefreshToken\":false}"));
        assertThat(r.json().get("Identifiers")).isEqualTo(Json.parse("{\"AllowMixedScripts\":false}"));
        assertThat(r.json().get("Webhooks")).isEqualTo(Json.parse("{\"UnsuppressibleEvents\":[]}"));
        Reply empty = s.send("POST", "/admin/v1/tenants", null, "Authorization", "Bearer " + TestServer.ADMIN_KEY);
        assertThat(empty.status()).isEqualTo(200);
    }

    @Test
    void adminKeyIsRequired() {
        for (String[] headers : new String[][] {{}, {"Authorization", "Bearer wrong"}, {"Authorization", "Basic " + TestServer.ADMIN_KEY},
                {"Authorization", "Bearer "}}) {
            Reply r = s.send("POST", "/admin/v1/tenants", "{}", headers);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json()).isEqualTo(Json.parse("""
                    {"Description":"Access Unauthorized, please use valid authorization to access this endpoint.","ErrorCode":6002,
                     "Message":"Access Unauthorized","IsProviderError":false,"ProviderErrorResponse":null}"""));
        }
        assertThat(s.send("GET", "/admin/v1/tenants/" + java.util.UUID.randomUUID(), null).status()).isEqualTo(401);
    }

    @Test
    void unknownOrIllTypedFieldsAre400NamingTheField() {
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"Nmae\":\"typo\"}"), 400, 1134, "Nmae");
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"TwoFactorAuthentication\":{\"IsEnabeld\":true}}"), 400, 1134, "TwoFactorAuthentication.IsEnabeld");
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"TwoFactorAuthentication\":{\"IsEnabled\":\"yes\"}}"), 400, 1134, "TwoFactorAuthentication.IsEnabled");
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"TwoFactorAuthentication\":true}"), 400, 1134, "TwoFactorAuthentication");
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"Plan\":{\"ExpiresAt\":\"tomorrow\"}}"), 400, 1134, "Plan.ExpiresAt");
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"PassKeysConfig\":{\"RPOrigins\":\"http://x\"}}"), 400, 1134, "PassKeysConfig.RPOrigins");
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"Security\":{\"LockoutSeconds\":0}}"), 400, 1134, "Security.LockoutSeconds");
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"Name\":7}"), 400, 1134, "Name");
        assertInvalid(s.admin("POST", "/admin/v1/tenants", "{\"Name\":"), 400, 965, null);
        assertInvalid(s.admin("PATCH", "/admin/v1/tenants/" + s.mfaTenant(false).apiKey(), "[]"), 400, 1079, null);
        Reply r = s.admin("POST", "/admin/v1/tenants", "{\"Nmae\":\"typo\"}");
        assertThat(r.json().get("Errors").get(0).get("ErrorMessage").asText()).isEqualTo("Unknown field 'Nmae'.");
    }

    @Test
    void patchChangesOnlyWhatItNames() {
        Reply created = s.admin("POST", "/admin/v1/tenants", "{\"Name\":\"P\",\"TwoFactorAuthentication\":{\"IsEnabled\":true}}");
        String key = created.text("ApiKey");
        Reply patched = s.admin("PATCH", "/admin/v1/tenants/" + key, "{\"twofactorauthentication\":{\"isrequired\":true}}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("TwoFactorAuthentication")).isEqualTo(Json.parse("{\"IsEnabled\":true,\"IsRequired\":true,\"IsAuthenticator\":true,\"IsSmsOTPAuthenticator\":false,\"IsEmailOTPAuthenticator\":false,\"IsSecurityQuestionAuthenticator\":false,\"SecurityQuestionsToAnswer\":2,\"CodeLifetimeSeconds\":600,\"SmsCodesPerPhonePerHour\":5,\"SmsCodesPerAccountPerHour\":10,\"EmailCodesPerAccountPerHour\":10,\"RememberDeviceDays\":0}"));
        assertThat(patched.text("Name")).isEqualTo("P");
        assertThat(patched.text("ApiSecret")).isEqualTo(created.text("ApiSecret"));
        // A rejected patch changes nothing.
        assertInvalid(s.admin("PATCH", "/admin/v1/tenants/" + key, "{\"Name\":\"Q\",\"Plan\":{\"ExpiresAt\":5}}"), 400, 1134, "Plan.ExpiresAt");
        assertThat(s.admin("GET", "/admin/v1/tenants/" + key, null).text("Name")).isEqualTo("P");
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + java.util.UUID.randomUUID(), "{}").status()).isEqualTo(404);
        assertThat(s.admin("GET", "/admin/v1/tenants/not-a-key", null).status()).isEqualTo(404);
    }

    @Test
    void anExpiredPlanClosesEveryTenantEndpointUntilExtended() {
        TestServer.TestTenant t = s.mfaTenant(false);
        String uid = t.account("plan@example.com", "plan-password");
        s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"Plan\":{\"Name\":\"trial\",\"ExpiresAt\":\"2020-01-01T00:00:00Z\"}}");
        Reply login = t.login("plan@example.com", "plan-password");
        assertThat(login.status()).isEqualTo(403);
        assertThat(login.json()).isEqualTo(Json.parse("""
                {"Description":"The trial plan has expired. To continue using the service, please contact support.","ErrorCode":6003,
                 "Message":"Trial plan expired","IsProviderError":false,"ProviderErrorResponse":null}"""));
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("ErrorCode").asInt()).isEqualTo(6003);
        s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"Plan\":{\"ExpiresAt\":null}}");
        assertThat(t.login("plan@example.com", "plan-password").status()).isEqualTo(200);
    }

    @Test
    void healthAndUnexpectedFailures() {
        assertThat(s.get("/health/ready").json()).isEqualTo(Json.parse("{\"Status\":\"ready\"}"));
        // Break the store under a running node: the client sees 7909 and a correlation id, never a stack trace.
        try (TestServer broken = new TestServer(Backend.H2)) {
            TestServer.TestTenant t = broken.mfaTenant(false);
            String uid = t.account("broken@example.com", "broken-password");
            broken.server.jdbi().useHandle(h -> h.execute("DROP TABLE backup_codes"));
            Reply r = t.manage("GET", "/identity/v2/manage/account/2fa/backupcode?uid=" + uid, null);
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.json()).isEqualTo(Json.parse("""
                    {"Description":"An unknown internal error occurred, please try again in a few minutes or contact your system administrator.",
                     "ErrorCode":7909,"Message":"Operation failed due to an internal error.","IsProviderError":false,"ProviderErrorResponse":null}"""));
            assertThat(r.raw()).doesNotContain("Exception").doesNotContain("backup_codes");
        }
    }
}

package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.json.Json;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A new password found in the bundled list of common breached passwords is refused with LoginRadius's 1315 wherever a
 * password is set: sign-up, the Management API's create and set, the user's change. A tenant may turn the check off
 * ({@code Security.RefuseBreachedPasswords}). Runs on H2 and PostgreSQL.
 */
abstract class BreachedPasswordContract extends ServerContract {
    /** Listed, and 12 characters: long enough for the default policy, so only the list refuses it. */
    private static final String BREACHED = "password1234";
    private static final String PASSWORD = "correct horse 1";
    private static final String REFUSED = """
            {"Description":"The specific password you’re setting is found in a data breach unrelated to this app/service. Please set a different password.",
             "ErrorCode":1315,"Message":"The password you’re trying to set is exposed in an external data breach",
             "IsProviderError":false,"ProviderErrorResponse":null}""";

    private static String email() {
        return "breach." + UUID.randomUUID() + "@example.com";
    }

    private static String profile(String email, String password) {
        return "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"" + password + "\",\"FirstName\":\"Ann\"}";
    }

    private Reply register(TestTenant t, String email, String password) {
        Reply sott = t.manage("GET", "/identity/v2/manage/account/sott?timedifference=10", null);
        assertThat(sott.status()).as(sott.raw()).isEqualTo(200);
        return s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey(), profile(email, password), "Content-Type", "application/json",
                "X-LoginRadius-Sott", sott.text("Sott"));
    }

    private static Reply create(TestTenant t, String email, String password) {
        return t.manage("POST", "/identity/v2/manage/account", profile(email, password));
    }

    private static Reply set(TestTenant t, String uid, String password) {
        return t.manage("PUT", "/identity/v2/manage/account/" + uid + "/password", "{\"password\":\"" + password + "\"}");
    }

    private Reply change(TestTenant t, String access, String old, String next) {
        return s.send("PUT", "/identity/v2/auth/password/change?apikey=" + t.apiKey(), "{\"oldPassword\":\"" + old + "\",\"newPassword\":\""
                + next + "\"}", "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    private static void assertRefused(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(403);
        assertThat(r.json()).isEqualTo(Json.parse(REFUSED));
    }

    private static void assertOk(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }

    @Test
    void signUpRefusesABreachedPasswordInAnyCase() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        String email = email();
        assertRefused(register(t, email, BREACHED));
        assertRefused(register(t, email, "PassWord1234"));
        // Nothing was made: the same email signs up with a password that is not listed.
        assertOk(register(t, email, PASSWORD));
    }

    @Test
    void theManagementApiRefusesOneAtCreateAndAtSet() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        String email = email();
        assertRefused(create(t, email, BREACHED));
        String uid = t.account(email, PASSWORD); // the refused create made nothing
        assertRefused(set(t, uid, BREACHED));
        assertOk(t.login(email, PASSWORD));
        assertThat(t.login(email, BREACHED).json().get("ErrorCode").asInt()).isEqualTo(966);
    }

    @Test
    void theUserCannotChangeToOneAndNothingEnds() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        String email = email();
        t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        assertRefused(change(t, access, PASSWORD, BREACHED));
        // The password is unchanged and the session goes on (a new password ends every session; none was set).
        assertOk(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access));
        assertOk(t.login(email, PASSWORD));
    }

    @Test
    void aListedPasswordUnderTheMinimumLengthIsTooShortFirst() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        Reply r = create(t, email(), "password"); // listed, and 8 characters of the 12 the tenant asks
        assertThat(r.status()).as(r.raw()).isEqualTo(403);
        assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(1134);
    }

    @Test
    void aTenantThatTurnsTheCheckOffAcceptsThem() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        Reply patched = s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"Security\":{\"RefuseBreachedPasswords\":false}}");
        assertOk(patched);
        assertThat(patched.json().get("Security").get("RefuseBreachedPasswords").asBoolean()).isFalse();
        assertOk(register(t, email(), BREACHED));
        String email = email();
        Reply created = create(t, email, BREACHED);
        assertOk(created);
        String uid = created.text("Uid");
        assertOk(set(t, uid, BREACHED));
        String access = t.login(email, BREACHED).text("access_token");
        assertOk(change(t, access, BREACHED, "qwertyuiop12")); // listed too
        assertOk(t.login(email, "qwertyuiop12"));
        // The setting is the tenant's: another, left at the default, still refuses.
        assertRefused(create(s.tenant("{\"Name\":\"Other\"}"), email(), BREACHED));
    }

    @Test
    void aListedPasswordSetBeforeIsFlaggedAtLoginUntilTheNextPassword() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"RefuseBreachedPasswords\":false}}");
        String email = email();
        String uid = create(t, email, BREACHED).text("Uid");
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("IsPasswordBreached").asBoolean()).isFalse();
        Reply login = t.login(email, BREACHED);
        assertOk(login);
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("IsPasswordBreached").asBoolean()).isTrue();
        assertThat(t.login(email, BREACHED).json().get("Profile").get("IsPasswordBreached").asBoolean()).isTrue();
        assertOk(change(t, login.text("access_token"), BREACHED, PASSWORD));
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("IsPasswordBreached").asBoolean()).isFalse();
        assertOk(t.login(email, PASSWORD));
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("IsPasswordBreached").asBoolean()).isFalse();
    }
}

package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.json.Json;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Management API's account lookups, {@code GET /identity/v2/manage/account?email=|username=|phone=}: the bare profile
 * as {@code GET /identity/v2/manage/account/{uid}} renders it, the identifier compared as the login compares it.
 */
abstract class ManageAccountLookupContract extends ServerContract {
    private static final String PATH = "/identity/v2/manage/account";
    TestTenant t;
    TestTenant other;
    String uid;

    @BeforeAll
    void seed() {
        t = s.mfaTenant(false);
        other = s.mfaTenant(false);
        Reply created = t.manage("POST", PATH, """
                {"Email":[{"Type":"Primary","Value":"Ann+Lookup@Example.com"}],"UserName":"Ann.Lookup","PhoneId":"+1 (500) 555-0006",
                 "Password":"lookup-password","FirstName":"Ann"}""");
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        uid = created.text("Uid");
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void byEmailUsernameOrPhoneAnswersTheProfileAsByUid() {
        Reply byUid = t.manage("GET", PATH + "/" + uid, null);
        assertThat(byUid.status()).isEqualTo(200);
        for (String query : new String[] {"email=" + encoded("Ann+Lookup@Example.com"), "email=ann%2Blookup@example.com",
                "Email=" + encoded(" ANN+LOOKUP@EXAMPLE.COM "), "username=ann.lookup", "userName=ANN.LOOKUP",
                "phone=" + encoded("+15005550006"), "phone=" + encoded("+1 (500) 555-0006"), "phone=" + encoded("+1-500-555-0006")}) {
            Reply r = t.manage("GET", PATH + "?" + query, null);
            assertThat(r.status()).as(query + " → " + r.raw()).isEqualTo(200);
            assertThat(r.json()).as(query).isEqualTo(byUid.json());
        }
    }

    @Test
    void aPlusSentUnencodedIsKept() {
        // The Java SDK does not URL-encode its query: the '+' of an email tag or a phone's country code arrives raw.
        assertThat(t.manage("GET", PATH + "?email=ann+lookup@example.com", null).text("Uid")).isEqualTo(uid);
        assertThat(t.manage("GET", PATH + "?phone=+15005550006", null).text("Uid")).isEqualTo(uid);
    }

    @Test
    void fieldsProjectTheProfile() {
        Reply r = t.manage("GET", PATH + "?username=ann.lookup&fields=Uid,FirstName", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Json.parse("{\"Uid\":\"" + uid + "\",\"FirstName\":\"Ann\"}"));
    }

    @Test
    void theLoginAndTheLookupCompareIdentifiersAlike() {
        Reply login = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(),
                "{\"phone\":\"+1 500 555 0006\",\"password\":\"lookup-password\"}", "Content-Type", "application/json");
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(t.manage("GET", PATH + "?phone=" + encoded("+1 500 555 0006"), null).text("Uid")).isEqualTo(uid);
    }

    @Test
    void noIdentifierIs908AndAnUnknownOneIs938() {
        for (String query : new String[] {"", "?email=", "?username=%20", "?fields=Uid"}) {
            Reply r = t.manage("GET", PATH + query, null);
            assertThat(r.status()).as(query).isEqualTo(403);
            assertThat(r.json()).as(query).isEqualTo(Json.parse("""
                    {"Description":"The email, username or phone is a required parameter.","ErrorCode":908,
                     "Message":"A parameter is not formatted correctly","IsProviderError":false,"ProviderErrorResponse":null}"""));
        }
        for (String query : new String[] {"?email=nobody@example.com", "?username=nobody", "?phone=%2B15005550007"}) {
            Reply r = t.manage("GET", PATH + query, null);
            assertThat(r.status()).as(query).isEqualTo(403);
            assertThat(r.json()).as(query).isEqualTo(Json.parse("""
                    {"Description":"The user's account does not exist, please use a valid user or create the user before processing this request.",
                     "ErrorCode":938,"Message":"User does not exist","IsProviderError":false,"ProviderErrorResponse":null}"""));
        }
        // Another tenant's account is not found.
        assertThat(other.manage("GET", PATH + "?email=ann%2Blookup@example.com", null).json().get("ErrorCode").asInt()).isEqualTo(938);
    }
}

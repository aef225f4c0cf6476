package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import org.junit.jupiter.api.Test;

/**
 * Identifiers that look the same are the same, or are refused: Unicode compatibility forms (full-width, the Kelvin sign),
 * decomposed accents, invisible joiners, another script's look-alike letters, dotless i and a trailing dot in the domain
 * never make a second account beside an existing one. Policy: NFKC_Casefold for comparison; invisible and control
 * characters refused; mixed scripts refused unless the tenant allows them; UTS #39 confusables of an existing
 * non-ASCII or ASCII identifier refused as taken.
 */
abstract class IdentifierContract extends ServerContract {
    private static int code(Reply r) {
        return r.json() == null ? 0 : r.json().path("ErrorCode").asInt(0);
    }

    private static Reply create(TestTenant t, String email) {
        return t.manage("POST", "/identity/v2/manage/account",
                "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"identifier-password\"}");
    }

    @Test
    void variantsOfAnExistingEmailNeverMakeASecondAccount() {
        TestTenant t = s.mfaTenant(false);
        assertThat(create(t, "kate.smith@example.com").status()).isEqualTo(200);
        assertThat(create(t, "rené@example.com").status()).isEqualTo(200);
        String[][] taken = {
                {"full-width", "\uff4b\uff41\uff54\uff45.smith@example.com"},
                {"decomposed accent (NFD)", "rene\u0301@example.com"},
                {"dotless i", "kate.sm\u0131th@example.com"},
                {"trailing dot", "kate.smith@example.com."},
                {"upper case", "Kate.Smith@EXAMPLE.com"}};
        for (String[] v : taken) {
            Reply r = create(t, v[1]);
            assertThat(r.status()).as(v[0] + ": " + r.raw()).isEqualTo(403);
            assertThat(code(r)).as(v[0]).isEqualTo(936);
        }
        String[][] refused = {
                {"zero-width joiner", "kate\u200d.smith@example.com"},
                {"Cyrillic a among Latin letters", "k\u0430te.smith@example.com"},
                {"right-to-left override", "kate\u202e.smith@example.com"}};
        for (String[] v : refused) {
            Reply r = create(t, v[1]);
            assertThat(r.status()).as(v[0] + ": " + r.raw()).isEqualTo(403);
            assertThat(code(r)).as(v[0]).isEqualTo(1134);
            assertThat(r.json().path("Errors").path(0).path("FieldName").asText()).as(v[0]).isEqualTo("Email");
        }
        // Real non-ASCII addresses are welcome: one script per part, nothing invisible, like no existing one.
        assertThat(create(t, "анна@example.com").status()).isEqualTo(200);
        assertThat(create(t, "josé@exämple.com").status()).isEqualTo(200);
    }

    @Test
    void aLoginComparesTheWayRegistrationDoes() {
        TestTenant t = s.mfaTenant(false);
        assertThat(create(t, "rené@example.com").status()).isEqualTo(200);
        for (String variant : new String[] {"RENÉ@example.com", "rene\u0301@example.com", "\uff52\uff45\uff4e\u00e9@example.com",
                "rené@example.com.", "rené@EXAMPLE.COM"}) {
            assertThat(t.login(variant, "identifier-password").status()).as(variant).isEqualTo(200);
        }
        // A look-alike that is not the same letter does not log in.
        assertThat(code(t.login("ren\u0435@example.com", "identifier-password"))).isEqualTo(966);
    }

    @Test
    void theKelvinSignIsTheLetterKAndAUsernameLookAlikeIsTaken() {
        TestTenant t = s.mfaTenant(false);
        assertThat(t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"kate\",\"Password\":\"identifier-password\"}").status())
                .isEqualTo(200);
        // NFKC maps the Kelvin sign to K: it is the same username (documented), so it is taken and it logs in as kate.
        assertThat(code(t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"\u212aate\"}"))).isEqualTo(1017);
        assertThat(code(t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"k\u0430te\"}"))).isEqualTo(1134);
        assertThat(code(t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"kat\u0435\"}"))).isEqualTo(1134);
    }

    @Test
    void aTenantMayAllowMixedScriptsButNotLookAlikes() {
        TestTenant t = s.tenant("{\"Identifiers\":{\"AllowMixedScripts\":true}}");
        assertThat(create(t, "kate@example.com").status()).isEqualTo(200);
        assertThat(code(create(t, "k\u0430te@example.com"))).isEqualTo(936);
        assertThat(create(t, "k\u0430tya@example.com").status()).isEqualTo(200);
        // Invisible characters stay refused.
        assertThat(code(create(t, "ka\u200dtya@example.com"))).isEqualTo(1134);
    }

    @Test
    void anUpdateFollowsTheSamePolicy() {
        TestTenant t = s.mfaTenant(false);
        assertThat(create(t, "first@example.com").status()).isEqualTo(200);
        String uid = create(t, "second@example.com").text("Uid");
        Reply r = t.manage("PUT", "/identity/v2/manage/account/" + uid,
                "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"f\u0131rst@example.com\"}]}");
        assertThat(code(r)).isEqualTo(936);
        // Its own address, written another way, is still its own.
        assertThat(t.manage("PUT", "/identity/v2/manage/account/" + uid,
                "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"SECOND@example.com\"}]}").status()).isEqualTo(200);
    }
}

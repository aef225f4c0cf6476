package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import org.junit.jupiter.api.Test;

/**
 * Passwords as ASVS 4.0.3 2.1 asks: at least 12 characters by default (a tenant may go down to LoginRadius's 6), up to
 * 128 (64 and more accepted, more than 128 refused), any printable Unicode, no composition rule, never truncated.
 */
class PasswordPolicyTest {
    private static Reply create(TestTenant t, String name, String password) {
        return t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"" + name + "\",\"Password\":\"" + password + "\"}");
    }

    @Test
    void lengthsAndCharacters() {
        try (TestServer s = new TestServer(Backend.H2)) {
            TestTenant t = s.mfaTenant(false);
            Reply short11 = create(t, "eleven", "abcdefghijk");
            assertThat(short11.status()).isEqualTo(403);
            assertThat(short11.json().path("Errors").path(0).path("ErrorMessage").asText()).isEqualTo("The Password must be 12 to 128 characters long.");
            assertThat(create(t, "twelve", "abcdefghijkz").status()).isEqualTo(200); // "abcdefghijkl" is a breached one (1315)
            assertThat(create(t, "long128", "p".repeat(128)).status()).isEqualTo(200);
            assertThat(create(t, "long129", "p".repeat(129)).json().path("ErrorCode").asInt()).isEqualTo(1134);
            // Spaces, emoji, other scripts: all fine, and every character counts (no truncation).
            assertThat(create(t, "unicode", "correct horse 🐴 батарея").status()).isEqualTo(200);
            assertThat(t.login("x@example.com", "unused-password-1").status()).isEqualTo(401);
            String email = "full@example.com";
            t.account(email, "a".repeat(100) + "b");
            assertThat(t.login(email, "a".repeat(100) + "c").status()).isEqualTo(401);
            assertThat(t.login(email, "a".repeat(100) + "b").status()).isEqualTo(200);

            TestTenant legacy = s.tenant("{\"Security\":{\"PasswordMinLength\":6}}");
            assertThat(create(legacy, "six", "abcdez").status()).isEqualTo(200); // "abcdef" is a breached one
            assertThat(create(legacy, "five", "abcde").json().path("ErrorCode").asInt()).isEqualTo(1134);
        }
    }
}

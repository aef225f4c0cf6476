package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import org.junit.jupiter.api.Test;

/**
 * A hash made with older (weaker) parameters, or before the server's pepper, is replaced by one with today's at the next
 * successful login.
 */
class PasswordUpgradeTest {
    @Test
    void hashParametersAreUpgradedOnLogin() {
        try (TestServer s = new TestServer(Backend.H2)) {
            TestServer.TestTenant t = s.mfaTenant(false);
            String uid = t.account("old@example.com", "old-password");
            String weak = new PasswordHasher(new PasswordHasher.Params(1024, 1, 1)).hash("old-password");
            s.server.jdbi().useHandle(h -> h.createUpdate("UPDATE accounts SET password_hash = :h WHERE uid = :u")
                    .bind("h", weak).bind("u", uid).execute());
            assertThat(t.login("old@example.com", "wrong-password").status()).isEqualTo(401);
            assertThat(stored(s, uid)).isEqualTo(weak);
            assertThat(t.login("old@example.com", "old-password").status()).isEqualTo(200);
            assertThat(stored(s, uid)).startsWith("$argon2id$v=19$m=19456,t=2,p=1,keyid=1$");
            assertThat(t.login("old@example.com", "old-password").status()).isEqualTo(200);
        }
    }

    private static String stored(TestServer s, String uid) {
        return s.server.jdbi().withHandle(h -> h.createQuery("SELECT password_hash FROM accounts WHERE uid = :u")
                .bind("u", uid).mapTo(String.class).one());
    }
}

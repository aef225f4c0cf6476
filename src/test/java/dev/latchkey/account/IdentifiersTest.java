package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The comparison key, the registration policy and the look-alike test, case by case. */
class IdentifiersTest {
    @Test
    void keysFoldCompatibilityFormsCaseAccentsAndTheDomain() {
        assertThat(Identifiers.key("email", " Kate.Smith@EXAMPLE.com ")).isEqualTo("kate.smith@example.com");
        assertThat(Identifiers.key("email", "\uff4b\uff41\uff54\uff45@example.com")).isEqualTo("kate@example.com");
        assertThat(Identifiers.key("email", "rene\u0301@example.com")).isEqualTo(Identifiers.key("email", "rené@example.com"));
        assertThat(Identifiers.key("email", "kate@example.com.")).isEqualTo("kate@example.com");
        assertThat(Identifiers.key("email", "josé@exämple.com")).isEqualTo("josé@xn--exmple-cua.com");
        assertThat(Identifiers.key("email", "josé@XN--EXMPLE-CUA.com")).isEqualTo("josé@xn--exmple-cua.com");
        assertThat(Identifiers.key("username", "\u212aate")).isEqualTo("kate");
        assertThat(Identifiers.key("username", "Straße")).isEqualTo("strasse");
        assertThat(Identifiers.key("phone", "+1 (555) ０１２-3456")).isEqualTo("+15550123456");
        assertThat(Identifiers.key("username", "kate\u200d")).isEqualTo("kate"); // ignorable: a login with it finds kate
    }

    @Test
    void registrationRefusesInvisibleCharactersAndMixedScripts() {
        assertThat(Identifiers.problem("email", "kate@example.com", false)).isNull();
        assertThat(Identifiers.problem("email", "анна@example.com", false)).isNull();
        assertThat(Identifiers.problem("email", "たなか@example.jp", false)).isNull();
        assertThat(Identifiers.problem("username", "kate\u200d", false)).contains("invisible");
        assertThat(Identifiers.problem("username", "ka\u202ete", false)).contains("invisible");
        assertThat(Identifiers.problem("username", "k\u0430te", false)).contains("scripts");
        assertThat(Identifiers.problem("username", "k\u0430te", true)).isNull();
        assertThat(Identifiers.problem("email", "kate@ex\u0430mple.com", false)).contains("scripts");
        assertThat(Identifiers.problem("phone", "+15550123456", false)).isNull();
    }

    @Test
    void lookAlikesShareASkeletonAndOnlyNonAsciiOnesCount() {
        assertThat(Identifiers.skeleton("k\u0131te")).isEqualTo(Identifiers.skeleton("kite"));
        assertThat(Identifiers.skeleton("\u0440\u0430\u0443\u0440\u0430l")).isEqualTo(Identifiers.skeleton("paypal"));
        assertThat(Identifiers.confusable("k\u0131te", "kite")).isTrue();
        assertThat(Identifiers.confusable("bob1", "bobl")).isFalse(); // both plain ASCII: compared exactly
        assertThat(Identifiers.confusable("kite", "kite")).isFalse();
    }
}

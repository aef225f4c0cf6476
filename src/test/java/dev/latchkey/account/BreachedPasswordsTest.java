package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The bundled list of common breached passwords: entries of at least 12 characters (the default minimum, so these are
 * what a default tenant would otherwise accept), found whatever their case; passwords not in it pass.
 */
class BreachedPasswordsTest {
    @Test
    void commonPasswordsOfTwelveCharactersOrMoreAreListed() {
        assertThat(BreachedPasswords.contains("password1234")).isTrue();
        assertThat(BreachedPasswords.contains("qwertyuiop12")).isTrue();
        assertThat(BreachedPasswords.contains("1qaz2wsx3edc")).isTrue();
        assertThat(BreachedPasswords.contains("administrator")).isTrue();
        assertThat(BreachedPasswords.contains("correct horse battery staple")).isTrue();
        // The first and the last entries, so a sorting or reading slip at either end shows.
        assertThat(BreachedPasswords.contains("123456")).isTrue();
        assertThat(BreachedPasswords.contains("070162")).isTrue();
    }

    @Test
    void caseIsIgnoredBothWays() {
        assertThat(BreachedPasswords.contains("Password1234")).isTrue();
        assertThat(BreachedPasswords.contains("PASSWORD1234")).isTrue();
        assertThat(BreachedPasswords.contains("QwertyUiop12")).isTrue();
        // Listed with capitals ("Mailcreated5240"): found in any case too.
        assertThat(BreachedPasswords.contains("Mailcreated5240")).isTrue();
        assertThat(BreachedPasswords.contains("mailcreated5240")).isTrue();
    }

    @Test
    void otherPasswordsAreNotListed() {
        assertThat(BreachedPasswords.contains("tX9#vQ2!mL7$wR4k")).isFalse();
        assertThat(BreachedPasswords.contains("correct horse 1")).isFalse();
        // Near misses: a listed password with one character more, less or changed.
        assertThat(BreachedPasswords.contains("password12345")).isFalse();
        assertThat(BreachedPasswords.contains("password123")).isTrue();
        assertThat(BreachedPasswords.contains("password1235")).isFalse();
        assertThat(BreachedPasswords.contains("")).isFalse();
        assertThat(BreachedPasswords.contains("пароль-не-в-списке")).isFalse();
    }

    @Test
    void listedPasswordsJoinedByLineFeedsAreNotListed() {
        // The entries lie end to end, each ended by a line feed: without a guard, these three in a row, joined by line
        // feeds, matched the first one's place in the table (found by trying every run of two and three entries).
        assertThat(BreachedPasswords.contains("nastay")).isTrue();
        assertThat(BreachedPasswords.contains("nastay\nnasir\nnascar48")).isFalse();
        assertThat(BreachedPasswords.contains("password\n")).isFalse();
        assertThat(BreachedPasswords.contains("\n")).isFalse();
    }

    @Test
    void theWholeFileIsRead() {
        // 100,001 lines of passwords, 96,519 once lower-cased ("Password" and "password" are one entry).
        assertThat(BreachedPasswords.size()).isEqualTo(96_519);
    }

    @Test
    void everyLineOfTheFileIsFoundAsWrittenAndInCapitals() throws Exception {
        int checked = 0;
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                BreachedPasswords.class.getResourceAsStream("/breached-passwords.txt"), java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    assertThat(BreachedPasswords.contains(line)).as(line).isTrue();
                    assertThat(BreachedPasswords.contains(line.toUpperCase(java.util.Locale.ROOT))).as(line).isTrue();
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(100_001);
    }
}

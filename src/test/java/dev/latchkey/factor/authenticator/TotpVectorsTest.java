package dev.latchkey.factor.authenticator;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import dev.latchkey.support.AuthenticatorDevice;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The test-side TOTP library is first checked against RFC 6238's own test vectors (Appendix B, SHA-1, 8 digits), then the
 * server's implementation against the library for many secrets and times: the tests compute codes the way an app does.
 */
class TotpVectorsTest {
    private static final SecretKeySpec RFC_KEY = new SecretKeySpec("12345678901234567890".getBytes(StandardCharsets.US_ASCII), "HmacSHA1");

    @ParameterizedTest
    @CsvSource({"59, 94287082", "1111111109, 07081804", "1111111111, 14050471", "1234567890, 89005924", "2000000000, 69279037",
            "20000000000, 65353130"})
    void theLibraryGivesRfc6238sCodes(long seconds, String expected) throws Exception {
        TimeBasedOneTimePasswordGenerator eight = new TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30), 8, "HmacSHA1");
        assertThat(String.format("%08d", eight.generateOneTimePassword(RFC_KEY, Instant.ofEpochSecond(seconds)))).isEqualTo(expected);
    }

    @Test
    void theServerComputesTheSameCodesAsTheLibrary() {
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[Totp.SECRET_BYTES];
            new java.util.Random(i).nextBytes(key);
            String secret = Totp.base32(key);
            assertThat(new Base32().encodeAsString(key).replace("=", "")).isEqualTo(secret);
            assertThat(Totp.fromBase32(secret)).isEqualTo(key);
            AuthenticatorDevice app = new AuthenticatorDevice(secret);
            Instant when = Instant.ofEpochSecond(1_700_000_000L + i * 7919L);
            assertThat(Totp.code(key, Totp.step(when.toEpochMilli()))).isEqualTo(app.code(when));
        }
    }

    @Test
    void aCodeIsAcceptedForItsStepAndOneEitherSide() {
        byte[] key = Totp.fromBase32("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
        AuthenticatorDevice app = new AuthenticatorDevice("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
        Instant now = Instant.ofEpochSecond(1_800_000_015L);
        long step = Totp.step(now.toEpochMilli());
        assertThat(Totp.matchingStep(key, app.code(now), now.toEpochMilli())).hasValue(step);
        assertThat(Totp.matchingStep(key, app.code(now, -1), now.toEpochMilli())).hasValue(step - 1);
        assertThat(Totp.matchingStep(key, app.code(now, 1), now.toEpochMilli())).hasValue(step + 1);
        assertThat(Totp.matchingStep(key, app.code(now, -2), now.toEpochMilli())).isEmpty();
        assertThat(Totp.matchingStep(key, app.code(now, 2), now.toEpochMilli())).isEmpty();
        assertThat(Totp.matchingStep(key, "12345", now.toEpochMilli())).isEmpty();
        assertThat(Totp.matchingStep(key, "１２３４５６", now.toEpochMilli())).isEmpty();
    }
}

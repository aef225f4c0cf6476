package dev.latchkey.support;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * An authenticator app for tests: holds the secret a user would type from {@code ManualEntryCode} and computes codes with
 * an independent RFC 6238 implementation (java-otp, checked against the RFC's vectors in {@code TotpVectorsTest}), never
 * with the server's own code.
 */
public final class AuthenticatorDevice {
    private final SecretKeySpec key;
    private final TimeBasedOneTimePasswordGenerator totp = new TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30), 6, "HmacSHA1");

    public AuthenticatorDevice(String manualEntryCode) {
        this.key = new SecretKeySpec(new Base32().decode(manualEntryCode), "HmacSHA1");
    }

    /** The code the app shows at {@code when}. */
    public String code(Instant when) {
        try {
            return String.format("%06d", totp.generateOneTimePassword(key, when));
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The code of the 30-second step {@code steps} away from the one {@code when} falls in. */
    public String code(Instant when, int steps) {
        return code(when.plusSeconds(30L * steps));
    }
}

package dev.latchkey.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Secrets in a tenant export (factor secrets, the API secret, delivery credentials, the hashing keys), sealed under a
 * passphrase the operator gives: AES-256-GCM under a key derived with PBKDF2-HMAC-SHA256 (600,000 iterations, OWASP's
 * figure) from the passphrase and the export's random salt. Each sealed value is {@code base64(nonce ‖ ciphertext)}.
 */
public final class PassphraseSeal {
    public static final int ITERATIONS = 600_000;
    public static final int MIN_PASSPHRASE = 12;
    private final SecretKeySpec key;

    private PassphraseSeal(SecretKeySpec key) {
        this.key = key;
    }

    /** The key for {@code passphrase} and {@code salt} (16 bytes; each export makes its own). About 0.3 s of one core. */
    public static PassphraseSeal derive(String passphrase, byte[] salt, int iterations) {
        if (passphrase == null || passphrase.length() < MIN_PASSPHRASE) {
            throw new IllegalArgumentException("The passphrase needs at least " + MIN_PASSPHRASE + " characters.");
        }
        if (salt.length < 16 || iterations < 100_000 || iterations > 10_000_000) {
            throw new IllegalArgumentException("The export's salt or iteration count is out of bounds.");
        }
        PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(new SHA256Digest());
        g.init(passphrase.getBytes(StandardCharsets.UTF_8), salt, iterations);
        return new PassphraseSeal(new SecretKeySpec(((KeyParameter) g.generateDerivedParameters(256)).getKey(), "AES"));
    }

    public static byte[] newSalt() {
        byte[] salt = new byte[16];
        Secrets.RANDOM.nextBytes(salt);
        return salt;
    }

    public String seal(String plain) {
        try {
            byte[] nonce = new byte[12];
            Secrets.RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[12 + ct.length];
            System.arraycopy(nonce, 0, out, 0, 12);
            System.arraycopy(ct, 0, out, 12, ct.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sealed value opened; {@link WrongPassphrase} when it was sealed under another passphrase or was altered. */
    public String open(String sealed) {
        try {
            byte[] in = Base64.getDecoder().decode(sealed);
            if (in.length < 12 + 16) {
                throw new WrongPassphrase();
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new WrongPassphrase();
        }
    }

    /** The passphrase is not the export's, or the sealed value was altered. */
    public static final class WrongPassphrase extends RuntimeException {
        WrongPassphrase() {
            super("cannot open a sealed value: wrong passphrase, or the export was altered", null, false, false);
        }
    }
}

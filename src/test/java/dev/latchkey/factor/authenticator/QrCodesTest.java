package dev.latchkey.factor.authenticator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The QR codes the server draws are read back exactly, for secrets and account names of every length that occurs. */
class QrCodesTest {
    @Test
    void everyCodeIsReadBack() throws Exception {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[Totp.SECRET_BYTES];
            random.nextBytes(key);
            String uri = "otpauth://totp/Acme%20Books:" + "x".repeat(random.nextInt(60)) + "%40example.com?secret=" + Totp.base32(key)
                    + "&issuer=Acme%20Books&algorithm=SHA1&digits=6&period=30";
            assertThat(AuthenticatorContract.scan(QrCodes.pngDataUrl(uri))).as("code " + i).isEqualTo(uri);
        }
    }
}

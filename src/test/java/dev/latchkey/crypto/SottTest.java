package dev.latchkey.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.loginradius.sdk.models.responsemodels.otherobjects.ServiceInfoModel;
import com.loginradius.sdk.models.responsemodels.otherobjects.ServiceSottInfo;
import com.loginradius.sdk.util.LoginRadiusSDK;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * SOTTs as LoginRadius makes them (reference §12.3): ours read back, the official Java SDK 11.0.0's own (made by its
 * {@code Sott.getSott}, unpadded dates) accepted, and every tampering, another key or secret, and the window's edges refused.
 */
@org.junit.jupiter.api.parallel.Isolated
class SottTest {
    private static final String KEY = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
    private static final String SECRET = "8c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f";
    private static final long SKEW = Duration.ofMinutes(5).toMillis();

    @Test
    void oursReadBackWithinTheirWindowOnly() {
        Instant now = Instant.parse("2026-12-01T16:57:27Z");
        String sott = Sott.make(KEY, SECRET, now, now.plus(Duration.ofMinutes(10)));
        assertThat(sott).matches("[A-Za-z0-9+/=]+\\*[0-9a-f]{32}");
        assertThat(Sott.valid(sott, KEY, SECRET, now, SKEW)).isTrue();
        assertThat(Sott.valid(sott, KEY, SECRET, now.plus(Duration.ofMinutes(10)), SKEW)).isTrue();
        assertThat(Sott.valid(sott, KEY, SECRET, now.plus(Duration.ofMinutes(10)).plusSeconds(1), SKEW)).isFalse();
        assertThat(Sott.valid(sott, KEY, SECRET, now.minus(Duration.ofMinutes(5)), SKEW)).isTrue(); // clock skew
        assertThat(Sott.valid(sott, KEY, SECRET, now.minus(Duration.ofMinutes(5)).minusSeconds(1), SKEW)).isFalse();
        assertThat(Sott.valid(sott, "00000000-0000-0000-0000-000000000000", SECRET, now, SKEW)).isFalse();
        assertThat(Sott.valid(sott, KEY, "another-secret", now, SKEW)).isFalse();
        // Tampered: the checksum, the ciphertext, no separator, garbage, huge.
        String b64 = sott.substring(0, sott.lastIndexOf('*'));
        assertThat(Sott.valid(b64 + "*" + "0".repeat(32), KEY, SECRET, now, SKEW)).isFalse();
        assertThat(Sott.valid("A" + sott.substring(1), KEY, SECRET, now, SKEW)).isFalse();
        assertThat(Sott.valid(b64, KEY, SECRET, now, SKEW)).isFalse();
        assertThat(Sott.valid("not a sott", KEY, SECRET, now, SKEW)).isFalse();
        assertThat(Sott.valid("x".repeat(100_000) + "*ab", KEY, SECRET, now, SKEW)).isFalse();
        assertThat(Sott.valid(null, KEY, SECRET, now, SKEW)).isFalse();
        // A '+' that arrived as a space (an unencoded query) still reads.
        assertThat(Sott.valid(sott.replace('+', ' '), KEY, SECRET, now, SKEW)).isTrue();
    }

    @Test
    void theJavaSdksOwnSottIsAccepted() throws Exception {
        LoginRadiusSDK.Initialize.setApiKey(KEY); // the SDK's global configuration: this class runs alone (@Isolated)
        LoginRadiusSDK.Initialize.setApiSecret(SECRET);
        ServiceSottInfo window = new ServiceSottInfo();
        window.setTimeDifference("10");
        ServiceInfoModel model = new ServiceInfoModel();
        model.setSott(window);
        String sott = com.loginradius.sdk.util.Sott.getSott(model);
        assertThat(Sott.valid(sott, KEY, SECRET, Instant.now(), SKEW)).isTrue();
        assertThat(Sott.valid(sott, KEY, SECRET, Instant.now().plus(Duration.ofMinutes(11)), SKEW)).isFalse();
    }
}

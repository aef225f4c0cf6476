package dev.latchkey.factor.authenticator;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords as every authenticator app computes them by default: HMAC-SHA1, 6 digits, 30 s
 * steps from the Unix epoch, and RFC 4648 base32 for the secret the user types or scans. A code is accepted for the
 * current step and one step either side (clock drift, and the seconds it takes to type).
 */
final class Totp {
    static final int DIGITS = 6;
    static final long STEP_MILLIS = 30_000;
    /** Steps accepted either side of the current one. */
    static final int WINDOW = 1;
    /** 160 bits: the size of an HMAC-SHA1 key, as RFC 4226 recommends. */
    static final int SECRET_BYTES = 20;

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Totp() {}

    static long step(long epochMillis) {
        return Math.floorDiv(epochMillis, STEP_MILLIS);
    }

    /** The code of {@code step}, zero-padded to {@link #DIGITS} digits. */
    static String code(byte[] key, long step) {
        byte[] mac;
        try {
            Mac hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac = hmac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
        int offset = mac[mac.length - 1] & 0x0f;
        int binary = ((mac[offset] & 0x7f) << 24) | ((mac[offset + 1] & 0xff) << 16) | ((mac[offset + 2] & 0xff) << 8) | (mac[offset + 3] & 0xff);
        String digits = Integer.toString(binary % 1_000_000);
        return "0".repeat(DIGITS - digits.length()) + digits;
    }

    /**
     * The step within the window around {@code epochMillis} whose code is {@code code}, the latest if several; every step
     * of the window is compared in constant time, so the time taken says nothing about which one matched.
     */
    static OptionalLong matchingStep(byte[] key, String code, long epochMillis) {
        if (code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long now = step(epochMillis);
        long found = Long.MIN_VALUE;
        for (long s = now - WINDOW; s <= now + WINDOW; s++) {
            if (MessageDigest.isEqual(code(key, s).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    code.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                found = s;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /** RFC 4648 base32 without padding, as {@code otpauth://} URIs carry it. */
    static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    static byte[] fromBase32(String text) {
        String s = text.replace("=", "").toUpperCase(java.util.Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : s.toCharArray()) {
            int v = BASE32.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("not base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}

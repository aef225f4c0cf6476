package dev.latchkey.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * LoginRadius's Secure One-Time Token (reference §12.3), the proof that a registration comes from the application: the
 * window {@code START#apikey#END} encrypted with AES-256-CBC under a key PBKDF2-derived from the API secret (salt 8 zero
 * bytes, 10000 iterations, fixed IV), Base64, then {@code *} and the MD5 hex of the Base64. The official SDKs make them
 * locally ({@code yyyy/M/d H:m:s}, padded or not); the Management API makes them too. A SOTT is valid from its start (a
 * few minutes of clock skew allowed) to its end, for its API key.
 */
public final class Sott {
    private static final byte[] IV = "tu89geji340t89u2".getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy/M/d H:mm:ss");
    private static final Pattern DATE = Pattern.compile("\\s*(\\d{4})[/-](\\d{1,2})[/-](\\d{1,2})[ T](\\d{1,2}):(\\d{1,2}):(\\d{1,2})\\s*");
    /** The longest SOTT looked at: anything longer is not one. */
    private static final int MAX_LENGTH = 1024;

    private Sott() {}

    /** A SOTT for {@code apiKey} valid from {@code start} to {@code end}, as the Management API hands them out. */
    public static String make(String apiKey, String apiSecret, Instant start, Instant end) {
        String plain = FORMAT.format(LocalDateTime.ofInstant(start, ZoneOffset.UTC)) + "#" + apiKey + "#"
                + FORMAT.format(LocalDateTime.ofInstant(end, ZoneOffset.UTC));
        try {
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.ENCRYPT_MODE, key(apiSecret), new IvParameterSpec(IV));
            String b64 = Base64.getEncoder().encodeToString(c.doFinal(plain.getBytes(StandardCharsets.UTF_8)));
            return b64 + "*" + md5(b64);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether {@code sott} is a SOTT of this API key and secret, valid at {@code now} (its start at most {@code skewMillis}
     * ahead). Anything malformed, tampered with, of another key or secret, or out of its window is simply not valid.
     */
    public static boolean valid(String sott, String apiKey, String apiSecret, Instant now, long skewMillis) {
        if (sott == null || sott.length() > MAX_LENGTH) {
            return false;
        }
        int star = sott.lastIndexOf('*');
        if (star <= 0) {
            return false;
        }
        String b64 = sott.substring(0, star).replace(' ', '+'); // a '+' sent unencoded in a query arrives as a space
        if (!MessageDigest.isEqual(md5(b64).getBytes(StandardCharsets.US_ASCII),
                sott.substring(star + 1).toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        String plain;
        try {
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.DECRYPT_MODE, key(apiSecret), new IvParameterSpec(IV));
            plain = new String(c.doFinal(Base64.getDecoder().decode(b64)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
            return false;
        }
        String[] parts = plain.split("#", -1);
        if (parts.length != 3 || !parts[1].equals(apiKey)) {
            return false;
        }
        Instant start = parse(parts[0]);
        Instant end = parse(parts[2]);
        return start != null && end != null && !now.isBefore(start.minusMillis(skewMillis)) && !now.isAfter(end);
    }

    private static Instant parse(String s) {
        Matcher m = DATE.matcher(s);
        if (!m.matches()) {
            return null;
        }
        try {
            return LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6))).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static SecretKeySpec key(String apiSecret) throws java.security.GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(apiSecret.toCharArray(), new byte[8], 10_000, 256);
        return new SecretKeySpec(SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded(), "AES");
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

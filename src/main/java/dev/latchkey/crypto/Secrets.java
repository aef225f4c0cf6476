package dev.latchkey.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server secret key and what is derived from it: keyed hashes of tokens and one-time codes (so a stolen database
 * alone cannot test guesses), and authenticated encryption of tenant API secrets (they sign webhooks, so they must be
 * recoverable). Every node of a cluster must be given the same key.
 */
public final class Secrets {
    public static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec hashKey;
    private final SecretKeySpec encryptionKey;
    private final byte[] passwordPepper;
    private final ThreadLocal<Mac> macs;

    public Secrets(String secretKey) {
        if (secretKey == null || secretKey.length() < 16) {
            throw new IllegalArgumentException("the secret key must be at least 16 characters");
        }
        byte[] master = secretKey.getBytes(StandardCharsets.UTF_8);
        this.hashKey = new SecretKeySpec(hmac(master, "latchkey/hash/v1"), "HmacSHA256");
        this.encryptionKey = new SecretKeySpec(hmac(master, "latchkey/encrypt/v1"), "AES");
        this.passwordPepper = hmac(master, "latchkey/password-pepper/v1");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(hashKey);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * The secret input of password hashing (Argon2id's K, a "pepper"): kept out of the database, so a stolen database alone
     * cannot be used to test password guesses.
     */
    public byte[] passwordPepper() {
        return passwordPepper.clone();
    }

    /**
     * This key's public name: an HMAC of a fixed label, so two nodes (or an export and a node) can tell whether they
     * hash with the same key without showing it.
     */
    public String keyId() {
        return keyIdOf(hashKey.getEncoded());
    }

    /** The {@link #keyId} of a node whose hash key is {@code hashKey} (an import checks an export's KeyId against its keys). */
    public static String keyIdOf(byte[] hashKey) {
        try {
            return "x" + HEX.formatHex(hmac(hashKey, "latchkey/key-id")).substring(0, 16);
        } catch (IllegalArgumentException e) {
            return null; // an empty key
        }
    }

    /** The keys a keyed hash in the database depends on (the hash key, the password pepper), for a tenant export. */
    public java.util.Map<String, String> hashingKeys() {
        return java.util.Map.of("HashKey", java.util.Base64.getEncoder().encodeToString(hashKey.getEncoded()),
                "PasswordPepper", java.util.Base64.getEncoder().encodeToString(passwordPepper));
    }

    /** Another node's hashing keys, adopted by an import so that its hashes verify here (see ImportedKeys). */
    private record Foreign(byte[] hashKey, byte[] pepper) {}

    private volatile java.util.Map<String, Foreign> foreign = java.util.Map.of();

    /** Adopts another node's hashing keys under its {@link #keyId}; hashes tagged with that id verify from now on. */
    public synchronized void adopt(String id, byte[] hashKey, byte[] pepper) {
        if (foreign.containsKey(id)) {
            return;
        }
        java.util.Map<String, Foreign> next = new java.util.HashMap<>(foreign);
        next.put(id, new Foreign(hashKey.clone(), pepper.clone()));
        foreign = java.util.Map.copyOf(next);
    }

    /** The password pepper adopted under {@code id}, or null. */
    public byte[] adoptedPepper(String id) {
        Foreign f = foreign.get(id);
        return f == null ? null : f.pepper().clone();
    }

    /**
     * {@link #hash} of {@code value}, then its hash under every adopted key, tagged {@code <keyId>:<hex>}: the forms a
     * stored keyed hash of it may have (an imported backup code keeps its source's hash).
     */
    public java.util.List<String> hashCandidates(String value) {
        java.util.Map<String, Foreign> adopted = foreign;
        if (adopted.isEmpty()) {
            return java.util.List.of(hash(value));
        }
        java.util.List<String> out = new java.util.ArrayList<>(1 + adopted.size());
        out.add(hash(value));
        adopted.forEach((id, f) -> out.add(id + ":" + HEX.formatHex(hmac(f.hashKey(), value))));
        return out;
    }

    /** A new random secret key, for a first start without one. */
    public static String newSecretKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HEX.formatHex(b);
    }

    /** A random GUID: every token LoginRadius's SDKs parse is a java.util.UUID. */
    public static String guid() {
        return UUID.randomUUID().toString();
    }

    public static boolean isGuid(String s) {
        return s != null && GUID.matcher(s).matches();
    }

    /** HMAC-SHA256 of {@code value} under the server's hash key, as hex: the only form in which tokens and codes are stored. */
    public String hash(String value) {
        Mac mac = macs.get();
        return HEX.formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    public String encrypt(String plain) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(128, iv));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(iv) + ":" + HEX.formatHex(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String decrypt(String sealed) {
        try {
            int colon = sealed.indexOf(':');
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(128, HEX.parseHex(sealed.substring(0, colon))));
            return new String(c.doFinal(HEX.parseHex(sealed.substring(colon + 1))), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt: was the server started with another --secret-key?", e);
        }
    }

    private static byte[] hmac(byte[] key, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.latchkey.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Password hashes an import brings from another system (README, "Export and import"), stored as they came or in one
 * normal form, verified at login and replaced by Argon2id then ({@link PasswordHasher#needsRehash} is true for all of them):
 * <ul>
 *   <li>Argon2 in the PHC format: {@code $argon2id$…}, {@code $argon2i$…}, {@code $argon2d$…} (Latchkey's own, peppered
 *       {@code keyid=…}, are handled by {@link PasswordHasher});</li>
 *   <li>bcrypt: {@code $2a$}, {@code $2b$}, {@code $2y$}, cost 4 to 14 (costs bounded: see MAX_*);</li>
 *   <li>PBKDF2 with HMAC-SHA1, -SHA256 or -SHA512: passlib's {@code $pbkdf2-sha256$29000$<salt>$<hash>} (adapted base64),
 *       Django's {@code pbkdf2_sha256$<iterations>$<salt>$<base64 hash>}, or an object {@code {"Algorithm":"pbkdf2-sha256",
 *       "Iterations":…,"Salt":…,"Hash":…}}; stored as {@code $pbkdf2-sha256$i=<n>$<base64 salt>$<base64 hash>};</li>
 *   <li>salted SHA-256 (one pass; weak, as it came): {@code {"Algorithm":"sha256","Hash":…,"Salt":…,
 *       "SaltPosition":"prefix"|"suffix"}}; stored as {@code $sha256$s=prefix$<base64 salt>$<base64 hash>}.</li>
 * </ul>
 * In the objects, {@code Hash} is hex or base64 ({@code "Encoding"}: {@code hex} default, or {@code base64}); {@code Salt}
 * is text ({@code "SaltEncoding"}: {@code text} default, {@code hex} or {@code base64}).
 */
public final class ImportedHashes {
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    /** Bounds on what an import may ask a login to compute. */
    static final int MAX_BCRYPT_COST = 14;
    static final int MAX_PBKDF2_ITERATIONS = 10_000_000;
    /**
     * PBKDF2's work: iterations times the blocks of the hash's length (a 64-byte SHA-1 hash is 4 blocks). 2,000,000 is
     * about a second or two of a core: Django's 1,000,000 SHA-256 iterations come in, a login that costs minutes does not.
     */
    static final long MAX_PBKDF2_WORK = 2_000_000;
    /** Argon2's bounds: memory (KiB) and memory times passes, about a second of a core (libsodium's "moderate" is 256 MiB, t=3). */
    static final int MAX_ARGON2_MEMORY_KIB = 256 * 1024;
    static final long MAX_ARGON2_WORK = 1024L * 1024;

    private ImportedHashes() {}

    /** A refused hash: the import reports it with its line. */
    public static final class Refused extends IllegalArgumentException {
        public Refused(String message) {
            super(message);
        }
    }

    /** The form to store for an imported hash (a string, or an object as above); {@link Refused} when it is none of them. */
    public static String normalize(JsonNode hash) {
        if (hash == null || hash.isNull()) {
            return null;
        }
        if (hash.isTextual()) {
            return normalize(hash.asText());
        }
        if (!hash.isObject()) {
            throw new Refused("PasswordHash must be a string or an object.");
        }
        String algorithm = text(hash, "Algorithm").toLowerCase(Locale.ROOT).replace('_', '-');
        String value = text(hash, "Hash");
        switch (algorithm) {
            case "bcrypt", "argon2", "argon2id", "argon2i", "argon2d" -> {
                return normalize(value);
            }
            case "sha256", "sha-256" -> {
                String position = hash.path("SaltPosition").asText("prefix").toLowerCase(Locale.ROOT);
                if (!position.equals("prefix") && !position.equals("suffix")) {
                    throw new Refused("SaltPosition must be prefix or suffix.");
                }
                byte[] digest = bytes(value, hash.path("Encoding").asText("hex"), "Hash");
                if (digest.length != 32) {
                    throw new Refused("A SHA-256 hash has 32 bytes.");
                }
                return "$sha256$s=" + position + "$" + B64.encodeToString(salt(hash)) + "$" + B64.encodeToString(digest);
            }
            case "pbkdf2-sha1", "pbkdf2-sha256", "pbkdf2-sha512" -> {
                int iterations = hash.path("Iterations").asInt(0);
                byte[] digest = bytes(value, hash.path("Encoding").asText("hex"), "Hash");
                return pbkdf2(algorithm.substring("pbkdf2-".length()), iterations, salt(hash), digest);
            }
            default -> throw new Refused("Unknown Algorithm '" + algorithm + "': bcrypt, argon2, pbkdf2-sha1, pbkdf2-sha256, pbkdf2-sha512 or sha256.");
        }
    }

    /** A hash given as one string (see the class comment). */
    public static String normalize(String s) {
        if (s.length() > 255) {
            throw new Refused("PasswordHash is too long.");
        }
        if (s.startsWith("$argon2")) {
            String[] parts = s.split("\\$");
            if (parts.length != 6 || !(parts[1].equals("argon2id") || parts[1].equals("argon2i") || parts[1].equals("argon2d"))
                    || !parts[2].equals("v=19") || !parts[3].matches("m=\\d{1,7},t=\\d{1,3},p=\\d{1,2}(,keyid=[A-Za-z0-9]{1,32})?")) {
                throw new Refused("Not an Argon2 PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash).");
            }
            decode(parts[4], "salt");
            decode(parts[5], "hash");
            long m = 0, t = 0, p = 0;
            for (String kv : parts[3].split(",")) {
                String[] pair = kv.split("=");
                switch (pair[0]) {
                    case "m" -> m = Long.parseLong(pair[1]);
                    case "t" -> t = Long.parseLong(pair[1]);
                    case "p" -> p = Long.parseLong(pair[1]);
                    default -> { }
                }
            }
            if (m < 8 || m > MAX_ARGON2_MEMORY_KIB || t < 1 || p < 1 || p > 16 || m * t > MAX_ARGON2_WORK) {
                throw new Refused("Argon2 parameters must be m=8 to " + MAX_ARGON2_MEMORY_KIB + " KiB, p=1 to 16, and m×t at most "
                        + MAX_ARGON2_WORK + ": a login must not cost more.");
            }
            return s;
        }
        if (s.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
            int cost = Integer.parseInt(s.substring(4, 6));
            if (cost < 4 || cost > MAX_BCRYPT_COST) {
                throw new Refused("bcrypt cost " + cost + " is outside 4 to " + MAX_BCRYPT_COST + ".");
            }
            return s;
        }
        if (s.startsWith("$pbkdf2-")) {
            String[] parts = s.split("\\$");
            if (parts.length != 5) {
                throw new Refused("Not a PBKDF2 hash ($pbkdf2-sha256$<iterations>$<salt>$<hash>).");
            }
            String digest = parts[1].substring("pbkdf2-".length());
            if (parts[2].startsWith("i=")) {
                return pbkdf2(digest, integer(parts[2].substring(2)), decode(parts[3], "salt"), decode(parts[4], "hash"));
            }
            // passlib: adapted base64 ('.' for '+', no padding)
            return pbkdf2(digest, integer(parts[2]), decode(parts[3].replace('.', '+'), "salt"), decode(parts[4].replace('.', '+'), "hash"));
        }
        if (s.startsWith("pbkdf2_")) {
            String[] parts = s.split("\\$");
            if (parts.length != 4) {
                throw new Refused("Not a Django PBKDF2 hash (pbkdf2_sha256$<iterations>$<salt>$<base64 hash>).");
            }
            return pbkdf2(parts[0].substring("pbkdf2_".length()), integer(parts[1]), parts[2].getBytes(StandardCharsets.UTF_8),
                    decode(parts[3], "hash"));
        }
        if (s.startsWith("$sha256$s=")) {
            String[] parts = s.split("\\$", -1);
            if (parts.length != 5 || !(parts[2].equals("s=prefix") || parts[2].equals("s=suffix")) || decode(parts[4], "hash").length != 32) {
                throw new Refused("Not a salted SHA-256 hash ($sha256$s=prefix$<salt>$<hash>).");
            }
            decode(parts[3], "salt");
            return s;
        }
        throw new Refused("Unknown password hash format: Argon2 (PHC), bcrypt, PBKDF2 (passlib, Django) or an object with an Algorithm.");
    }

    /** Whether {@code password} matches an imported hash in its stored form (Argon2 is {@link PasswordHasher}'s). */
    static boolean verify(String password, String stored) {
        if (stored.startsWith("$2")) {
            return OpenBSDBCrypt.checkPassword(stored, password.toCharArray());
        }
        String[] parts = stored.split("\\$", -1);
        if (stored.startsWith("$pbkdf2-") && parts.length == 5) {
            byte[] expected = B64D.decode(parts[4]);
            byte[] actual = pbkdf2Bytes(digest(parts[1].substring("pbkdf2-".length())), password, B64D.decode(parts[3]),
                    Integer.parseInt(parts[2].substring(2)), expected.length);
            return MessageDigest.isEqual(expected, actual);
        }
        if (stored.startsWith("$sha256$") && parts.length == 5) {
            byte[] salt = B64D.decode(parts[3]);
            byte[] pw = password.getBytes(StandardCharsets.UTF_8);
            SHA256Digest d = new SHA256Digest();
            if (parts[2].equals("s=prefix")) {
                d.update(salt, 0, salt.length);
                d.update(pw, 0, pw.length);
            } else {
                d.update(pw, 0, pw.length);
                d.update(salt, 0, salt.length);
            }
            byte[] actual = new byte[32];
            d.doFinal(actual, 0);
            return MessageDigest.isEqual(B64D.decode(parts[4]), actual);
        }
        return false;
    }

    private static String pbkdf2(String digest, int iterations, byte[] salt, byte[] hash) {
        digest(digest);
        if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
            throw new Refused("PBKDF2 iterations must be from 1 to " + MAX_PBKDF2_ITERATIONS + ".");
        }
        if (hash.length < 16 || hash.length > 64) {
            throw new Refused("A PBKDF2 hash has 16 to 64 bytes.");
        }
        int block = digest(digest).getDigestSize();
        if ((long) iterations * ((hash.length + block - 1) / block) > MAX_PBKDF2_WORK) {
            throw new Refused("PBKDF2 iterations times the hash's " + block + "-byte blocks must be at most " + MAX_PBKDF2_WORK
                    + ": a login must not cost more.");
        }
        return "$pbkdf2-" + digest + "$i=" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    private static Digest digest(String name) {
        return switch (name) {
            case "sha1" -> new SHA1Digest();
            case "sha256" -> new SHA256Digest();
            case "sha512" -> new SHA512Digest();
            default -> throw new Refused("PBKDF2 digest must be sha1, sha256 or sha512.");
        };
    }

    private static byte[] pbkdf2Bytes(Digest digest, String password, byte[] salt, int iterations, int length) {
        PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(digest);
        g.init(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
        return ((KeyParameter) g.generateDerivedParameters(length * 8)).getKey();
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new Refused("PasswordHash." + field + " is required.");
        }
        return v.asText();
    }

    private static byte[] salt(JsonNode hash) {
        JsonNode salt = hash.get("Salt");
        if (salt == null || salt.isNull()) {
            return new byte[0];
        }
        if (!salt.isTextual() || salt.asText().length() > 200) {
            throw new Refused("PasswordHash.Salt must be a string of at most 200 characters.");
        }
        String encoding = hash.path("SaltEncoding").asText("text");
        return encoding.equals("text") ? salt.asText().getBytes(StandardCharsets.UTF_8) : bytes(salt.asText(), encoding, "Salt");
    }

    private static byte[] bytes(String value, String encoding, String field) {
        try {
            return switch (encoding.toLowerCase(Locale.ROOT)) {
                case "hex" -> HexFormat.of().parseHex(value.toLowerCase(Locale.ROOT));
                case "base64" -> Base64.getMimeDecoder().decode(value);
                default -> throw new Refused("PasswordHash." + field + " encoding must be hex or base64.");
            };
        } catch (IllegalArgumentException e) {
            if (e instanceof Refused r) {
                throw r;
            }
            throw new Refused("PasswordHash." + field + " is not valid " + encoding + ".");
        }
    }

    private static byte[] decode(String b64, String what) {
        try {
            return B64D.decode(b64);
        } catch (IllegalArgumentException e) {
            throw new Refused("The " + what + " of the hash is not base64.");
        }
    }

    private static int integer(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new Refused("'" + s + "' is not a number of iterations.");
        }
    }
}

package dev.latchkey.account;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import java.net.IDN;
import java.util.Locale;

/**
 * How login identifiers (email, username, phone) are compared, and which may be registered. Identifiers that look the
 * same must be the same account or be refused, so:
 * <ul>
 * <li><b>Comparison</b> is on a key: Unicode NFKC_Casefold (compatibility forms such as full-width letters or the Kelvin
 *     sign become their plain letters, accents are composed, case is folded; invisible default-ignorable characters
 *     vanish); an email's domain also loses a trailing dot and is written in ASCII (IDNA: {@code exämple.com} and
 *     {@code xn--exmple-cua.com} are one domain); a phone keeps only its digits and leading '+'. The login and the
 *     Management API's lookups use the same key.</li>
 * <li><b>Registration</b> (create, update) also refuses control, format (zero-width joiners, direction overrides),
 *     private-use and unassigned characters; mixes of scripts within one part of an identifier (Latin with a Cyrillic
 *     "а") unless the tenant allows them ({@code Identifiers.AllowMixedScripts}); and, through UTS #39 skeletons, an
 *     identifier confusable with another account's when either of them is not plain ASCII ("kıte" beside "kite": taken).
 *     Two plain-ASCII identifiers are never compared by skeleton, so "bob1" and "bobl" can both exist.</li>
 * </ul>
 */
public final class Identifiers {
    private static final Normalizer2 NFKC_CASEFOLD = Normalizer2.getNFKCCasefoldInstance();
    private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
    private static final SpoofChecker SKELETONS = new SpoofChecker.Builder().build();
    private static final SpoofChecker ONE_SCRIPT = new SpoofChecker.Builder()
            .setChecks(SpoofChecker.RESTRICTION_LEVEL | SpoofChecker.MIXED_NUMBERS)
            .setRestrictionLevel(SpoofChecker.RestrictionLevel.HIGHLY_RESTRICTIVE)
            .build();

    private Identifiers() {}

    /** Loads ICU's normalisation and confusables data off the request path (a warm-up after start, off start-up's path). */
    public static void warmUp() {
        key("email", "Warm.Up@Example.com");
        skeleton("kate");
        problem("email", "warm@example.com", false);
    }

    /** The key an identifier of {@code kind} ("email", "username", "phone") is stored and looked up by. */
    public static String key(String kind, String value) {
        String v = value.trim();
        return switch (kind) {
            case "phone" -> ProfileSchema.normalizePhone(NFKC.normalize(v));
            case "email" -> emailKey(v);
            default -> NFKC_CASEFOLD.normalize(v);
        };
    }

    private static String emailKey(String v) {
        int at = v.lastIndexOf('@');
        if (at < 0) {
            return NFKC_CASEFOLD.normalize(v);
        }
        String local = NFKC_CASEFOLD.normalize(v.substring(0, at));
        String domain = NFKC_CASEFOLD.normalize(v.substring(at + 1));
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        try {
            domain = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            // not a valid IDN: compare it as folded text
        }
        return local + "@" + domain;
    }

    /**
     * Why {@code value} cannot be registered as an identifier of {@code kind}, or null. Checked per part (an email's local
     * part and each label of its domain), since one script per part is normal ("анна@example.com").
     */
    public static String problem(String kind, String value, boolean allowMixedScripts) {
        if (kind.equals("phone")) {
            return null; // digits only: ProfileSchema checks the form
        }
        for (String part : parts(kind, value.trim())) {
            for (int i = 0; i < part.length(); ) {
                int cp = part.codePointAt(i);
                int type = UCharacter.getType(cp);
                if (type == UCharacterCategory.CONTROL || type == UCharacterCategory.FORMAT || type == UCharacterCategory.PRIVATE_USE
                        || type == UCharacterCategory.UNASSIGNED || type == UCharacterCategory.SURROGATE
                        || UCharacter.hasBinaryProperty(cp, com.ibm.icu.lang.UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
                    return "It contains an invisible or control character (U+" + String.format(Locale.ROOT, "%04X", cp) + ").";
                }
                i += Character.charCount(cp);
            }
            if (!allowMixedScripts && ONE_SCRIPT.failsChecks(part)) {
                return "It mixes letters of different scripts, which can imitate another address.";
            }
        }
        return null;
    }

    private static String[] parts(String kind, String value) {
        if (!kind.equals("email")) {
            return new String[] {value};
        }
        int at = value.lastIndexOf('@');
        if (at < 0) {
            return new String[] {value};
        }
        String domain = value.substring(at + 1);
        String[] labels = domain.split("\\.");
        String[] out = new String[labels.length + 1];
        out[0] = value.substring(0, at);
        System.arraycopy(labels, 0, out, 1, labels.length);
        return out;
    }

    /** The UTS #39 skeleton of a key: identifiers that look alike share it ("kıte", "kite"; "раураl" in Cyrillic, "paypal"). */
    public static String skeleton(String key) {
        return SKELETONS.getSkeleton(key);
    }

    /** Whether two identifiers with the same skeleton are a confusion to refuse: both plain ASCII are compared exactly. */
    public static boolean confusable(String key, String otherKey) {
        return !key.equals(otherKey) && (!isAscii(key) || !isAscii(otherKey));
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }
}

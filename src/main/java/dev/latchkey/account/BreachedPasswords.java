package dev.latchkey.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The most common passwords of a breach corpus, bundled as {@code breached-passwords.txt} (100,001 of them; the file's
 * head says where they come from, under which licence, and how {@code tools/breached-passwords.sh} made it). A new
 * password found here is refused with 1315 where the tenant's {@code Security.RefuseBreachedPasswords} is on, the
 * default. This is a local list, not a look-up in a full breach corpus: a password leaked less often passes.
 *
 * <p>Case is ignored: the entries and the candidate are both lower-cased ({@link Locale#ROOT}), because a guesser tries
 * each listed password with its capitals changed ("Password1234" right after "password1234"), and some entries carry
 * capitals of their own ("Mailcreated5240").
 *
 * <p>The list is read once, by the first check (0.2 to 0.5 s on a cold two-core machine). Heap: the 96,519 distinct
 * lower-cased entries lie sorted end to end in one byte array (UTF-8, 659 KB) with an array of where each starts
 * (386 KB), 1.0 MB in all (measured the same), searched by halving (about a microsecond); a {@code HashSet<String>} of
 * the same entries takes 8.3 to 8.8 MB (measured, and counted object by object).
 */
public final class BreachedPasswords {
    private static final String RESOURCE = "/breached-passwords.txt";

    private BreachedPasswords() {}

    /** Whether the password, its capitals lowered, is in the list. */
    public static boolean contains(String password) {
        return Loaded.LIST.contains(key(password));
    }

    /** How many distinct entries the list holds, lower-cased. */
    static int size() {
        return Loaded.LIST.starts().length - 1;
    }

    private static byte[] key(String password) {
        return password.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }

    /** Read on first use: the holder class is initialised, once, by the first call that needs it. */
    private static final class Loaded {
        static final Packed LIST = load();
    }

    private static Packed load() {
        InputStream in = BreachedPasswords.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the class path");
        }
        List<byte[]> entries = new ArrayList<>(100_000);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    entries.add(key(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        entries.sort(Arrays::compareUnsigned);
        int distinct = 0;
        int total = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (distinct == 0 || !Arrays.equals(entries.get(distinct - 1), entries.get(i))) {
                entries.set(distinct++, entries.get(i));
                total += entries.get(i).length;
            }
        }
        byte[] bytes = new byte[total];
        int[] starts = new int[distinct + 1];
        for (int i = 0; i < distinct; i++) {
            byte[] entry = entries.get(i);
            System.arraycopy(entry, 0, bytes, starts[i], entry.length);
            starts[i + 1] = starts[i] + entry.length;
        }
        return new Packed(bytes, starts);
    }

    /** Entry {@code i} is {@code bytes[starts[i] .. starts[i + 1])}; entries are distinct and in unsigned byte order. */
    private record Packed(byte[] bytes, int[] starts) {
        boolean contains(byte[] key) {
            int low = 0;
            int high = starts.length - 2;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                int order = Arrays.compareUnsigned(bytes, starts[middle], starts[middle + 1], key, 0, key.length);
                if (order < 0) {
                    low = middle + 1;
                } else if (order > 0) {
                    high = middle - 1;
                } else {
                    return true;
                }
            }
            return false;
        }
    }
}

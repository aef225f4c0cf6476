package dev.latchkey.account;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * <p>The list is read once, by the first check: 36 ms of the calling thread's CPU in a fresh JVM on the benchmark
 * machine, where reading it line by line into strings and sorting them took 110 ms (issue 16: the first login after a
 * restart checks it, for {@code IsPasswordBreached}). The entries, lower-cased, lie end to end in one byte array, each
 * followed by a line feed (755 KB), found through an open-addressing table of where each starts (2^18 slots, 1 MB, 37%
 * full), built from the file's bytes without a string per line: 1.8 MB in all, counted. A {@code HashSet<String>} of the same
 * entries takes 8.3 to 8.8 MB (measured, and counted object by object).
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
        return Loaded.LIST.size();
    }

    private static byte[] key(String password) {
        return password.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }

    /** Read on first use: the holder class is initialised, once, by the first call that needs it. */
    private static final class Loaded {
        static final Packed LIST = load();
    }

    private static Packed load() {
        byte[] file;
        try (InputStream in = BreachedPasswords.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            file = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int lines = 1;
        for (byte b : file) {
            if (b == '\n') {
                lines++;
            }
        }
        Packed packed = new Packed(new byte[file.length + lines + 64], new int[Integer.highestOneBit(lines) << 2]);
        for (int from = 0; from < file.length; ) {
            int to = from;
            while (to < file.length && file[to] != '\n') {
                to++;
            }
            if (to > from && file[from] != '#') {
                packed.add(file, from, to);
            }
            from = to + 1;
        }
        return packed.trimmed();
    }

    /**
     * The entries, lower-cased, each followed by a line feed in {@code bytes[0 .. end)}; {@code table} holds where each
     * starts, plus one (0: an empty slot), at the slot of its hash or after it (linear probing).
     */
    private static final class Packed {
        private byte[] bytes;
        private final int[] table;
        private int end;
        private int size;

        Packed(byte[] bytes, int[] table) {
            this.bytes = bytes;
            this.table = table;
        }

        int size() {
            return size;
        }

        /** Adds {@code line[from .. to)}, lower-cased, unless it is there already ("Password" after "password"). */
        void add(byte[] line, int from, int to) {
            byte[] entry = line;
            int start = from;
            int length = to - from;
            for (int i = from; i < to; i++) {
                if (line[i] < 0) { // beyond ASCII: lower-cased as a string, as a candidate is
                    entry = BreachedPasswords.key(new String(line, from, length, StandardCharsets.UTF_8));
                    start = 0;
                    length = entry.length;
                    break;
                }
            }
            if (end + length + 1 > bytes.length) {
                bytes = Arrays.copyOf(bytes, (end + length + 1) * 2);
            }
            for (int i = 0; i < length; i++) { // ASCII capitals lowered (a string lower-cased above has none left)
                byte b = entry[start + i];
                bytes[end + i] = b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
            }
            int slot = slot(bytes, end, length);
            if (slot >= 0) {
                table[slot] = end + 1;
                end += length;
                bytes[end++] = '\n';
                size++;
            }
        }

        boolean contains(byte[] key) {
            for (byte b : key) {
                if (b == '\n') {
                    return false; // no entry holds one; it would match entries in a row, which lie joined by line feeds
                }
            }
            return slot(key, 0, key.length) < 0;
        }

        /** -1 when {@code key[from .. from + length)} is listed, else the empty slot where it would go. */
        private int slot(byte[] key, int from, int length) {
            int h = 0;
            for (int i = from; i < from + length; i++) {
                h = 31 * h + key[i];
            }
            int mask = table.length - 1;
            for (int slot = (h ^ (h >>> 16)) & mask; ; slot = (slot + 1) & mask) {
                int at = table[slot] - 1;
                if (at < 0) {
                    return slot;
                }
                if (at + length < end && bytes[at + length] == '\n'
                        && Arrays.equals(bytes, at, at + length, key, from, from + length)) {
                    return -1;
                }
            }
        }

        /** The same entries in an array of their own length. */
        Packed trimmed() {
            bytes = Arrays.copyOf(bytes, end);
            return this;
        }
    }
}

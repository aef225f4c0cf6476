package dev.latchkey.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing in the PHC string format ({@code $argon2id$v=19$m=..,t=..,p=..,keyid=1$salt$hash}), keyed
 * with a secret derived from the server key (Argon2's own secret input, a "pepper": {@code keyid=1} says so), so that a
 * copy of the database alone cannot be used to test guesses. Hashes from before the pepper (no keyid) still verify and
 * are rehashed at the next successful login.
 * Hashing is bounded to one hash per core, behind a queue of bounded length: a burst of logins queues here instead of
 * oversubscribing the CPU (and memory) that every other request needs, and once the queue is full the next one is
 * refused at once ({@link Busy}: the API answers 429 with Retry-After) instead of holding a request thread, so a flood
 * of bogus logins cannot slow what does not hash.
 */
public final class PasswordHasher {
    /** OWASP's first recommended Argon2id configuration: m=19 MiB, t=2, p=1. */
    public static final Params DEFAULT = new Params(19 * 1024, 2, 1);

    /**
     * Argon2id's smallest legal parameters: for benchmarks and tests only (they measure everything but the hash).
     * The CLI refuses them unless LATCHKEY_ALLOW_INSECURE_HASHING is set to {@link #INSECURE_CONSENT}.
     */
    public static final Params MINIMAL = new Params(8, 1, 1);
    public static final String INSECURE_CONSENT = "for-benchmarks-and-tests";

    public record Params(int memoryKiB, int iterations, int parallelism) {
        @Override
        public String toString() {
            return "m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism;
        }
    }

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;

    /** Refused: the hashing queue is full. Nothing was evaluated. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super("password hashing is saturated", null, false, false);
        }
    }

    /** The default queue: this many passwords waiting per core (at m=19 MiB, t=2 about 0.4 s of work per core). */
    public static final int QUEUE_PER_CORE = 16;

    private final Params params;
    private final byte[] pepper;
    private final java.util.function.Function<String, byte[]> adoptedPeppers;
    /** Places to hash or wait to hash: one per core plus the queue. */
    private final java.util.concurrent.Semaphore admissions;
    /**
     * The priority lane: a few more places, for logins the caller vouches for (an account's own address, see
     * {@link #admitPriority}), whose hashes go before the queue's. One per core: a flood that fills the queue leaves a
     * returning user a way in, and the lane cannot be used to flood in its turn.
     */
    private final java.util.concurrent.Semaphore priorityAdmissions;
    private final int queue;
    /**
     * One Argon2 generator per core, reused: Bouncy Castle allocates the whole memory (19 MiB in 19,456 blocks) in
     * {@code init}, and clears it after each hash. Reusing it for hashes with the same m/t/p (only the salt differs)
     * keeps that memory out of the garbage collector: the heap stopped growing to gigabytes under login load.
     * The queue also bounds hashing to the cores (a burst of logins waits here instead of oversubscribing the CPU).
     */
    private final Slots slots;
    /**
     * What a login that names no account verifies against: a PHC string with this hasher's parameters and pepper, a
     * random salt and a random 256-bit hash. Verifying costs one Argon2id derivation with today's parameters, as a real
     * account's does, and never matches. Made without hashing: the hash it used to be cost a node's start 0.1-0.2 s of
     * CPU with the OWASP parameters (issue 16), and the first login naming no account waited for it.
     */
    private final String dummyHash;

    /**
     * The generators, handed out first come first served, except that a waiting priority hash goes before every other.
     */
    private static final class Slots {
        private final java.util.ArrayDeque<Slot> free = new java.util.ArrayDeque<>();
        /** Tickets of waiters that gave up (interrupted) before their turn: their turn is skipped. */
        private final java.util.Set<Long> abandoned = new java.util.HashSet<>();
        private long nextTicket;
        private long serving;
        private int priorityWaiting;

        Slots(int cores) {
            for (int i = 0; i < cores; i++) {
                free.push(new Slot());
            }
        }

        synchronized Slot take(boolean priority) throws InterruptedException {
            if (priority) {
                priorityWaiting++;
                try {
                    while (free.isEmpty()) {
                        wait();
                    }
                    return free.pop();
                } finally {
                    priorityWaiting--;
                    notifyAll();
                }
            }
            long ticket = nextTicket++;
            try {
                while (free.isEmpty() || priorityWaiting > 0 || ticket != serving) {
                    wait();
                }
                return free.pop();
            } finally {
                if (ticket == serving) {
                    serving++;
                } else {
                    abandoned.add(ticket);
                }
                while (abandoned.remove(serving)) {
                    serving++;
                }
                notifyAll();
            }
        }

        synchronized void give(Slot slot) {
            free.push(slot);
            notifyAll();
        }
    }

    /** A generator and the m/t/p its memory was sized for (null until first used). */
    private static final class Slot {
        final Argon2BytesGenerator generator = new Argon2BytesGenerator();
        Params sizedFor;
    }

    private static final java.lang.invoke.VarHandle PARAMETERS;

    static {
        java.lang.invoke.VarHandle h;
        try {
            h = java.lang.invoke.MethodHandles.privateLookupIn(Argon2BytesGenerator.class, java.lang.invoke.MethodHandles.lookup())
                    .findVarHandle(Argon2BytesGenerator.class, "parameters", Argon2Parameters.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            h = null; // another Bouncy Castle layout: fall back to init() per hash
        }
        PARAMETERS = h;
    }

    /** A hasher without a pepper (tools and tests; a node always has one). */
    public PasswordHasher(Params params) {
        this(params, QUEUE_PER_CORE * Math.max(1, Runtime.getRuntime().availableProcessors()), null);
    }

    /**
     * {@code queue}: how many passwords may wait for a core before the next is refused. {@code pepper}: Argon2id's secret
     * input for new hashes (null: none).
     */
    public PasswordHasher(Params params, int queue, byte[] pepper) {
        this(params, queue, pepper, id -> null);
    }

    /**
     * {@code adoptedPeppers}: the pepper of another node whose hashes were imported, by its key id ({@code keyid=x…} in
     * the PHC string; {@link Secrets#adoptedPepper}), or null.
     */
    public PasswordHasher(Params params, int queue, byte[] pepper, java.util.function.Function<String, byte[]> adoptedPeppers) {
        this.adoptedPeppers = adoptedPeppers;
        this.params = params;
        this.pepper = pepper == null ? null : pepper.clone();
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.queue = Math.max(0, queue);
        this.admissions = new java.util.concurrent.Semaphore(cores + this.queue, true);
        this.priorityAdmissions = new java.util.concurrent.Semaphore(cores, true);
        this.slots = new Slots(cores);
        this.dummyHash = phc(random(SALT_BYTES), random(32));
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        Secrets.RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** What a login naming no account verifies against (tests). */
    String dummyHash() {
        return dummyHash;
    }

    /**
     * One verification on a hashing core, outside the queue's places, so that the first login does not pay for sizing a
     * generator's memory and for Argon2's code still interpreted (about 0.1 s with the OWASP parameters). Run once the
     * node has started ({@code LatchkeyServer}'s warm-ups), never on start-up's path.
     */
    public void warmUp() {
        verifyAdmitted("latchkey-warm-up", dummyHash, false);
    }

    public Params params() {
        return params;
    }

    public int queue() {
        return queue;
    }

    /**
     * A place in the hashing queue, taken before any other work on a password (a login takes it before it counts the
     * attempt), so a full queue refuses at once and nothing is left to undo. Close it when done.
     */
    public Admission admit() {
        if (!admissions.tryAcquire()) {
            throw new Busy();
        }
        return new Admission(admissions, false);
    }

    /**
     * A place in the priority lane, for a login the caller vouches for once {@link #admit} said Busy: its hash goes
     * before those waiting in the queue. Busy when the lane is full too.
     */
    public Admission admitPriority() {
        if (!priorityAdmissions.tryAcquire()) {
            throw new Busy();
        }
        return new Admission(priorityAdmissions, true);
    }

    /** The right to hash once or a few times; the hash itself waits for a free core. */
    public final class Admission implements AutoCloseable {
        private final java.util.concurrent.Semaphore place;
        private final boolean priority;
        private boolean closed;

        private Admission(java.util.concurrent.Semaphore place, boolean priority) {
            this.place = place;
            this.priority = priority;
        }

        public String hash(String password) {
            return PasswordHasher.this.hashAdmitted(password, priority);
        }

        public boolean verify(String password, String phc) {
            return PasswordHasher.this.verifyAdmitted(password, phc, priority);
        }

        /** Spends the same time as a real verification, for logins naming no account (no user enumeration by timing). */
        public void verifyDummy(String password) {
            verifyAdmitted(password, dummyHash, priority);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                place.release();
            }
        }
    }

    public String hash(String password) {
        try (Admission a = admit()) {
            return a.hash(password);
        }
    }

    /** Verifies against a stored PHC string; false for anything malformed. */
    public boolean verify(String password, String phc) {
        try (Admission a = admit()) {
            return a.verify(password, phc);
        }
    }

    private String hashAdmitted(String password, boolean priority) {
        byte[] salt = random(SALT_BYTES);
        return phc(salt, derive(password, salt, params, 32, pepper, priority));
    }

    /** The PHC string of an Argon2id hash with this hasher's parameters and pepper. */
    private String phc(byte[] salt, byte[] hash) {
        return "$argon2id$v=19$m=" + params.memoryKiB + ",t=" + params.iterations + ",p=" + params.parallelism
                + (pepper == null ? "" : ",keyid=" + PEPPER_ID) + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** The pepper's id in the PHC string; a new derivation of the pepper would get the next one. */
    private static final String PEPPER_ID = "1";

    private boolean verifyAdmitted(String password, String phc, boolean priority) {
        if (phc == null) {
            return false;
        }
        String[] parts = phc.split("\\$");
        if (!phc.startsWith("$argon2")) {
            return verifyImported(password, phc, priority);
        }
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        int type = parts.length == 6 ? argon2Type(parts[1]) : -1;
        if (type < 0) {
            return false;
        }
        try {
            Params p = parseParams(parts[3]);
            String keyId = keyId(parts[3]);
            byte[] secret = keyId == null ? null : PEPPER_ID.equals(keyId) ? pepper : adoptedPeppers.apply(keyId);
            if (keyId != null && secret == null) {
                return false; // keyed with a pepper this hasher does not hold
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            byte[] actual = derive(password, salt, p, expected.length, secret, priority, type);
            return MessageDigest.isEqual(expected, actual);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Argon2's variant from a PHC id ({@code argon2id}, and the imported {@code argon2i}, {@code argon2d}), or -1. */
    private static int argon2Type(String id) {
        return switch (id) {
            case "argon2id" -> Argon2Parameters.ARGON2_id;
            case "argon2i" -> Argon2Parameters.ARGON2_i;
            case "argon2d" -> Argon2Parameters.ARGON2_d;
            default -> -1;
        };
    }

    /** A hashing core's generator, waiting for one to be free (the caller gives it back). */
    private Slot takeSlot(boolean priority) {
        try {
            return slots.take(priority);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to hash", e);
        }
    }

    /**
     * A hash imported from another system ({@link ImportedHashes}): bcrypt, PBKDF2 or salted SHA-256, verified on a hashing
     * core like Argon2 and replaced by Argon2id at the next login ({@link #needsRehash}).
     */
    private boolean verifyImported(String password, String stored, boolean priority) {
        Slot slot = takeSlot(priority);
        try {
            return ImportedHashes.verify(password, stored);
        } catch (RuntimeException e) {
            return false;
        } finally {
            slots.give(slot);
        }
    }

    /**
     * True when the stored hash is weaker than today's parameters (less memory or fewer passes): rehash it at the next
     * successful login. Never downgrades a stronger hash.
     */
    public boolean needsRehash(String phc) {
        String[] parts = phc == null ? new String[0] : phc.split("\\$");
        if (parts.length != 6 || !parts[1].equals("argon2id")) {
            return true;
        }
        try {
            Params stored = parseParams(parts[3]);
            boolean unpeppered = pepper != null && !PEPPER_ID.equals(keyId(parts[3]));
            return unpeppered || stored.memoryKiB < params.memoryKiB || stored.iterations < params.iterations;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** The {@code keyid} of a PHC parameter string, or null. */
    private static String keyId(String s) {
        for (String kv : s.split(",")) {
            if (kv.startsWith("keyid=")) {
                return kv.substring("keyid=".length());
            }
        }
        return null;
    }

    private static Params parseParams(String s) {
        int m = 0, t = 0, p = 0;
        for (String kv : s.split(",")) {
            String[] pair = kv.split("=");
            if (pair[0].equals("keyid")) {
                continue;
            }
            int v = Integer.parseInt(pair[1]);
            switch (pair[0]) {
                case "m" -> m = v;
                case "t" -> t = v;
                case "p" -> p = v;
                default -> throw new IllegalArgumentException(kv);
            }
        }
        if (m < 8 || m > 1024 * 1024 || t < 1 || t > 100 || p < 1 || p > 16) {
            throw new IllegalArgumentException(s);
        }
        return new Params(m, t, p);
    }

    private byte[] derive(String password, byte[] salt, Params p, int length, byte[] secret, boolean priority) {
        return derive(password, salt, p, length, secret, priority, Argon2Parameters.ARGON2_id);
    }

    private byte[] derive(String password, byte[] salt, Params p, int length, byte[] secret, boolean priority, int type) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(type)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKiB)
                .withIterations(p.iterations)
                .withParallelism(p.parallelism)
                .withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret);
        }
        Argon2Parameters spec = builder.build();
        byte[] out = new byte[length];
        Slot slot = takeSlot(priority);
        try {
            if (PARAMETERS != null && p.equals(slot.sizedFor) && type == Argon2Parameters.ARGON2_id) {
                PARAMETERS.set(slot.generator, spec); // same memory size: only the salt changes
            } else {
                slot.generator.init(spec);
                slot.sizedFor = type == Argon2Parameters.ARGON2_id ? p : null;
            }
            slot.generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        } catch (RuntimeException e) {
            slot.sizedFor = null; // re-initialise next time
            throw e;
        } finally {
            slots.give(slot);
        }
        return out;
    }
}

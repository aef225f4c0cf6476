package dev.latchkey.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher weak = new PasswordHasher(new PasswordHasher.Params(1024, 1, 1));
    private final PasswordHasher strong = new PasswordHasher(PasswordHasher.DEFAULT);

    @Test
    void phcFormatWithOwaspParametersAndARandomSalt() {
        String h = strong.hash("pässword");
        assertThat(h).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(strong.hash("pässword")).isNotEqualTo(h);
        assertThat(strong.verify("pässword", h)).isTrue();
        assertThat(strong.verify("password", h)).isFalse();
    }

    @Test
    void verifiesOtherParametersAndAsksForARehash() {
        String old = weak.hash("secret-1");
        assertThat(strong.verify("secret-1", old)).isTrue();
        assertThat(strong.needsRehash(old)).isTrue();
        assertThat(strong.needsRehash(strong.hash("secret-1"))).isFalse();
        assertThat(weak.needsRehash(strong.hash("secret-1"))).as("never downgrades").isFalse();
    }

    @Test
    void reusedGeneratorsGiveTheReferenceResult() {
        // RFC 9106 / reference implementation vector is for Argon2id with secret and ad; instead compare the reused
        // generators with a fresh Bouncy Castle generator, for several salts in a row on each slot.
        for (int i = 0; i < 6; i++) {
            String h = weak.hash("pw-" + i);
            String[] parts = h.split("\\$");
            byte[] salt = java.util.Base64.getDecoder().decode(parts[4]);
            org.bouncycastle.crypto.generators.Argon2BytesGenerator fresh = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
            fresh.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                    .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(1024).withIterations(1).withParallelism(1).withSalt(salt).build());
            byte[] expected = new byte[32];
            fresh.generateBytes("pw-".concat(String.valueOf(i)).getBytes(java.nio.charset.StandardCharsets.UTF_8), expected);
            assertThat(java.util.Base64.getDecoder().decode(parts[5])).isEqualTo(expected);
        }
    }

    @Test
    void malformedHashesNeverVerify() {
        for (String bad : new String[] {null, "", "plain", "$argon2i$v=19$m=1024,t=1,p=1$AAAA$AAAA",
                "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AAAA"}) {
            assertThat(strong.verify("x", bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void aPepperedHashNeedsTheServersKeyAndOldHashesAreUpgraded() {
        byte[] pepper = new Secrets("test-secret-key-0123456789abcdef").passwordPepper();
        byte[] otherPepper = new Secrets("another-secret-key-0123456789abc").passwordPepper();
        PasswordHasher peppered = new PasswordHasher(new PasswordHasher.Params(1024, 1, 1), 8, pepper);
        String h = peppered.hash("secret-1");
        // Argon2id's own secret input (K), named in the PHC string as keyid=1 (RFC 9106; PHC string format).
        assertThat(h).startsWith("$argon2id$v=19$m=1024,t=1,p=1,keyid=1$");
        assertThat(peppered.verify("secret-1", h)).isTrue();
        assertThat(peppered.needsRehash(h)).isFalse();
        // The database alone does not let anyone test guesses: without the key (or with another) nothing verifies.
        assertThat(weak.verify("secret-1", h)).isFalse();
        assertThat(new PasswordHasher(new PasswordHasher.Params(1024, 1, 1), 8, otherPepper).verify("secret-1", h)).isFalse();
        // A hash from before the pepper still verifies, and is rehashed at the next login.
        String old = weak.hash("secret-1");
        assertThat(peppered.verify("secret-1", old)).isTrue();
        assertThat(peppered.needsRehash(old)).isTrue();
    }

    @Test
    void theDummyHashHasTheHashersParametersAndMatchesNoPassword() {
        byte[] pepper = new Secrets("test-secret-key-0123456789abcdef").passwordPepper();
        PasswordHasher peppered = new PasswordHasher(new PasswordHasher.Params(1024, 1, 1), 8, pepper);
        String dummy = peppered.dummyHash();
        // Verifying against it is one derivation with today's parameters and the pepper, as for a real account.
        assertThat(dummy).startsWith("$argon2id$v=19$m=1024,t=1,p=1,keyid=1$").hasSize(peppered.hash("x").length());
        assertThat(peppered.needsRehash(dummy)).isFalse();
        // Made of random bytes, not by hashing a password: none matches it, the one a dummy used to be made of neither.
        assertThat(peppered.verify("latchkey-dummy-password", dummy)).isFalse();
        assertThat(peppered.verify("latchkey-warm-up", dummy)).isFalse();
        assertThat(new PasswordHasher(new PasswordHasher.Params(1024, 1, 1), 8, pepper).dummyHash()).isNotEqualTo(dummy);
        peppered.warmUp();
        try (PasswordHasher.Admission a = peppered.admit()) {
            a.verifyDummy("any password");
        }
    }

    @Test
    void thePriorityLaneHasAPlacePerCoreAndItsHashesGoBeforeTheQueue() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        // Hashes slow enough (about half a second each here) that the test's own thread, however late the machine schedules
        // it, is waiting in the priority lane before the first running hash ends.
        PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Params(19 * 1024, 16, 1), 4, null);
        String phc = hasher.hash("password-x");
        // Fill every core and the queue with hashes that are waiting or running.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        java.util.List<PasswordHasher.Admission> held = new java.util.ArrayList<>();
        for (int i = 0; i < cores + 4; i++) {
            held.add(hasher.admit());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(hasher::admit).isInstanceOf(PasswordHasher.Busy.class);
        java.util.List<Long> finished = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.List<java.util.concurrent.Future<?>> queued = new java.util.ArrayList<>();
        for (PasswordHasher.Admission a : held) {
            queued.add(pool.submit(() -> {
                a.verify("password-x", phc);
                finished.add(System.nanoTime());
                a.close();
            }));
        }
        Thread.sleep(50); // the queue's hashes are waiting for the cores
        java.util.List<PasswordHasher.Admission> priority = new java.util.ArrayList<>();
        for (int i = 0; i < cores; i++) {
            priority.add(hasher.admitPriority());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(hasher::admitPriority).isInstanceOf(PasswordHasher.Busy.class);
        long start = System.nanoTime();
        try (PasswordHasher.Admission first = priority.get(0)) {
            assertThat(first.verify("password-x", phc)).isTrue();
        }
        long priorityDone = System.nanoTime();
        for (java.util.concurrent.Future<?> f : queued) {
            f.get();
        }
        priority.forEach(PasswordHasher.Admission::close);
        pool.shutdown();
        // It took the first core that came free: what finished before it is the hashes already running when it came, and
        // at most one queued hash per other core, started as those cores came free while it ran (and on a loaded machine
        // possibly ending first). Without the lane it would have waited for the whole queue: cores + 4.
        assertThat(finished.stream().filter(t -> t < priorityDone).count()).isLessThanOrEqualTo(2L * cores - 1);
        assertThat(priorityDone - start).isPositive();
        hasher.admit().close(); // every place was given back
        hasher.admitPriority().close();
    }
}

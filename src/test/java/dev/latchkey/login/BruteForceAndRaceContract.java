package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One-time things under attack: parallel redemptions of one code, wrong codes killing the 2FA token and locking the
 * account (with its pending tokens), wrong passwords locking the account, and no user enumeration.
 */
abstract class BruteForceAndRaceContract extends ServerContract {

    private static int code(Reply r) {
        return r.json().path("ErrorCode").asInt(0);
    }

    @Test
    void twentyParallelRedemptionsOfOneCodeOnOneTokenSucceedOnce() throws Exception {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("race1@example.com", "race-password");
        String code = t.backupCodes(uid).get(0);
        String token = t.secondFactorToken("race1@example.com", "race-password");
        List<Reply> replies = Parallel.times(20, () -> t.redeem(token, code));
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(replies).filteredOn(r -> r.status() != 200).allMatch(r -> r.status() == 403 && code(r) == 1103);
    }

    /**
     * Every loser has a right code of its own: each finds the token spent only after its code checked right, so its whole
     * transaction (the code, and on PostgreSQL the one statement that would have recorded the login, issued the tokens and
     * written the audit entry) must roll back: one login, one session, one code spent.
     */
    @Test
    void parallelRedemptionsOfDifferentRightCodesOnOneTokenLogInOnceAndSpendOneCode() throws Exception {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("race3@example.com", "race-password");
        List<String> codes = t.backupCodes(uid);
        String token = t.secondFactorToken("race3@example.com", "race-password");
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Reply> replies = Parallel.times(codes.size(), () -> t.redeem(token, codes.get(next.getAndIncrement())));
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(replies).filteredOn(r -> r.status() != 200).hasSize(codes.size() - 1)
                .allMatch(r -> r.status() == 403 && code(r) == 1103);
        assertThat(count("SELECT COUNT(*) FROM access_tokens WHERE uid = :uid", uid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM refresh_tokens WHERE uid = :uid", uid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM backup_codes WHERE uid = :uid AND used_at IS NOT NULL", uid)).isEqualTo(1);
        assertThat(count("SELECT no_of_logins FROM accounts WHERE uid = :uid", uid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE uid = :uid AND event = 'Login' AND outcome = 'success'", uid)).isEqualTo(1);
    }

    /**
     * An account locked while its login waited for step 2, as a race leaves it (the request that locks it ends its pending
     * tokens, but this one had read its token before): 1198 with Retry-After, the refusal in the audit trail, nothing spent.
     */
    @Test
    void anAccountLockedAfterItsTokenWasReadAnswers1198WithRetryAfter() {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("race4@example.com", "race-password");
        List<String> codes = t.backupCodes(uid);
        String token = t.secondFactorToken("race4@example.com", "race-password");
        s.server.jdbi().useHandle(h -> h.createUpdate("UPDATE accounts SET locked_until = :until WHERE uid = :uid")
                .bind("until", s.clock.millis() + 60_000).bind("uid", uid).execute());
        Reply r = t.redeem(token, codes.get(0));
        assertThat(r.status()).isEqualTo(403);
        assertThat(code(r)).isEqualTo(1198);
        assertThat(r.headers().firstValueAsLong("Retry-After").orElse(-1)).isBetween(59L, 60L);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE uid = :uid AND event = 'LoginRefused' AND details LIKE '%not evaluated: locked'",
                uid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM backup_codes WHERE uid = :uid AND used_at IS NOT NULL", uid)).isZero();
    }

    /**
     * A wrong backup code writes nothing but its counts (on PostgreSQL it is checked in the statement that would complete
     * the login, each of whose writes depends on the one before): no session, no login recorded or audited, no code spent;
     * the same token then takes the right code.
     */
    @Test
    void aWrongCodeWritesOnlyItsCountsAndTheTokenThenTakesTheRightOne() {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("race5@example.com", "race-password");
        List<String> codes = t.backupCodes(uid);
        String token = t.secondFactorToken("race5@example.com", "race-password");
        Reply wrong = t.redeem(token, "aaaaa-bbbbb"); // a code of the right shape, so it is checked
        assertThat(wrong.status()).as(wrong.raw()).isEqualTo(403);
        assertThat(code(wrong)).isEqualTo(1129);
        assertThat(count("SELECT COUNT(*) FROM access_tokens WHERE uid = :uid", uid)).isZero();
        assertThat(count("SELECT COUNT(*) FROM refresh_tokens WHERE uid = :uid", uid)).isZero();
        assertThat(count("SELECT COUNT(*) FROM backup_codes WHERE uid = :uid AND used_at IS NOT NULL", uid)).isZero();
        assertThat(count("SELECT no_of_logins FROM accounts WHERE uid = :uid", uid)).isZero();
        assertThat(count("SELECT second_factor_failures FROM accounts WHERE uid = :uid", uid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM second_factor_tokens WHERE uid = :uid AND failures = 1 AND used_at IS NULL", uid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE uid = :uid AND event = 'Login'", uid)).isZero();
        assertThat(t.redeem(token, codes.get(0)).status()).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM access_tokens WHERE uid = :uid", uid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM backup_codes WHERE uid = :uid AND used_at IS NOT NULL", uid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE uid = :uid AND event = 'Login' AND outcome = 'success'", uid)).isEqualTo(1);
        assertThat(count("SELECT second_factor_failures FROM accounts WHERE uid = :uid", uid)).isZero();
    }

    private long count(String sql, String uid) {
        return s.server.jdbi().withHandle(h -> h.createQuery(sql).bind("uid", uid).mapTo(Long.class).one());
    }

    @Test
    void twentyParallelRedemptionsOfOneCodeOnTwentyTokensSucceedOnce() throws Exception {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true},\"Security\":{\"MaxSecondFactorAttempts\":100}}");
        String uid = t.account("race2@example.com", "race-password");
        String code = t.backupCodes(uid).get(3);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(t.secondFactorToken("race2@example.com", "race-password"));
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Reply> replies = Parallel.times(20, () -> t.redeem(tokens.get(next.getAndIncrement()), code));
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(replies).filteredOn(r -> r.status() != 200).hasSize(19).allMatch(r -> r.status() == 403 && code(r) == 1129);
    }

    @Test
    void wrongCodesKillTheTokenThenLockTheAccountAndItsPendingTokens() {
        TestTenant t = s.tenant("""
                {"TwoFactorAuthentication":{"IsEnabled":true},
                 "Security":{"MaxSecondFactorAttemptsPerToken":3,"MaxSecondFactorAttempts":5,"LockoutSeconds":60}}""");
        String uid = t.account("brute@example.com", "brute-password");
        List<String> codes = t.backupCodes(uid);
        String pending = t.secondFactorToken("brute@example.com", "brute-password");

        String a = t.secondFactorToken("brute@example.com", "brute-password");
        for (int i = 0; i < 3; i++) {
            assertThat(code(t.redeem(a, "aaaaa-aaaaa"))).isEqualTo(1129);
        }
        // Dead after 3 wrong answers: even the right code is refused, and does not get spent.
        assertThat(code(t.redeem(a, codes.get(0)))).isEqualTo(1103);

        String b = t.secondFactorToken("brute@example.com", "brute-password");
        assertThat(code(t.redeem(b, "bbbbb-bbbbb"))).isEqualTo(1129);
        assertThat(code(t.redeem(b, "bbbbb-bbbbc"))).isEqualTo(1129); // the 5th failure: account locked
        assertThat(code(t.redeem(pending, codes.get(0)))).isEqualTo(1103);
        assertThat(code(t.redeem(b, codes.get(0)))).isEqualTo(1103);
        Reply locked = t.login("brute@example.com", "brute-password");
        assertThat(locked.status()).isEqualTo(403);
        assertThat(code(locked)).isEqualTo(1198);

        s.clock.advance(Duration.ofSeconds(61));
        String c = t.secondFactorToken("brute@example.com", "brute-password");
        assertThat(t.redeem(c, codes.get(0)).status()).isEqualTo(200);
    }

    @Test
    void wrongPasswordsLockTheAccount() {
        TestTenant t = s.tenant("{\"Security\":{\"MaxPasswordAttempts\":3,\"LockoutSeconds\":120}}");
        t.account("pw@example.com", "the-password");
        for (int i = 0; i < 3; i++) {
            assertThat(code(t.login("pw@example.com", "not-the-password"))).isEqualTo(966);
        }
        assertThat(code(t.login("pw@example.com", "the-password"))).isEqualTo(1198);
        // Locked: no password is evaluated, so a wrong one answers the same 1198 (LoginAbuseContract has the rest).
        assertThat(code(t.login("pw@example.com", "not-the-password"))).isEqualTo(1198);
        s.clock.advance(Duration.ofSeconds(121));
        assertThat(t.login("pw@example.com", "the-password").status()).isEqualTo(200);
    }

    @Test
    void unknownAccountAndWrongPasswordAreIndistinguishable() {
        TestTenant t = s.mfaTenant(false);
        t.account("known@example.com", "known-password");
        Reply wrong = t.login("known@example.com", "wrong-password");
        Reply unknown = t.login("nobody@example.com", "wrong-password");
        assertThat(wrong.status()).isEqualTo(401).isEqualTo(unknown.status());
        assertThat(wrong.raw()).isEqualTo(unknown.raw());
        assertThat(code(wrong)).isEqualTo(966);
        // Both spend an Argon2id verification: the unknown account is no faster than half the known one.
        long known = medianNanos(() -> t.login("known@example.com", "wrong-password"));
        long nobody = medianNanos(() -> t.login("nobody@example.com", "wrong-password"));
        assertThat(nobody).isGreaterThan(known / 2);
    }

    private static long medianNanos(Runnable r) {
        long[] times = new long[5];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            r.run();
            times[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(times);
        return times[2];
    }

    @Test
    void expiredTokensAnswer1104And906() {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("late@example.com", "late-password");
        List<String> codes = t.backupCodes(uid);
        String token = t.secondFactorToken("late@example.com", "late-password");
        String fresh = t.secondFactorToken("late@example.com", "late-password");
        Reply ok = t.redeem(fresh, codes.get(0));
        s.clock.advance(Duration.ofMinutes(11));
        Reply expired = t.redeem(token, codes.get(1));
        assertThat(expired.status()).isEqualTo(403);
        assertThat(code(expired)).isEqualTo(1104);
        s.clock.advance(Duration.ofMinutes(50));
        Reply stale = s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + ok.text("access_token"));
        assertThat(stale.status()).isEqualTo(403);
        assertThat(code(stale)).isEqualTo(906);
    }
}

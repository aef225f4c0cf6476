package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Guessing as an attacker would, one at a time and 20 to 100 at once: a locked account is no oracle (no password is
 * evaluated, the answer is the same right or wrong, for an account that exists or not); failures are throttled per
 * identifier and per client address; N parallel wrong answers never evaluate more than the limits, each counted once,
 * never a deadlock or a 5xx.
 */
abstract class LoginAbuseContract extends ServerContract {
    /** The node trusts the test client as a proxy, so X-Forwarded-For says where each login comes from. */
    private static final ServerConfig.Risk BEHIND_PROXY = new ServerConfig.Risk(null, "127.0.0.1");

    @Override
    protected TestServer.Options options() {
        // A hashing queue long enough that no burst here is refused as an overload (that has its own test below).
        return TestServer.Options.DEFAULT.withRisk(BEHIND_PROXY).withLimits(limits(1000));
    }

    private static ServerConfig.Limits limits(int hashingQueue) {
        ServerConfig.Limits d = ServerConfig.Limits.DEFAULT;
        return new ServerConfig.Limits(hashingQueue, d.auditRetentionMillis(), d.retentionMillis(), d.refuseTokensInQuery());
    }

    private static int code(Reply r) {
        return r.json() == null ? 0 : r.json().path("ErrorCode").asInt(0);
    }

    private Reply login(TestTenant t, String email, String password, String from) {
        return s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(),
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}",
                "Content-Type", "application/json", "X-Forwarded-For", from);
    }

    private static long retryAfter(Reply r) {
        return r.headers().firstValueAsLong("Retry-After").orElse(-1);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void aLockedAccountAnswers1198WhetherThePasswordIsRightOrWrong() {
        TestTenant t = s.tenant("{\"Security\":{\"MaxPasswordAttempts\":3,\"LockoutSeconds\":120}}");
        String email = unique("locked");
        t.account(email, "the-password");
        for (int i = 0; i < 3; i++) {
            assertThat(code(login(t, email, "wrong-password", "198.51.100.1"))).isEqualTo(966);
        }
        Reply wrong = login(t, email, "wrong-password", "198.51.100.1");
        Reply right = login(t, email, "the-password", "198.51.100.1");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(code(wrong)).isEqualTo(1198);
        assertThat(right.raw()).isEqualTo(wrong.raw());
        assertThat(retryAfter(wrong)).isBetween(1L, 120L);
        s.clock.advance(Duration.ofSeconds(121));
        assertThat(login(t, email, "the-password", "198.51.100.1").status()).isEqualTo(200);
    }

    @Test
    void anIdentifierNoAccountHasLocksTheSameWaySoLockoutRevealsNothing() {
        TestTenant t = s.tenant("{\"Security\":{\"MaxPasswordAttempts\":3,\"LockoutSeconds\":120}}");
        String real = unique("real");
        t.account(real, "the-password");
        String nobody = unique("nobody");
        List<Reply> realReplies = new ArrayList<>();
        List<Reply> nobodyReplies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            realReplies.add(login(t, real, "wrong-password", "198.51.100.2"));
            nobodyReplies.add(login(t, nobody, "wrong-password", "198.51.100.3"));
        }
        for (int i = 0; i < 5; i++) {
            assertThat(nobodyReplies.get(i).status()).isEqualTo(realReplies.get(i).status());
            assertThat(nobodyReplies.get(i).raw()).isEqualTo(realReplies.get(i).raw());
        }
        assertThat(code(nobodyReplies.get(2))).isEqualTo(966);
        assertThat(code(nobodyReplies.get(3))).isEqualTo(1198);
        assertThat(retryAfter(nobodyReplies.get(4))).isBetween(1L, 120L);
    }

    @Test
    void fortyParallelWrongPasswordsEvaluateExactlyTheLimit() throws Exception {
        TestTenant t = s.tenant("{\"Security\":{\"MaxPasswordAttempts\":5,\"LockoutSeconds\":300,\"MaxFailedLoginsPerAddress\":1000}}");
        String email = unique("burst");
        t.account(email, "the-password");
        List<Reply> replies = Parallel.times(40, () -> login(t, email, "wrong-password", "198.51.100.4"));
        assertThat(replies).allMatch(r -> r.status() < 500);
        assertThat(replies).filteredOn(r -> code(r) == 966).hasSize(5);
        // The others were not evaluated: 429 while the five were in flight, 1198 once the fifth failure locked it.
        assertThat(replies).filteredOn(r -> code(r) != 966).hasSize(35).allMatch(r -> code(r) == 1198 || code(r) == 429);
        assertThat(code(login(t, email, "the-password", "198.51.100.4"))).isEqualTo(1198);

        String nobody = unique("burst-nobody");
        List<Reply> unknown = Parallel.times(40, () -> login(t, nobody, "wrong-password", "198.51.100.5"));
        assertThat(unknown).filteredOn(r -> code(r) == 966).hasSize(5);
        assertThat(unknown).filteredOn(r -> code(r) != 966).hasSize(35).allMatch(r -> code(r) == 1198 || code(r) == 429);
        assertThat(code(login(t, nobody, "wrong-password", "198.51.100.5"))).isEqualTo(1198);
    }

    @Test
    void failedLoginsFromOneAddressAreThrottledThere() {
        TestTenant t = s.tenant("{\"Security\":{\"MaxFailedLoginsPerAddress\":5,\"AddressWindowSeconds\":60}}");
        String email = unique("victim");
        t.account(email, "the-password");
        for (int i = 0; i < 5; i++) {
            assertThat(code(login(t, unique("spray"), "guess-" + i, "203.0.113.9"))).isEqualTo(966);
        }
        // The address has spent its failures: even the right password is not evaluated from there.
        Reply throttled = login(t, email, "the-password", "203.0.113.9");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(code(throttled)).isEqualTo(429);
        assertThat(throttled.json().path("Message").asText()).isEqualTo("Too many requests in a particular time frame");
        assertThat(retryAfter(throttled)).isBetween(1L, 60L);
        // Refused there, an attempt counts nothing on the account (as many as its limit would otherwise hold it).
        for (int i = 0; i < 5; i++) {
            assertThat(code(login(t, email, "the-password", "203.0.113.9"))).isEqualTo(429);
        }
        // Another address is not affected; the throttled one recovers after its window.
        assertThat(login(t, email, "the-password", "203.0.113.10").status()).isEqualTo(200);
        s.clock.advance(Duration.ofSeconds(61));
        assertThat(login(t, email, "the-password", "203.0.113.9").status()).isEqualTo(200);
    }

    @Test
    void aCountLeftAtTheLimitWithNothingInFlightIsEvaluatedAgainSoNoAccountIsStuck() {
        // The operator lowers the limit below counts already made (a node that died mid-login leaves one the same way):
        // for a minute that looks like attempts in flight (429); then the next attempt is evaluated, for an account and
        // for an identifier that names none alike.
        TestTenant t = s.tenant("{\"Security\":{\"MaxPasswordAttempts\":6,\"LockoutSeconds\":120}}");
        String email = unique("stuck");
        t.account(email, "the-password");
        String nobody = unique("nobody");
        for (int i = 0; i < 4; i++) {
            assertThat(code(login(t, email, "wrong-" + i, "203.0.113.60"))).isEqualTo(966);
            assertThat(code(login(t, nobody, "wrong-" + i, "203.0.113.61"))).isEqualTo(966);
        }
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"Security\":{\"MaxPasswordAttempts\":3}}").status()).isEqualTo(200);
        s.clock.advance(Duration.ofSeconds(2)); // the tenant cache
        assertThat(code(login(t, email, "the-password", "203.0.113.60"))).isEqualTo(429);
        assertThat(code(login(t, nobody, "wrong-x", "203.0.113.61"))).isEqualTo(429);
        s.clock.advance(Duration.ofSeconds(61));
        assertThat(login(t, email, "the-password", "203.0.113.60").status()).isEqualTo(200);
        Reply locked = login(t, nobody, "wrong-y", "203.0.113.61");
        assertThat(code(locked)).as(locked.raw()).isEqualTo(966);
        assertThat(code(login(t, nobody, "wrong-z", "203.0.113.61"))).isEqualTo(1198);
    }

    @Test
    void aReturningUserGetsInDuringAFloodThatFillsTheHashingQueue() throws Exception {
        // No queue: two places (one per core) for the flood, and the priority lane for a login from a network the
        // account's own completed logins came from.
        try (TestServer small = new TestServer(backend(), TestServer.Options.DEFAULT.withRisk(BEHIND_PROXY).withLimits(limits(0)))) {
            TestTenant t = small.tenant("{\"Security\":{\"MaxFailedLoginsPerAddress\":100000}}");
            String ann = unique("ann");
            t.account(ann, "anns-password");
            String ben = unique("ben");
            t.account(ben, "bens-password");
            Reply first = small.send("POST", "/identity/v2/auth/login?apikey=" + t.apiKey(),
                    "{\"email\":\"" + ann + "\",\"password\":\"anns-password\"}", "Content-Type", "application/json",
                    "X-Forwarded-For", "198.51.100.7");
            assertThat(first.status()).as(first.raw()).isEqualTo(200);

            java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicInteger floodRefused = new java.util.concurrent.atomic.AtomicInteger();
            List<java.util.concurrent.Callable<List<Integer>>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String from = "192.0.2." + i;
                calls.add(() -> {
                    while (flooding.get()) {
                        Reply r = small.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(),
                                "{\"email\":\"" + unique("flood") + "\",\"password\":\"wrong-password\"}",
                                "Content-Type", "application/json", "X-Forwarded-For", from);
                        if (r.status() == 429) {
                            floodRefused.incrementAndGet();
                        }
                    }
                    return List.of();
                });
            }
            AtomicInteger usersLeft = new AtomicInteger(2);
            // Ann from the address she logged in from; Ben, who never logged in, from his: one login at a time, in the flood.
            for (String[] user : List.of(new String[] {ann, "anns-password", "198.51.100.7"}, new String[] {ben, "bens-password", "203.0.113.5"})) {
                calls.add(() -> {
                    Thread.sleep(500); // the flood is on
                    List<Integer> statuses = new ArrayList<>();
                    // Twenty logins each: on a loaded machine (the whole suite running) ten of Ben's once all found a place.
                    for (int i = 0; i < 20; i++) {
                        statuses.add(small.send("POST", "/identity/v2/auth/login?apikey=" + t.apiKey(),
                                "{\"email\":\"" + user[0] + "\",\"password\":\"" + user[1] + "\"}",
                                "Content-Type", "application/json", "X-Forwarded-For", user[2]).status());
                    }
                    if (usersLeft.decrementAndGet() == 0) {
                        flooding.set(false);
                    }
                    return statuses;
                });
            }
            List<List<Integer>> out = Parallel.run(calls);
            assertThat(floodRefused.get()).as("the flood was refused at once").isGreaterThan(100);
            assertThat(out.get(40)).as("Ann, from her own address, gets in every time").containsOnly(200);
            assertThat(out.get(41)).as("Ben has never logged in from there: he waits in line like anyone").contains(429);
        }
    }

    @Test
    void refusalsThatEvaluateNothingAreAuditedPerAddressNotWrittenOneByOne() throws Exception {
        // A flood of refused requests must not become a flood of audit inserts (on H2 they held every pooled connection
        // and health checks waited seconds): one entry per address and reason, with how many and when.
        TestTenant t = s.tenant("{\"Security\":{\"MaxFailedLoginsPerAddress\":2,\"AddressWindowSeconds\":60}}");
        for (int i = 0; i < 2; i++) {
            assertThat(code(login(t, unique("spray"), "guess-" + i, "203.0.113.41"))).isEqualTo(966);
        }
        List<java.util.concurrent.Callable<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            calls.add(() -> login(t, unique("spray"), "guess", "203.0.113.41"));
        }
        assertThat(Parallel.run(calls)).allMatch(r -> r.status() == 429);
        s.server.flushAudit();
        com.fasterxml.jackson.databind.JsonNode data = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/audit-events?event=LoginRefused", null)
                .json().get("Data");
        // One entry per tally period (Audit.TALLY_MILLIS): a burst of a few milliseconds is one entry, or two when the
        // node's periodic flush falls inside it (it did, once, on a loaded machine). Together they count all 25.
        assertThat(data.size()).isBetween(1, 2);
        int refused = 0;
        for (com.fasterxml.jackson.databind.JsonNode entry : data) {
            assertThat(entry.get("IP").asText()).isEqualTo("203.0.113.41");
            assertThat(entry.get("ErrorCode").asInt()).isEqualTo(429);
            assertThat(entry.get("Outcome").asText()).isEqualTo("refused");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("too many failed logins from this address \\((\\d+) refused, for "
                    + "several identifiers, \\d{4}-.+Z to \\d{4}-.+Z\\)").matcher(entry.get("Details").asText());
            if (m.matches()) {
                assertThat(entry.get("Identifier").isNull()).isTrue();
                refused += Integer.parseInt(m.group(1));
            } else {
                assertThat(entry.get("Details").asText()).isEqualTo("too many failed logins from this address");
                refused++;
            }
        }
        assertThat(refused).isEqualTo(25);
        // A single refusal is an entry of its own, as precise as any other.
        String one = unique("once");
        assertThat(login(t, one, "guess", "203.0.113.41").status()).isEqualTo(429);
        s.server.flushAudit();
        data = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/audit-events?event=LoginRefused&limit=1", null).json().get("Data");
        assertThat(data.get(0).get("Identifier").asText()).isEqualTo(one);
        assertThat(data.get(0).get("Details").asText()).isEqualTo("too many failed logins from this address");
    }

    @Test
    void theAddressOfAnUntrustedClientIsItsConnection() {
        // Without the trusted proxy, forwarded addresses are ignored: rotating X-Forwarded-For does not escape.
        try (TestServer direct = new TestServer(backend(), TestServer.Options.DEFAULT)) {
            TestTenant t = direct.tenant("{\"Security\":{\"MaxFailedLoginsPerAddress\":3,\"AddressWindowSeconds\":60}}");
            for (int i = 0; i < 3; i++) {
                Reply r = direct.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(),
                        "{\"email\":\"" + unique("rot") + "\",\"password\":\"x-password\"}", "X-Forwarded-For", "192.0.2." + i);
                assertThat(code(r)).isEqualTo(966);
            }
            Reply r = direct.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(),
                    "{\"email\":\"" + unique("rot") + "\",\"password\":\"x-password\"}", "X-Forwarded-For", "192.0.2.99");
            assertThat(r.status()).isEqualTo(429);
        }
    }

    @Test
    void fortyParallelWrongCodesOnOneTokenEvaluateAtMostThePerTokenLimit() throws Exception {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                + "\"Security\":{\"MaxSecondFactorAttemptsPerToken\":5,\"MaxSecondFactorAttempts\":100}}");
        String email = unique("codes");
        String uid = t.account(email, "the-password");
        List<String> codes = t.backupCodes(uid);
        String token = t.secondFactorToken(email, "the-password");
        List<Reply> replies = Parallel.times(40, () -> t.redeem(token, "wrong-code1"));
        assertThat(replies).allMatch(r -> r.status() == 403);
        assertThat(replies).filteredOn(r -> code(r) == 1129).hasSize(5);
        assertThat(replies).filteredOn(r -> code(r) == 1103).hasSize(35);
        // The token is dead; the right code is refused on it and is not spent.
        assertThat(code(t.redeem(token, codes.get(0)))).isEqualTo(1103);
        assertThat(t.redeem(t.secondFactorToken(email, "the-password"), codes.get(0)).status()).isEqualTo(200);
    }

    @Test
    void twentyTokensTimesFiveParallelWrongCodesEvaluateAtMostTheAccountLimit() throws Exception {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                + "\"Security\":{\"MaxSecondFactorAttemptsPerToken\":5,\"MaxSecondFactorAttempts\":10,\"LockoutSeconds\":300}}");
        String email = unique("spray-codes");
        String uid = t.account(email, "the-password");
        List<String> codes = t.backupCodes(uid);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(t.secondFactorToken(email, "the-password"));
        }
        AtomicInteger next = new AtomicInteger();
        List<Reply> replies = Parallel.times(100, () -> t.redeem(tokens.get(next.getAndIncrement() % 20), "wrong-code1"));
        assertThat(replies).allMatch(r -> r.status() == 403 || r.status() == 429);
        // At most the account's 10 are evaluated (fewer when the lockout, set by the 10th counted, ends the tokens of
        // attempts counted but not yet evaluated: those are given back, not counted).
        assertThat(replies).filteredOn(r -> code(r) == 1129).hasSizeBetween(1, 10);
        assertThat(replies).filteredOn(r -> code(r) != 1129).allMatch(r -> code(r) == 1198 || code(r) == 1103 || code(r) == 429);
        // The account is locked: its pending tokens are dead and a new login is refused.
        assertThat(code(t.redeem(tokens.get(0), codes.get(0)))).isIn(1103, 1198);
        assertThat(code(t.login(email, "the-password"))).isEqualTo(1198);
    }

    @Test
    void everyWrongAnswerIsCountedOnceAcrossTokens() {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                + "\"Security\":{\"MaxSecondFactorAttemptsPerToken\":3,\"MaxSecondFactorAttempts\":5,\"LockoutSeconds\":300}}");
        String email = unique("once");
        String uid = t.account(email, "the-password");
        List<String> codes = t.backupCodes(uid);
        String a = t.secondFactorToken(email, "the-password");
        String b = t.secondFactorToken(email, "the-password");
        for (int i = 0; i < 2; i++) {
            assertThat(code(t.redeem(a, "wrong-code1"))).isEqualTo(1129);
            assertThat(code(t.redeem(b, "wrong-code1"))).isEqualTo(1129);
        }
        String c = t.secondFactorToken(email, "the-password");
        assertThat(code(t.redeem(c, "wrong-code1"))).isEqualTo(1129); // the 5th: locked now
        assertThat(code(t.redeem(c, codes.get(0)))).isIn(1103, 1198);
        assertThat(code(t.login(email, "the-password"))).isEqualTo(1198);
    }

    @Test
    void aHashingFloodIsRefusedFastAndTheNodeStaysResponsive() throws Exception {
        // Two cores and four places in the queue: 120 logins at once must mostly be refused at once, not queued.
        try (TestServer small = new TestServer(backend(), TestServer.Options.DEFAULT.withRisk(BEHIND_PROXY).withLimits(limits(4)))) {
            TestTenant t = small.tenant("{\"Security\":{\"MaxFailedLoginsPerAddress\":100000}}");
            AtomicInteger n = new AtomicInteger();
            List<java.util.concurrent.Callable<Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                calls.add(() -> small.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(),
                        "{\"email\":\"" + unique("flood") + "\",\"password\":\"wrong-password\"}",
                        "Content-Type", "application/json", "X-Forwarded-For", "192.0.2." + (n.incrementAndGet() % 250)));
            }
            long[] health = new long[1];
            calls.add(() -> {
                Thread.sleep(100);
                long start = System.nanoTime();
                Reply r = small.get("/health/ready");
                health[0] = (System.nanoTime() - start) / 1_000_000;
                return r;
            });
            List<Reply> replies = Parallel.run(calls);
            List<Reply> logins = replies.subList(0, 120);
            assertThat(logins).allMatch(r -> code(r) == 966 || code(r) == 429);
            List<Reply> refused = logins.stream().filter(r -> r.status() == 429).toList();
            assertThat(refused).hasSizeGreaterThan(60).allMatch(r -> retryAfter(r) >= 1);
            assertThat(refused.get(0).json().path("Message").asText()).isEqualTo("Too many requests in a particular time frame");
            assertThat(replies.get(120).status()).isEqualTo(200);
            assertThat(health[0]).as("health during the flood, ms").isLessThan(1000);
        }
    }
}

package dev.latchkey.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.JarNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A node killed with SIGKILL in the middle of a login load, then restarted on the same store: every 200 it answered
 * is durable (accounts, consumed codes, issued tokens), no code is consumed without its login or the other way round,
 * and no 2FA token is usable twice. On H2 (the data directory) and on PostgreSQL.
 */
class CrashSafetyIT {
    static final String ADMIN = "crash-admin-key-0123456789abcdefghij";
    static final String SECRET = "crash-secret-key-0123456789abcdef";
    static final Map<String, String> ENV = Map.of("LATCHKEY_ALLOW_INSECURE_HASHING", "for-benchmarks-and-tests");
    static final int USERS = 30;

    record Redeemed(String email, String code, String token, String accessToken) {}

    @Test
    void h2() throws Exception {
        Path dir = Files.createTempDirectory("latchkey-crash");
        run(() -> JarNode.start(ENV, "--data-dir", dir.toString(), "--admin-key", ADMIN, "--secret-key", SECRET, "--password-hashing", "minimal"));
    }

    /**
     * H2 again, its chunks rewritten by the node's housekeeping while the load runs and when the kill comes: the default
     * store's URL with a retention of 0.1 s instead of the node's 5 s, so that chunks are old enough to be rewritten within
     * the load.
     */
    @Test
    void h2WhileItsChunksAreRewritten() throws Exception {
        Path dir = Files.createTempDirectory("latchkey-crash");
        String url = dev.latchkey.store.Database.h2Url(dir) + ";RETENTION_TIME=100";
        run(() -> JarNode.start(ENV, "--data-dir", dir.toString(), "--db-url", url, "--admin-key", ADMIN, "--secret-key", SECRET,
                "--password-hashing", "minimal"));
    }

    @Test
    void postgres() throws Exception {
        String url = Backend.freshPostgresSchema();
        try {
            Path dir = Files.createTempDirectory("latchkey-crash");
            run(() -> JarNode.start(ENV, "--data-dir", dir.toString(), "--db-url", url, "--db-user", Backend.PG_USER,
                    "--db-password", Backend.PG_PASSWORD, "--admin-key", ADMIN, "--secret-key", SECRET, "--password-hashing", "minimal"));
        } finally {
            Backend.dropPostgresSchema(url);
        }
    }

    interface Starter {
        JarNode start() throws Exception;
    }

    private static String step1(JarNode n, String apiKey, String email) {
        JarNode.Reply r = n.send("POST", "/identity/v2/auth/login/2fa?apikey=" + apiKey, "{\"email\":\"" + email + "\",\"password\":\"crash-password\"}");
        return r.status() == 200 ? r.json().path("SecondFactorAuthentication").path("SecondFactorAuthenticationToken").asText(null) : null;
    }

    private static JarNode.Reply redeem(JarNode n, String apiKey, String token, String code) {
        return n.send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + apiKey + "&secondfactorauthenticationtoken=" + token,
                "{\"backupcode\":\"" + code + "\"}");
    }

    private void run(Starter starter) throws Exception {
        JarNode node = starter.start();
        JsonTenant tenantKeys = null;
        Map<String, List<String>> codes = new ConcurrentHashMap<>();
        Map<String, String> uids = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String[]> work = new ConcurrentLinkedQueue<>();
        try {
            JarNode.Reply tenant = node.send("POST", "/admin/v1/tenants",
                    "{\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true},\"Security\":{\"MaxSecondFactorAttempts\":1000}}",
                    "Authorization", "Bearer " + ADMIN);
            tenantKeys = new JsonTenant(tenant.json().get("ApiKey").asText(), tenant.json().get("ApiSecret").asText());
            for (int i = 0; i < USERS; i++) {
                String email = "crash" + i + "@example.com";
                JarNode.Reply created = node.send("POST", "/identity/v2/manage/account?apikey=" + tenantKeys.key + "&apisecret=" + tenantKeys.secret,
                        "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"crash-password\"}");
                String uid = created.json().get("Uid").asText();
                uids.put(email, uid);
                JarNode.Reply gen = node.send("GET", "/identity/v2/manage/account/2fa/backupcode?apikey=" + tenantKeys.key + "&apisecret=" + tenantKeys.secret + "&uid=" + uid, null);
                List<String> list = new ArrayList<>();
                gen.json().get("BackUpCodes").forEach(c -> list.add(c.asText()));
                codes.put(email, list);
                list.forEach(c -> work.add(new String[] {email, c}));
            }
        } catch (RuntimeException | Error e) {
            node.stop();
            throw e;
        }
        JsonTenant t = tenantKeys;

        // Load: eight clients log in (step 1 + a backup code) and create accounts, until the node dies under them.
        List<Redeemed> answered = Collections.synchronizedList(new ArrayList<>());
        Set<String> createdAnswered = ConcurrentHashMap.newKeySet();
        AtomicBoolean dead = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int w = 0; w < 8; w++) {
            int worker = w;
            pool.submit(() -> {
                int n = 0;
                while (!dead.get()) {
                    if (worker == 0) {
                        String email = "new" + (n++) + "-" + System.nanoTime() + "@example.com";
                        JarNode.Reply r = node.send("POST", "/identity/v2/manage/account?apikey=" + t.key + "&apisecret=" + t.secret,
                                "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}]}");
                        if (r.status() == 200) {
                            createdAnswered.add(r.json().get("Uid").asText());
                        }
                        continue;
                    }
                    String[] item = work.poll();
                    if (item == null) {
                        return;
                    }
                    String token = step1(node, t.key, item[0]);
                    if (token == null) {
                        continue;
                    }
                    JarNode.Reply r = redeem(node, t.key, token, item[1]);
                    if (r.status() == 200) {
                        answered.add(new Redeemed(item[0], item[1], token, r.json().get("access_token").asText()));
                    }
                }
            });
        }
        Thread.sleep(1200);
        node.kill();
        dead.set(true);
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(answered).as("logins answered before the kill").isNotEmpty();

        JarNode again = starter.start();
        try {
            // Accounts answered 200 exist.
            for (String uid : createdAnswered) {
                assertThat(again.send("GET", "/identity/v2/manage/account/" + uid + "?apikey=" + t.key + "&apisecret=" + t.secret, null).status())
                        .as("account %s", uid).isEqualTo(200);
            }
            // Issued tokens are valid; their 2FA tokens and codes are spent.
            for (Redeemed r : answered) {
                assertThat(again.send("GET", "/identity/v2/auth/access_token/validate?apikey=" + t.key, null,
                        "Authorization", "Bearer " + r.accessToken()).status()).as("token of %s", r.code()).isEqualTo(200);
                JarNode.Reply reuse = redeem(again, t.key, r.token(), codes.get(r.email()).get(0));
                assertThat(reuse.json().get("ErrorCode").asInt()).as("2FA token reused").isEqualTo(1103);
                String fresh = step1(again, t.key, r.email());
                assertThat(redeem(again, t.key, fresh, r.code()).json().get("ErrorCode").asInt()).as("code reused").isEqualTo(1129);
            }
            // Spend every remaining code; then each account has exactly one login per code: a code was never consumed
            // without its login, nor a login recorded without consuming its code, even for requests cut by the kill.
            for (Map.Entry<String, List<String>> e : codes.entrySet()) {
                for (String code : e.getValue()) {
                    String token = step1(again, t.key, e.getKey());
                    JarNode.Reply r = redeem(again, t.key, token, code);
                    assertThat(r.status() == 200 || r.json().get("ErrorCode").asInt() == 1129).as(String.valueOf(r.json())).isTrue();
                }
                JarNode.Reply profile = again.send("GET", "/identity/v2/manage/account/" + uids.get(e.getKey()) + "?apikey=" + t.key
                        + "&apisecret=" + t.secret, null);
                assertThat(profile.json().get("NoOfLogins").asInt()).as("logins of %s", e.getKey()).isEqualTo(10);
            }
        } finally {
            again.stop();
        }
    }

    record JsonTenant(String key, String secret) {}
}

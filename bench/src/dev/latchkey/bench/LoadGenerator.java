package dev.latchkey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.JarNode;
import dev.latchkey.support.PasskeyEmulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Latchkey's load generator: starts a node from the fat jar on a fresh store, seeds a tenant and its users through the
 * public APIs, then drives each scenario closed-loop at each concurrency for a fixed time after a warm-up, bounded in
 * time and in work. Prints requests/s, latency percentiles (HdrHistogram), errors, and the node's CPU and RSS.
 *
 * <pre>
 * LoadGenerator --jar target/latchkey.jar --store h2|postgres --hashing minimal|owasp
 *               [--scenarios full,backup,passkey,totp,validate,refresh,http,ready] [--concurrency 8,32]
 *               [--warmup 3] [--duration 10] [--pg-url jdbc:postgresql://127.0.0.1:5432/test --pg-user postgres]
 *               [--warm-max 150 (0: none) --warm-min 60 --warm-quiet 10 --warm-users 4000 (400 with OWASP hashing) --warm-reuse 6]
 *               [--compare-jar other.jar --rounds 4 --window 4 --row-warm-rounds 1]
 *               [--node-args --db-pool-size=32] [--compare-node-args ...] (the compare node's, instead; several: space-separated)
 *               [--node-java-options "-XX:+UseSerialGC"] [--compare-node-java-options ...] (JAVA_TOOL_OPTIONS of the node's JVMs)
 *               [--startup restart|first] (restart: the node is started and stopped once before the measured start, which
 *               then maps the class archive the first wrote, as an operator's restart does; first: the jar's first start)
 * </pre>
 * Before the first row the node is warmed (see {@link #warmNode}) until its JIT compilers fall quiet.
 */
public final class LoadGenerator {
    static final String ADMIN = "bench-admin-key-0123456789abcdefghij";
    static final String SECRET = "bench-secret-key-0123456789abcdef";
    static final String ORIGIN = "http://localhost:8080";
    static final String PASSWORD = "bench-password-1";
    static final long CLK_TCK = 100;

    final Map<String, String> args;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
    String base;
    String apiKey;
    String apiSecret;
    /** The node's JVM; {@link #launcherPid} the process started, the same unless the node runs in a child JVM. */
    long pid;
    long launcherPid;

    LoadGenerator(Map<String, String> args) {
        this.args = args;
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length >= 1 && argv[0].equals("--calibrate")) {
            calibrate();
            commitFloor(argv.length >= 3 ? argv[1] : null, argv.length >= 3 ? argv[2] : null);
            tokenRowFloor(argv.length >= 3 ? argv[1] : null, argv.length >= 3 ? argv[2] : null);
            return;
        }
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        if (a.containsKey("compare-jar")) {
            compare(a);
        } else {
            new LoadGenerator(a).run();
        }
        System.exit(0);
    }

    /**
     * How fast this machine is today at the three things a login is made of, so that runs on different days can be told
     * apart (this machine's speed at handing work between threads and over loopback sockets has varied several-fold from
     * day to day while pure computation did not): SHA-256 of 1 KiB on one thread, a thread-to-thread handoff round trip,
     * and a loopback TCP round trip of 64 bytes. Each the best of three 1-second tries.
     */
    static void calibrate() throws Exception {
        byte[] kib = new byte[1024];
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        double hashes = best(() -> {
            sha.update(kib);
            sha.digest();
        });
        java.util.concurrent.SynchronousQueue<Integer> ping = new java.util.concurrent.SynchronousQueue<>();
        java.util.concurrent.SynchronousQueue<Integer> pong = new java.util.concurrent.SynchronousQueue<>();
        Thread echo = new Thread(() -> {
            try {
                while (true) {
                    pong.put(ping.take());
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        echo.setDaemon(true);
        echo.start();
        double handoffs = best(() -> {
            ping.put(1);
            pong.take();
        });
        echo.interrupt();
        java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Thread tcpEcho = new Thread(() -> {
            try (java.net.Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                byte[] b = new byte[64];
                java.io.InputStream in = s.getInputStream();
                java.io.OutputStream out = s.getOutputStream();
                while (in.readNBytes(b, 0, 64) == 64) {
                    out.write(b);
                }
            } catch (IOException e) {
                // done
            }
        });
        tcpEcho.setDaemon(true);
        tcpEcho.start();
        double roundTrips;
        try (java.net.Socket c = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            c.setTcpNoDelay(true);
            byte[] b = new byte[64];
            java.io.InputStream in = c.getInputStream();
            java.io.OutputStream out = c.getOutputStream();
            roundTrips = best(() -> {
                out.write(b);
                in.readNBytes(b, 0, 64);
            });
        }
        server.close();
        System.out.printf(Locale.ROOT, "Machine today: SHA-256 of 1 KiB %,.0f/s on one thread; thread handoff round trip %.1f µs; "
                + "loopback TCP round trip %.1f µs.%n", hashes, 1e6 / handoffs, 1e6 / roundTrips);
    }

    interface Step {
        void run() throws Exception;
    }

    /**
     * The least a durable write costs here, with no Latchkey code around it: a one-row {@code UPDATE} committed alone
     * (auto-commit), on an H2 file database with the node's settings ({@code Database.h2Url}: {@code WRITE_DELAY=0}, so
     * each commit writes its chunk before it returns, in the committing thread) and, given a URL, on PostgreSQL. CPU per
     * commit: this thread's CPU time (H2 runs in it) plus, for PostgreSQL, its backend process's. Every login step ends
     * with at least one such commit, and so does a refresh.
     */
    static void commitFloor(String pgUrl, String pgUser) throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        StringBuilder line = new StringBuilder("Commit floor (a one-row UPDATE committed alone, CPU per commit): ");
        double h2 = onFreshH2(c -> commitCpuMillis(c, threads, -1));
        line.append(String.format(Locale.ROOT, "H2 file %.3f ms", h2));
        if (pgUrl != null) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(pgUrl, pgUser, "")) {
                long backend = backendPid(c);
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("CREATE TEMP TABLE calibrate_commit (id INT PRIMARY KEY, n BIGINT)"); // gone with the session
                }
                line.append(String.format(Locale.ROOT, "; PostgreSQL %.3f ms (client and backend)", commitCpuMillis(c, threads, backend)));
            } catch (java.sql.SQLException e) {
                line.append("; PostgreSQL not measured (").append(e.getMessage()).append(')');
            }
        }
        System.out.println(line.append('.'));
    }

    /**
     * What the rows a login writes cost the database alone, with no Latchkey code around them: a row of {@code
     * access_tokens}' shape (its columns, its primary key on the token's hash, its foreign keys to a tenant and an account
     * and its three indexes, as the migrations make them) inserted and committed alone, into a table already holding
     * 50,000 such rows; then the same row read back by its hash. A full MFA login writes two of these (the access and the
     * refresh token), a second-factor token of the same kind, an audit row and four updates, and ends in three commits.
     * CPU per operation as in {@link #commitFloor}; on H2 also the bytes the commit wrote (this process's {@code wchar}:
     * H2 writes every changed page of every map the commit touched, the whole path from the root of each index).
     */
    static void tokenRowFloor(String pgUrl, String pgUser) throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        StringBuilder line = new StringBuilder("Token row floor (an access token's row inserted and committed alone; read back by its hash; CPU per op): ");
        double[] h2 = onFreshH2(c -> tokenRowCpuMillis(c, threads, -1, ""));
        line.append(String.format(Locale.ROOT, "H2 file insert %.3f ms (%.0f KiB written per commit), read %.3f ms", h2[0], h2[2] / 1024, h2[1]));
        if (pgUrl != null) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(pgUrl, pgUser, "")) {
                long backend = backendPid(c);
                double[] pg = tokenRowCpuMillis(c, threads, backend, "TEMP "); // temporary tables: gone with the session
                line.append(String.format(Locale.ROOT, "; PostgreSQL insert %.3f ms, read %.3f ms (client and backend)", pg[0], pg[1]));
            } catch (java.sql.SQLException e) {
                line.append("; PostgreSQL not measured (").append(e.getMessage()).append(')');
            }
        }
        System.out.println(line.append('.'));
    }

    /** {insert ms, read ms, bytes written per insert}, each over 2 s after 1 s of the same. */
    private static double[] tokenRowCpuMillis(java.sql.Connection c, java.lang.management.ThreadMXBean threads, long backend, String temp)
            throws Exception {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE " + temp + "TABLE calibrate_tenants (id BIGINT PRIMARY KEY)");
            st.execute("CREATE " + temp + "TABLE calibrate_accounts (uid VARCHAR(36) PRIMARY KEY)");
            st.execute("CREATE " + temp + "TABLE calibrate_tokens (token_hash VARCHAR(64) PRIMARY KEY,"
                    + " tenant_id BIGINT NOT NULL REFERENCES calibrate_tenants (id),"
                    + " uid VARCHAR(36) NOT NULL REFERENCES calibrate_accounts (uid) ON DELETE CASCADE, refresh_hash VARCHAR(64),"
                    + " created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, generation INT NOT NULL DEFAULT 0, family VARCHAR(36),"
                    + " second_factor_at BIGINT, password_at BIGINT)");
            st.execute("CREATE INDEX calibrate_tokens_uid ON calibrate_tokens (uid)");
            st.execute("CREATE INDEX calibrate_tokens_family ON calibrate_tokens (family)");
            st.execute("CREATE INDEX calibrate_tokens_expires ON calibrate_tokens (expires_at)");
            st.execute("INSERT INTO calibrate_tenants VALUES (1)");
        }
        String[] uids = new String[2000];
        try (java.sql.PreparedStatement ins = c.prepareStatement("INSERT INTO calibrate_accounts VALUES (?)")) {
            for (int i = 0; i < uids.length; i++) {
                uids[i] = java.util.UUID.randomUUID().toString();
                ins.setString(1, uids[i]);
                ins.executeUpdate();
            }
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        java.util.List<String> written = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement ins = c.prepareStatement("INSERT INTO calibrate_tokens (token_hash, tenant_id, uid, refresh_hash,"
                + " created_at, expires_at, generation, family, second_factor_at, password_at) VALUES (?, 1, ?, ?, ?, ?, 0, ?, ?, ?)");
             java.sql.PreparedStatement read = c.prepareStatement("SELECT * FROM calibrate_tokens WHERE token_hash = ?")) {
            Step insert = () -> {
                byte[] b = new byte[32];
                random.nextBytes(b);
                String hash = java.util.HexFormat.of().formatHex(b);
                long now = System.currentTimeMillis();
                ins.setString(1, hash);
                ins.setString(2, uids[random.nextInt(uids.length)]);
                ins.setString(3, hash);
                ins.setLong(4, now);
                ins.setLong(5, now + 1_800_000);
                ins.setString(6, java.util.UUID.randomUUID().toString());
                ins.setLong(7, now);
                ins.setLong(8, now);
                ins.executeUpdate();
                if (written.size() < 100_000) {
                    written.add(hash);
                }
            };
            c.setAutoCommit(false);
            for (int i = 0; i < 50_000; i++) {
                insert.run();
            }
            c.commit();
            c.setAutoCommit(true);
            for (long end = System.nanoTime() + 1_000_000_000L; System.nanoTime() < end; ) {
                insert.run();
            }
            long cpu0 = threads.getCurrentThreadCpuTime() + backendCpuNanos(backend);
            long bytes0 = writtenBytes();
            long n = 0;
            for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end; n++) {
                insert.run();
            }
            double insertMillis = (threads.getCurrentThreadCpuTime() + backendCpuNanos(backend) - cpu0) / 1e6 / n;
            double bytesPerInsert = (writtenBytes() - bytes0) / (double) n;
            Step lookup = () -> {
                read.setString(1, written.get(random.nextInt(written.size())));
                try (java.sql.ResultSet rs = read.executeQuery()) {
                    rs.next();
                }
            };
            for (long end = System.nanoTime() + 1_000_000_000L; System.nanoTime() < end; ) {
                lookup.run();
            }
            cpu0 = threads.getCurrentThreadCpuTime() + backendCpuNanos(backend);
            n = 0;
            for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end; n++) {
                lookup.run();
            }
            double readMillis = (threads.getCurrentThreadCpuTime() + backendCpuNanos(backend) - cpu0) / 1e6 / n;
            return new double[] {insertMillis, readMillis, bytesPerInsert};
        }
    }

    /** Bytes this process has written so far ({@code wchar} of /proc/self/io), 0 where there is no such file. */
    private static long writtenBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (l.startsWith("wchar:")) {
                    return Long.parseLong(l.substring(6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return 0;
    }

    /** Runs {@code work} on a connection to a fresh H2 file database with the node's settings, then deletes it. */
    private static <T> T onFreshH2(SqlWork<T> work) throws Exception {
        Path dir = Files.createTempDirectory("latchkey-calibrate");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(dev.latchkey.store.Database.h2Url(dir))) {
            return work.run(c);
        } finally {
            deleteTree(dir);
        }
    }

    /** Deletes a directory and what it holds (a node's H2 file reaches gigabytes in a run). */
    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    interface SqlWork<T> {
        T run(java.sql.Connection c) throws Exception;
    }

    /** The process id of the PostgreSQL backend serving {@code c}. */
    private static long backendPid(java.sql.Connection c) throws java.sql.SQLException {
        try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A PostgreSQL backend's CPU time ({@link #cpuTicks(long)}, in nanoseconds); 0 for none (-1: H2 runs in this thread). */
    private static long backendCpuNanos(long pid) {
        return pid < 0 ? 0 : cpuTicks(pid) * (1_000_000_000L / CLK_TCK);
    }

    /** CPU ms per commit over 2 s of one-row updates, after 1 s of the same; {@code backend}: a process whose CPU counts too. */
    private static double commitCpuMillis(java.sql.Connection c, java.lang.management.ThreadMXBean threads, long backend) throws Exception {
        try (java.sql.Statement st = c.createStatement()) {
            if (backend < 0) {
                st.execute("CREATE TABLE calibrate_commit (id INT PRIMARY KEY, n BIGINT)");
            }
            st.execute("INSERT INTO calibrate_commit SELECT x, 0 FROM " + (backend < 0 ? "SYSTEM_RANGE(1, 1000)" : "generate_series(1, 1000) x"));
        }
        c.setAutoCommit(true);
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        try (java.sql.PreparedStatement up = c.prepareStatement("UPDATE calibrate_commit SET n = n + 1 WHERE id = ?")) {
            Step one = () -> {
                up.setInt(1, 1 + random.nextInt(1000));
                up.executeUpdate();
            };
            for (long end = System.nanoTime() + 1_000_000_000L; System.nanoTime() < end; ) {
                one.run();
            }
            long cpu0 = threads.getCurrentThreadCpuTime() + backendCpuNanos(backend);
            long n = 0;
            for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end; n++) {
                one.run();
            }
            long cpu = threads.getCurrentThreadCpuTime() + backendCpuNanos(backend) - cpu0;
            return cpu / 1e6 / n;
        }
    }

    /** Operations per second of {@code step} run on this thread for a second, the best of three tries. */
    static double best(Step step) throws Exception {
        double best = 0;
        for (int i = 0; i < 3; i++) {
            long n = 0;
            long t0 = System.nanoTime();
            long end = t0 + 1_000_000_000L;
            long t;
            do {
                for (int k = 0; k < 64; k++) {
                    step.run();
                }
                n += 64;
            } while ((t = System.nanoTime()) < end);
            best = Math.max(best, n / ((t - t0) / 1e9));
        }
        return best;
    }

    /**
     * Two builds on one noisy machine: {@code --jar A --compare-jar B} starts a node of each (same store, same settings),
     * seeds both, and measures each row in alternating windows ({@code --rounds} of them per build, {@code --window} seconds
     * each, after a 1-second warm-up of the build's turn, the first build first in even rounds and second in odd ones), the
     * other build idle meanwhile: whatever the machine does over those minutes, both builds see it alike. Each build's rows
     * sum its windows.
     */
    static void compare(Map<String, String> a) throws Exception {
        Map<String, String> b = new HashMap<>(a);
        b.put("jar", a.get("compare-jar"));
        if (a.containsKey("compare-node-args")) { // the second node's own options (the same jar twice: a setting compared)
            b.put("node-args", a.get("compare-node-args"));
        }
        if (a.containsKey("compare-node-java-options")) { // the second node's JVM options (JAVA_TOOL_OPTIONS: its launcher's too)
            b.put("node-java-options", a.get("compare-node-java-options"));
        }
        Pairing pairing = new Pairing();
        LoadGenerator first = new LoadGenerator(a);
        LoadGenerator second = new LoadGenerator(b);
        first.pairing = pairing;
        first.side = 0;
        second.pairing = pairing;
        second.side = 1;
        ExecutorService both = Executors.newFixedThreadPool(2);
        Future<?> f1 = both.submit(() -> {
            first.run();
            return null;
        });
        Future<?> f2 = both.submit(() -> {
            second.run();
            return null;
        });
        f1.get();
        f2.get();
        both.shutdown();
    }

    /** The two generators of {@link #compare}: they meet before each row, and take turns within it. */
    static final class Pairing {
        final java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
    }

    Pairing pairing;
    int side;

    String label(String store) {
        String nodeArgs = (arg("node-args", "").isBlank() ? "" : " (" + arg("node-args", "").trim() + ")")
                + (arg("node-java-options", "").isBlank() ? "" : " [" + arg("node-java-options", "").trim() + "]");
        return pairing == null ? store + nodeArgs : store + " " + Path.of(arg("jar", "target/latchkey.jar")).getFileName() + nodeArgs;
    }

    String arg(String name, String dflt) {
        return args.getOrDefault(name, dflt);
    }

    // ── HTTP ────────────────────────────────────────────────────────────────────────────────────────────────────

    record Reply(int status, JsonNode json) {}

    Reply send(String method, String pathAndQuery, String body, String... headers) {
        return send(http, method, pathAndQuery, body, headers);
    }

    Reply send(HttpClient client, String method, String pathAndQuery, String body, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.body().length == 0 ? null : Json.MAPPER.readTree(r.body()));
        } catch (IOException e) {
            return new Reply(-1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, null);
        }
    }

    Reply ok(Reply r, String what) {
        if (r.status() != 200) {
            throw new IllegalStateException(what + " → " + r.status() + " " + r.json());
        }
        return r;
    }

    String manage(String path) {
        return path + (path.contains("?") ? "&" : "?") + "apikey=" + apiKey + "&apisecret=" + apiSecret;
    }

    Reply step1(String email) {
        return send("POST", "/identity/v2/auth/login/2fa?apikey=" + apiKey, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
    }

    static String token(Reply step1) {
        return step1.json() == null ? null : step1.json().path("SecondFactorAuthentication").path("SecondFactorAuthenticationToken").asText(null);
    }

    Reply redeem(String token, String code, String... headers) {
        return send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + apiKey + "&secondfactorauthenticationtoken=" + token,
                "{\"backupcode\":\"" + code + "\"}", headers);
    }

    Reply validate(String accessToken) {
        return send("GET", "/identity/v2/auth/access_token/validate?apikey=" + apiKey, null, "Authorization", "Bearer " + accessToken);
    }

    Reply refresh(String refreshToken) {
        return send("GET", manage("/identity/v2/manage/account/access_token/refresh?refresh_token=" + refreshToken), null);
    }

    // ── The node ────────────────────────────────────────────────────────────────────────────────────────────────

    /** The node's CPU, with its launcher's (which only waits) when it runs in a child JVM. */
    long cpuTicks() {
        return cpuTicks(pid) + (launcherPid == pid ? 0 : cpuTicks(launcherPid));
    }

    /** utime + stime of a process, in clock ticks. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * CPU ticks of the node's JIT compiler threads: on two cores, compiling a cold node's hot code takes minutes of CPU,
     * which the node's CPU column includes; this says how much of a row was that.
     */
    static long jitTicks(long pid) {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        String stat = Files.readString(t.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }

    /** CPU ticks of every PostgreSQL process on the machine (the database shares the cores with the node). */
    static long postgresTicks() {
        long total = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readString(d.resolve("comm")).trim().startsWith("postgres")) {
                        total += cpuTicks(Long.parseLong(name));
                    }
                } catch (IOException | RuntimeException ignored) {
                    // process ended
                }
            }
        } catch (IOException ignored) {
            // no /proc
        }
        return total;
    }

    /** The node's RSS, with its launcher's when it runs in a child JVM (see {@code Launcher}). */
    long rssMiB() {
        return pairMiB("status", "VmRSS:");
    }

    /**
     * The node's and its launcher's PSS: pages they share (the JVM's libraries, the JDK's class archive's file) counted
     * once between them, as the machine sees the pair; the RSS sum counts them twice.
     */
    long pssMiB() {
        return pairMiB("smaps_rollup", "Pss:");
    }

    /** A field of {@code /proc/<pid>/<file>} for the node's JVM, plus its launcher's when that is another process. */
    private long pairMiB(String file, String field) {
        return memoryMiB("/proc/" + pid + "/" + file, field)
                + (launcherPid == pid ? 0 : Math.max(0, memoryMiB("/proc/" + launcherPid + "/" + file, field)));
    }

    static long memoryMiB(String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    // ── Work ────────────────────────────────────────────────────────────────────────────────────────────────────

    /** One measured operation; returns true on success. Items are consumed from the worker's own queue. */
    interface Op {
        boolean run(int worker) throws Exception;
    }

    record Result(String scenario, int concurrency, long ops, long errors, double seconds, Histogram latency, double cpuCores, long rss,
                  boolean exhausted, double pgCores, double generatorCores, double jitCores) {
        Result(String scenario, int concurrency, long ops, long errors, double seconds, Histogram latency, double cpuCores, long rss,
               boolean exhausted, double pgCores, double generatorCores) {
            this(scenario, concurrency, ops, errors, seconds, latency, cpuCores, rss, exhausted, pgCores, generatorCores, 0);
        }
    }

    /**
     * {@code concurrency} closed-loop clients running {@code op} while {@link #active} (idle, polling, otherwise), timing and
     * counting what completes while {@link #measuring}; {@link #inFlight} counts the calls under way.
     */
    static final class Workers {
        final Histogram hist = new Histogram(60_000_000_000L, 3);
        final AtomicLong ops = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicBoolean active;
        final AtomicBoolean measuring = new AtomicBoolean();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger exhausted = new AtomicInteger();
        final ExecutorService pool;
        final List<Future<?>> futures = new ArrayList<>();

        Workers(int concurrency, Op op, boolean activeFromStart) {
            active = new AtomicBoolean(activeFromStart);
            pool = Executors.newFixedThreadPool(concurrency);
            for (int w = 0; w < concurrency; w++) {
                int worker = w;
                futures.add(pool.submit(() -> {
                    while (!stop.get()) {
                        if (!active.get()) {
                            Thread.sleep(2);
                            continue;
                        }
                        inFlight.incrementAndGet();
                        try {
                            long t0 = System.nanoTime();
                            boolean success;
                            try {
                                success = op.run(worker);
                            } catch (NoMoreWork e) {
                                exhausted.incrementAndGet();
                                return null;
                            }
                            long t1 = System.nanoTime();
                            if (measuring.get()) {
                                synchronized (hist) {
                                    hist.recordValue(Math.min(t1 - t0, hist.getHighestTrackableValue()));
                                }
                                ops.incrementAndGet();
                                if (!success) {
                                    errors.incrementAndGet();
                                }
                            }
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    }
                    return null;
                }));
            }
        }

        /** Stops the clients and waits for them (an op's failure surfaces here). */
        void stop() throws Exception {
            stop.set(true);
            pool.shutdown();
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    Result measure(String scenario, int concurrency, Op op) throws Exception {
        if (pairing != null) {
            return measureInTurns(scenario, concurrency, op);
        }
        int warmup = Integer.parseInt(arg("warmup", "3"));
        int duration = Integer.parseInt(arg("duration", "10"));
        Workers workers = new Workers(concurrency, op, true);
        warmUp(warmup, workers.exhausted, concurrency);
        String profileDir = args.get("profile-dir");
        String asprof = args.get("asprof"); // async-profiler's launcher: CPU samples of native and Java code, not JFR's
        if (profileDir != null && asprof != null) {
            run(asprof, "start", "-e", arg("asprof-event", "cpu"), "-i", arg("asprof-interval", "5ms"), "--libpath", arg("asprof-lib", Path.of(asprof).resolveSibling("libasyncProfiler.so").toString()), String.valueOf(pid));
        } else if (profileDir != null) {
            jcmd("JFR.start", "name=m", "settings=" + arg("profile-settings", "default"), "filename=" + profileDir + "/" + scenario + "-" + concurrency + ".jfr");
        }
        Tally tally = new Tally();
        tally.window(workers, concurrency, duration);
        if (profileDir != null && asprof != null) {
            run(asprof, "stop", "--libpath", arg("asprof-lib", Path.of(asprof).resolveSibling("libasyncProfiler.so").toString()),
                    "-o", "collapsed", "-f", profileDir + "/" + scenario + "-" + concurrency + ".collapsed", String.valueOf(pid));
        } else if (profileDir != null) {
            jcmd("JFR.stop", "name=m");
        }
        workers.stop();
        return tally.result(scenario, concurrency, workers);
    }

    /** {@link #measure} in {@link #compare}'s alternating windows. */
    Result measureInTurns(String scenario, int concurrency, Op op) throws Exception {
        int rounds = Integer.parseInt(arg("rounds", "4"));
        int window = Integer.parseInt(arg("window", "4"));
        int warmRounds = Integer.parseInt(arg("row-warm-rounds", "1"));
        Workers workers = new Workers(concurrency, op, false);
        Tally tally = new Tally();
        pairing.barrier.await(); // both seeded
        for (int r = -warmRounds; r < rounds; r++) {
            for (int turn = 0; turn < 2; turn++) {
                // ABBA: which build goes first alternates by round, so neither always follows the other's garbage.
                int who = Math.floorMod(r, 2) == 0 ? turn : 1 - turn;
                if (who == side && workers.exhausted.get() < concurrency) {
                    workers.active.set(true);
                    Thread.sleep(1000);
                    // The first rounds warm the row's own code paths (a TOTP check, a passkey's signature), unmeasured: neither
                    // their time nor their operations count (until 2026-12-05 their operations did, and their time did not).
                    if (r < 0) {
                        Tally.unmeasured(workers, concurrency, window);
                    } else {
                        tally.window(workers, concurrency, window);
                    }
                    workers.active.set(false);
                    while (workers.inFlight.get() > 0) {
                        Thread.sleep(2);
                    }
                }
                pairing.barrier.await(); // the other build's turn
            }
        }
        workers.stop();
        return tally.result(scenario, concurrency, workers);
    }

    /** The measured windows of a row: their time, and the CPU ticks of the node, its JIT, PostgreSQL and this generator. */
    final class Tally {
        double seconds;
        long cpu;
        long jit;
        long pg;
        long gen;

        /** One window of {@code duration} seconds (less when the seeded work runs out), counted in {@code workers}. */
        void window(Workers workers, int concurrency, int duration) throws InterruptedException {
            long cpu0 = cpuTicks();
            long jit0 = jitTicks(pid);
            long pg0 = postgresTicks();
            long gen0 = cpuTicks(ProcessHandle.current().pid());
            long start = System.nanoTime();
            workers.measuring.set(true);
            unmeasured(workers, concurrency, duration);
            workers.measuring.set(false);
            seconds += (System.nanoTime() - start) / 1e9;
            cpu += cpuTicks() - cpu0;
            jit += jitTicks(pid) - jit0;
            pg += postgresTicks() - pg0;
            gen += cpuTicks(ProcessHandle.current().pid()) - gen0;
        }

        /**
         * The clients run for {@code duration} seconds, or until the seeded work runs out; nothing is counted here (no
         * operation, latency, time or CPU): {@link #window} counts around it, a warm round does not.
         */
        static void unmeasured(Workers workers, int concurrency, int duration) throws InterruptedException {
            long end = System.nanoTime() + duration * 1_000_000_000L;
            while (System.nanoTime() < end && workers.exhausted.get() < concurrency) {
                Thread.sleep(20);
            }
        }

        Result result(String scenario, int concurrency, Workers workers) {
            double s = Math.max(seconds, 1e-9);
            return new Result(scenario, concurrency, workers.ops.get(), workers.errors.get(), s, workers.hist, cpu / (double) CLK_TCK / s, rssMiB(),
                    workers.exhausted.get() > 0, pg / (double) CLK_TCK / s, gen / (double) CLK_TCK / s, jit / (double) CLK_TCK / s);
        }
    }

    /**
     * The warm-up before a row is measured: at least {@code warmup} seconds, then on while the node's JIT compilers are
     * still busy (over 0.15 cores in the last second), up to {@code --max-warmup} seconds (default 6) in all. On two
     * cores a cold node spends minutes of CPU compiling (it does not settle within a row's seeded work), so each row also
     * says how much of its CPU was the compiler's, and its CPU per operation without it.
     */
    void warmUp(int warmup, AtomicInteger exhaustedWorkers, int concurrency) throws InterruptedException {
        long t0 = System.nanoTime();
        Thread.sleep(warmup * 1000L);
        long max = Long.parseLong(arg("max-warmup", "6")) * 1_000_000_000L;
        while (System.nanoTime() - t0 < max && exhaustedWorkers.get() < concurrency) {
            long j0 = jitTicks(pid);
            Thread.sleep(1000);
            if (jitTicks(pid) - j0 < 15) {
                break;
            }
        }
        System.err.printf(Locale.ROOT, "warmed up for %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Before the first row: full logins (password, then a backup code), each followed by refreshes and validations, 32 at
     * a time, until the node's JIT compilers fall quiet (under 3% of the node's CPU for {@code --warm-quiet} s running,
     * after at least {@code --warm-min} s) or {@code --warm-max} s have passed. On two cores a fresh node's compilers take
     * a third of its CPU for minutes: without this, the first rows measure mostly a node that is still compiling, which a
     * node that has served for a while is not (issue 16: the full login, always the first row, read 11–14 ms of CPU that
     * way). Quiet for 3 s was not enough: compilers that paused for 3 s after 60 s went on in the first row (0.08–0.12 of
     * a core), and its full login read 11–23% dearer than the same work on a node that had compiled on (2026-12-05).
     */
    void warmNode(int maxSeconds) throws Exception {
        // Ten logins a user: on a fast day 20,000 ran out after 97 s with the JIT still busy.
        int users = Integer.parseInt(arg("warm-users", arg("hashing", "minimal").equals("minimal") ? "4000" : "400"));
        int perLogin = Integer.parseInt(arg("warm-reuse", "6"));
        List<ConcurrentLinkedQueue<String[]>> q = partition(codePairs(seedUsers(users, false)), 32);
        AtomicLong logins = new AtomicLong();
        Workers workers = new Workers(32, w -> {
            String[] item = next(q, w);
            JsonNode login = redeem(token(step1(item[0])), item[1]).json();
            if (login == null || !login.has("refresh_token")) {
                return false;
            }
            logins.incrementAndGet();
            String access = login.get("access_token").asText();
            String refresh = login.get("refresh_token").asText();
            for (int i = 0; i < perLogin; i++) {
                validate(access);
                JsonNode next = refresh(refresh).json();
                if (next == null || !next.has("refresh_token")) {
                    return false;
                }
                refresh = next.get("refresh_token").asText();
            }
            return true;
        }, true);
        long t0 = System.nanoTime();
        long min = Long.parseLong(arg("warm-min", "60")) * 1_000_000_000L;
        long max = maxSeconds * 1_000_000_000L;
        int quietFor = Integer.parseInt(arg("warm-quiet", "10"));
        int quiet = 0;
        long jit0 = jitTicks(pid);
        long cpu0 = cpuTicks();
        while (System.nanoTime() - t0 < max && workers.exhausted.get() < 32) {
            long j = jitTicks(pid);
            long c = cpuTicks();
            Thread.sleep(1000);
            // Quiet: the compilers took under 3% of what the node used in that second, and the node was busy.
            long nodeTicks = cpuTicks() - c;
            quiet = nodeTicks >= 50 && (jitTicks(pid) - j) * 100 < 3 * nodeTicks ? quiet + 1 : 0;
            if (quiet >= quietFor && System.nanoTime() - t0 >= min) {
                break;
            }
        }
        workers.active.set(false);
        workers.stop();
        System.err.printf(Locale.ROOT, "%s: warmed the node for %.0f s (%d logins, each with %d validations and refreshes; node CPU %.0f s, of which JIT %.0f s)%s%n",
                label(arg("store", "h2")), (System.nanoTime() - t0) / 1e9, logins.get(), perLogin, (cpuTicks() - cpu0) / (double) CLK_TCK,
                (jitTicks(pid) - jit0) / (double) CLK_TCK, quiet >= quietFor ? "" : ": the JIT was still busy");
    }

    /** The full MFA login (password, then a backup code) of {@code items} seeded logins, measured at {@code c} clients. */
    Result fullLogins(String scenario, int c, int items) throws Exception {
        List<ConcurrentLinkedQueue<String[]>> q = partition(codePairs(seedUsers((items + 9) / 10, false)), c);
        return measure(scenario, c, w -> {
            String[] item = next(q, w);
            String token = token(step1(item[0]));
            return token != null && redeem(token, item[1]).status() == 200;
        });
    }

    /**
     * Profiles only the measured window: {@code --profile-dir DIR} records a JFR file per row, or with {@code --asprof
     * PATH} (async-profiler's launcher, its library beside it) a collapsed-stacks file per row.
     */
    void jcmd(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("jcmd", String.valueOf(pid)));
        cmd.addAll(List.of(command));
        run(cmd.toArray(String[]::new));
    }

    static void run(String... command) throws IOException, InterruptedException {
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    static final class NoMoreWork extends RuntimeException {
        NoMoreWork() {
            super(null, null, false, false);
        }
    }

    /** Per-worker queues, so that one user's passkey assertions are always finished in the order they were signed. */
    static <T> List<ConcurrentLinkedQueue<T>> partition(List<List<T>> perUser, int workers) {
        List<ConcurrentLinkedQueue<T>> queues = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            queues.add(new ConcurrentLinkedQueue<>());
        }
        for (int u = 0; u < perUser.size(); u++) {
            queues.get(u % workers).addAll(perUser.get(u));
        }
        return queues;
    }

    static <T> T next(List<ConcurrentLinkedQueue<T>> queues, int worker) {
        T item = queues.get(worker).poll();
        if (item == null) {
            throw new NoMoreWork();
        }
        return item;
    }

    // ── Seeding ─────────────────────────────────────────────────────────────────────────────────────────────────

    record User(String email, String uid, List<String> codes, PasskeyEmulator passkey) {}

    /** Runs {@code task} for 0..n-1 on 16 threads (seeding is not measured). */
    static void parallel(int n, java.util.function.IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            fs.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    task.accept(i);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
    }

    List<User> seedUsers(int n, boolean withPasskey) throws Exception {
        User[] users = new User[n];
        String run = UUID.randomUUID().toString().substring(0, 8);
        parallel(n, i -> {
            String email = "u" + i + "-" + run + (withPasskey ? "-pk" : "") + "@bench.example";
            String uid = ok(send("POST", manage("/identity/v2/manage/account"),
                    "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"" + PASSWORD + "\",\"FirstName\":\"Bench\"}"),
                    "create").json().get("Uid").asText();
            PasskeyEmulator pk = null;
            if (withPasskey) {
                String access = ok(step1(email), "login").json().get("access_token").asText();
                JsonNode begin = ok(send("GET", "/identity/v2/auth/account/2fa/register/passkey/begin?apikey=" + apiKey, null,
                        "Authorization", "Bearer " + access), "enroll begin").json();
                pk = new PasskeyEmulator(ORIGIN);
                ok(send("POST", "/identity/v2/auth/account/2fa/register/passkey/finish?apikey=" + apiKey,
                        Json.write(pk.register(begin.get("RegisterBeginCredential").get("publicKey"))), "Authorization", "Bearer " + access), "enroll");
            }
            List<String> codes = new ArrayList<>();
            ok(send("GET", manage("/identity/v2/manage/account/2fa/backupcode?uid=" + uid), null), "codes").json()
                    .get("BackUpCodes").forEach(c -> codes.add(c.asText()));
            users[i] = new User(email, uid, codes, pk);
        });
        return List.of(users);
    }

    /** A user with an authenticator app set up, and the last 30-second step one of its codes was spent for. */
    static final class TotpUser {
        final dev.latchkey.support.AuthenticatorDevice app;
        long lastStep;

        TotpUser(dev.latchkey.support.AuthenticatorDevice app, long lastStep) {
            this.app = app;
            this.lastStep = lastStep;
        }
    }

    /**
     * Users with an authenticator app (set up with the code of the step before now) and {@code perUser} 2FA tokens each
     * (step 1 done): items of (token, user index), one list per user so that one worker spends a user's steps in order.
     */
    List<List<Object[]>> seedTotp(int users, int perUser) throws Exception {
        List<List<Object[]>> out = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            out.add(new ArrayList<>());
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        parallel(users, i -> {
            String email = "t" + i + "-" + run + "@bench.example";
            ok(send("POST", manage("/identity/v2/manage/account"),
                    "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"" + PASSWORD + "\",\"FirstName\":\"Bench\"}"), "create");
            String access = ok(step1(email), "login").json().get("access_token").asText();
            String manual = ok(send("GET", "/identity/v2/auth/account/2fa?apikey=" + apiKey, null, "Authorization", "Bearer " + access),
                    "2fa settings").json().get("ManualEntryCode").asText();
            dev.latchkey.support.AuthenticatorDevice app = new dev.latchkey.support.AuthenticatorDevice(manual);
            long nowMs = System.currentTimeMillis();
            long step = nowMs / 30_000 - (nowMs % 30_000 < 25_000 ? 1 : 0); // the step before now, unless it is about to age out
            ok(send("PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + apiKey,
                    "{\"authenticatorcode\":\"" + app.code(java.time.Instant.ofEpochMilli(step * 30_000)) + "\"}", "Authorization", "Bearer " + access), "enable");
            TotpUser user = new TotpUser(app, step);
            for (int k = 0; k < perUser; k++) {
                out.get(i).add(new Object[] {token(ok(step1(email), "step 1")), user});
            }
        });
        return out;
    }

    /**
     * The code of the next step this user may spend (one login per user per 30-second step, a step either side of now
     * accepted), or null when it has spent them all: the step before now only while it is safely not about to age out.
     */
    static String nextTotpCode(TotpUser u) {
        long nowMs = System.currentTimeMillis();
        long current = nowMs / 30_000;
        long low = nowMs % 30_000 < 28_000 ? current - 1 : current;
        long step = Math.max(u.lastStep + 1, low);
        if (step > current + 1) {
            return null;
        }
        u.lastStep = step;
        return u.app.code(java.time.Instant.ofEpochMilli(step * 30_000));
    }

    /** (email, code) pairs: ten per user. */
    static List<List<String[]>> codePairs(List<User> users) {
        List<List<String[]>> out = new ArrayList<>();
        for (User u : users) {
            List<String[]> l = new ArrayList<>();
            u.codes().forEach(c -> l.add(new String[] {u.email(), c}));
            out.add(l);
        }
        return out;
    }

    int hangingPort = -1;

    /** A webhook receiver (and SMTP server) that accepts connections and reads nothing, answers nothing (a hung peer). */
    void hangingReceiver() throws IOException {
        if (hangingPort > 0) {
            return;
        }
        java.net.ServerSocket server = new java.net.ServerSocket(0, 1000, java.net.InetAddress.getLoopbackAddress());
        hangingPort = server.getLocalPort();
        List<java.net.Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    held.add(server.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "hanging-receiver");
        t.setDaemon(true);
        t.start();
    }

    // ── Main ────────────────────────────────────────────────────────────────────────────────────────────────────

    void run() throws Exception {
        String store = arg("store", "h2");
        String hashing = arg("hashing", "minimal");
        List<String> scenarios = List.of(arg("scenarios", "full,backup,passkey,validate,refresh").split(","));
        List<Integer> levels = new ArrayList<>();
        for (String c : arg("concurrency", "8,32").split(",")) {
            levels.add(Integer.parseInt(c));
        }
        Map<String, String> env = new HashMap<>(Map.of("LATCHKEY_ALLOW_INSECURE_HASHING", "for-benchmarks-and-tests"));
        if (args.containsKey("node-java-options")) {
            env.put("JAVA_TOOL_OPTIONS", args.get("node-java-options")); // e.g. a JFR recording, for profiling
        }
        System.setProperty("latchkey.jar", arg("jar", "target/latchkey.jar"));
        Path dir = Files.createTempDirectory("latchkey-bench");
        // Mail goes to a server that accepts connections and never answers (only the RBA scenario sends any); the
        // generator is the trusted proxy that says where each login comes from.
        hangingReceiver();
        List<String> serve = new ArrayList<>(List.of("--data-dir", dir.toString(), "--admin-key", ADMIN, "--secret-key", SECRET,
                "--password-hashing", hashing, "--webhooks-allow-private-targets", "--smtp-host", "127.0.0.1",
                "--smtp-port", String.valueOf(hangingPort), "--smtp-security", "none", "--mail-from", "bench@bench.example",
                "--trusted-proxies", "127.0.0.1"));
        if (!arg("node-args", "").isBlank()) { // more of the node's options, e.g. "--db-pool-size=32"
            serve.addAll(List.of(arg("node-args", "").trim().split("\\s+")));
        }
        String schema = null;
        String pgUrl = arg("pg-url", "jdbc:postgresql://127.0.0.1:5432/test");
        String pgUser = arg("pg-user", "postgres");
        if (store.equals("postgres")) {
            schema = "lk_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
            try (Connection c = DriverManager.getConnection(pgUrl, pgUser, ""); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            serve.addAll(List.of("--db-url", pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema, "--db-user", pgUser));
        }
        JarNode node;
        double startup;
        double firstStart = -1;
        Path jar = Path.of(arg("jar", "target/latchkey.jar"));
        String[] serveArgs = serve.toArray(String[]::new);
        synchronized (LoadGenerator.class) { // two generators of a comparison start their nodes one after the other
            if (!arg("startup", "restart").equals("first")) {
                // A first start of a new jar records its class archive (and migrates the store): what a restart, the start
                // an operator waits for, does not. Start-up is measured on the second start, as a restart.
                long t0 = System.nanoTime();
                JarNode once = JarNode.start(jar, env, serveArgs);
                firstStart = (System.nanoTime() - t0) / 1e9;
                once.stop();
            }
            long t0 = System.nanoTime(); // inside: the second node's start-up is its own, not the wait for the first's
            node = JarNode.start(jar, env, serveArgs);
            startup = (System.nanoTime() - t0) / 1e9;
        }
        base = node.base;
        pid = node.node().pid();
        launcherPid = node.process.pid();
        long rssAtRest = rssMiB();
        List<Result> results = new ArrayList<>();
        try {
            JsonNode tenant = ok(send("POST", "/admin/v1/tenants", """
                    {"Name":"bench","TwoFactorAuthentication":{"IsEnabled":true,"IsRequired":false},
                     "PassKeysConfig":{"IsEnabled":true,"RPID":"localhost","RPOrigins":["http://localhost:8080"]},
                     "Security":{"MaxSecondFactorAttempts":1000,"MaxSecondFactorAttemptsPerToken":100,"MaxPasswordAttempts":1000}}""",
                    "Authorization", "Bearer " + ADMIN), "tenant").json();
            apiKey = tenant.get("ApiKey").asText();
            apiSecret = tenant.get("ApiSecret").asText();
            boolean minimal = hashing.equals("minimal");
            int fullItems = Integer.parseInt(arg("full-items", minimal ? "10000" : "600"));
            int backupItems = Integer.parseInt(arg("backup-items", "20000"));
            int passkeyItems = Integer.parseInt(arg("passkey-items", "10000"));

            int warmMax = Integer.parseInt(arg("warm-max", "150"));
            if (warmMax > 0) {
                synchronized (LoadGenerator.class) { // a comparison's two nodes warm one at a time, each with the machine to itself
                    warmNode(warmMax);
                }
            }
            for (String scenario : scenarios) {
                for (int c : levels) {
                    Result r = switch (scenario) {
                        case "full" -> fullLogins(scenario, c, fullItems);
                        case "full-hanging-webhook" -> {
                            // The same full login, with a Login webhook to a receiver that accepts and never answers.
                            // The subscription goes when the row ends: left, it queued an event for every login of the
                            // later rows (two after both levels), which measured them with a webhook they do not name.
                            hangingReceiver();
                            String hook = ok(send("POST", manage("/v2/manage/webhook"), "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:"
                                    + hangingPort + "/hook\"}"), "webhook").json().get("Id").asText();
                            try {
                                yield fullLogins(scenario, c, fullItems);
                            } finally {
                                ok(send("DELETE", manage("/v2/manage/webhook/" + hook), null), "webhook removed");
                            }
                        }
                        case "full-rba-hanging-smtp" -> {
                            // The same full login in a tenant with every RBA signal on (notify the user): each login after
                            // a user's first comes from a new address, so it is risky and queues an email, to an SMTP
                            // server that accepts and never answers.
                            String[] keys = {apiKey, apiSecret};
                            JsonNode rbaTenant = ok(send("POST", "/admin/v1/tenants", """
                                    {"Name":"bench-rba","TwoFactorAuthentication":{"IsEnabled":true,"IsRequired":false},
                                     "Security":{"MaxSecondFactorAttempts":1000,"MaxSecondFactorAttemptsPerToken":100,"MaxPasswordAttempts":1000},
                                     "RiskBasedAuthentication":{"Device":{"IsEnabled":true},"Browser":{"IsEnabled":true},
                                       "City":{"IsEnabled":true},"Country":{"IsEnabled":true},"IP":{"IsEnabled":true}}}""",
                                    "Authorization", "Bearer " + ADMIN), "tenant").json();
                            apiKey = rbaTenant.get("ApiKey").asText();
                            apiSecret = rbaTenant.get("ApiSecret").asText();
                            try {
                                List<ConcurrentLinkedQueue<String[]>> q = partition(codePairs(seedUsers((fullItems + 9) / 10, false)), c);
                                AtomicInteger address = new AtomicInteger();
                                String key = apiKey;
                                Result measured = measure(scenario, c, w -> {
                                    String[] item = next(q, w);
                                    String token = token(step1(item[0]));
                                    int n = address.incrementAndGet();
                                    return token != null && send("PUT", "/identity/v2/auth/login/2fa/verification/backupcode?apikey=" + key
                                            + "&secondfactorauthenticationtoken=" + token, "{\"backupcode\":\"" + item[1] + "\"}",
                                            "X-Forwarded-For", "198.18." + ((n >> 8) & 0xFF) + "." + (n & 0xFF),
                                            "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
                                            .status() == 200;
                                });
                                // The row only means something if the logins did queue mail for the hung server.
                                JsonNode queued = ok(send("GET", "/admin/v1/tenants/" + key + "/messages?status=pending", null,
                                        "Authorization", "Bearer " + ADMIN), "messages").json().get("Data");
                                if (queued.isEmpty()) {
                                    throw new IllegalStateException("full-rba-hanging-smtp queued no email");
                                }
                                yield measured;
                            } finally {
                                apiKey = keys[0];
                                apiSecret = keys[1];
                            }
                        }
                        case "backup" -> {
                            List<List<String[]>> pairs = codePairs(seedUsers((backupItems + 9) / 10, false));
                            List<String[]> flat = new ArrayList<>();
                            pairs.forEach(flat::addAll);
                            parallel(flat.size(), i -> flat.get(i)[0] = token(ok(step1(flat.get(i)[0]), "step 1")));
                            List<ConcurrentLinkedQueue<String[]>> q = partition(pairs, c);
                            yield measure(scenario, c, w -> {
                                String[] item = next(q, w);
                                return redeem(item[0], item[1]).status() == 200;
                            });
                        }
                        case "passkey" -> {
                            int perUser = 20;
                            List<User> users = seedUsers(Math.max(c, (passkeyItems + perUser - 1) / perUser), true);
                            List<List<String[]>> perUserItems = new ArrayList<>();
                            for (int i = 0; i < users.size(); i++) {
                                perUserItems.add(new ArrayList<>());
                            }
                            // Step 1 and begin are seeded; the assertion is signed now, in order, per user.
                            parallel(users.size(), i -> {
                                User u = users.get(i);
                                for (int k = 0; k < perUser; k++) {
                                    String token = token(ok(step1(u.email()), "step 1"));
                                    JsonNode options = ok(send("GET", "/identity/v2/auth/login/2fa/passkey/begin?apikey=" + apiKey
                                            + "&secondfactorauthenticationtoken=" + token, null), "begin").json();
                                    ObjectNode assertion = u.passkey().authenticate(options.get("LoginBeginCredential").get("publicKey"));
                                    perUserItems.get(i).add(new String[] {token, Json.write(assertion)});
                                }
                            });
                            List<ConcurrentLinkedQueue<String[]>> q = partition(perUserItems, c);
                            yield measure(scenario, c, w -> {
                                String[] item = next(q, w);
                                return send("POST", "/identity/v2/auth/login/2fa/passkey/finish?apikey=" + apiKey
                                        + "&secondfactorauthenticationtoken=" + item[0], item[1]).status() == 200;
                            });
                        }
                        case "totp" -> {
                            // The authenticator-app second step alone (step 1 seeded): a user may spend one code per
                            // 30-second step, so each user is good for three logins in a row at most.
                            int totpItems = Integer.parseInt(arg("totp-items", "24000"));
                            List<ConcurrentLinkedQueue<Object[]>> q = partition(seedTotp((totpItems + 2) / 3, 3), c);
                            yield measure(scenario, c, w -> {
                                while (true) {
                                    Object[] item = next(q, w);
                                    String code = nextTotpCode((TotpUser) item[1]);
                                    if (code != null) {
                                        return send("PUT", "/identity/v2/auth/login/2fa/verification/authenticatorcode?apikey=" + apiKey
                                                + "&secondfactorauthenticationtoken=" + item[0], "{\"authenticatorcode\":\"" + code + "\"}").status() == 200;
                                    }
                                }
                            });
                        }
                        // Floors: what any request costs here, before Latchkey's work. "http": Jetty, Javalin's routing
                        // and a JSON error answered (an unknown path: no tenant, no database); "ready": the same plus one
                        // pooled database round trip (SELECT 1, /health/ready).
                        case "http" -> measure(scenario, c, w -> send("GET", "/identity/v2/auth/no-such-api?apikey=" + apiKey, null).status() == 404);
                        case "ready" -> measure(scenario, c, w -> send("GET", "/health/ready", null).status() == 200);
                        case "validate" -> {
                            List<String> tokens = new ArrayList<>();
                            for (User u : seedUsers(c, false)) {
                                tokens.add(ok(redeem(token(step1(u.email())), u.codes().get(0)), "login").json().get("access_token").asText());
                            }
                            yield measure(scenario, c, w -> validate(tokens.get(w)).status() == 200);
                        }
                        case "refresh" -> {
                            String[] refresh = new String[c];
                            List<User> users = seedUsers(c, false);
                            for (int i = 0; i < c; i++) {
                                User u = users.get(i);
                                refresh[i] = ok(redeem(token(step1(u.email())), u.codes().get(0)), "login").json().get("refresh_token").asText();
                            }
                            yield measure(scenario, c, w -> {
                                Reply rr = refresh(refresh[w]);
                                if (rr.status() != 200) {
                                    return false;
                                }
                                refresh[w] = rr.json().get("refresh_token").asText();
                                return true;
                            });
                        }
                        case "flood" -> {
                            // Not a closed loop at c: a flood of bogus logins from many addresses, while one user logs in.
                            for (Result fr : flood(Integer.parseInt(arg("flood-concurrency", "250")))) {
                                results.add(fr);
                                System.out.println(row(store, hashing, fr));
                            }
                            System.out.flush();
                            yield null;
                        }
                        default -> throw new IllegalArgumentException("unknown scenario " + scenario);
                    };
                    if (r == null) {
                        break; // the flood ran once, whatever the concurrency levels
                    }
                    results.add(r);
                    System.out.println(row(label(store), hashing, r));
                    System.out.flush();
                }
            }
        } finally {
            long rssAfter = rssMiB();
            Thread.sleep(Long.parseLong(arg("idle-after", "25")) * 1000);
            long rssIdle = rssMiB();
            long pssIdle = pssMiB();
            node.stop();
            deleteTree(dir);
            System.out.printf(Locale.ROOT, "%n%s/%s: start-up to ready %.2f s (%s); RSS at rest %d MiB, at the end of the run %d MiB, "
                    + arg("idle-after", "25") + " s later %d MiB (PSS %d MiB)%n", label(store), hashing, startup,
                    firstStart < 0 ? "a first start" : String.format(Locale.ROOT, "a restart; the first start %.2f s", firstStart),
                    rssAtRest, rssAfter, rssIdle, pssIdle);
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(pgUrl, pgUser, ""); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    /**
     * {@code flooders} clients send logins for accounts that do not exist, each from its own address (a trusted-proxy
     * header, so neither the per-address throttle nor an identifier lockout stops them: every one costs an Argon2id hash,
     * the worst case for the node), closed loop, as fast as they are answered. Meanwhile one user logs in (password and
     * backup code, from an address of their own) in a loop, and {@code /health/ready} is polled every 100 ms. Returns two
     * rows: the user's logins (errors: the ones refused with 429) and the health checks; the flood's own counts are printed.
     */
    List<Result> flood(int flooders) throws Exception {
        int warmup = Integer.parseInt(arg("warmup", "3"));
        int duration = Integer.parseInt(arg("duration", "10"));
        // Returning users logged in once before, from the address they use during the flood; newcomers never did.
        List<User> returningUsers = seedUsers(20, false);
        ConcurrentLinkedQueue<String[]> returning = new ConcurrentLinkedQueue<>();
        for (List<String[]> pairs : codePairs(returningUsers)) {
            String[] first = pairs.get(0);
            Reply r = redeem(token(send("POST", "/identity/v2/auth/login/2fa?apikey=" + apiKey,
                    "{\"email\":\"" + first[0] + "\",\"password\":\"" + PASSWORD + "\"}", "X-Forwarded-For", RETURNING_ADDRESS)), first[1],
                    "X-Forwarded-For", RETURNING_ADDRESS);
            ok(r, "a returning user's earlier login");
            returning.addAll(pairs.subList(1, pairs.size()));
        }
        ConcurrentLinkedQueue<String[]> newcomers = new ConcurrentLinkedQueue<>();
        codePairs(seedUsers(20, false)).forEach(newcomers::addAll);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicLong floodSent = new AtomicLong();
        AtomicLong floodRefused = new AtomicLong();
        UserLoop known = new UserLoop(returning, RETURNING_ADDRESS);
        UserLoop unknown = new UserLoop(newcomers, "192.0.2.2");
        Histogram health = new Histogram(60_000_000_000L, 3);
        AtomicLong healthOps = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(flooders + 3);
        // The flood has its own client (and connections): the generator must not become the bottleneck it measures.
        HttpClient floodClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(Executors.newCachedThreadPool()).build();
        List<Future<?>> futures = new ArrayList<>();
        for (int f = 0; f < flooders; f++) {
            String from = "10." + (f >> 16 & 0xFF) + "." + (f >> 8 & 0xFF) + "." + (f & 0xFF);
            futures.add(pool.submit(() -> {
                while (!stop.get()) {
                    Reply r = send(floodClient, "POST", "/identity/v2/auth/login/2fa?apikey=" + apiKey,
                            "{\"email\":\"nobody-" + UUID.randomUUID() + "@bench.example\",\"password\":\"not-the-password\"}",
                            "X-Forwarded-For", from);
                    if (measuring.get()) {
                        floodSent.incrementAndGet();
                        if (r.status() == 429) {
                            floodRefused.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (UserLoop loop : List.of(known, unknown)) {
            futures.add(pool.submit(() -> loop.run(stop, measuring)));
        }
        futures.add(pool.submit(() -> {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                boolean ok = send("GET", "/health/ready", null).status() == 200;
                long t1 = System.nanoTime();
                if (measuring.get() && ok) {
                    healthOps.incrementAndGet();
                    health.recordValue(Math.min(t1 - t0, health.getHighestTrackableValue()));
                }
                Thread.sleep(100);
            }
            return null;
        }));
        Thread.sleep(warmup * 1000L);
        String profileDir = args.get("profile-dir");
        if (profileDir != null) {
            jcmd("JFR.start", "name=m", "settings=default", "filename=" + profileDir + "/flood-" + flooders + ".jfr");
        }
        long cpu0 = cpuTicks();
        long pg0 = postgresTicks();
        long gen0 = cpuTicks(ProcessHandle.current().pid());
        long start = System.nanoTime();
        measuring.set(true);
        Thread.sleep(duration * 1000L);
        measuring.set(false);
        if (profileDir != null) {
            jcmd("JFR.stop", "name=m");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (cpuTicks() - cpu0) / (double) CLK_TCK / seconds;
        double pg = (postgresTicks() - pg0) / (double) CLK_TCK / seconds;
        double gen = (cpuTicks(ProcessHandle.current().pid()) - gen0) / (double) CLK_TCK / seconds;
        stop.set(true);
        pool.shutdown();
        for (Future<?> f : futures) {
            f.get();
        }
        System.out.printf(Locale.ROOT, "%n- flood: %d clients sent %d bogus logins in %.1f s (%.0f/s), %d (%.0f%%) answered 429 at once; "
                        + "a returning user's logins: %d done, %d refused with 429; a newcomer's: %d done, %d refused with 429%n",
                flooders, floodSent.get(), seconds, floodSent.get() / seconds, floodRefused.get(),
                100.0 * floodRefused.get() / Math.max(1, floodSent.get()), known.done(), known.refused.get(), unknown.done(), unknown.refused.get());
        return List.of(
                new Result("flood: a returning user's login (" + flooders + " bogus clients)", 1, known.ops.get(), known.refused.get(), seconds,
                        known.latency, cpu, rssMiB(), false, pg, gen),
                new Result("flood: a newcomer's login (" + flooders + " bogus clients)", 1, unknown.ops.get(), unknown.refused.get(), seconds,
                        unknown.latency, cpu, rssMiB(), false, pg, gen),
                new Result("flood: /health/ready (" + flooders + " bogus clients)", 1, healthOps.get(), 0, seconds, health, cpu, rssMiB(), false, pg, gen));
    }

    /** The address returning users logged in from before the flood, and log in from during it. */
    static final String RETURNING_ADDRESS = "192.0.2.1";

    /**
     * One user after another logging in (password, then a backup code) from {@code address}, one login at a time; a 429
     * is counted as refused and the same code tried again at once (an app would wait Retry-After: this is the worst case).
     */
    final class UserLoop {
        final ConcurrentLinkedQueue<String[]> codes;
        final String address;
        final Histogram latency = new Histogram(60_000_000_000L, 3);
        final AtomicLong ops = new AtomicLong();
        final AtomicLong refused = new AtomicLong();

        UserLoop(ConcurrentLinkedQueue<String[]> codes, String address) {
            this.codes = codes;
            this.address = address;
        }

        long done() {
            return ops.get() - refused.get();
        }

        Void run(AtomicBoolean stop, AtomicBoolean measuring) throws Exception {
            while (!stop.get()) {
                String[] item = codes.poll();
                if (item == null) {
                    return null;
                }
                long t0 = System.nanoTime();
                Reply r1 = send("POST", "/identity/v2/auth/login/2fa?apikey=" + apiKey,
                        "{\"email\":\"" + item[0] + "\",\"password\":\"" + PASSWORD + "\"}", "X-Forwarded-For", address);
                boolean ok = false;
                String token = token(r1);
                if (token != null) {
                    ok = redeem(token, item[1], "X-Forwarded-For", address).status() == 200;
                } else if (r1.status() == 429) {
                    codes.add(item); // the code was not spent: try it again
                }
                long t1 = System.nanoTime();
                if (measuring.get()) {
                    ops.incrementAndGet();
                    if (ok) {
                        latency.recordValue(Math.min(t1 - t0, latency.getHighestTrackableValue()));
                    } else {
                        refused.incrementAndGet();
                    }
                }
            }
            return null;
        }
    }

    static String row(String store, String hashing, Result r) {
        // Server CPU per operation (node + PostgreSQL), the main figure: it holds on a noisy machine where rates do not.
        double perSecond = r.ops() / r.seconds();
        double cpuMsPerOp = perSecond == 0 ? 0 : (r.cpuCores() + r.pgCores()) * 1000 / perSecond;
        double withoutJit = perSecond == 0 ? 0 : (r.cpuCores() - r.jitCores() + r.pgCores()) * 1000 / perSecond;
        return String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %.0f%s | %.3f | %.3f | %.2f | %.2f | %.2f | %d | %.2f | %.2f | %.2f | %.2f | %d |",
                store, hashing, r.scenario(), r.concurrency(), r.ops(), perSecond, r.exhausted() ? "*" : "", cpuMsPerOp, withoutJit,
                r.latency().getValueAtPercentile(50) / 1e6, r.latency().getValueAtPercentile(99) / 1e6,
                r.latency().getValueAtPercentile(99.9) / 1e6, r.errors(), r.cpuCores(), r.jitCores(), r.pgCores(), r.generatorCores(), r.rss());
    }
}

package dev.latchkey.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up to ready, as an operator restarts a node: {@code java [options] -jar JAR serve} on an existing H2 data
 * directory, polled on {@code /health/ready} (a raw socket every 5 ms) until it answers 200; then the CPU the launcher
 * and the node's JVM took to get there ({@code /proc}), and a stop (SIGTERM). Each build's first start (which migrates
 * the store and writes the class archive) is not counted. With several builds or option sets the starts alternate.
 * <p>
 * {@code --keep yes} keeps the working directory (the nodes' logs). {@code --floor yes} adds the stack's floor: {@link StackFloor} (picocli, Logback, HikariCP and H2, Jdbi, Jackson,
 * Javalin; nothing of Latchkey's) from a jar whose class path is the first jar, started in one JVM with a class archive
 * of its own start, as the launcher gives the node's JVM ({@code --floor-java-options} for its JVM options).
 *
 * <pre>
 * Startup --jar A.jar [--compare-jar B.jar] [--starts 7] [--java-options "-Xshare:off"] [--compare-java-options ...]
 *         [--hashing owasp|minimal] [--args "--class-archive=off"] [--compare-args ...] [--floor yes [--floor-java-options ...]] [--keep yes]
 *         [--first-login yes]
 * </pre>
 * Prints one line per start and the medians (CPU: launcher and node's JVM, or the one JVM).
 */
public final class Startup {
    /** {@code floor}: {@link StackFloor} from {@code jar} (its own class path), its archive in {@code cache}. */
    record Variant(String name, Path jar, List<String> javaOptions, List<String> serveArgs, Path dataDir, Path cache, List<long[]> starts,
            boolean floor, String[] apiKey) {}

    static final String EMAIL = "first-login@startup.example";

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        if (!a.containsKey("jar")) {
            System.err.println("usage: Startup --jar A.jar [--compare-jar B.jar] [--starts 7] [--java-options ...] [--compare-java-options ...]"
                    + " [--args ...] [--compare-args ...] [--hashing owasp|minimal] [--floor yes [--floor-java-options ...]] [--keep yes] [--first-login yes]");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("latchkey-startup");
        List<Variant> variants = new ArrayList<>();
        variants.add(variant("A", a.get("jar"), a.getOrDefault("java-options", ""), a.getOrDefault("args", ""), work, false));
        if (a.containsKey("compare-jar") || a.containsKey("compare-java-options") || a.containsKey("compare-args")) {
            variants.add(variant("B", a.getOrDefault("compare-jar", a.get("jar")), a.getOrDefault("compare-java-options", a.getOrDefault("java-options", "")),
                    a.getOrDefault("compare-args", a.getOrDefault("args", "")), work, false));
        }
        if (a.getOrDefault("floor", "no").equals("yes")) {
            Path jar = work.resolve("floor.jar");
            java.util.jar.Manifest manifest = new java.util.jar.Manifest();
            manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, StackFloor.class.getName());
            // relative: the JVM maps archived classes only for a Class-Path entry it can match by path, not by a file: URL
            String relative = work.toAbsolutePath().relativize(Path.of(a.get("jar")).toAbsolutePath()).toString();
            manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, new java.net.URI(null, null, relative, null).toString());
            String entry = StackFloor.class.getName().replace('.', '/') + ".class";
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest);
                    InputStream in = StackFloor.class.getClassLoader().getResourceAsStream(entry)) {
                out.putNextEntry(new java.util.jar.JarEntry(entry));
                in.transferTo(out);
            }
            variants.add(variant("floor", jar.toString(), a.getOrDefault("floor-java-options", ""), "", work, true));
        }
        String hashing = a.getOrDefault("hashing", "owasp");
        int starts = Integer.parseInt(a.getOrDefault("starts", "7"));
        boolean firstLogin = a.getOrDefault("first-login", "no").equals("yes");
        for (Variant v : variants) {
            long[] first = start(v, hashing, firstLogin && !v.floor());
            System.out.printf(Locale.ROOT, "%s first start (not counted): ready %d ms%n", v.name(), first[0]);
        }
        for (int i = 0; i < starts; i++) {
            for (Variant v : variants) {
                long[] r = start(v, hashing, false);
                v.starts().add(r);
                System.out.printf(Locale.ROOT, "%s ready_ms=%d cpu_ms=%d launcher_cpu_ms=%d node_jvm_cpu_ms=%d child_after_ms=%d%s%n", v.name(), r[0], r[4], r[1],
                        r[2], r[3], v.apiKey()[0] == null ? "" : " first_login_ms=" + r[5] + " launch_to_first_login_ms=" + (r[0] + r[5]));
            }
        }
        for (Variant v : variants) {
            boolean launched = median(v.starts(), 2) > 0;
            System.out.printf(Locale.ROOT, "%s: %s%s%s: median ready %d ms (%d-%d), CPU to ready %d ms (%s)%n", v.name(), v.floor() ? "the stack's floor" : v.jar(),
                    v.javaOptions().isEmpty() ? "" : " " + String.join(" ", v.javaOptions()), v.serveArgs().isEmpty() ? "" : " " + String.join(" ", v.serveArgs()),
                    median(v.starts(), 0), min(v.starts(), 0), max(v.starts(), 0), median(v.starts(), 4),
                    launched ? "launcher " + median(v.starts(), 1) + ", node's JVM " + median(v.starts(), 2) + ", spawned after " + median(v.starts(), 3) + " ms"
                            : "one JVM");
            if (v.apiKey()[0] != null) {
                long[] total = v.starts().stream().mapToLong(r -> r[0] + r[5]).sorted().toArray();
                System.out.printf(Locale.ROOT, "%s: the first password login, sent once ready: median %d ms (%d-%d); from the launch to its answer %d ms (%d-%d)%n",
                        v.name(), median(v.starts(), 5), min(v.starts(), 5), max(v.starts(), 5), total[total.length / 2], total[0], total[total.length - 1]);
            }
        }
        if (!a.getOrDefault("keep", "no").equals("yes")) {
            LoadGenerator.deleteTree(work);
        }
    }

    static Variant variant(String name, String jar, String javaOptions, String serveArgs, Path work, boolean floor) throws IOException {
        return new Variant(name, Path.of(jar).toAbsolutePath(), split(javaOptions), split(serveArgs), Files.createDirectories(work.resolve(name + "-data")),
                Files.createDirectories(work.resolve(name + "-cache")), new ArrayList<>(), floor, new String[1]);
    }

    static List<String> split(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }

    /**
     * ready ms, CPU ms of the process started, of the node's JVM (0: the node ran in the one started), child spawned after
     * ms, both CPUs, and the first password login's ms (0: not timed). {@code seed}: once ready, makes a tenant and an
     * account (a first start), so that every later start can time its first password login ({@code --first-login yes}):
     * what start-up left for the first user to wait for.
     */
    static long[] start(Variant v, String hashing, boolean seed) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(v.javaOptions());
        if (v.floor()) {
            Path archive = v.cache().resolve("floor.jsa");
            cmd.addAll(List.of(Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds*=off",
                    "-jar", v.jar().toString(), "--host", "127.0.0.1", "--port", String.valueOf(port), "--data-dir", v.dataDir().toString()));
        } else {
            cmd.addAll(List.of("-jar", v.jar().toString(), "serve", "--host", "127.0.0.1", "--port", String.valueOf(port), "--data-dir",
                    v.dataDir().toString(), "--admin-key", LoadGenerator.ADMIN, "--secret-key", LoadGenerator.SECRET, "--password-hashing", hashing));
            cmd.addAll(v.serveArgs());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(v.dataDir().resolve("node.log").toFile());
        pb.environment().put("XDG_CACHE_HOME", v.cache().toString());
        long t0 = System.nanoTime();
        Process p = pb.start();
        long pid = p.pid();
        long childPid = -1;
        long childAfter = 0;
        long ready = -1;
        while (ready < 0) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the node stopped: see " + v.dataDir().resolve("node.log"));
            }
            if (childPid < 0) {
                childPid = child(pid);
                if (childPid > 0) {
                    childAfter = (System.nanoTime() - t0) / 1_000_000;
                }
            }
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                p.destroyForcibly();
                throw new IllegalStateException("not ready in 60 s");
            }
            if (ready(port)) {
                ready = (System.nanoTime() - t0) / 1_000_000;
            } else {
                Thread.sleep(5);
            }
        }
        long launcherCpu = LoadGenerator.cpuTicks(pid) * 1000 / LoadGenerator.CLK_TCK;
        long nodeCpu = childPid > 0 ? LoadGenerator.cpuTicks(childPid) * 1000 / LoadGenerator.CLK_TCK : 0;
        long login = 0;
        if (seed) {
            seed(v, port);
        } else if (v.apiKey()[0] != null) {
            long l0 = System.nanoTime();
            String answer = post(port, "/identity/v2/auth/login?apikey=" + v.apiKey()[0],
                    "{\"email\":\"" + EMAIL + "\",\"password\":\"" + LoadGenerator.PASSWORD + "\"}");
            login = (System.nanoTime() - l0) / 1_000_000;
            if (!answer.startsWith("HTTP/1.1 200") || !answer.contains("access_token")) {
                throw new IllegalStateException("the first login failed: " + answer);
            }
        }
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new long[] {ready, launcherCpu, nodeCpu, childAfter, launcherCpu + nodeCpu, login};
    }

    /** The process's first child, or -1. */
    static long child(long pid) {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) { // the thread that spawned it, not always the first
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String children = Files.readString(task.resolve("children")).trim();
                if (!children.isEmpty()) {
                    return Long.parseLong(children.split(" ")[0]);
                }
            }
            return -1;
        } catch (IOException | NumberFormatException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** A tenant and its one account, through the admin and manage APIs. */
    static void seed(Variant v, int port) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        java.net.http.HttpResponse<String> tenant = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/admin/v1/tenants"))
                .header("Authorization", "Bearer " + LoadGenerator.ADMIN).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"Name\":\"startup\"}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        com.fasterxml.jackson.databind.JsonNode t = dev.latchkey.json.Json.MAPPER.readTree(tenant.body());
        String key = t.path("ApiKey").asText(null);
        java.net.http.HttpResponse<String> account = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
                + "/identity/v2/manage/account?apikey=" + key + "&apisecret=" + t.path("ApiSecret").asText()))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + EMAIL + "\"}],\"Password\":\""
                        + LoadGenerator.PASSWORD + "\"}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (tenant.statusCode() != 200 || account.statusCode() != 200) {
            throw new IllegalStateException("seeding failed: " + tenant.body() + " " + account.body());
        }
        v.apiKey()[0] = key;
    }

    /** One POST over a fresh connection, as {@link #ready} asks: the whole answer. */
    static String post(int port, String path, String body) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static boolean ready(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    static long median(List<long[]> rows, int i) {
        long[] xs = rows.stream().mapToLong(r -> r[i]).sorted().toArray();
        return xs[xs.length / 2];
    }

    static long min(List<long[]> rows, int i) {
        return rows.stream().mapToLong(r -> r[i]).min().orElse(0);
    }

    static long max(List<long[]> rows, int i) {
        return rows.stream().mapToLong(r -> r[i]).max().orElse(0);
    }
}

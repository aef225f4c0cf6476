package dev.latchkey.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Latchkey node started from the fat jar as its own process, as an operator runs it (and kills it). */
public final class JarNode {
    public static final Path JAR = Path.of(System.getProperty("latchkey.jar", "target/latchkey.jar"));
    /**
     * Where nodes started here keep their class archive (XDG_CACHE_HOME, unless the caller sets it): one for the tests'
     * JVM, so the first node's archive serves the later ones and nothing is left in the user's home.
     */
    private static final Path CACHE;

    static {
        try {
            CACHE = java.nio.file.Files.createTempDirectory("latchkey-cache");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = java.nio.file.Files.walk(CACHE)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a temp directory
                }
            }));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final Process process;
    public final String base;
    /** The {@code export NAME=value} lines of a first start. */
    public final Map<String, String> printed;
    private final Path errors;

    private JarNode(Process process, String base, Map<String, String> printed, Path errors) {
        this.process = process;
        this.base = base;
        this.printed = printed;
        this.errors = errors;
    }

    /** What the node wrote to stderr so far (its log). */
    public String err() {
        try {
            return java.nio.file.Files.readString(errors);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A file for a child's stderr. Not a pipe: when the child exits, the JDK's process reaper takes over a pipe's last
     * bytes, and a thread still reading it got "Stream closed" and lost the child's last lines (its shutdown log).
     */
    private static Path errorFile() throws IOException {
        Path file = java.nio.file.Files.createTempFile("latchkey-node", ".err");
        file.toFile().deleteOnExit();
        return file;
    }

    /** A process that ran to its end: exit code, stdout and stderr. */
    public record Exit(int code, String out, String err) {}

    /** Starts {@code java -jar latchkey.jar serve ARGS} on 127.0.0.1, any free port, and waits for its ready line. */
    public static JarNode start(Map<String, String> env, String... args) throws IOException {
        List<String> serve = new ArrayList<>(List.of("--port", "0"));
        serve.addAll(List.of(args));
        return serve(env, serve);
    }

    /** {@link #start(Map, String...)} of another build's jar (the benchmark compares two). */
    public static JarNode start(Path jar, Map<String, String> env, String... args) throws IOException {
        List<String> serve = new ArrayList<>(List.of("--port", "0"));
        serve.addAll(List.of(args));
        return serve(jar, env, serve);
    }

    /** Starts {@code java -jar latchkey.jar serve --host 127.0.0.1 ARGS} (the caller picks the port) and waits for its ready line. */
    public static JarNode serve(Map<String, String> env, List<String> args) throws IOException {
        return serve(JAR, env, args);
    }

    private static JarNode serve(Path jar, Map<String, String> env, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar.toString(), "serve", "--host", "127.0.0.1"));
        cmd.addAll(args);
        Path errors = errorFile();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errors.toFile());
        pb.environment().put("XDG_CACHE_HOME", CACHE.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Map<String, String> printed = new HashMap<>();
        List<String> lines = new ArrayList<>();
        Pattern export = Pattern.compile("\\s*export (\\w+)=(\\S+)");
        Pattern ready = Pattern.compile("Latchkey ready on (http://\\S+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            lines.add(line);
            Matcher m = export.matcher(line);
            if (m.matches()) {
                printed.put(m.group(1), m.group(2));
            }
            Matcher r = ready.matcher(line);
            if (r.find()) {
                // Keep draining stdout so the node never blocks on a full pipe.
                discard(p.getInputStream());
                return new JarNode(p, r.group(1), printed, errors);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("no ready line; printed: " + lines + "; stderr: " + java.nio.file.Files.readString(errors));
    }

    /** Runs {@code java -jar latchkey.jar ARGS} to its end (at most 60 s): a command, or a node that fails to start. */
    public static Exit run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path errors = errorFile();
        Path output = errorFile();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errors.toFile()).redirectOutput(output.toFile());
        pb.environment().put("XDG_CACHE_HOME", CACHE.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("still running after 60 s: " + cmd + "; stdout: " + java.nio.file.Files.readString(output)
                    + "; stderr: " + java.nio.file.Files.readString(errors));
        }
        return new Exit(p.exitValue(), java.nio.file.Files.readString(output), java.nio.file.Files.readString(errors));
    }

    /** Reads the stream to its end on a daemon thread, dropping what it reads. */
    private static void discard(java.io.InputStream stream) {
        Thread t = new Thread(() -> {
            try {
                stream.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // process gone
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** An HTTP answer, or status -1 when the connection failed (a killed node). */
    public record Reply(int status, JsonNode json) {}

    public Reply send(String method, String pathAndQuery, String body, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body().isEmpty() ? null : Json.parse(r.body()));
        } catch (IOException e) {
            return new Reply(-1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, null);
        }
    }

    /**
     * The node's own JVM: the child {@code java -jar latchkey.jar serve} started with its class archive, or the process
     * itself when it runs the node (--class-archive off, ...).
     */
    public ProcessHandle node() {
        return process.toHandle().children().findFirst().orElse(process.toHandle());
    }

    /** SIGKILL to the node's JVM (and to its launcher): no shutdown hook, no drain, nothing flushed by the JVM. */
    public void kill() throws InterruptedException {
        ProcessHandle node = node();
        node.destroyForcibly();
        node.onExit().join();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

package dev.latchkey.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Assumptions;

/**
 * The official LoginRadius Node SDK (npm {@code loginradius-sdk}, the version below), run by node, unchanged. The SDK
 * speaks HTTPS to port 443 of its {@code apiDomain} only, so a TLS proxy listens on 127.0.0.1:443 (a fresh self-signed
 * certificate, trusted by node through {@code NODE_EXTRA_CA_CERTS}) and passes the bytes on to the node under test. The
 * package is installed with npm into {@code target/node-sdk} the first time (the test command installs what it needs).
 * Without node, npm or port 443 the tests are skipped with a banner; {@code LATCHKEY_TEST_NODE_REQUIRED=true} (set by
 * {@code .ci/run}) makes that a failure.
 */
public final class NodeSdk implements AutoCloseable {
    public static final String VERSION = "11.7.0";
    private static final Path DIR = Path.of("target", "node-sdk").toAbsolutePath();
    private static final boolean REQUIRED = "true".equals(System.getenv("LATCHKEY_TEST_NODE_REQUIRED"));

    private final ServerSocket proxy;
    private final ExecutorService pipes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "node-sdk-tls-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Path caPem;
    private final String apiKey;
    private final String apiSecret;

    private NodeSdk(ServerSocket proxy, Path caPem, String apiKey, String apiSecret) {
        this.proxy = proxy;
        this.caPem = caPem;
        this.apiKey = apiKey;
        this.apiSecret = apiSecret;
    }

    /** Installs the SDK if needed and starts the TLS proxy to {@code targetPort}; skips (or fails, if required) when it cannot. */
    public static NodeSdk start(int targetPort, String apiKey, String apiSecret) throws Exception {
        if (!works("node", "--version") || !works("npm", "--version")) {
            unavailable("node and npm are not installed (apt-get install nodejs npm)");
        }
        install();
        Path work = Files.createTempDirectory("latchkey-node-sdk");
        Path keystore = work.resolve("proxy.p12");
        Path pem = work.resolve("proxy.pem");
        run(List.of("keytool", "-genkeypair", "-alias", "proxy", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit"), work);
        run(List.of("keytool", "-exportcert", "-rfc", "-alias", "proxy", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-file", pem.toString()), work);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket server;
        try {
            server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 443));
        } catch (IOException e) {
            unavailable("cannot listen on 127.0.0.1:443 (" + e.getMessage() + "): the Node SDK speaks HTTPS on port 443 only");
            throw e;
        }
        NodeSdk sdk = new NodeSdk(server, pem, apiKey, apiSecret);
        sdk.pipes.submit(() -> sdk.accept(targetPort));
        return sdk;
    }

    private static void unavailable(String why) {
        if (REQUIRED) {
            throw new IllegalStateException("LATCHKEY_TEST_NODE_REQUIRED=true but " + why);
        }
        System.err.println("\n**********************************************************************\n"
                + "* SKIPPING the Node SDK test: " + why + "\n"
                + "* (LATCHKEY_TEST_NODE_REQUIRED=true to fail instead)\n"
                + "**********************************************************************\n");
        Assumptions.abort(why);
    }

    private static synchronized void install() throws Exception {
        Path pkg = DIR.resolve("node_modules").resolve("loginradius-sdk").resolve("package.json");
        if (Files.exists(pkg) && Json.parse(Files.readString(pkg)).path("version").asText().equals(VERSION)) {
            return;
        }
        Files.createDirectories(DIR);
        run(List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", DIR.toString(), "loginradius-sdk@" + VERSION), DIR);
    }

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String run(List<String> command, Path dir) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private void accept(int targetPort) {
        while (!proxy.isClosed()) {
            try {
                Socket client = proxy.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pipes.submit(() -> pipe(client, upstream));
                pipes.submit(() -> pipe(upstream, client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** What the SDK method answered: {@code Ok} with the resolved value, or {@code Error} with the rejected one. */
    public record Answer(JsonNode ok, JsonNode error) {
        public JsonNode ok() {
            if (error != null) {
                throw new AssertionError("the Node SDK rejected: " + error);
            }
            return ok;
        }
    }

    /** Calls {@code lr[api][method](...args)} in a new node process, configured with {@code apiDomain: 127.0.0.1}. */
    public Answer call(String api, String method, Object... args) throws Exception {
        ObjectNode call = Json.object();
        call.putObject("config").put("apiKey", apiKey).put("apiSecret", apiSecret).put("apiDomain", "127.0.0.1");
        call.put("api", api).put("method", method);
        ArrayNode list = call.putArray("args");
        for (Object a : args) {
            list.add(a == null ? Json.MAPPER.nullNode() : Json.MAPPER.valueToTree(a));
        }
        Path script = DIR.resolve("sdk-call.js");
        try (InputStream in = NodeSdk.class.getResourceAsStream("/node/sdk-call.js")) {
            Files.write(script, in.readAllBytes());
        }
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(), Json.write(call)).redirectErrorStream(true);
        pb.environment().put("NODE_PATH", DIR.resolve("node_modules").toString());
        pb.environment().put("NODE_EXTRA_CA_CERTS", caPem.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("node failed: " + out);
        }
        String last = out.substring(out.lastIndexOf('\n') + 1);
        JsonNode answer = Json.parse(last);
        return new Answer(answer.get("Ok"), answer.get("Error"));
    }

    @Override
    public void close() throws IOException {
        proxy.close();
        pipes.shutdownNow();
    }
}

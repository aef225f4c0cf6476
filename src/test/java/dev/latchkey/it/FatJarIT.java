package dev.latchkey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.JarNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README, as a new user follows it: {@code java -jar target/latchkey.jar serve} on an empty data directory prints
 * an admin key and a demo tenant; the README's walkthrough then works with them; a restart keeps everything.
 */
class FatJarIT {
    private static final Path JAR = JarNode.JAR;
    private final HttpClient http = HttpClient.newHttpClient();

    private static JarNode start(Path dataDir) throws Exception {
        return JarNode.start(Map.of(), "--data-dir", dataDir.toString());
    }

    private JsonNode call(String method, String url, String body, int expectedStatus, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + url + " → " + r.body()).isEqualTo(expectedStatus);
        return Json.parse(r.body());
    }

    @Test
    void readmeWalkthroughOnTheFatJar() throws Exception {
        Path data = Files.createTempDirectory("latchkey-it");
        JarNode node = start(data);
        String adminKey = node.printed.get("LATCHKEY_ADMIN_KEY");
        String apiKey = node.printed.get("LR_APIKEY");
        String apiSecret = node.printed.get("LR_APISECRET");
        try {
            assertThat(adminKey).startsWith("lk_admin_");
            assertThat(apiKey).matches("[0-9a-f-]{36}");
            assertThat(apiSecret).matches("[0-9a-f-]{36}");
            String b = node.base;
            assertThat(call("GET", b + "/health/ready", null, 200).get("Status").asText()).isEqualTo("ready");

            // README: create a user with the Management API.
            JsonNode user = call("POST", b + "/identity/v2/manage/account?apikey=" + apiKey + "&apisecret=" + apiSecret,
                    "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"ann@example.com\"}],\"Password\":\"correct-horse-1\",\"FirstName\":\"Ann\"}", 200);
            String uid = user.get("Uid").asText();
            // README: generate her backup codes (admin path).
            JsonNode codes = call("GET", b + "/identity/v2/manage/account/2fa/backupcode?apikey=" + apiKey + "&uid=" + uid, null, 200,
                    "X-LoginRadius-ApiSecret", apiSecret);
            // README: step 1, then step 2 with a backup code.
            JsonNode step1 = call("POST", b + "/identity/v2/auth/login/2fa?apikey=" + apiKey,
                    "{\"email\":\"ann@example.com\",\"password\":\"correct-horse-1\"}", 200);
            String token = step1.get("SecondFactorAuthentication").get("SecondFactorAuthenticationToken").asText();
            JsonNode login = call("PUT", b + "/identity/v2/auth/login/2fa/backupcode?apikey=" + apiKey
                    + "&secondfactorauthenticationtoken=" + token + "&fields=Email,username",
                    "{\"backupcode\":\"" + codes.get("BackUpCodes").get(0).asText() + "\"}", 200);
            String access = login.get("access_token").asText();
            assertThat(call("GET", b + "/identity/v2/auth/account?apikey=" + apiKey, null, 200, "Authorization", "Bearer " + access)
                    .get("Uid").asText()).isEqualTo(uid);
            // README: the admin API with the printed admin key.
            JsonNode tenant = call("POST", b + "/admin/v1/tenants", "{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true}}",
                    200, "Authorization", "Bearer " + adminKey);
            assertThat(tenant.get("ApiKey").asText()).matches("[0-9a-f-]{36}");
        } finally {
            node.stop();
            assertThat(node.process.isAlive()).isFalse();
        }

        // A restart prints no new credentials and keeps the data and the admin key.
        JarNode again = start(data);
        try {
            assertThat(again.printed).isEmpty();
            call("GET", again.base + "/admin/v1/tenants/" + apiKey, null, 200, "Authorization", "Bearer " + adminKey);
            JsonNode step1 = call("POST", again.base + "/identity/v2/auth/login/2fa?apikey=" + apiKey,
                    "{\"email\":\"ann@example.com\",\"password\":\"correct-horse-1\"}", 200);
            assertThat(step1.get("SecondFactorAuthentication").get("SecondFactorAuthenticationToken").asText()).matches("[0-9a-f-]{36}");
        } finally {
            again.stop();
        }
    }

    private static final String ADMIN_KEY = "fat-jar-admin-key-0123456789abcdefghij";

    @Test
    void aFirstStartOnABusyPortLosesNothingAndTheRetryShowsTheKeys() throws Exception {
        Path data = Files.createTempDirectory("latchkey-it-busy");
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            JarNode.Exit failed = JarNode.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", String.valueOf(port), "--data-dir", data.toString());
            assertThat(failed.code()).isEqualTo(1);
            assertThat(failed.out()).doesNotContain("export");
            assertThat(failed.err().lines().filter(l -> l.startsWith("latchkey:")).toList()).containsExactly("latchkey: Port " + port
                    + " on 127.0.0.1 is already in use by another program. Stop it, or give this node another port with --port (LATCHKEY_PORT).");
            assertThat(failed.err()).doesNotContain("\tat ");
        }
        JarNode node = start(data);
        try {
            String adminKey = node.printed.get("LATCHKEY_ADMIN_KEY");
            String apiKey = node.printed.get("LR_APIKEY");
            assertThat(adminKey).startsWith("lk_admin_");
            assertThat(apiKey).matches("[0-9a-f-]{36}");
            assertThat(node.printed.get("LR_APISECRET")).matches("[0-9a-f-]{36}");
            JsonNode tenants = call("GET", node.base + "/admin/v1/tenants", null, 200, "Authorization", "Bearer " + adminKey);
            assertThat(tenants.get("Data").findValuesAsText("ApiKey")).containsExactly(apiKey);
        } finally {
            node.stop();
        }
    }

    @Test
    void aSecondNodeOnTheSameH2DirectoryIsToldToUsePostgreSql() throws Exception {
        Path data = Files.createTempDirectory("latchkey-it-h2lock");
        JarNode first = start(data);
        try {
            JarNode.Exit second = JarNode.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString());
            assertThat(second.code()).isEqualTo(1);
            assertThat(second.err().lines().filter(l -> l.startsWith("latchkey:")).toList()).containsExactly("latchkey: The H2 database in "
                    + data.toAbsolutePath() + " is in use by another process, most likely another Latchkey node: H2 serves one node. Stop the "
                    + "other node or give this one another --data-dir; for several nodes, use PostgreSQL (--db-url jdbc:postgresql://host:5432/db).");
            assertThat(second.err()).doesNotContain("\tat ");
            assertThat(call("GET", first.base + "/health/ready", null, 200).get("Status").asText()).isEqualTo("ready");
        } finally {
            first.stop();
        }
    }

    @Test
    void aCleanStopLogsOneLineAndLeavesNoStackTraceInH2sTraceFile() throws Exception {
        Path data = Files.createTempDirectory("latchkey-it-stop");
        JarNode node = start(data);
        call("GET", node.base + "/health/ready", null, 200);
        node.stop(); // SIGTERM
        assertThat(node.process.exitValue()).isEqualTo(143);
        assertThat(node.err().lines().filter(l -> l.contains("Latchkey stopped")).count()).as(node.err()).isEqualTo(1);
        assertThat(node.err()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("ERROR").doesNotContain("WARN");
        Path trace = data.resolve("latchkey.trace.db");
        if (Files.exists(trace)) {
            assertThat(Files.readString(trace)).as("H2's trace file").doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void keysFromFilesAndAnotherSecretKeyRefused() throws Exception {
        Path dir = Files.createTempDirectory("latchkey-it-keys");
        Path data = dir.resolve("data");
        Path adminFile = Files.writeString(dir.resolve("admin.key"), ADMIN_KEY + "\n");
        java.nio.file.Files.setPosixFilePermissions(adminFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path secretFile = Files.createFile(dir.resolve("secret.key"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secretFile, "  file-secret-key-0123456789abcdefghij\n");
        JarNode node = JarNode.start(Map.of(), "--data-dir", data.toString(), "--admin-key-file", adminFile.toString(),
                "--secret-key-file", secretFile.toString());
        try {
            assertThat(node.printed).doesNotContainKey("LATCHKEY_ADMIN_KEY").containsKey("LR_APIKEY");
            call("GET", node.base + "/admin/v1/tenants", null, 200, "Authorization", "Bearer " + ADMIN_KEY);
            assertThat(node.err()).contains("WARNING: " + adminFile + " (the admin key) is readable by others (rw-r--r--): chmod 600 " + adminFile);
            assertThat(node.err()).doesNotContain("WARNING: " + secretFile);
            assertThat(Files.exists(data.resolve("secret.key"))).as("no generated secret key beside a given one").isFalse();
        } finally {
            node.stop();
        }
        Path otherSecret = Files.writeString(dir.resolve("other.key"), "other-secret-key-0123456789abcdefghij");
        JarNode.Exit refused = JarNode.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString(),
                "--admin-key-file", adminFile.toString(), "--secret-key-file", otherSecret.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err().lines().filter(l -> l.startsWith("latchkey:")).toList()).containsExactly("latchkey: This database was set up "
                + "with another secret key, so this node could read none of its tokens, codes or tenant secrets. Start it with the secret key "
                + "the database was set up with (--secret-key, --secret-key-file or LATCHKEY_SECRET_KEY; by default DATA_DIR/secret.key of "
                + "the node that created it): every node of a database needs the same one.");
    }

    @Test
    void theCommandLineWorksFromTheEnvironmentAlone() throws Exception {
        Path data = Files.createTempDirectory("latchkey-it-cli");
        JarNode node = start(data);
        try {
            Map<String, String> env = Map.of("LATCHKEY_ADMIN_KEY", node.printed.get("LATCHKEY_ADMIN_KEY"), "LATCHKEY_URL", node.base);
            JarNode.Exit created = JarNode.run(env, "tenant", "create", "--name", "From the environment");
            assertThat(created.code()).as(created.err()).isZero();
            String apiKey = Json.parse(created.out()).get("ApiKey").asText();
            JarNode.Exit list = JarNode.run(env, "tenant", "list");
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(Json.parse(list.out()).get("Data").findValuesAsText("ApiKey")).containsExactly(node.printed.get("LR_APIKEY"), apiKey);
            JarNode.Exit deleted = JarNode.run(env, "tenant", "delete", apiKey);
            assertThat(deleted.code()).as(deleted.err()).isZero();
            assertThat(Json.parse(deleted.out())).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        } finally {
            node.stop();
        }
        JarNode.Exit unreachable = JarNode.run(Map.of("LATCHKEY_ADMIN_KEY", ADMIN_KEY, "LATCHKEY_URL", node.base), "tenant", "list");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.err().lines().toList()).containsExactly("latchkey: cannot reach a Latchkey node at " + node.base
                + " (connection refused): start one with 'latchkey serve', or point --url (LATCHKEY_URL) at it.");
    }

    @Test
    void helpListsTheContract() throws Exception {
        Process p = new ProcessBuilder("java", "-jar", JAR.toString(), "serve", "--help").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("--host", "--port", "--data-dir", "--db-url", "--db-user", "--db-password", "--admin-key", "--secret-key");
    }
}

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

    @Test
    void helpListsTheContract() throws Exception {
        Process p = new ProcessBuilder("java", "-jar", JAR.toString(), "serve", "--help").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("--host", "--port", "--data-dir", "--db-url", "--db-user", "--db-password", "--admin-key", "--secret-key");
    }
}

package dev.latchkey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: --help lists the black-box contract; tenant create|show|update drive the admin API. */
class CliTest {
    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    record Run(int exit, String out) {}

    private static synchronized Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = Main.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            int code = cl.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void serveHelpListsEveryOptionAndItsVariable() {
        Run r = run("serve", "--help");
        assertThat(r.exit()).isZero();
        for (String s : new String[] {"--host", "--port", "--data-dir", "--db-url", "--db-user", "--db-password", "--admin-key",
                "--secret-key", "--db-pool-size", "LATCHKEY_HOST", "LATCHKEY_PORT", "LATCHKEY_DATA_DIR", "LATCHKEY_DB_URL",
                "LATCHKEY_DB_USER", "LATCHKEY_DB_PASSWORD", "LATCHKEY_ADMIN_KEY", "LATCHKEY_SECRET_KEY"}) {
            assertThat(r.out()).contains(s);
        }
        assertThat(run("--help").out()).contains("serve", "tenant");
        assertThat(run("tenant", "--help").out()).contains("create", "show", "update");
    }

    @Test
    void minimalPasswordHashingIsRefusedWithoutConsent() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("LATCHKEY_ALLOW_INSECURE_HASHING") == null);
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute("serve", "--password-hashing", "minimal", "--port", "0",
                    "--data-dir", java.nio.file.Files.createTempDirectory("latchkey-cli").toString());
            assertThat(code).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("--password-hashing minimal is refused: it is for benchmarks and tests only");
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void tenantCreateShowUpdate() {
        Run created = run("tenant", "create", "--server", s.base, "--admin-key", TestServer.ADMIN_KEY, "--name", "From CLI",
                "--mfa", "true", "--plan-name", "trial", "--plan-expires-at", "2099-01-01T00:00:00Z");
        assertThat(created.exit()).as(created.out()).isZero();
        JsonNode t = Json.parse(created.out());
        assertThat(t.get("Name").asText()).isEqualTo("From CLI");
        assertThat(t.get("TwoFactorAuthentication").get("IsEnabled").asBoolean()).isTrue();
        assertThat(t.get("Plan").get("ExpiresAt").asText()).isEqualTo("2099-01-01T00:00:00Z");
        String key = t.get("ApiKey").asText();

        Run updated = run("tenant", "update", key, "--server", s.base, "--admin-key", TestServer.ADMIN_KEY, "--mfa-required", "true",
                "--json", "{\"Security\":{\"LockoutSeconds\":60}}");
        assertThat(updated.exit()).as(updated.out()).isZero();
        assertThat(Json.parse(updated.out()).get("TwoFactorAuthentication")).isEqualTo(Json.parse("{\"IsEnabled\":true,\"IsRequired\":true}"));
        assertThat(Json.parse(updated.out()).get("Security").get("LockoutSeconds").asInt()).isEqualTo(60);

        Run shown = run("tenant", "show", key, "--server", s.base, "--admin-key", TestServer.ADMIN_KEY);
        assertThat(Json.parse(shown.out()).get("ApiSecret").asText()).isEqualTo(t.get("ApiSecret").asText());

        Run denied = run("tenant", "show", key, "--server", s.base, "--admin-key", "wrong");
        assertThat(denied.exit()).isEqualTo(1);
        assertThat(Json.parse(denied.out()).get("ErrorCode").asInt()).isEqualTo(6002);
    }
}

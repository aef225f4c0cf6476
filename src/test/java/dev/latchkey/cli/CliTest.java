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
                "LATCHKEY_DB_USER", "LATCHKEY_DB_PASSWORD", "LATCHKEY_ADMIN_KEY", "LATCHKEY_SECRET_KEY",
                "--public-url", "--smtp-host", "--smtp-port", "--smtp-security", "--smtp-username", "--smtp-password", "--mail-from",
                "--smtp-ca-file", "--sms-url", "--sms-account-sid", "--sms-auth-token", "--sms-from", "--message-retry-hours", "--geoip-db", "--trusted-proxies",
                "LATCHKEY_PUBLIC_URL", "LATCHKEY_SMTP_HOST", "LATCHKEY_SMTP_PORT", "LATCHKEY_SMTP_SECURITY", "LATCHKEY_SMTP_USERNAME",
                "LATCHKEY_SMTP_PASSWORD", "LATCHKEY_SMTP_CA_FILE", "LATCHKEY_MAIL_FROM", "LATCHKEY_SMS_URL", "LATCHKEY_SMS_ACCOUNT_SID", "LATCHKEY_SMS_AUTH_TOKEN",
                "LATCHKEY_SMS_FROM", "LATCHKEY_MESSAGE_RETRY_HOURS", "LATCHKEY_GEOIP_DB", "LATCHKEY_TRUSTED_PROXIES",
                "--metrics-token", "--metrics-token-file", "--management-port", "--log-format", "--access-log", "LATCHKEY_METRICS_TOKEN",
                "LATCHKEY_METRICS_TOKEN_FILE", "LATCHKEY_MANAGEMENT_PORT", "LATCHKEY_LOG_FORMAT", "LATCHKEY_ACCESS_LOG",
                "--class-archive", "LATCHKEY_CLASS_ARCHIVE"}) {
            assertThat(r.out()).contains(s);
        }
        assertThat(run("--help").out()).contains("serve", "tenant", "user", "audit");
        assertThat(run("user", "--help").out()).contains("find", "show", "block", "unblock", "reset-factor", "revoke-sessions", "delete");
        assertThat(run("tenant", "--help").out()).contains("create", "show", "update", "rba", "template", "security-question", "risk-events", "messages");
        assertThat(run("tenant", "template", "--help").out()).contains("list", "show", "set", "delete");
    }

    /** What {@code latchkey serve ...} builds (only serve's model, for the node's start) says what the whole command line says. */
    @Test
    void theServeOnlyCommandLineHelpsAndRefusesAsTheWholeOneDoes() {
        for (String[] args : new String[][] {{"serve", "--help"}, {"serve", "--port", "x"}, {"serve", "--no-such-option"}}) {
            String[] whole = outAndErr(Main.commandLine(java.util.Map.of()), args);
            String[] serveOnly = outAndErr(Main.commandLine(java.util.Map.of(), true), args);
            assertThat(serveOnly).as(String.join(" ", args)).containsExactly(whole);
        }
        assertThat(Main.commandLine(java.util.Map.of(), true).getSubcommands().keySet()).containsExactly("serve");
        assertThat(Main.commandLine(java.util.Map.of()).getSubcommands().keySet()).containsExactly("serve", "tenant", "user", "audit", "help");
    }

    private static String[] outAndErr(CommandLine cl, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
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
    void badServeOptionsAreOneLineErrors() throws Exception {
        String dir = java.nio.file.Files.createTempDirectory("latchkey-cli").toString();
        for (String[] c : new String[][] {{"--smtp-security", "ssl3", "--smtp-security must be none, starttls or tls, not ssl3"},
                {"--trusted-proxies", "10.0.0.0/40", "--trusted-proxies: bad prefix length in 10.0.0.0/40"},
                {"--geoip-db", dir + "/missing.mmdb", "--geoip-db: cannot read " + dir + "/missing.mmdb"},
                {"--log-format", "xml", "--log-format must be text or json, not xml"},
                {"--management-port", "70000", "--management-port must be a port, 0 to 65535, not 70000"},
                {"--db-pool-size", "0", "--db-pool-size must be auto or a number of connections from 1 to 1000, not '0'"},
                {"--db-pool-size", "many", "--db-pool-size must be auto or a number of connections from 1 to 1000, not 'many'"},
                {"--metrics-token-file", dir + "/missing.token", "--metrics-token-file: cannot read " + dir + "/missing.token."}}) {
            PrintStream oldErr = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                CommandLine cl = Main.commandLine();
                cl.setErr(new java.io.PrintWriter(System.err, true));
                assertThat(cl.execute("serve", "--port", "0", "--data-dir", dir, c[0], c[1])).isEqualTo(2);
                assertThat(err.toString(StandardCharsets.UTF_8)).contains(c[2]);
            } finally {
                System.setErr(oldErr);
            }
        }
    }

    @Test
    void keysFromFilesAreRefusedOnceAndClearly() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("latchkey-cli-keys");
        java.nio.file.Path keyFile = java.nio.file.Files.writeString(dir.resolve("admin.key"), "k".repeat(40) + "\n");
        java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty.key"), " \n");
        String data = dir.resolve("data").toString();
        for (String[] c : new String[][] {
                {"--admin-key", "a".repeat(40), "--admin-key-file", keyFile.toString(),
                        "latchkey: give the admin key once: --admin-key (LATCHKEY_ADMIN_KEY) or --admin-key-file (LATCHKEY_ADMIN_KEY_FILE), not both."},
                {"--secret-key", "s".repeat(40), "--secret-key-file", keyFile.toString(),
                        "latchkey: give the secret key once: --secret-key (LATCHKEY_SECRET_KEY) or --secret-key-file (LATCHKEY_SECRET_KEY_FILE), not both."},
                {"--secret-key-file", dir.resolve("missing.key").toString(),
                        "latchkey: --secret-key-file: cannot read " + dir.resolve("missing.key") + "."},
                {"--admin-key-file", empty.toString(), "latchkey: --admin-key-file: " + empty + " holds no key."},
                {"--class-archive", "sometimes", "latchkey: --class-archive must be auto or off, not sometimes"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("serve", "--port", "0", "--data-dir", data, c[0], c[1]));
            if (c.length == 5) {
                args.addAll(java.util.List.of(c[2], c[3]));
            }
            Outcome r = execute(args.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.errLines()).as(String.join(" ", args)).containsExactly(c[c.length - 1], "Try 'latchkey serve --help' for more information.");
        }
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void startUpErrorsNameTheFix() throws Exception {
        String dir = java.nio.file.Files.createTempDirectory("latchkey-cli-start").toString();
        Outcome postgres = execute("serve", "--port", "0", "--data-dir", dir, "--db-url", "postgres://ann:pw@127.0.0.1/latchkey?sslmode=disable");
        assertThat(postgres.exit()).isEqualTo(1);
        assertThat(postgres.errLines()).containsExactly("latchkey: --db-url (LATCHKEY_DB_URL) must be a JDBC URL, not "
                + "'postgres://ann:…@127.0.0.1/latchkey': for PostgreSQL give --db-url jdbc:postgresql://127.0.0.1:5432/latchkey with the user "
                + "in --db-user and the password in --db-password (the form is jdbc:postgresql://host:5432/db; without --db-url the store is "
                + "the embedded H2 database).");
        Outcome other = execute("serve", "--port", "0", "--data-dir", dir, "--db-url", "mysql://127.0.0.1/latchkey");
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.errLines()).containsExactly("latchkey: --db-url (LATCHKEY_DB_URL) must be a JDBC URL, not 'mysql://127.0.0.1/latchkey': "
                + "for PostgreSQL give --db-url jdbc:postgresql://host:5432/db (the form is jdbc:postgresql://host:5432/db; without --db-url "
                + "the store is the embedded H2 database).");
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Outcome down = execute("serve", "--port", "0", "--data-dir", dir, "--db-url", "jdbc:postgresql://127.0.0.1:" + closed + "/latchkey?password=pw",
                "--db-user", "latchkey");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.errLines()).hasSize(1);
        assertThat(down.errLines().get(0)).startsWith("latchkey: Cannot use the database jdbc:postgresql://127.0.0.1:" + closed + "/latchkey: ")
                .contains("Connection", "refused").endsWith(". Check --db-url, --db-user and --db-password (LATCHKEY_DB_URL, LATCHKEY_DB_USER, "
                        + "LATCHKEY_DB_PASSWORD) and that the database server runs.").doesNotContain("pw");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("LATCHKEY_ALLOW_SHORT_KEYS") == null);
        Outcome shortKey = execute("serve", "--port", "0", "--data-dir", dir, "--admin-key", "letmein");
        assertThat(shortKey.exit()).isEqualTo(1);
        assertThat(shortKey.errLines()).containsExactly("latchkey: The admin key (--admin-key, --admin-key-file or LATCHKEY_ADMIN_KEY) has 7 "
                + "characters; it needs at least 32. Leave it out and the first start generates one, or make one with 'openssl rand -hex 32'.");
    }

    @Test
    void securityQuestionCatalog() throws Exception {
        String[] conn = {"--server", s.base, "--admin-key", TestServer.ADMIN_KEY};
        assertThat(run("tenant", "security-question", "--help").out()).contains("list", "add", "delete");
        String key = Json.parse(run(concat(new String[] {"tenant", "create", "--name", "Questions"}, conn)).out()).get("ApiKey").asText();
        Run added = run(concat(new String[] {"tenant", "security-question", "add", key, "What street did you grow up on?"}, conn));
        assertThat(added.exit()).as(added.out()).isZero();
        String id = Json.parse(added.out()).get("QuestionId").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(Json.parse(run(concat(new String[] {"tenant", "security-question", "list", key}, conn)).out())).isEqualTo(Json.parse(
                "{\"Data\":[{\"QuestionId\":\"" + id + "\",\"Question\":\"What street did you grow up on?\"}]}"));
        Run empty = run(concat(new String[] {"tenant", "security-question", "add", key, " "}, conn));
        assertThat(empty.exit()).isEqualTo(1);
        assertThat(Json.parse(empty.out()).get("ErrorCode").asInt()).isEqualTo(1134);
        assertThat(run(concat(new String[] {"tenant", "security-question", "delete", key, id}, conn)).exit()).isZero();
        assertThat(run(concat(new String[] {"tenant", "security-question", "delete", key, id}, conn)).exit()).isEqualTo(1);
        assertThat(Json.parse(run(concat(new String[] {"tenant", "security-question", "list", key}, conn)).out())).isEqualTo(Json.parse("{\"Data\":[]}"));
    }

    @Test
    void riskRulesTemplatesEventsAndMessages() throws Exception {
        String[] conn = {"--server", s.base, "--admin-key", TestServer.ADMIN_KEY};
        String key = Json.parse(run(concat(new String[] {"tenant", "create", "--name", "Rules"}, conn)).out()).get("ApiKey").asText();
        java.nio.file.Path text = java.nio.file.Files.createTempFile("latchkey-template", ".txt");
        java.nio.file.Files.writeString(text, "Hello {{Profile.FirstName}}, new {{Login.SignalLabel}}.");
        java.nio.file.Path html = java.nio.file.Files.createTempFile("latchkey-template", ".html");
        java.nio.file.Files.writeString(html, "<p>Hello {{Profile.FirstName}}</p>");

        Run set = run(concat(new String[] {"tenant", "template", "set", key, "New Country", "--subject", "Sign-in from {{Login.Country}}",
                "--text-file", text.toString(), "--html-file", html.toString()}, conn));
        assertThat(set.exit()).as(set.out()).isZero();
        assertThat(Json.parse(set.out()).get("Text").asText()).isEqualTo("Hello {{Profile.FirstName}}, new {{Login.SignalLabel}}.");
        Run sms = run(concat(new String[] {"tenant", "template", "set", key, "Code", "--sms", "--body", "{{Otp.Code}}"}, conn));
        assertThat(Json.parse(sms.out()).get("Body").asText()).isEqualTo("{{Otp.Code}}");
        assertThat(Json.parse(run(concat(new String[] {"tenant", "template", "show", key, "new country"}, conn)).out()).get("Subject").asText())
                .isEqualTo("Sign-in from {{Login.Country}}");
        assertThat(Json.parse(run(concat(new String[] {"tenant", "template", "list", key, "--sms"}, conn)).out()).get("Data").findValuesAsText("Name"))
                .containsExactly("Code", "latchkey-phone-code", "latchkey-risk-notice", "latchkey-sms-otp");

        Run rba = run(concat(new String[] {"tenant", "rba", key, "--signal", "Country", "--enabled", "true", "--action", "MFA",
                "--notify-admins", "true", "--email-template", "New Country", "--history-type", "Logins", "--history-size", "20",
                "--admin-email", "sec@acme.test", "--admin-email", "ops@acme.test"}, conn));
        assertThat(rba.exit()).as(rba.out()).isZero();
        JsonNode rules = Json.parse(rba.out()).get("RiskBasedAuthentication");
        assertThat(rules.get("Country")).isEqualTo(Json.parse("{\"IsEnabled\":true,\"Action\":\"MFA\",\"NotifyUser\":true,\"NotifyAdmins\":true,"
                + "\"EmailTemplate\":\"New Country\",\"SmsTemplate\":null}"));
        assertThat(rules.get("HistoryType").asText()).isEqualTo("Logins");
        assertThat(rules.get("HistorySize").asInt()).isEqualTo(20);
        assertThat(rules.get("AdminEmails")).isEqualTo(Json.parse("[\"sec@acme.test\",\"ops@acme.test\"]"));
        Run refused = run(concat(new String[] {"tenant", "rba", key, "--signal", "Country", "--action", "Lock"}, conn));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(Json.parse(refused.out()).get("ErrorCode").asInt()).isEqualTo(1134);

        assertThat(run(concat(new String[] {"tenant", "template", "delete", key, "Code", "--sms"}, conn)).exit()).isZero();
        assertThat(run(concat(new String[] {"tenant", "template", "delete", key, "Code", "--sms"}, conn)).exit()).isEqualTo(1);
        assertThat(Json.parse(run(concat(new String[] {"tenant", "risk-events", key, "--uid", "x"}, conn)).out())).isEqualTo(Json.parse("{\"Data\":[]}"));
        assertThat(Json.parse(run(concat(new String[] {"tenant", "messages", key, "--status", "pending"}, conn)).out())).isEqualTo(Json.parse("{\"Data\":[]}"));
    }

    /** What a command printed on stdout and stderr, and its exit code. */
    record Outcome(int exit, String out, String err) {
        java.util.List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Outcome execute(String... args) {
        return executeWith(System.getenv(), args);
    }

    private static synchronized Outcome executeWith(java.util.Map<String, String> environment, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        java.io.StringWriter err = new java.io.StringWriter();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = Main.commandLine(environment);
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(err, true));
            int code = cl.execute(args);
            return new Outcome(code, buf.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void theEnvironmentAloneConnectsAndTenantsAreListedAndDeleted() {
        java.util.Map<String, String> env = java.util.Map.of("LATCHKEY_ADMIN_KEY", TestServer.ADMIN_KEY, "LATCHKEY_URL", s.base + "/");
        Outcome created = executeWith(env, "tenant", "create", "--name", "From the environment");
        assertThat(created.exit()).as(created.err()).isZero();
        String key = Json.parse(created.out()).get("ApiKey").asText();

        Outcome list = executeWith(env, "tenant", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        JsonNode listed = Json.parse(list.out()).get("Data");
        assertThat(listed.findValuesAsText("ApiKey")).contains(key);
        assertThat(list.out()).doesNotContain("ApiSecret");

        // The older variable still works.
        Outcome alias = executeWith(java.util.Map.of("LATCHKEY_ADMIN_KEY", TestServer.ADMIN_KEY, "LATCHKEY_SERVER", s.base), "tenant", "show", key);
        assertThat(alias.exit()).as(alias.err()).isZero();
        assertThat(Json.parse(alias.out()).get("Name").asText()).isEqualTo("From the environment");

        Outcome deleted = executeWith(env, "tenant", "delete", key);
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(Json.parse(deleted.out())).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        Outcome gone = executeWith(env, "tenant", "show", key);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(Json.parse(gone.out()).get("ErrorCode").asInt()).isEqualTo(901);
        assertThat(gone.errLines()).containsExactly("latchkey: the node answered HTTP 404, ErrorCode 901: The provided LoginRadius API key is invalid "
                + "or is not authorized, please use a valid or authorized LoginRadius API key or check the API key for your LoginRadius account.");

        Outcome wrongKey = executeWith(java.util.Map.of("LATCHKEY_ADMIN_KEY", "not-the-admin-key", "LATCHKEY_URL", s.base), "tenant", "list");
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.errLines()).containsExactly("latchkey: the node answered HTTP 401, ErrorCode 6002: Access Unauthorized, please use valid "
                + "authorization to access this endpoint. Is LATCHKEY_ADMIN_KEY (or --admin-key) this node's admin key?");
    }

    @Test
    void operatorsReadTheAuditTrail() {
        java.util.Map<String, String> env = java.util.Map.of("LATCHKEY_ADMIN_KEY", TestServer.ADMIN_KEY, "LATCHKEY_URL", s.base);
        TestServer.TestTenant t = s.mfaTenant(false);
        t.account("audited@example.com", "audited-password");
        t.login("audited@example.com", "wrong-password");
        Outcome tenant = executeWith(env, "tenant", "audit", t.apiKey(), "--event", "LoginFailed");
        assertThat(tenant.exit()).as(tenant.err()).isZero();
        JsonNode entries = Json.parse(tenant.out()).get("Data");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("Identifier").asText()).isEqualTo("audited@example.com");
        Outcome all = executeWith(env, "audit", "--apikey", t.apiKey(), "--limit", "1");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(Json.parse(all.out()).get("Data")).hasSize(1);
        assertThat(executeWith(env, "audit", "--limit", "0").exit()).isEqualTo(1);
    }

    @Test
    void withoutASubcommandUsageIsPrintedAndTheExitCodeIs2() {
        Outcome top = execute();
        assertThat(top.exit()).isEqualTo(2);
        assertThat(top.out() + top.err()).contains("Usage: latchkey [-hV] [COMMAND]", "serve", "tenant", "user");
        Outcome tenant = execute("tenant");
        assertThat(tenant.exit()).isEqualTo(2);
        assertThat(tenant.out() + tenant.err()).contains("Usage: latchkey tenant [-hV] [COMMAND]", "create", "list", "delete");
        Outcome template = execute("tenant", "template");
        assertThat(template.exit()).isEqualTo(2);
        assertThat(template.out() + template.err()).contains("Usage: latchkey tenant template [-hV] [COMMAND]");
    }

    @Test
    void usageLinesNameTheWholeCommand() {
        assertThat(execute("tenant", "create", "--help").out()).startsWith("Usage: latchkey tenant create ");
        assertThat(execute("tenant", "template", "set", "--help").out()).startsWith("Usage: latchkey tenant template set ");
        assertThat(execute("serve", "--help").out()).startsWith("Usage: latchkey serve ");
    }

    @Test
    void aRefusedOptionIsOneLineAndAHint() {
        Outcome r = execute("tenant", "create", "--bogus", "--admin-key", TestServer.ADMIN_KEY);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly("latchkey: Unknown option: '--bogus'",
                "Try 'latchkey tenant create --help' for more information.");
        Outcome serve = execute("serve", "--port", "eighty");
        assertThat(serve.exit()).isEqualTo(2);
        assertThat(serve.errLines()).hasSize(2);
        assertThat(serve.errLines().get(0)).startsWith("latchkey: Invalid value for option '--port': 'eighty' is not an int");
        assertThat(serve.errLines().get(1)).isEqualTo("Try 'latchkey serve --help' for more information.");
    }

    @Test
    void anApiKeyThatIsNoGuidIsSaidSo() {
        for (String[] command : new String[][] {{"tenant", "show", "bad key"}, {"tenant", "update", "not-a-key", "--name", "x"},
                {"tenant", "messages", "a/b"}, {"tenant", "template", "list", "x y"}}) {
            Outcome r = execute(concat(command, new String[] {"--server", s.base, "--admin-key", TestServer.ADMIN_KEY}));
            assertThat(r.exit()).as(String.join(" ", command)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", command))
                    .startsWith("latchkey: '" + command[command[1].equals("template") ? 3 : 2] + "' is not an ApiKey")
                    .doesNotContain("Illegal character").doesNotContain("Exception");
            assertThat(r.errLines().get(0)).contains("latchkey tenant list");
        }
    }

    @Test
    void anUnreachableNodeIsNamedWithWhatToDo() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closed;
        Outcome r = execute("tenant", "show", java.util.UUID.randomUUID().toString(), "--server", url, "--admin-key", TestServer.ADMIN_KEY);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("latchkey: cannot reach a Latchkey node at " + url
                + " (connection refused): start one with 'latchkey serve', or point --url (LATCHKEY_URL) at it.");
    }

    @Test
    void aMissingAdminKeySaysHowToGiveIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("LATCHKEY_ADMIN_KEY") == null);
        Outcome r = execute("tenant", "show", java.util.UUID.randomUUID().toString(), "--server", s.base);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines().get(0)).isEqualTo("latchkey: no admin key: set LATCHKEY_ADMIN_KEY (the first start of a node prints it) "
                + "or give --admin-key.");
    }

    /** Every command's --help, from the top down. */
    private static java.util.List<CommandLine> everyCommand(CommandLine cl) {
        java.util.List<CommandLine> all = new java.util.ArrayList<>(java.util.List.of(cl));
        cl.getSubcommands().values().stream().distinct().forEach(sub -> all.addAll(everyCommand(sub)));
        return all;
    }

    /**
     * picocli formats every line of help text with {@code String.format}: a bare {@code %} (as in "30% less") makes it
     * warn on stderr at every {@code --help} and print the raw text.
     */
    @Test
    void everyHelpRendersWithoutAWarning() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rendered = 0;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            for (CommandLine cl : everyCommand(Main.commandLine())) {
                cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
                rendered++;
            }
        } finally {
            System.setErr(old);
        }
        // picocli's own lines only: the test server's log also goes to stderr
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("[picocli");
        assertThat(rendered).isGreaterThan(20);
    }

    @Test
    void helpNeverBreaksAUrlOrAValueAcrossLines() {
        // URLs, JDBC URLs, variables with values, options: anything picocli could break at a hyphen, slash or colon.
        java.util.regex.Pattern token = java.util.regex.Pattern.compile("[^\\s(]*[-/=:][^\\s,;)]*");
        int checked = 0;
        for (CommandLine cl : everyCommand(Main.commandLine())) {
            String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
            java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of(cl.getCommandSpec().usageMessage().description()));
            cl.getCommandSpec().options().forEach(o -> texts.addAll(java.util.List.of(o.description())));
            for (String text : texts) {
                java.util.regex.Matcher m = token.matcher(text.replace("${DEFAULT-VALUE}", ""));
                while (m.find()) {
                    String whole = m.group().replaceAll("[.']+$", "");
                    assertThat(help).as(cl.getCommandSpec().qualifiedName() + " --help keeps " + whole + " on one line").contains(whole);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
        assertThat(Json.parse(updated.out()).get("TwoFactorAuthentication")).isEqualTo(Json.parse("{\"IsEnabled\":true,\"IsRequired\":true,\"IsAuthenticator\":true,\"IsSmsOTPAuthenticator\":false,\"IsEmailOTPAuthenticator\":false,\"IsSecurityQuestionAuthenticator\":false,\"SecurityQuestionsToAnswer\":2,\"CodeLifetimeSeconds\":600,\"SmsCodesPerPhonePerHour\":5,\"SmsCodesPerAccountPerHour\":10,\"EmailCodesPerAccountPerHour\":10,\"RememberDeviceDays\":0}"));
        assertThat(Json.parse(updated.out()).get("Security").get("LockoutSeconds").asInt()).isEqualTo(60);

        Run shown = run("tenant", "show", key, "--server", s.base, "--admin-key", TestServer.ADMIN_KEY);
        assertThat(Json.parse(shown.out()).get("ApiSecret").asText()).isEqualTo(t.get("ApiSecret").asText());

        Run denied = run("tenant", "show", key, "--server", s.base, "--admin-key", "wrong");
        assertThat(denied.exit()).isEqualTo(1);
        assertThat(Json.parse(denied.out()).get("ErrorCode").asInt()).isEqualTo(6002);
    }
}

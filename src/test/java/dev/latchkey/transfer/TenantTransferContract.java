package dev.latchkey.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.cli.Main;
import dev.latchkey.json.Json;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code latchkey tenant export|import} (issue 15): a tenant exported from one node and imported into a fresh node of
 * another deployment (its own secret key, the other store) keeps every user able to log in with the same password and
 * the same second factors (backup codes, authenticator app, security questions); the ApiKey and ApiSecret stay. Accounts
 * from other systems come with bcrypt, PBKDF2, SHA-256 or Argon2 hashes and are rehashed to Argon2id at their first
 * login. A bad line is reported with its number and the rest goes on; an interrupted import resumes; secrets never
 * appear in the file unsealed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TenantTransferContract {
    private static final String PASSWORD = "migrate-password-1";
    private static final String PASSPHRASE = "correct horse battery staple";

    /** The source node's store and the target node's (the target has its own secret key). */
    protected abstract Backend source();

    protected abstract Backend target();

    private TestServer from;
    private TestServer to;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        from = new TestServer(source());
        to = TestServer.withSecretKey(target(), "another-deployment-secret-key-0123456789");
        dir = Files.createTempDirectory("latchkey-transfer");
        Files.writeString(dir.resolve("passphrase"), PASSPHRASE + "\n");
    }

    @AfterAll
    void stop() {
        if (from != null) {
            from.close();
        }
        if (to != null) {
            to.close();
        }
    }

    record Run(int exit, String out, String err) {}

    private static Run cli(TestServer node, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine(Map.of("LATCHKEY_URL", node.base, "LATCHKEY_ADMIN_KEY", TestServer.ADMIN_KEY));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String email() {
        return "move." + UUID.randomUUID() + "@example.com";
    }

    private static Reply bearer(TestServer node, String method, String path, String body, String access) {
        return node.send(method, path, body, "Authorization", "Bearer " + access, "Content-Type", "application/json");
    }

    @Test
    void aTenantMovesToAnotherDeploymentAndEveryUserLogsInWithTheSamePasswordAndFactors() throws Exception {
        TestTenant t = from.tenant("{\"Name\":\"Moving Co\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false,"
                + "\"IsSecurityQuestionAuthenticator\":true}}");
        String question = from.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"First pet?\"}")
                .json().get("QuestionId").asText();
        String question2 = from.admin("POST", "/admin/v1/tenants/" + t.apiKey() + "/security-questions", "{\"Question\":\"Home town?\"}")
                .json().get("QuestionId").asText();
        assertThat(from.admin("PUT", "/admin/v1/tenants/" + t.apiKey() + "/email-templates/Moved", "{\"Subject\":\"Hi\",\"Text\":\"Hello {{Profile.FirstName}}\"}")
                .status()).isEqualTo(200);
        assertThat(t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:9/in\"}").status()).isEqualTo(200);

        // Ann: backup codes, one used before the move.
        String ann = email();
        String annUid = t.account(ann, PASSWORD);
        List<String> codes = t.backupCodes(annUid);
        assertThat(t.redeem(t.secondFactorToken(ann, PASSWORD), codes.get(0)).status()).isEqualTo(200);
        // Bob: the authenticator app.
        String bob = email();
        t.account(bob, PASSWORD);
        String bobAccess = t.login(bob, PASSWORD).text("access_token");
        String manual = bearer(from, "GET", "/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), null, bobAccess).json().get("ManualEntryCode").asText();
        AuthenticatorDevice app = new AuthenticatorDevice(manual);
        Reply enabled = bearer(from, "PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + t.apiKey(),
                "{\"authenticatorcode\":\"" + app.code(from.clock.instant()) + "\"}", bobAccess);
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);
        // Cy: security questions.
        String cy = email();
        t.account(cy, PASSWORD);
        String cyAccess = t.login(cy, PASSWORD).text("access_token");
        Reply set = bearer(from, "PUT", "/identity/v2/auth/account/2fa/securityquestionanswer?apikey=" + t.apiKey(),
                "{\"securityquestionanswer\":[{\"QuestionId\":\"" + question + "\",\"Answer\":\"Rex\"},{\"QuestionId\":\"" + question2
                + "\",\"Answer\":\"Oslo\"}]}", cyAccess);
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        // Di: a password only, blocked.
        String di = email();
        String diUid = t.account(di, PASSWORD);
        assertThat(t.manage("PUT", "/identity/v2/manage/account/" + diUid, "{\"IsActive\":false}").status()).isEqualTo(200);

        Path file = dir.resolve("moving-" + source() + ".jsonl");
        Run exported = cli(from, "tenant", "export", t.apiKey(), "--out", file.toString(), "--passphrase-file", dir.resolve("passphrase").toString(), "--page", "2");
        assertThat(exported.exit()).as(exported.err()).isZero();
        assertThat(exported.err()).contains("exported 4 of 4 accounts").contains("wrote " + file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(5);
        String text = String.join("\n", lines);
        // Secrets only sealed: the API secret, the authenticator's seed never in clear.
        assertThat(text).doesNotContain(t.apiSecret()).doesNotContain(manual).doesNotContain("Rex").doesNotContain(PASSWORD);
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        JsonNode header = Json.parse(lines.get(0));
        assertThat(header.get("Format").asText()).isEqualTo("latchkey-tenant-export");
        assertThat(header.get("Users").asInt()).isEqualTo(4);
        assertThat(header.path("Tenant").path("Settings").path("TwoFactorAuthentication").path("IsSecurityQuestionAuthenticator").asBoolean()).isTrue();

        // A wrong passphrase opens nothing and changes nothing.
        Files.writeString(dir.resolve("wrong"), "not the passphrase at all\n");
        Run wrong = cli(to, "tenant", "import", file.toString(), "--passphrase-file", dir.resolve("wrong").toString());
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("ErrorCode 1134").contains("wrong passphrase");
        assertThat(to.admin("GET", "/admin/v1/tenants/" + t.apiKey(), null).status()).isEqualTo(404);

        Run imported = cli(to, "tenant", "import", file.toString(), "--passphrase-file", dir.resolve("passphrase").toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.err()).contains("tenant Moving Co (" + t.apiKey() + ") imported").contains("imported 4 of 4 accounts")
                .contains("done: 4 imported, 0 imported before, 0 failed");

        // The application keeps its ApiKey and ApiSecret.
        TestTenant moved = new TestTenant(to, t.apiKey(), t.apiSecret());
        assertThat(moved.manage("GET", "/identity/v2/manage/account?email=" + ann, null).text("Uid")).isEqualTo(annUid);
        assertThat(to.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/email-templates/Moved", null).json().path("Subject").asText()).isEqualTo("Hi");
        assertThat(moved.manage("GET", "/v2/manage/webhook", null).raw()).contains("http://127.0.0.1:9/in");

        // Ann: the same password, a code unused before the move works, the used one does not.
        String token = moved.secondFactorToken(ann, PASSWORD);
        assertThat(moved.redeem(token, codes.get(0)).json().path("ErrorCode").asInt()).isEqualTo(1129); // used before the move
        Reply annIn = moved.redeem(moved.secondFactorToken(ann, PASSWORD), codes.get(1));
        assertThat(annIn.status()).as(annIn.raw()).isEqualTo(200);
        assertThat(annIn.json().get("Profile").get("Uid").asText()).isEqualTo(annUid);
        // Her password was rehashed under the new deployment's own key at that login.
        String stored = to.server.jdbi().withHandle(h -> h.createQuery("SELECT password_hash FROM accounts WHERE uid = :u").bind("u", annUid)
                .mapTo(String.class).one());
        assertThat(stored).contains(",keyid=1$");
        assertThat(moved.redeem(moved.secondFactorToken(ann, PASSWORD), codes.get(2)).status()).isEqualTo(200);
        assertThat(moved.login(ann, "not-" + PASSWORD).json().path("ErrorCode").asInt()).isEqualTo(966);

        // Bob: his authenticator app's codes.
        to.clock.advance(java.time.Duration.ofSeconds(90)); // a later code than the one that turned the app on
        String bobToken = moved.secondFactorToken(bob, PASSWORD);
        Reply bobIn = to.send("PUT", "/identity/v2/auth/login/2fa/verification/authenticatorcode?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + bobToken, "{\"authenticatorcode\":\"" + app.code(to.clock.instant()) + "\"}",
                "Content-Type", "application/json");
        assertThat(bobIn.status()).as(bobIn.raw()).isEqualTo(200);

        // Cy: her answer.
        String cyToken = moved.secondFactorToken(cy, PASSWORD);
        Reply cyIn = to.send("POST", "/identity/v2/auth/login/2fa/verification/securityquestionanswer?apikey=" + t.apiKey()
                + "&secondfactorauthenticationtoken=" + cyToken, "{\"securityquestionanswer\":[{\"QuestionId\":\"" + question + "\",\"Answer\":\"rex\"},{\"QuestionId\":\"" + question2
                + "\",\"Answer\":\"OSLO\"}]}",
                "Content-Type", "application/json");
        assertThat(cyIn.status()).as(cyIn.raw()).isEqualTo(200);

        // Di stays blocked.
        assertThat(moved.login(di, PASSWORD).json().path("ErrorCode").asInt()).isEqualTo(991);

        // Again: nothing twice.
        Run again = cli(to, "tenant", "import", file.toString(), "--passphrase-file", dir.resolve("passphrase").toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).contains("done: 0 imported, 4 imported before, 0 failed");
    }

    /** Profiles from another system, one per line, with the hashes LoginRadius-style exports carry. */
    @Test
    void accountsFromAnotherSystemKeepTheirPasswordsAndAreRehashedAtTheirFirstLogin() throws Exception {
        TestTenant t = to.tenant("{\"Name\":\"Imported\"}");
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        String bcrypt = OpenBSDBCrypt.generate("2b", "bcrypt-password-1".toCharArray(), salt, 6);
        PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(new SHA256Digest());
        g.init("pbkdf2-password-1".getBytes(StandardCharsets.UTF_8), "NaCl-salt".getBytes(StandardCharsets.UTF_8), 1000);
        String django = "pbkdf2_sha256$1000$NaCl-salt$" + java.util.Base64.getEncoder().encodeToString(((KeyParameter) g.generateDerivedParameters(256)).getKey());
        SHA256Digest d = new SHA256Digest();
        byte[] shaInput = ("pepper-salt" + "sha-password-1").getBytes(StandardCharsets.UTF_8);
        d.update(shaInput, 0, shaInput.length);
        byte[] sha = new byte[32];
        d.doFinal(sha, 0);
        String argon2i = argon2i("argon-password-1");

        List<String> emails = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        String[][] cases = {
                {"bcrypt-password-1", Json.write(Json.MAPPER.getNodeFactory().textNode(bcrypt))},
                {"pbkdf2-password-1", Json.write(Json.MAPPER.getNodeFactory().textNode(django))},
                {"sha-password-1", "{\"Algorithm\":\"sha256\",\"Hash\":\"" + java.util.HexFormat.of().formatHex(sha) + "\",\"Salt\":\"pepper-salt\",\"SaltPosition\":\"prefix\"}"},
                {"argon-password-1", Json.write(Json.MAPPER.getNodeFactory().textNode(argon2i))}};
        for (String[] c : cases) {
            String email = email();
            emails.add(email);
            lines.add("{\"Uid\":\"" + UUID.randomUUID().toString().replace("-", "") + "\",\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email
                    + "\"}],\"FirstName\":\"Imp\",\"EmailVerified\":true,\"CreatedDate\":\"2019-05-01T10:00:00\",\"PasswordHash\":" + c[1] + "}");
        }
        lines.add(2, "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"not an email\"}],\"PasswordHash\":\"$2b$06$xx\"}"); // line 3: refused
        lines.add(4, "this is not JSON"); // line 5
        // line 7: a Uid with a terminal escape sequence, quoted back in the report: shown harmless
        lines.add("{\"Uid\":\"\\u001b[2Jgone\",\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email() + "\"}]}");
        Path file = dir.resolve("others-" + target() + ".jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);

        Run imported = cli(to, "tenant", "import", file.toString(), "--tenant", t.apiKey(), "--batch", "2");
        assertThat(imported.exit()).as(imported.err()).isEqualTo(1);
        assertThat(imported.err()).contains("line 3: ").contains("line 5: not a JSON object")
                .contains("line 7 (Uid ?[2Jgone): Uid: ").doesNotContain("\u001b")
                .contains("done: 4 imported, 0 imported before, 3 failed");
        for (int i = 0; i < cases.length; i++) {
            Reply in = t.login(emails.get(i), cases[i][0]);
            assertThat(in.status()).as(cases[i][0] + " " + in.raw()).isEqualTo(200);
            assertThat(in.json().path("Profile").path("CreatedDate").asText()).startsWith("2019-05-01T10:00:00");
            String uid = in.json().path("Profile").path("Uid").asText();
            String stored = to.server.jdbi().withHandle(h -> h.createQuery("SELECT password_hash FROM accounts WHERE uid = :u").bind("u", uid)
                    .mapTo(String.class).one());
            assertThat(stored).as(cases[i][0]).startsWith("$argon2id$").contains(",keyid=1$");
            assertThat(t.login(emails.get(i), cases[i][0]).status()).isEqualTo(200);
            assertThat(t.login(emails.get(i), "wrong-" + cases[i][0]).json().path("ErrorCode").asInt()).isEqualTo(966);
        }
    }

    @Test
    void anInterruptedImportResumesAfterItsLastAcknowledgedLine() throws Exception {
        TestTenant t = to.tenant("{\"Name\":\"Resumed\"}");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add("{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email() + "\"}],\"Uid\":\"resume-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        }
        Path file = dir.resolve("resume-" + target() + ".jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("resume-" + target() + ".jsonl.progress"), "{\"Line\":3}");
        Run run = cli(to, "tenant", "import", file.toString(), "--tenant", t.apiKey());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("resuming after line 3").contains("done: 2 imported, 0 imported before, 0 failed");
        assertThat(Files.exists(dir.resolve("resume-" + target() + ".jsonl.progress"))).isFalse();
        Run restart = cli(to, "tenant", "import", file.toString(), "--tenant", t.apiKey(), "--restart");
        assertThat(restart.err()).contains("done: 3 imported, 2 imported before, 0 failed");
    }

    @Test
    void theExportAndImportAreTheAdminKeysOnly() {
        TestTenant t = from.tenant("{\"Name\":\"Guarded\"}");
        Reply noKey = from.send("GET", "/admin/v1/tenants/" + t.apiKey() + "/export?salt=MDEyMzQ1Njc4OWFiY2RlZg", null,
                "X-Latchkey-Passphrase", PASSPHRASE);
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.json().get("ErrorCode").asInt()).isEqualTo(6002);
        Reply noPassphrase = from.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/export?salt=MDEyMzQ1Njc4OWFiY2RlZg", null);
        assertThat(noPassphrase.status()).isEqualTo(400);
        assertThat(noPassphrase.json().get("ErrorCode").asInt()).isEqualTo(1134);
        Reply unknown = from.send("GET", "/admin/v1/tenants/" + UUID.randomUUID() + "/export?salt=MDEyMzQ1Njc4OWFiY2RlZg", null,
                "Authorization", "Bearer " + TestServer.ADMIN_KEY, "X-Latchkey-Passphrase", PASSPHRASE);
        assertThat(unknown.status()).isEqualTo(404);
        Reply badSalt = from.send("GET", "/admin/v1/tenants/" + t.apiKey() + "/export?salt=abc", null,
                "Authorization", "Bearer " + TestServer.ADMIN_KEY, "X-Latchkey-Passphrase", PASSPHRASE);
        assertThat(badSalt.status()).isEqualTo(400);
        Reply notAnExport = from.send("POST", "/admin/v1/tenants/import", "{\"Format\":\"something\"}",
                "Authorization", "Bearer " + TestServer.ADMIN_KEY, "X-Latchkey-Passphrase", PASSPHRASE, "Content-Type", "application/json");
        assertThat(notAnExport.status()).isEqualTo(400);
        ObjectNode tooMany = Json.object();
        for (int i = 0; i < 1001; i++) {
            tooMany.withArray("Users").addObject().put("Line", i);
        }
        Reply big = from.send("POST", "/admin/v1/tenants/" + t.apiKey() + "/import", Json.write(tooMany),
                "Authorization", "Bearer " + TestServer.ADMIN_KEY, "Content-Type", "application/json");
        assertThat(big.status()).isEqualTo(400);
    }

    private static String argon2i(String password) {
        byte[] salt = "argon2i-saltsalt".getBytes(StandardCharsets.US_ASCII);
        org.bouncycastle.crypto.generators.Argon2BytesGenerator gen = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        gen.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_i)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(64).withIterations(2)
                .withParallelism(1).withSalt(salt).build());
        byte[] out = new byte[32];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder().withoutPadding();
        return "$argon2i$v=19$m=64,t=2,p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
    }
}

package dev.latchkey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.json.Json;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code latchkey user …} against a real node: what each command sends (through a recording proxy in front of the node:
 * the tenant's ApiSecret only ever in its header, the admin key only to the admin API), what it prints, and how it fails.
 */
abstract class UserCommandContract extends ServerContract {
    private static final String PASSWORD = "correct horse battery";
    private static final String NO_SUCH_ACCOUNT = "latchkey: the node answered HTTP 403, ErrorCode 938: The user's account does not exist, "
            + "please use a valid user or create the user before processing this request.";
    private static final String UID_HINT = " Is it the Uid of an account of this tenant? 'latchkey user find' shows an account's Uid.";

    /** What a command printed on stdout and stderr, and its exit code. */
    record Outcome(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Map<String, String> environment(String url, TestTenant t) {
        Map<String, String> env = new HashMap<>(Map.of("LATCHKEY_URL", url, "LATCHKEY_ADMIN_KEY", TestServer.ADMIN_KEY));
        if (t != null) {
            env.put("LATCHKEY_TENANT", t.apiKey());
        }
        return env;
    }

    private Outcome run(Map<String, String> environment, String... args) {
        return run(environment, null, args);
    }

    /** Runs the command line in this process; {@code typed} stands in for the terminal of {@code user delete}. */
    private static synchronized Outcome run(Map<String, String> environment, UserCommand.Delete.Confirmation typed, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream stray = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stray, true, StandardCharsets.UTF_8)); // nothing may bypass picocli's writers
        try {
            CommandLine cl = Main.commandLine(environment);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            if (typed != null) {
                ((UserCommand.Delete) cl.getSubcommands().get("user").getSubcommands().get("delete").getCommand()).confirmation = typed;
            }
            int code = cl.execute(args);
            assertThat(stray.toString(StandardCharsets.UTF_8)).isEmpty();
            return new Outcome(code, out.toString(), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    private Outcome user(TestTenant t, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "user";
        System.arraycopy(args, 0, all, 1, args.length);
        return run(environment(s.base, t), all);
    }

    private static String email() {
        return "cli." + UUID.randomUUID() + "@example.com";
    }

    private JsonNode profile(TestTenant t, String uid) {
        Reply r = t.manage("GET", "/identity/v2/manage/account/" + uid, null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json();
    }

    /** The summary every command prints for an account, from the profile the Management API gives for it. */
    private static List<String> summary(JsonNode p, String emailLine, String phoneLine, String status, String lastLogin) {
        List<String> lines = new ArrayList<>();
        lines.add("Uid                 " + p.get("Uid").asText());
        lines.add("Name                Ann Lee");
        lines.add("Email               " + emailLine);
        lines.add("Email verified      " + (p.get("EmailVerified").asBoolean() ? "yes" : "no"));
        lines.add("UserName            " + p.get("UserName").asText());
        lines.add("Phone               " + phoneLine);
        lines.add("Status              " + status);
        lines.add("Created             " + p.get("CreatedDate").asText());
        lines.add("Last login          " + lastLogin);
        return lines;
    }

    private String ann(TestTenant t, String email, String userName, String phone) {
        Reply r = t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],"
                + "\"UserName\":\"" + userName + "\",\"PhoneId\":\"" + phone + "\",\"Password\":\"" + PASSWORD + "\",\"FirstName\":\"Ann\",\"LastName\":\"Lee\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.text("Uid");
    }

    private static String phone() {
        return "+1555" + String.format("%07d", (long) (Math.random() * 10_000_000));
    }

    @Test
    void findByEmailUsernameOrPhonePrintsTheSummaryOrTheProfile() {
        TestTenant t = s.mfaTenant(false);
        String email = "ann+" + UUID.randomUUID() + "@example.com"; // '+' must arrive as '+', not as a space
        String userName = "ann" + UUID.randomUUID().toString().substring(0, 8);
        String phone = phone();
        String uid = ann(t, email, userName, phone);
        JsonNode p = profile(t, uid);
        assertThat(p.get("PhoneIdVerified").asBoolean()).isTrue(); // the Management API's own phone number counts as verified
        List<String> expected = summary(p, email + " (Primary)", phone + " (verified)", "active", "never");

        for (String[] by : new String[][] {{"--email", email}, {"--email", " " + email.toUpperCase() + " "}, {"--username", userName},
                {"--phone", phone}}) {
            Outcome found = user(t, "find", by[0], by[1]);
            assertThat(found.exit()).as(found.err()).isZero();
            assertThat(found.outLines()).as(String.join(" ", by)).containsExactlyElementsOf(expected);
            assertThat(found.err()).isEmpty();
        }
        Outcome json = user(t, "find", "--email", email, "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(Json.parse(json.out())).isEqualTo(p);

        // Signed in once: the last login and the count show.
        assertThat(t.login(email, PASSWORD).status()).isEqualTo(200);
        JsonNode after = profile(t, uid);
        assertThat(user(t, "find", "--username", userName).outLines()).containsExactlyElementsOf(summary(after, email + " (Primary)",
                phone + " (verified)", "active", after.get("LastLoginDate").asText() + " (1 login)"));

        Outcome nobody = user(t, "find", "--email", "nobody." + UUID.randomUUID() + "@example.com");
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.out()).isEmpty();
        assertThat(nobody.errLines()).containsExactly(NO_SUCH_ACCOUNT);
    }

    @Test
    void showAddsPasskeysAndRememberedDevices() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        String phone = phone();
        String uid = ann(t, email, "show" + UUID.randomUUID().toString().substring(0, 8), phone);
        JsonNode p = profile(t, uid);
        Outcome shown = user(t, "show", uid);
        assertThat(shown.exit()).as(shown.err()).isZero();
        List<String> expected = new ArrayList<>(summary(p, email + " (Primary)", phone + " (verified)", "active", "never"));
        expected.add("Passkeys            none");
        expected.add("Remembered devices  none");
        expected.add("Other factors       not listed by the Management API; 'latchkey user reset-factor' removes one");
        assertThat(shown.outLines()).containsExactlyElementsOf(expected);
        Outcome json = user(t, "show", uid, "--json");
        assertThat(Json.parse(json.out())).isEqualTo(p);

        Outcome unknown = user(t, "show", "no-such-uid");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.errLines()).containsExactly(NO_SUCH_ACCOUNT + UID_HINT);
        // With --json a script reads the node's error too.
        Outcome unknownJson = user(t, "show", "no-such-uid", "--json");
        assertThat(unknownJson.exit()).isEqualTo(1);
        assertThat(Json.parse(unknownJson.out()).get("ErrorCode").asInt()).isEqualTo(938);
    }

    @Test
    void blockEndsSessionsAndUnblockLetsTheAccountBack() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        String uid = t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        assertThat(validate(t, access)).isEqualTo(200);

        Outcome blocked = user(t, "block", uid);
        assertThat(blocked.exit()).as(blocked.err()).isZero();
        assertThat(blocked.outLines().subList(0, 2)).containsExactly("Blocked " + uid + ": it cannot sign in, and its sessions have ended.", "");
        assertThat(blocked.outLines()).contains("Status              blocked");
        assertThat(profile(t, uid).get("IsActive").asBoolean()).isFalse();
        assertThat(validate(t, access)).isNotEqualTo(200);
        assertThat(t.login(email, PASSWORD).status()).isNotEqualTo(200);

        Outcome unblocked = user(t, "unblock", uid, "--json");
        assertThat(unblocked.exit()).as(unblocked.err()).isZero();
        assertThat(Json.parse(unblocked.out())).isEqualTo(profile(t, uid));
        assertThat(Json.parse(unblocked.out()).get("IsActive").asBoolean()).isTrue();
        assertThat(t.login(email, PASSWORD).status()).isEqualTo(200);
        Outcome again = user(t, "unblock", uid);
        assertThat(again.outLines()).startsWith("Unblocked " + uid + ": it can sign in again.", "", "Uid                 " + uid);
    }

    private int validate(TestTenant t, String accessToken) {
        return s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + accessToken).status();
    }

    @Test
    void revokeSessionsEndsAccessAndRefreshTokens() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        String uid = t.account(email, PASSWORD);
        Reply login = t.login(email, PASSWORD);
        String access = login.text("access_token");
        String refresh = login.text("refresh_token");
        Outcome r = user(t, "revoke-sessions", uid);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.outLines()).containsExactly("Ended every session of " + uid + ": its access and refresh tokens, its logins waiting "
                + "for a second factor and its remembered devices.");
        assertThat(validate(t, access)).isNotEqualTo(200);
        assertThat(t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + refresh, null).status()).isNotEqualTo(200);
        assertThat(t.login(email, PASSWORD).status()).isEqualTo(200); // the account itself is untouched
        Outcome json = user(t, "revoke-sessions", uid, "--json");
        assertThat(Json.parse(json.out())).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        Outcome unknown = user(t, "revoke-sessions", "no-such-uid");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.errLines().get(0)).isEqualTo(NO_SUCH_ACCOUNT + UID_HINT);
    }

    @Test
    void resetFactorRemovesTheAuthenticatorAndReplacesBackupCodes() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        String uid = t.account(email, PASSWORD);
        String access = t.login(email, PASSWORD).text("access_token");
        String manual = s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + access).json()
                .get("ManualEntryCode").asText();
        AuthenticatorDevice app = new AuthenticatorDevice(manual);
        Reply enabled = s.send("PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + t.apiKey(),
                Json.write(Json.object().put("authenticatorcode", app.code(s.clock.instant()))), "Authorization", "Bearer " + access,
                "Content-Type", "application/json");
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);

        Outcome removed = user(t, "reset-factor", uid, "--factor", "authenticator");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.outLines()).containsExactly("Removed the authenticator app of " + uid + ".");
        Outcome twice = user(t, "reset-factor", uid, "--factor", "Authenticator");
        assertThat(twice.exit()).isEqualTo(1);
        assertThat(twice.errLines()).hasSize(1);
        assertThat(twice.errLines().get(0)).startsWith("latchkey: the node answered HTTP ").contains("ErrorCode 1099");

        List<String> old = t.backupCodes(uid);
        Outcome codes = user(t, "reset-factor", uid, "--factor", "backupcode");
        assertThat(codes.exit()).as(codes.err()).isZero();
        List<String> lines = codes.outLines();
        assertThat(lines.get(0)).isEqualTo("New backup codes for " + uid + " (the old ones no longer work); hand them to the account's owner "
                + "over a channel you trust:");
        assertThat(lines).hasSize(11);
        List<String> fresh = lines.subList(1, 11).stream().map(String::strip).toList();
        assertThat(fresh).doesNotContainAnyElementsOf(old);
        String token = t.secondFactorToken(email, PASSWORD);
        assertThat(t.redeem(token, old.get(0)).status()).isNotEqualTo(200);
        assertThat(t.redeem(t.secondFactorToken(email, PASSWORD), fresh.get(0)).status()).isEqualTo(200);
        Outcome json = user(t, "reset-factor", uid, "--factor", "backupcode", "--json");
        assertThat(Json.parse(json.out()).get("BackUpCodes")).hasSize(10);

        Outcome bad = user(t, "reset-factor", uid, "--factor", "password");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.errLines()).containsExactly("latchkey: --factor must be authenticator, sms, email, securityquestion, passkey or backupcode, "
                + "not 'password'.", "Try 'latchkey user reset-factor --help' for more information.");
        assertThat(user(t, "reset-factor", uid).exit()).isEqualTo(2);
    }

    @Test
    void everyFactorResetIsTheManagementApisCall() throws Exception {
        TestTenant t = s.tenant("{\"Name\":\"All factors\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsSmsOTPAuthenticator\":true,"
                + "\"IsEmailOTPAuthenticator\":true,\"IsSecurityQuestionAuthenticator\":true},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPDisplayName\":\"x\",\"RPOrigins\":[\"http://localhost\"]}}");
        String uid = t.account(email(), PASSWORD);
        try (RecordingProxy proxy = new RecordingProxy(s.base)) {
            Map<String, String> env = environment(proxy.base(), t);
            Map<String, String[]> expected = new java.util.LinkedHashMap<>();
            expected.put("authenticator", new String[] {"DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"authenticator\":true}"});
            expected.put("sms", new String[] {"DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"otpauthenticator\":true}"});
            expected.put("email", new String[] {"DELETE", "/identity/v2/manage/account/2fa/authenticator/otp/email?uid=" + uid, "{}"});
            expected.put("securityquestion", new String[] {"DELETE", "/identity/v2/manage/account/2fa/authenticator/securityquestionanswer?uid=" + uid, "{}"});
            expected.put("passkey", new String[] {"DELETE", "/identity/v2/manage/account/2fa/authenticator/passkey?uid=" + uid, "{}"});
            expected.put("backupcode", new String[] {"GET", "/identity/v2/manage/account/2fa/backupcode/reset?uid=" + uid, ""});
            for (Map.Entry<String, String[]> e : expected.entrySet()) {
                proxy.requests.clear();
                Outcome r = run(env, "user", "reset-factor", uid, "--factor", e.getKey(), "--json");
                List<Recorded> sent = List.copyOf(proxy.requests);
                assertThat(sent).as(e.getKey()).hasSize(2);
                assertThat(sent.get(0).uri()).isEqualTo("/admin/v1/tenants/" + t.apiKey());
                Recorded call = sent.get(1);
                assertThat(new String[] {call.method(), call.uri(), call.body()}).as(e.getKey()).containsExactly(e.getValue());
                // None of these factors is set up: each answers its own refusal; backup codes are made anew.
                JsonNode answer = Json.parse(r.out());
                if (e.getKey().equals("backupcode")) {
                    assertThat(answer.get("BackUpCodes")).hasSize(10);
                } else {
                    assertThat(r.exit()).as(e.getKey() + ": " + r.out()).isEqualTo(1);
                    assertThat(answer.get("ErrorCode").asInt()).as(e.getKey()).isEqualTo(Map.of("authenticator", 1099, "sms", 1100, "email", 1256,
                            "securityquestion", 1259, "passkey", 1328).get(e.getKey()));
                    assertThat(r.errLines()).hasSize(1);
                    assertThat(r.errLines().get(0)).startsWith("latchkey: the node answered HTTP 4").contains("ErrorCode " + answer.get("ErrorCode").asInt());
                }
            }
        }
    }

    @Test
    void deleteAsksForYesOrTheTypedUid() {
        TestTenant t = s.mfaTenant(false);
        String email = email();
        String uid = t.account(email, PASSWORD);

        Outcome refused = user(t, "delete", uid);
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.errLines()).containsExactly("latchkey: 'latchkey user delete' has no undo: add --yes to delete " + uid
                + " (on a terminal, typing its Uid when asked does too).", "Try 'latchkey user delete --help' for more information.");
        assertThat(profile(t, uid).get("Uid").asText()).isEqualTo(uid);

        List<String> prompts = new ArrayList<>();
        Outcome mistyped = run(environment(s.base, t), terminal(prompts, uid + "x"), "user", "delete", uid);
        assertThat(mistyped.exit()).isEqualTo(1);
        assertThat(mistyped.outLines()).startsWith("Uid                 " + uid).contains("Email               " + email + " (Primary)");
        assertThat(prompts).containsExactly("Delete this account? There is no undo. Type its Uid to confirm: ");
        assertThat(mistyped.errLines()).containsExactly("latchkey: not deleted: what was typed is not the account's Uid.");
        assertThat(profile(t, uid).get("Uid").asText()).isEqualTo(uid);

        Outcome typed = run(environment(s.base, t), terminal(new ArrayList<>(), " " + uid + " "), "user", "delete", uid);
        assertThat(typed.exit()).as(typed.err()).isZero();
        assertThat(typed.outLines()).endsWith("Deleted " + uid + ".");
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("ErrorCode").asInt()).isEqualTo(938);

        // Asked about an account that is not there: said before anything is typed.
        Outcome gone = run(environment(s.base, t), terminal(prompts, uid), "user", "delete", uid);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.errLines().get(0)).isEqualTo(NO_SUCH_ACCOUNT + UID_HINT);

        String other = t.account(email(), PASSWORD);
        Outcome yes = user(t, "delete", other, "--yes");
        assertThat(yes.exit()).as(yes.err()).isZero();
        assertThat(yes.outLines()).containsExactly("Deleted " + other + ".");
        Outcome json = user(t, "delete", t.account(email(), PASSWORD), "--yes", "--json");
        assertThat(Json.parse(json.out())).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        Outcome again = user(t, "delete", other, "--yes");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.errLines().get(0)).isEqualTo(NO_SUCH_ACCOUNT + UID_HINT);
    }

    private static UserCommand.Delete.Confirmation terminal(List<String> prompts, String answer) {
        return new UserCommand.Delete.Confirmation() {
            @Override
            public boolean available() {
                return true;
            }

            @Override
            public String ask(String prompt) {
                prompts.add(prompt);
                return answer;
            }
        };
    }

    @Test
    void theSecretTravelsInItsHeaderOnlyAndTheAdminKeyOnlyToTheAdminApi() throws Exception {
        TestTenant t = s.mfaTenant(false);
        String email = "ann+" + UUID.randomUUID() + "@example.com";
        String uid = t.account(email, PASSWORD);
        try (RecordingProxy proxy = new RecordingProxy(s.base)) {
            Map<String, String> env = environment(proxy.base(), t);
            List<Outcome> outcomes = new ArrayList<>();
            for (String[] args : new String[][] {{"find", "--email", email}, {"show", uid}, {"block", uid}, {"unblock", uid},
                    {"reset-factor", uid, "--factor", "backupcode"}, {"revoke-sessions", uid}, {"show", uid, "--json"}, {"delete", uid, "--yes"},
                    {"show", uid}}) {
                String[] all = new String[args.length + 1];
                all[0] = "user";
                System.arraycopy(args, 0, all, 1, args.length);
                outcomes.add(run(env, all));
            }
            assertThat(outcomes.stream().map(Outcome::exit).toList()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 1);
            for (Outcome o : outcomes) {
                assertThat(o.out() + o.err()).doesNotContain(t.apiSecret()).doesNotContain(TestServer.ADMIN_KEY);
            }
            List<Recorded> sent = List.copyOf(proxy.requests);
            assertThat(sent).isNotEmpty();
            Set<String> paths = new java.util.TreeSet<>();
            for (Recorded r : sent) {
                assertThat(r.uri()).as(r.uri()).doesNotContainIgnoringCase(t.apiSecret()).doesNotContain(TestServer.ADMIN_KEY)
                        .doesNotContainIgnoringCase("apisecret");
                if (r.uri().startsWith("/admin/")) {
                    assertThat(r.method() + " " + r.uri()).isEqualTo("GET /admin/v1/tenants/" + t.apiKey());
                    assertThat(r.header("Authorization")).isEqualTo("Bearer " + TestServer.ADMIN_KEY);
                    assertThat(r.header("X-LoginRadius-ApiSecret")).isNull();
                } else {
                    assertThat(r.uri()).startsWith("/identity/v2/manage/account");
                    assertThat(r.header("X-LoginRadius-ApiSecret")).isEqualTo(t.apiSecret());
                    assertThat(r.header("X-LoginRadius-ApiKey")).isEqualTo(t.apiKey());
                    assertThat(r.header("Authorization")).isNull();
                    paths.add(r.method() + " " + r.uri());
                }
            }
            // Each command reads the tenant once, then makes its Management API calls.
            assertThat(sent.stream().filter(r -> r.uri().startsWith("/admin/")).count()).isEqualTo(9);
            String enc = java.net.URLEncoder.encode(email, StandardCharsets.UTF_8);
            assertThat(paths).containsExactlyInAnyOrder(
                    "GET /identity/v2/manage/account?email=" + enc,
                    "GET /identity/v2/manage/account/" + uid,
                    "GET /identity/v2/manage/account/passkey?uid=" + uid,
                    "GET /identity/v2/manage/account/2fa/remembereddevices?uid=" + uid,
                    "PUT /identity/v2/manage/account/" + uid,
                    "GET /identity/v2/manage/account/2fa/backupcode/reset?uid=" + uid,
                    "DELETE /identity/v2/manage/account/" + uid + "/access_token/refresh/revoke",
                    "DELETE /identity/v2/manage/account/" + uid);
            assertThat(enc).contains("%2B");
        }
    }

    @Test
    void refusalsAreOneLineWithWhatToDo() throws Exception {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account(email(), PASSWORD);
        try (RecordingProxy proxy = new RecordingProxy(s.base)) {
            Map<String, String> wrongKey = new HashMap<>(environment(proxy.base(), t));
            wrongKey.put("LATCHKEY_ADMIN_KEY", "not-the-admin-key");
            Outcome denied = run(wrongKey, "user", "show", uid);
            assertThat(denied.exit()).isEqualTo(1);
            assertThat(denied.out()).isEmpty();
            assertThat(denied.errLines()).containsExactly("latchkey: the node answered HTTP 401, ErrorCode 6002: Access Unauthorized, please use "
                    + "valid authorization to access this endpoint. Is LATCHKEY_ADMIN_KEY (or --admin-key) this node's admin key?");
            assertThat(proxy.requests).extracting(Recorded::uri).containsExactly("/admin/v1/tenants/" + t.apiKey()); // nothing more was tried
        }

        String unknownTenant = UUID.randomUUID().toString();
        Outcome unknown = run(environment(s.base, null), "user", "show", uid, "--tenant", unknownTenant);
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.errLines()).containsExactly("latchkey: the node answered HTTP 404, ErrorCode 901: The provided LoginRadius API key is "
                + "invalid or is not authorized, please use a valid or authorized LoginRadius API key or check the API key for your LoginRadius "
                + "account. Is --tenant (LATCHKEY_TENANT) the ApiKey of a tenant of this node? 'latchkey tenant list' shows them.");

        // Another tenant's account is not found through this one.
        TestTenant other = s.mfaTenant(false);
        Outcome elsewhere = run(environment(s.base, other), "user", "show", uid);
        assertThat(elsewhere.exit()).isEqualTo(1);
        assertThat(elsewhere.errLines()).containsExactly(NO_SUCH_ACCOUNT + UID_HINT);

        // Mistakes on the command line: exit 2, before anything is sent.
        Map<String, String> noTenant = environment(s.base, null);
        String[][] usage = {
                {"no tenant: give --tenant <ApiKey> or set LATCHKEY_TENANT ('latchkey tenant list' shows the ApiKeys).", "user", "show", uid},
                {"'not a key' is not an ApiKey", "user", "show", uid, "--tenant", "not a key"},
                {"'..' is not a Uid; 'latchkey user find' shows an account's Uid.", "user", "block", "..", "--tenant", t.apiKey()},
                {"' ' is not a Uid; 'latchkey user find' shows an account's Uid.", "user", "show", " ", "--tenant", t.apiKey()},
                {"Error: Missing required argument (specify one of these): (--email=EMAIL | --username=NAME | --phone=PHONE)", "user", "find",
                        "--tenant", t.apiKey()},
                {"Error: --email=EMAIL, --username=NAME are mutually exclusive (specify only one)", "user", "find", "--email", "a@b.c",
                        "--username", "a", "--tenant", t.apiKey()},
                {"Missing required parameter: 'UID'", "user", "revoke-sessions", "--tenant", t.apiKey()}};
        for (String[] c : usage) {
            Outcome r = run(noTenant, java.util.Arrays.copyOfRange(c, 1, c.length));
            assertThat(r.exit()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.errLines()).as(String.join(" ", c)).hasSize(2);
            assertThat(r.errLines().get(0)).startsWith("latchkey: " + c[0]);
            assertThat(r.errLines().get(1)).startsWith("Try 'latchkey user " + c[2] + " --help'");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("LATCHKEY_ADMIN_KEY") == null);
        Map<String, String> noKey = Map.of("LATCHKEY_URL", s.base, "LATCHKEY_TENANT", t.apiKey());
        Outcome r = run(noKey, "user", "show", uid);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines().get(0)).isEqualTo("latchkey: no admin key: set LATCHKEY_ADMIN_KEY (the first start of a node prints it) "
                + "or give --admin-key.");
    }

    @Test
    void optionsOnTheCommandLineWorkWithoutTheEnvironment() {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account(email(), PASSWORD);
        Outcome r = run(Map.of(), "user", "show", uid, "--url", s.base, "--admin-key", TestServer.ADMIN_KEY, "--tenant", t.apiKey(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Json.parse(r.out()).get("Uid").asText()).isEqualTo(uid);
    }

    @Test
    void helpNamesEveryCommandAndWhatItDoes() {
        Map<String, String> env = Map.of();
        assertThat(run(env, "--help").out()).contains("user");
        Outcome help = run(env, "user", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: latchkey user [-hV] [COMMAND]")
                .contains("find", "show", "block", "unblock", "reset-factor", "revoke-sessions", "delete", "LATCHKEY_TENANT");
        Outcome bare = run(env, "user");
        assertThat(bare.exit()).isEqualTo(2);
        assertThat(bare.out() + bare.err()).contains("Usage: latchkey user [-hV] [COMMAND]");
        for (String sub : new String[] {"find", "show", "block", "unblock", "reset-factor", "revoke-sessions", "delete"}) {
            Outcome r = run(env, "user", sub, "--help");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).startsWith("Usage: latchkey user " + sub + " ").contains("--tenant=APIKEY", "LATCHKEY_TENANT", "--admin-key",
                    "--url", "--json");
        }
        assertThat(run(env, "user", "reset-factor", "--help").out()).contains("authenticator", "sms", "email", "securityquestion", "passkey",
                "backupcode", "replaces the backup codes with ten new ones");
        assertThat(run(env, "user", "delete", "--help").out()).contains("--yes", "there is no undo", "type its Uid");
        assertThat(run(env, "user", "find", "--help").out()).contains("--email=EMAIL", "--username=NAME", "--phone=PHONE");
    }

    /** A request as the node received it. */
    record Recorded(String method, String uri, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** Stands in front of the node, passes every request on unchanged and remembers it (its raw path and query, headers, body). */
    static final class RecordingProxy implements AutoCloseable {
        private static final Set<String> HOP = Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding");
        final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());
        private final HttpServer server;
        private final HttpClient client = HttpClient.newHttpClient();

        RecordingProxy(String target) throws java.io.IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    String uri = exchange.getRequestURI().getRawPath()
                            + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
                    requests.add(new Recorded(exchange.getRequestMethod(), uri, Map.copyOf(exchange.getRequestHeaders()),
                            new String(body, StandardCharsets.UTF_8)));
                    HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + uri))
                            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                    exchange.getRequestHeaders().forEach((name, values) -> {
                        if (!HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                            values.forEach(v -> forward.header(name, v));
                        }
                    });
                    HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                    answer.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
                    exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                    exchange.getResponseBody().write(answer.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}

package dev.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import java.io.Console;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey user …}: a tenant's accounts, for the people who run the node. The operator gives the admin key and
 * the tenant's ApiKey only: the command reads the tenant's ApiSecret through the admin API and calls the Management API
 * with it in the {@code X-LoginRadius-ApiSecret} header, so the secret is never typed, shown, or put in a URL.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = {"Find, show, block, unblock and delete a tenant's accounts, reset their second factors, end their sessions.",
                "Each takes the tenant's ApiKey (--tenant or LATCHKEY_TENANT) and the admin key, and calls the Management API.",
                "Example: latchkey user find --tenant <ApiKey> --email ann@example.com"},
        subcommands = {UserCommand.Find.class, UserCommand.Show.class, UserCommand.Block.class, UserCommand.Unblock.class,
                UserCommand.ResetFactor.class, UserCommand.RevokeSessions.class, UserCommand.Delete.class})
final class UserCommand implements Callable<Integer> {
    private static final String ACCOUNT = "/identity/v2/manage/account";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Main.usageError(spec);
    }

    /**
     * What every user command shares: the node, the tenant, and the output. Prints a short summary, or with {@code --json}
     * the node's JSON answer as it is; a refusal is one line on stderr (and its JSON with {@code --json}), exit 1.
     */
    abstract static class AccountCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Option(names = "--tenant", paramLabel = "APIKEY",
                description = "The tenant's ApiKey (LATCHKEY_TENANT); 'latchkey tenant list' shows them.")
        String tenant;
        @Option(names = "--json", description = "Print the node's JSON answer as it is instead of a summary.")
        boolean json;

        private String[] credentials;

        /**
         * The tenant's ApiKey and ApiSecret as Management API headers, read once through the admin API. The admin key
         * stays with the admin API; the Management API is sent the tenant's keys only.
         */
        private String[] credentials() throws InterruptedException {
            if (credentials == null) {
                String apiKey = tenant == null ? "" : tenant.trim();
                if (apiKey.isEmpty()) {
                    throw new ParameterException(spec.commandLine(),
                            "no tenant: give --tenant <ApiKey> or set LATCHKEY_TENANT ('latchkey tenant list' shows the ApiKeys).");
                }
                NodeConnection.Answer answer = connection.admin("GET", connection.tenantPath(apiKey), null);
                if (!answer.ok()) {
                    String hint = answer.json().path("ErrorCode").asInt() == 901
                            ? " Is --tenant (LATCHKEY_TENANT) the ApiKey of a tenant of this node? 'latchkey tenant list' shows them."
                            : NodeConnection.adminKeyHint(answer);
                    throw refused(answer, hint);
                }
                String secret = answer.json().path("ApiSecret").asText("");
                if (secret.isEmpty()) {
                    throw new NodeConnection.Failure("the node showed tenant " + apiKey + " without its ApiSecret: is it a Latchkey node of this version?");
                }
                credentials = new String[] {"X-LoginRadius-ApiKey", apiKey, "X-LoginRadius-ApiSecret", secret};
            }
            return credentials;
        }

        /** The Management API's answer, whatever it is. */
        NodeConnection.Answer tryManage(String method, String path, JsonNode body) throws InterruptedException {
            return connection.exchange(method, path, body, credentials());
        }

        /** The Management API's answer to a call that must succeed: a refusal ends the command (exit 1). */
        JsonNode manage(String method, String path, JsonNode body) throws InterruptedException {
            NodeConnection.Answer answer = tryManage(method, path, body);
            if (!answer.ok()) {
                String hint = answer.json().path("ErrorCode").asInt() == 938 ? notFoundHint() : "";
                throw refused(answer, hint);
            }
            return answer.json();
        }

        /** What to add when the node found no such account (938). */
        String notFoundHint() {
            return " Is it the Uid of an account of this tenant? 'latchkey user find' shows an account's Uid.";
        }

        /** A refusal as the one line Main prints; with --json the node's answer goes to stdout first, as a script reads it. */
        private NodeConnection.Failure refused(NodeConnection.Answer answer, String hint) {
            if (json) {
                connection.print(answer.json());
            }
            return new NodeConnection.Failure(answer.refusal() + hint);
        }

        /** The answer as --json prints it, or the summary. */
        int show(JsonNode answer, List<String> summary) {
            if (json) {
                connection.print(answer);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                summary.forEach(out::println);
                out.flush();
            }
            return 0;
        }
    }

    /** The account's Uid, the first parameter of the commands that act on one account. */
    abstract static class OneAccount extends AccountCommand {
        @Parameters(index = "0", paramLabel = "UID", description = "The account's Uid.")
        String uid;

        /** The Uid as the operator means it (a space pasted around it is not part of it). */
        String uid() {
            return uid.strip();
        }

        /** {@code /identity/v2/manage/account/<uid>}, encoded; a Uid that would change the path's meaning is refused before anything is sent. */
        String accountPath() {
            return ACCOUNT + "/" + NodeConnection.segment(checkedUid());
        }

        /** {@code ?uid=<uid>}, encoded. */
        String uidQuery() {
            return "?uid=" + NodeConnection.segment(checkedUid());
        }

        private String checkedUid() {
            // "." and ".." survive encoding and would be resolved by the node's web server into another path.
            if (uid().isEmpty() || uid().equals(".") || uid().equals("..")) {
                throw new ParameterException(spec.commandLine(), "'" + uid + "' is not a Uid; 'latchkey user find' shows an account's Uid.");
            }
            return uid();
        }
    }

    @Command(name = "find", mixinStandardHelpOptions = true,
            description = {"Find an account by its email address, username or phone number; prints its summary.",
                    "Example: latchkey user find --tenant <ApiKey> --email ann@example.com"})
    static final class Find extends AccountCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        By by;

        /** One identifier, exactly. */
        static final class By {
            @Option(names = "--email", paramLabel = "EMAIL", required = true, description = "An email address of the account.")
            String email;
            @Option(names = "--username", paramLabel = "NAME", required = true, description = "The account's UserName.")
            String username;
            @Option(names = "--phone", paramLabel = "PHONE", required = true, description = "The account's phone number (PhoneId), as +15551234567.")
            String phone;

            String query() {
                String[] kind = email != null ? new String[] {"email", email} : username != null ? new String[] {"username", username}
                        : new String[] {"phone", phone};
                return "?" + kind[0] + "=" + NodeConnection.segment(kind[1].strip());
            }
        }

        @Override
        String notFoundHint() {
            return "";
        }

        @Override
        public Integer call() throws Exception {
            JsonNode profile = manage("GET", ACCOUNT + by.query(), null);
            return show(profile, AccountSummary.lines(profile));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show an account: its identifiers, status, dates, passkeys and remembered devices.",
                    "With --json, the node's profile as it is (GET /identity/v2/manage/account/{uid})."})
    static final class Show extends OneAccount {
        @Override
        public Integer call() throws Exception {
            JsonNode profile = manage("GET", accountPath(), null);
            if (json) {
                return show(profile, List.of());
            }
            List<String> lines = new ArrayList<>(AccountSummary.lines(profile));
            // Two more cheap reads by uid; where one is refused the summary says so instead of failing the whole command.
            NodeConnection.Answer passkeys = tryManage("GET", ACCOUNT + "/passkey" + uidQuery(), null);
            lines.add(AccountSummary.line("Passkeys", passkeys.ok() ? AccountSummary.passkeys(passkeys.json()) : "unknown (" + passkeys.refusal() + ")"));
            NodeConnection.Answer devices = tryManage("GET", ACCOUNT + "/2fa/remembereddevices" + uidQuery(), null);
            lines.add(AccountSummary.line("Remembered devices", devices.ok() ? AccountSummary.devices(devices.json()) : "unknown (" + devices.refusal() + ")"));
            lines.add(AccountSummary.line("Other factors", "not listed by the Management API; 'latchkey user reset-factor' removes one"));
            return show(profile, lines);
        }
    }

    @Command(name = "block", mixinStandardHelpOptions = true,
            description = "Block an account (IsActive false): it cannot sign in, and every session it has ends at once.")
    static final class Block extends OneAccount {
        @Override
        public Integer call() throws Exception {
            JsonNode profile = manage("PUT", accountPath(), Json.object().put("IsActive", false));
            List<String> lines = new ArrayList<>(List.of("Blocked " + uid() + ": it cannot sign in, and its sessions have ended.", ""));
            lines.addAll(AccountSummary.lines(profile));
            return show(profile, lines);
        }
    }

    @Command(name = "unblock", mixinStandardHelpOptions = true,
            description = "Unblock an account (IsActive true): it can sign in again. A lockout after wrong passwords runs its course.")
    static final class Unblock extends OneAccount {
        @Override
        public Integer call() throws Exception {
            JsonNode profile = manage("PUT", accountPath(), Json.object().put("IsActive", true));
            List<String> lines = new ArrayList<>(List.of("Unblocked " + uid() + ": it can sign in again.", ""));
            lines.addAll(AccountSummary.lines(profile));
            return show(profile, lines);
        }
    }

    @Command(name = "reset-factor", mixinStandardHelpOptions = true,
            description = {"Reset one second factor of an account: remove it, or for backup codes make new ones.",
                    "--factor names it; each is the Management API's reset:",
                    "  authenticator     removes the authenticator app",
                    "  sms               removes the phone that gets codes by SMS",
                    "  email             removes codes by email",
                    "  securityquestion  removes the answers to security questions",
                    "  passkey           removes every passkey",
                    "  backupcode        replaces the backup codes with ten new ones and prints them (the old ones stop working);",
                    "                    hand them to the account's owner over a channel you trust",
                    "Example: latchkey user reset-factor <Uid> --factor authenticator --tenant <ApiKey>"})
    static final class ResetFactor extends OneAccount {
        private static final Map<String, String> NAMES = Map.of("authenticator", "the authenticator app", "sms", "codes by SMS",
                "email", "codes by email", "securityquestion", "the security questions", "passkey", "every passkey", "backupcode", "the backup codes");

        @Option(names = "--factor", required = true, paramLabel = "FACTOR",
                description = "authenticator, sms, email, securityquestion, passkey or backupcode.")
        String factor;

        @Override
        public Integer call() throws Exception {
            String which = factor.strip().toLowerCase(java.util.Locale.ROOT);
            if (!NAMES.containsKey(which)) {
                throw new ParameterException(spec.commandLine(), "--factor must be authenticator, sms, email, securityquestion, passkey "
                        + "or backupcode, not '" + factor + "'.");
            }
            String query = uidQuery();
            JsonNode answer = switch (which) {
                case "authenticator" -> manage("DELETE", ACCOUNT + "/2fa/authenticator" + query, Json.object().put("authenticator", true));
                case "sms" -> manage("DELETE", ACCOUNT + "/2fa/authenticator" + query, Json.object().put("otpauthenticator", true));
                case "email" -> manage("DELETE", ACCOUNT + "/2fa/authenticator/otp/email" + query, Json.object());
                case "securityquestion" -> manage("DELETE", ACCOUNT + "/2fa/authenticator/securityquestionanswer" + query, Json.object());
                case "passkey" -> manage("DELETE", ACCOUNT + "/2fa/authenticator/passkey" + query, Json.object());
                default -> manage("GET", ACCOUNT + "/2fa/backupcode/reset" + query, null);
            };
            if (!which.equals("backupcode")) {
                return show(answer, List.of("Removed " + NAMES.get(which) + " of " + uid() + "."));
            }
            List<String> lines = new ArrayList<>(List.of("New backup codes for " + uid() + " (the old ones no longer work); "
                    + "hand them to the account's owner over a channel you trust:"));
            answer.path("BackUpCodes").forEach(code -> lines.add("  " + code.asText()));
            return show(answer, lines);
        }
    }

    @Command(name = "revoke-sessions", mixinStandardHelpOptions = true,
            description = {"End every session of an account at once, on every node; it can sign in again.",
                    "Ends its access and refresh tokens, its logins waiting for a second factor, and its remembered devices."})
    static final class RevokeSessions extends OneAccount {
        @Override
        public Integer call() throws Exception {
            JsonNode answer = manage("DELETE", accountPath() + "/access_token/refresh/revoke", Json.object());
            return show(answer, List.of("Ended every session of " + uid() + ": its access and refresh tokens, its logins waiting "
                    + "for a second factor and its remembered devices."));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete an account and everything it holds (identifiers, factors, tokens); there is no undo.",
                    "Give --yes, or on a terminal see the account and type its Uid when asked."})
    static final class Delete extends OneAccount {
        @Option(names = "--yes", description = "Delete without asking.")
        boolean yes;

        /** Where a typed confirmation comes from: the terminal, if there is one. Tests put their own in. */
        Confirmation confirmation = new TerminalConfirmation();

        /** Asks the operator to type something. */
        interface Confirmation {
            /** Whether there is anyone to ask (a terminal, not a script's pipe). */
            boolean available();

            /** What the operator typed; null at the end of input. */
            String ask(String prompt);
        }

        private static final class TerminalConfirmation implements Confirmation {
            @Override
            public boolean available() {
                Console console = System.console();
                if (console == null) {
                    return false;
                }
                try {
                    return (Boolean) Console.class.getMethod("isTerminal").invoke(console); // Java 22 on: a console may be redirected
                } catch (NoSuchMethodException e) {
                    return true; // Java 17 to 21: a console exists only on a terminal
                } catch (ReflectiveOperationException e) {
                    return false;
                }
            }

            @Override
            public String ask(String prompt) {
                return System.console().readLine("%s", prompt);
            }
        }

        @Override
        public Integer call() throws Exception {
            String path = accountPath();
            if (!yes) {
                String refusal = "'latchkey user delete' has no undo: add --yes to delete " + uid()
                        + " (on a terminal, typing its Uid when asked does too).";
                if (!confirmation.available()) {
                    throw new ParameterException(spec.commandLine(), refusal);
                }
                // Show what would go before asking: a wrong Uid is found out here, not after.
                PrintWriter out = spec.commandLine().getOut();
                AccountSummary.lines(manage("GET", path, null)).forEach(out::println);
                out.flush();
                String typed = confirmation.ask("Delete this account? There is no undo. Type its Uid to confirm: ");
                if (typed == null || !typed.strip().equals(uid())) {
                    throw new NodeConnection.Failure("not deleted: what was typed is not the account's Uid.");
                }
            }
            JsonNode answer = manage("DELETE", path, Json.object());
            return show(answer, List.of("Deleted " + uid() + "."));
        }
    }
}

package dev.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code latchkey tenant export|import}: a tenant as JSON Lines (README, "Export and import"), through a running node's
 * admin API. The passphrase that seals the export's secrets comes from a file, the environment or the terminal, never
 * from the command line (it would be in the shell's history and the process list).
 */
final class TenantTransferCommand {
    private TenantTransferCommand() {}

    static final String PASSPHRASE_ENV = "LATCHKEY_EXPORT_PASSPHRASE";

    /** Where the passphrase comes from. */
    static final class Passphrase {
        @Option(names = "--passphrase-file", paramLabel = "FILE",
                description = "A file whose first line is the passphrase (else LATCHKEY_EXPORT_PASSPHRASE, else asked on the terminal).")
        Path file;

        String read(boolean twice) {
            String p;
            if (file != null) {
                try {
                    p = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
                } catch (IOException e) {
                    throw new NodeConnection.Failure("cannot read --passphrase-file " + file + ": " + e.getMessage());
                }
            } else if (System.getenv(PASSPHRASE_ENV) != null && !System.getenv(PASSPHRASE_ENV).isEmpty()) {
                p = System.getenv(PASSPHRASE_ENV);
            } else if (System.console() != null) {
                p = new String(System.console().readPassword("Passphrase (12+ characters): "));
                if (twice && !p.equals(new String(System.console().readPassword("The same passphrase again: ")))) {
                    throw new NodeConnection.Failure("the two passphrases differ.");
                }
            } else {
                throw new NodeConnection.Failure("no passphrase: give --passphrase-file or set " + PASSPHRASE_ENV + ".");
            }
            if (p.length() < dev.latchkey.crypto.PassphraseSeal.MIN_PASSPHRASE) {
                throw new NodeConnection.Failure("the passphrase needs at least " + dev.latchkey.crypto.PassphraseSeal.MIN_PASSPHRASE + " characters.");
            }
            return p;
        }

        static Map<String, String> header(String passphrase) {
            return Map.of("X-Latchkey-Passphrase", java.net.URLEncoder.encode(passphrase, StandardCharsets.UTF_8));
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write a tenant to a JSON Lines file: settings, templates, security questions, webhooks, and every account",
                    "with its password hash and second factors. Secrets are sealed under a passphrase; sessions are not exported."})
    static final class Export implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Mixin
        Passphrase passphrase = new Passphrase();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;
        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The file to write (made readable by its owner only).")
        Path out;
        @Option(names = "--page", defaultValue = "500", description = "Accounts per request (1 to 1000). Default: ${DEFAULT-VALUE}.")
        int page;

        @Override
        public Integer call() throws Exception {
            String path = connection.tenantPath(apiKey);
            Map<String, String> headers = Passphrase.header(passphrase.read(true));
            byte[] saltBytes = dev.latchkey.crypto.PassphraseSeal.newSalt();
            String salt = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(saltBytes);
            PrintWriter err = connection.command.commandLine().getErr();
            Path partial = out.resolveSibling(out.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            Files.createFile(partial, ownerOnly());
            long written = 0;
            long total = 0;
            long started = System.nanoTime();
            try (BufferedWriter w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                String after = null;
                while (true) {
                    JsonNode page = connection.call("GET", path + "/export?salt=" + salt + "&limit=" + this.page
                            + (after == null ? "" : "&after=" + NodeConnection.segment(after)), null, headers);
                    if (page.has("Header")) {
                        total = page.get("Header").path("Users").asLong();
                        w.write(Json.write(page.get("Header")));
                        w.newLine();
                    }
                    for (JsonNode u : page.path("Users")) {
                        w.write(Json.write(u));
                        w.newLine();
                        written++;
                    }
                    err.printf("exported %d of %d accounts%n", written, total);
                    err.flush();
                    if (!page.path("Next").isTextual()) {
                        break;
                    }
                    after = page.get("Next").asText();
                }
            }
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            err.printf("wrote %s: the tenant and %d accounts in %.1f s%n", out, written, (System.nanoTime() - started) / 1e9);
            return 0;
        }

        private static java.nio.file.attribute.FileAttribute<?>[] ownerOnly() {
            try {
                return new java.nio.file.attribute.FileAttribute<?>[] {java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))};
            } catch (UnsupportedOperationException e) {
                return new java.nio.file.attribute.FileAttribute<?>[0];
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Import a tenant from a JSON Lines file: a Latchkey export (its header makes or updates the tenant, same ApiKey",
                    "and ApiSecret), or accounts from another system, one profile per line with a PasswordHash, into --tenant.",
                    "Progress goes to stderr; a bad line is reported with its number and the rest goes on. Interrupted, it resumes",
                    "where it stopped (FILE.progress); accounts imported before are counted as such, never twice."})
    static final class Import implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Mixin
        Passphrase passphrase = new Passphrase();
        @Parameters(index = "0", description = "The JSON Lines file.")
        Path file;
        @Option(names = "--tenant", paramLabel = "APIKEY", description = "The tenant to import into (a Latchkey export names its own).")
        String tenant;
        @Option(names = "--batch", defaultValue = "200", description = "Accounts per request (1 to 1000). Default: ${DEFAULT-VALUE}.")
        int batch;
        @Option(names = "--restart", description = "Ignore FILE.progress and start from the first line.")
        boolean restart;

        private PrintWriter err;
        private Path progress;
        private long imported;
        private long existing;
        private long failed;
        private long total;

        @Override
        public Integer call() throws Exception {
            err = connection.command.commandLine().getErr();
            progress = file.resolveSibling(file.getFileName() + ".progress");
            long resumeAfter = restart ? 0 : resumePoint();
            if (batch < 1 || batch > 1000) {
                throw new NodeConnection.Failure("--batch must be from 1 to 1000.");
            }
            total = countLines();
            long started = System.nanoTime();
            String path = tenant == null ? null : connection.tenantPath(tenant);
            ObjectNode source = null;
            Map<String, String> headers = Map.of();
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                ArrayNode pending = Json.MAPPER.createArrayNode();
                long pendingBytes = 0;
                long lineNo = 0;
                String line;
                while ((line = r.readLine()) != null) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node;
                    try {
                        node = Json.parse(line);
                    } catch (RuntimeException e) {
                        node = null;
                    }
                    if (node == null || !node.isObject()) {
                        report(lineNo, null, "not a JSON object");
                        continue;
                    }
                    if (lineNo == 1 && node.has("Format")) {
                        headers = Passphrase.header(passphrase.read(false));
                        source = Json.object();
                        source.put("KeyId", node.path("KeyId").asText());
                        source.set("Passphrase", node.path("Passphrase"));
                        String apiKey = node.path("Tenant").path("ApiKey").asText();
                        if (tenant != null && !tenant.equalsIgnoreCase(apiKey)) {
                            throw new NodeConnection.Failure("--tenant " + tenant + " is not the export's tenant " + apiKey + ".");
                        }
                        path = connection.tenantPath(apiKey);
                        total--;
                        if (resumeAfter < 1) {
                            JsonNode made = connection.call("POST", "/admin/v1/tenants/import", node, headers);
                            err.printf("tenant %s (%s) imported with its settings, templates, security questions and webhooks%n",
                                    made.path("Name").asText(), made.path("ApiKey").asText());
                            saveProgress(1);
                        }
                        continue;
                    }
                    if (path == null) {
                        throw new NodeConnection.Failure("the file has no Latchkey export header: say which tenant with --tenant APIKEY.");
                    }
                    if (lineNo <= resumeAfter) {
                        continue;
                    }
                    pending.addObject().put("Line", lineNo).set("User", node);
                    pendingBytes += line.length();
                    if (pending.size() >= batch || pendingBytes > 4_000_000) {
                        send(path, source, headers, pending, lineNo, started);
                        pending = Json.MAPPER.createArrayNode();
                        pendingBytes = 0;
                    }
                }
                if (!pending.isEmpty()) {
                    send(path, source, headers, pending, lineNo, started);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            err.printf("done: %d imported, %d imported before, %d failed, in %.1f s%n", imported, existing, failed, seconds);
            Files.deleteIfExists(progress);
            return failed == 0 ? 0 : 1;
        }

        private void send(String path, ObjectNode source, Map<String, String> headers, ArrayNode lines, long lastLine, long started)
                throws InterruptedException, IOException {
            ObjectNode body = Json.object();
            if (source != null) {
                body.set("Source", source);
            }
            body.set("Users", lines);
            JsonNode answer = connection.call("POST", path + "/import", body, headers);
            imported += answer.path("Imported").asLong();
            existing += answer.path("Existing").asLong();
            for (JsonNode f : answer.path("Failed")) {
                report(f.path("Line").asLong(), f.path("Uid").isTextual() ? f.get("Uid").asText() : null, f.path("Description").asText());
            }
            saveProgress(lastLine);
            double seconds = (System.nanoTime() - started) / 1e9;
            long done = imported + existing + failed;
            err.printf("imported %d of %d accounts (%d before, %d failed), %.0f/s%n", done, total, existing, failed,
                    seconds > 0 ? (imported + existing) / seconds : 0.0);
            err.flush();
        }

        private void report(long line, String uid, String description) {
            failed++;
            err.println("line " + line + (uid == null ? "" : " (Uid " + printable(uid) + ")") + ": " + printable(description));
        }

        /**
         * Text from the file (a Uid, a value the node quotes back) as the terminal may show it: control characters (escape
         * sequences could rewrite the operator's screen) and bidirectional overrides replaced by '?', at most 300 characters.
         */
        static String printable(String s) {
            String cut = s.length() > 300 ? s.substring(0, 300) + "…" : s;
            return cut.replaceAll("[\\p{Cc}\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]", "?");
        }

        private long countLines() throws IOException {
            try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                return lines.filter(l -> !l.isBlank()).count();
            }
        }

        /** The last line a previous run saw acknowledged, from FILE.progress (0: start at the top). */
        private long resumePoint() throws IOException {
            if (!Files.exists(progress)) {
                return 0;
            }
            long line = Json.parse(Files.readString(progress)).path("Line").asLong(0);
            if (line > 0) {
                err.println("resuming after line " + line + " (" + progress + "; --restart starts over)");
            }
            return line;
        }

        private void saveProgress(long line) throws IOException {
            Path tmp = progress.resolveSibling(progress.getFileName() + ".tmp");
            Files.writeString(tmp, Json.write(Json.object().put("Line", line)));
            Files.move(tmp, progress, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}

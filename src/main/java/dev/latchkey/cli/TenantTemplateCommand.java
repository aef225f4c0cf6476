package dev.latchkey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code latchkey tenant template list|show|set|delete}: a tenant's email and SMS templates (Mustache). */
@Command(name = "template", mixinStandardHelpOptions = true, description = "Manage a tenant's email and SMS templates.",
        subcommands = {TenantTemplateCommand.List.class, TenantTemplateCommand.Show.class, TenantTemplateCommand.Set.class,
                TenantTemplateCommand.Delete.class})
final class TenantTemplateCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Main.usageError(spec);
    }

    static class Target {
        @picocli.CommandLine.Mixin
        NodeConnection connection = new NodeConnection();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;
        @Option(names = "--sms", description = "An SMS template (default: email).")
        boolean sms;

        String path() {
            return connection.tenantPath(apiKey) + (sms ? "/sms-templates" : "/email-templates");
        }

        String path(String name) {
            return path() + "/" + NodeConnection.segment(name);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tenant's templates, then the built-in ones.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() throws Exception {
            return target.connection.send("GET", target.path(), null);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one template.")
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "1", description = "The template's name.")
        String name;

        @Override
        public Integer call() throws Exception {
            return target.connection.send("GET", target.path(name), null);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Create or replace a template. Email: --subject, --text-file (required), --html-file. SMS: --body.",
                    "Parts are Mustache: {{Profile.FirstName}}, {{Login.IP}}, {{OneClickSignIn.Url}}, {{Otp.Code}}, … (README)."})
    static final class Set implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "1", description = "The template's name, as the rba*template parameters name it.")
        String name;
        @Option(names = "--subject", description = "Email subject.")
        String subject;
        @Option(names = "--text-file", description = "File with the email's text part.")
        Path textFile;
        @Option(names = "--html-file", description = "File with the email's HTML part.")
        Path htmlFile;
        @Option(names = "--body", description = "The SMS text.")
        String body;

        @Override
        public Integer call() throws Exception {
            ObjectNode b = Json.object().put("Name", name);
            if (target.sms) {
                b.put("Body", body);
            } else {
                b.put("Subject", subject);
                b.put("Text", textFile == null ? null : Files.readString(textFile, StandardCharsets.UTF_8));
                if (htmlFile != null) {
                    b.put("Html", Files.readString(htmlFile, StandardCharsets.UTF_8));
                }
            }
            return target.connection.send("PUT", target.path(name), b);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete one of the tenant's templates.")
    static final class Delete implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "1", description = "The template's name.")
        String name;

        @Override
        public Integer call() throws Exception {
            return target.connection.send("DELETE", target.path(name), Json.object());
        }
    }
}

package dev.latchkey.cli;

import dev.latchkey.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code latchkey tenant security-question …}: a tenant's catalog of security questions (the admin API's). */
@Command(name = "security-question", mixinStandardHelpOptions = true,
        description = "Manage a tenant's catalog of security questions (what accounts may answer as a second factor).",
        subcommands = {TenantSecurityQuestionCommand.List.class, TenantSecurityQuestionCommand.Add.class, TenantSecurityQuestionCommand.Delete.class})
final class TenantSecurityQuestionCommand implements Callable<Integer> {
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

        String path() {
            return connection.tenantPath(apiKey) + "/security-questions";
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the catalog: {\"Data\": [{\"QuestionId\", \"Question\"}]}.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() throws Exception {
            return target.connection.send("GET", target.path(), null);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a question (1 to 500 characters); prints its QuestionId.")
    static final class Add implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "1", description = "The question, as accounts will read it.")
        String question;

        @Override
        public Integer call() throws Exception {
            return target.connection.send("POST", target.path(), Json.object().put("Question", question));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a question, and every account's answer to it.")
    static final class Delete implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "1", description = "The QuestionId.")
        String questionId;

        @Override
        public Integer call() throws Exception {
            return target.connection.send("DELETE", target.path() + "/" + NodeConnection.segment(questionId), Json.object());
        }
    }
}

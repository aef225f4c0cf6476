package dev.latchkey.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code latchkey}: the server and the operators' commands. */
@Command(name = "latchkey", mixinStandardHelpOptions = true, version = "Latchkey 0.1.0",
        description = "Self-hosted identity server speaking the LoginRadius Identity API v2, MFA first.")
public final class Main implements Callable<Integer> {
    /**
     * Wide enough that picocli never wraps a description line: it wraps at hyphens and slashes too, which broke URLs,
     * JDBC URLs and values such as for-benchmarks-and-tests in two. Descriptions are written as lines that fit.
     */
    static final int HELP_WIDTH = 160;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return usageError(spec);
    }

    /** A command that needs a subcommand and was given none: its usage on stderr, exit 2 (as for any usage error). */
    static int usageError(CommandLine.Model.CommandSpec command) {
        command.commandLine().usage(command.commandLine().getErr());
        return command.exitCodeOnInvalidInput();
    }

    /** The command line, with the process's environment. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /**
     * The command line. {@code environment} gives the operators' commands their defaults (LATCHKEY_URL, LATCHKEY_SERVER,
     * LATCHKEY_ADMIN_KEY, LATCHKEY_TENANT); failures are one line, a refused option adds a hint to --help, never the whole usage.
     */
    public static CommandLine commandLine(Map<String, String> environment) {
        return commandLine(environment, false);
    }

    /**
     * {@code serveOnly}: the command line of a process started as {@code latchkey serve ...}, which needs no other
     * command's model: picocli builds each from its annotations by reflection, 0.1 s of the node's start for the
     * operators' commands alone. Parsing and help of {@code serve} are the same either way.
     */
    static CommandLine commandLine(Map<String, String> environment, boolean serveOnly) {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand(new ServeCommand());
        if (!serveOnly) {
            cl.addSubcommand(new TenantCommand());
            cl.addSubcommand(new UserCommand());
            cl.addSubcommand(new AuditCommand());
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        cl.setUsageHelpWidth(HELP_WIDTH);
        cl.setDefaultValueProvider(environmentDefaults(environment));
        cl.setParameterExceptionHandler(Main::refused);
        cl.setExecutionExceptionHandler((e, failed, parsed) -> {
            String what = e instanceof NodeConnection.Failure || e instanceof dev.latchkey.server.StartupFailure
                    ? e.getMessage()
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            failed.getErr().println("latchkey: " + what);
            return 1;
        });
        return cl;
    }

    private static int refused(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("latchkey: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The operators' connection options default from the environment; the serve command reads its own variables. */
    static CommandLine.IDefaultValueProvider environmentDefaults(Map<String, String> environment) {
        return (ArgSpec arg) -> {
            if (!(arg instanceof OptionSpec option) || option.command().name().equals("serve")) {
                return null;
            }
            return switch (option.longestName()) {
                case "--server", "--url" -> firstSet(environment, "LATCHKEY_URL", "LATCHKEY_SERVER", NodeConnection.DEFAULT_URL);
                case "--admin-key" -> firstSet(environment, "LATCHKEY_ADMIN_KEY", null, null);
                case "--tenant" -> firstSet(environment, "LATCHKEY_TENANT", null, null);
                default -> null;
            };
        };
    }

    private static String firstSet(Map<String, String> environment, String name, String alias, String fallback) {
        String value = environment.get(name);
        if ((value == null || value.isBlank()) && alias != null) {
            value = environment.get(alias);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    public static void main(String[] args) {
        boolean serve = args.length > 0 && args[0].equals("serve");
        if (serve) {
            java.util.Optional<Integer> child = Launcher.serve(args, System.getenv());
            if (child.isPresent()) {
                System.exit(child.get());
            }
        }
        int code = commandLine(System.getenv(), serve).execute(args);
        if (code != 0 || !serve) {
            System.exit(code);
        }
    }
}

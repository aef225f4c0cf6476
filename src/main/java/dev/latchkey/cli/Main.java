package dev.latchkey.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code latchkey}: the server and the operators' commands. */
@Command(name = "latchkey", mixinStandardHelpOptions = true, version = "Latchkey 0.1.0",
        description = "Self-hosted identity server speaking the LoginRadius Identity API v2, MFA first.",
        subcommands = {ServeCommand.class, TenantCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line, with failures reported as one line instead of a stack trace. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cl, parsed) -> {
            String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            cl.getErr().println("latchkey: " + what);
            return 1;
        });
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0 || args.length == 0 || !args[0].equals("serve")) {
            System.exit(code);
        }
    }
}

package io.github.mubench.cli;

import io.github.mubench.tensor.io.FormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mubench} command. Results go to stdout ({@code --json} for machines); progress and errors to stderr. */
@Command(name = "mubench", mixinStandardHelpOptions = true, version = "mubench 0.1.0",
        description = "Machine unlearning for LLM safety, and its side effects.",
        subcommands = {DemoCommand.class, RunCommand.class, ReportCommand.class, GenerateCommand.class, ScoreCommand.class, TokenizeCommand.class, ChatTemplateCommand.class,
                UnlearnCommand.class, AttackCommand.class, EvalCommand.class, JudgeCommand.class, CompareCommand.class, ConvertCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // Bind to the streams of this moment (tests swap System.out/err between runs).
        cli.setOut(new java.io.PrintWriter(System.out, true));
        cli.setErr(new java.io.PrintWriter(System.err, true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean userError = ex instanceof FormatException || ex instanceof IllegalArgumentException;
            cmd.getErr().println("mubench: " + (userError ? "" : ex.getClass().getSimpleName() + ": ") + ex.getMessage());
            return userError ? 2 : 1;
        });
        // A mistyped option: name it and the nearest real ones, not the whole usage text.
        cli.setParameterExceptionHandler((ex, given) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("mubench: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, cmd.getErr());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for its options.");
            return 2;
        });
        return cli.execute(args);
    }
}

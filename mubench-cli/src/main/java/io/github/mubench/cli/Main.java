package io.github.mubench.cli;

import io.github.mubench.tensor.io.FormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mubench} command. Results go to stdout ({@code --json} for machines); progress and errors to stderr. */
@Command(name = "mubench", mixinStandardHelpOptions = true, version = "mubench 0.1.0",
        description = "Machine unlearning for LLM safety, and its side effects.",
        subcommands = {DemoCommand.class, RunCommand.class, ReportCommand.class, GenerateCommand.class, ScoreCommand.class, TokenizeCommand.class, ChatTemplateCommand.class,
                UnlearnCommand.class, AttackCommand.class, EvalCommand.class, JudgeCommand.class, CompareCommand.class, ConvertCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
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
        // an empty path would mean the working folder: never what "--out ''" (an unset variable) meant
        cli.registerConverter(java.nio.file.Path.class, text -> {
            if (text.isBlank()) {
                throw new CommandLine.TypeConversionException("an empty path; expected a file or folder name");
            }
            return java.nio.file.Path.of(text);
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean userError = ex instanceof FormatException || ex instanceof IllegalArgumentException;
            cmd.getErr().println("mubench: " + (userError ? ex.getMessage() : describe(ex)));
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
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) { // an Error escapes picocli's handler: one line, not a trace
            System.err.println("mubench: out of memory (" + e.getMessage() + "); give the JVM more with MUBENCH_JAVA_OPTS=-Xmx8g, "
                    + "or use a smaller model, batch or --max-length");
            return 1;
        } catch (StackOverflowError e) {
            System.err.println("mubench: input nested too deeply to read (stack overflow)");
            return 1;
        }
    }

    /**
     * An unexpected failure in one line: each cause's type and message, so that e.g. "No space left on device"
     * comes with the file it was writing ({@code UncheckedIOException} messages name it).
     */
    static String describe(Throwable ex) {
        StringBuilder b = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = ex; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof java.nio.file.FileSystemException fs && fs.getFile() != null) { // the path and what is wrong with it
                return fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile()) + ": "
                        + (fs.getReason() != null ? fs.getReason() : t.getClass().getSimpleName().replaceAll("Exception$", "").replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase(java.util.Locale.ROOT));
            }
            String message = t.getMessage();
            if (b.length() > 0) {
                if (message != null && b.indexOf(message) >= 0) {
                    continue; // already said by the wrapper
                }
                b.append("; caused by ");
            }
            b.append(t.getClass().getSimpleName()).append(message == null ? "" : ": " + message);
        }
        return b.toString();
    }
}

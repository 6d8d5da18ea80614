package io.github.mubench.cli;

import io.github.mubench.eval.run.Comparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code mubench compare}: paired tests of two evaluations of the same tasks (a base model and an unlearned one). */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Paired differences (other - base) of two evaluations on the same items, with McNemar / paired bootstrap tests.")
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, paramLabel = "DIR", description = "the base model's mubench eval output")
    Path base;

    @Option(names = "--other", required = true, paramLabel = "DIR", description = "the other (e.g. unlearned) model's eval output")
    Path other;

    @Option(names = "--seed", description = "seeds the bootstrap (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--json", description = "print the rows as JSON")
    boolean json;

    @Override
    public Integer call() {
        List<Comparison.Row> rows = Comparison.of(base, other, seed);
        if (json) {
            System.out.println(Json.write(rows));
            return 0;
        }
        System.out.printf("%-16s %-30s %8s %8s %9s  %-20s %9s %5s  %s%n", "task", "value", "base", "other", "diff", "95% interval", "p", "n", "test");
        for (Comparison.Row r : rows) {
            var t = r.test();
            System.out.printf(Locale.ROOT, "%-16s %-30s %8.4f %8.4f %+9.4f  [%+.4f, %+.4f] %9.4f %5d  %s%s%n", r.task(), r.value(), r.base(),
                    r.other(), t.difference(), t.lower(), t.upper(), t.pValue(), t.n(), t.test(), t.significant() ? " *" : "");
        }
        return 0;
    }
}

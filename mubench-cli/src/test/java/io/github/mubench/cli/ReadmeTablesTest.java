package io.github.mubench.cli;

import io.github.mubench.eval.attack.Attacks;
import io.github.mubench.tensor.param.Parameters;
import io.github.mubench.unlearn.RowGroup;
import io.github.mubench.unlearn.UnlearningMethod;
import io.github.mubench.unlearn.methods.Methods;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's method and attack-parameter tables are derived from the parameter declarations: this test renders
 * them from the registries and fails (printing the table to paste) when the README says something else.
 */
class ReadmeTablesTest {
    private static final Path README = Path.of("..", "README.md");

    static String methodTable() {
        StringBuilder b = new StringBuilder("| method (`--method`) | loss (minimised) | rows | parameters (`--param`, defaults) |\n|---|---|---|---|\n");
        for (Methods.Entry e : Methods.entries()) {
            UnlearningMethod m = e.create(Map.of());
            String rows = m.rowGroups().stream().sorted().map(g -> g.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .collect(Collectors.joining(", "));
            b.append("| `").append(e.name()).append("` | ").append(e.summary()).append(" | ").append(rows).append(" | ")
                    .append(parameters(e.parameters())).append(" |\n");
        }
        return b.toString();
    }

    static String attackTable() {
        StringBuilder b = new StringBuilder("| attack (`--attack`) | parameters (`--param`, defaults) | presets |\n|---|---|---|\n");
        for (Attacks.Entry e : Attacks.entries()) {
            List<Parameters.Declared> declared = Parameters.of(e.parameters());
            if (declared.isEmpty() && e.presets().isEmpty()) {
                continue;
            }
            String presets = e.presets().entrySet().stream().map(p -> "`" + p.getKey() + "`: " + p.getValue().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).map(kv -> kv.getKey() + " " + kv.getValue()).collect(Collectors.joining(", ")))
                    .collect(Collectors.joining("; "));
            b.append("| `").append(e.name()).append("` | ").append(parameters(declared)).append(" | ")
                    .append(presets.isEmpty() ? "—" : presets).append(" |\n");
        }
        return b.toString();
    }

    private static String parameters(List<Parameters.Declared> declared) {
        return declared.isEmpty() ? "—" : declared.stream().map(d -> "`" + d.name() + "` = " + d.defaultValue() + ": " + d.doc())
                .collect(Collectors.joining("<br>"));
    }

    @Test
    void readmeHoldsTheDerivedMethodTable() throws Exception {
        String table = methodTable();
        assertTrue(Files.readString(README).contains(table), "README.md should hold this table (generated):\n" + table);
    }

    @Test
    void readmeHoldsTheDerivedAttackParameterTable() throws Exception {
        String table = attackTable();
        assertTrue(Files.readString(README).contains(table), "README.md should hold this table (generated):\n" + table);
    }
}

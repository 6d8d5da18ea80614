package io.github.mubench.eval.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResultStoreMergeTest {
    @TempDir
    Path dir;

    @Test
    void mergingCopiesWhatIsMissingAndKeepsWhatIsThere() {
        try (ResultStore a = ResultStore.open(dir.resolve("a.sqlite")); ResultStore b = ResultStore.open(dir.resolve("b.sqlite"))) {
            a.put("generate", Map.of("k1", "\"here\"", "k2", "\"kept\""));
            b.put("generate", Map.of("k2", "\"other\"", "k3", "\"new\""));
            b.put("judge", Map.of("k4", "\"verdict\""));
        }
        try (ResultStore a = ResultStore.open(dir.resolve("a.sqlite"))) {
            assertEquals(2, a.mergeFrom(dir.resolve("b.sqlite")), "k3 and k4 are new");
            assertEquals(Map.of("k1", "\"here\"", "k2", "\"kept\"", "k3", "\"new\"", "k4", "\"verdict\""), a.get(List.of("k1", "k2", "k3", "k4")));
            assertEquals(Map.of("generate", 3, "judge", 1), a.counts());
            assertEquals(0, a.mergeFrom(dir.resolve("b.sqlite")), "merging again adds nothing");
        }
    }
}

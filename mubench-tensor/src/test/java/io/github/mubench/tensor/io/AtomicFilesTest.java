package io.github.mubench.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteKeepsTheOldFileAndLeavesNothingBeside() throws IOException {
        Path f = dir.resolve("results.json");
        AtomicFiles.write(f, "old".getBytes());
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("results.json"), names());
    }

    @Test
    void leftoversOfAKilledWriteAreRemovedAndNothingElse() throws IOException {
        Files.writeString(dir.resolve(".model.safetensors123456.tmp"), "what a kill left");
        Files.writeString(dir.resolve("notes.tmp"), "the user's");
        Files.writeString(dir.resolve(".draft.tmp"), "the user's, hidden");
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.createDirectory(dir.resolve(".folder.tmp"));
        AtomicFiles.removeLeftovers(dir);
        assertEquals(List.of(".draft.tmp", ".folder.tmp", "config.json", "notes.tmp"), names());
    }

    private List<String> names() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

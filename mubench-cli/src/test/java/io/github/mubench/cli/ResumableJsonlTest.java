package io.github.mubench.cli;

import io.github.mubench.tensor.io.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a kill can leave at the end of an appended JSONL output, and what must never be taken for it. */
class ResumableJsonlTest {
    @TempDir
    Path dir;

    @Test
    void aTornLastRowIsCutOffAndEveryCompleteRowKept() throws Exception {
        Path f = dir.resolve("out.jsonl");
        byte[] complete = "{\"id\": 1}\n\n{\"id\": 2, \"text\": \"café\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] torn = "{\"id\": 3, \"text\": \"é".getBytes(StandardCharsets.UTF_8);
        // cut inside the two bytes of the last "é": a strict UTF-8 read of the whole file would fail
        byte[] file = concat(complete, Arrays.copyOf(torn, torn.length - 1));
        Files.write(f, file);
        var rows = ResumableJsonl.completeRows(f, "a test output");
        assertEquals(List.of(1, 2), rows.stream().map(r -> r.get("id").asInt()).toList());
        assertArrayEquals(complete, Files.readAllBytes(f), "the file now ends after the last complete row");
        assertEquals(2, ResumableJsonl.completeRows(f, "a test output").size(), "and reads the same again");
    }

    @Test
    void aCompleteLineThatIsNotAJsonObjectIsRefusedAndTheFileLeftAlone() throws Exception {
        for (String content : new String[]{"notes about something\n", "{\"id\": 1}\n[1, 2]\n{\"id\": 2}\n", "{\"id\": 1} {\"id\": 2}\n"}) {
            Path f = dir.resolve("other.txt");
            Files.writeString(f, content);
            FormatException e = assertThrows(FormatException.class, () -> ResumableJsonl.completeRows(f, "a test output"));
            assertTrue(e.getMessage().contains("other.txt") && e.getMessage().contains("line "), e.getMessage());
            assertEquals(content, Files.readString(f), "an unrelated file is never emptied or rewritten");
        }
    }

    @Test
    void aFileWithoutAFinalNewlineIsNeverTruncatedUnlessItsTailStartsARow() throws Exception {
        // found in review: the tail was cut before the complete lines were checked, emptying files like these
        for (String content : new String[]{"{\n  \"pretty\" : true\n}", "hello world", "{\"id\": 1}\nnot ours"}) {
            Path f = dir.resolve("other.json");
            Files.writeString(f, content);
            assertThrows(FormatException.class, () -> ResumableJsonl.completeRows(f, "a test output"));
            assertEquals(content, Files.readString(f), "left as it was");
        }
    }

    @Test
    void aWholeLastRowWithoutItsNewlineIsKeptAndTheNextRowGoesOnANewLine() throws Exception {
        Path f = dir.resolve("out.jsonl");
        Files.writeString(f, "{\"id\": 1}\n{\"id\": 2}"); // a compact JSON file such as config.json reads the same way
        assertEquals(2, ResumableJsonl.completeRows(f, "a test output").size());
        assertEquals("{\"id\": 1}\n{\"id\": 2}", Files.readString(f), "nothing cut");
        try (var w = ResumableJsonl.appender(f)) {
            w.write("{\"id\": 3}");
            w.newLine();
        }
        assertEquals(List.of(1, 2, 3), ResumableJsonl.completeRows(f, "a test output").stream().map(r -> r.get("id").asInt()).toList());
    }

    @Test
    void invalidUtf8InACompleteRowIsRefusedByName() throws Exception {
        Path f = dir.resolve("bytes.jsonl");
        Files.write(f, concat("{\"id\": \"".getBytes(StandardCharsets.UTF_8), new byte[]{(byte) 0xff, '"', '}', '\n'}));
        FormatException e = assertThrows(FormatException.class, () -> ResumableJsonl.completeRows(f, "a test output"));
        assertTrue(e.getMessage().contains("bytes.jsonl") && e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void noFileMeansNothingDoneAndAFolderIsRefused() throws Exception {
        assertEquals(List.of(), ResumableJsonl.completeRows(dir.resolve("absent.jsonl"), "a test output"));
        assertThrows(FormatException.class, () -> ResumableJsonl.completeRows(dir, "a test output"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

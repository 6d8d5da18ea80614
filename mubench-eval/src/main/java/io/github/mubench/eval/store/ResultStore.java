package io.github.mubench.eval.store;

import io.github.mubench.tensor.io.FormatException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an evaluation computes, in an embedded SQLite database (WAL, one transaction per batch), keyed by a
 * content hash of all that determines it ({@link Keys}): model answers, attacked prompts, decoded answers, judges'
 * verdicts. A killed run loses at most the batch in flight; a re-run finds the rest and
 * computes only what is missing. Values are JSON.
 */
public final class ResultStore implements AutoCloseable {
    private final Path file;
    private final Connection db;

    private ResultStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (creating) the store in {@code file}. */
    public static ResultStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL"); // WAL + NORMAL: a committed batch survives a process kill
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL)");
            }
            db.setAutoCommit(false);
            return new ResultStore(file, db);
        } catch (SQLException e) {
            throw new FormatException(file, null, "cannot be opened as a results store: " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** The stored values of those {@code keys} that are present. */
    public synchronized Map<String, String> get(Collection<String> keys) {
        Map<String, String> out = new HashMap<>();
        List<String> all = new ArrayList<>(keys);
        try {
            for (int from = 0; from < all.size(); from += 500) {
                List<String> part = all.subList(from, Math.min(all.size(), from + 500));
                String marks = String.join(",", java.util.Collections.nCopies(part.size(), "?"));
                try (PreparedStatement q = db.prepareStatement("SELECT key, value FROM results WHERE key IN (" + marks + ")")) {
                    for (int i = 0; i < part.size(); i++) {
                        q.setString(i + 1, part.get(i));
                    }
                    try (ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            out.put(r.getString(1), r.getString(2));
                        }
                    }
                }
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The stored value of {@code key}, or {@code null}. */
    public String get(String key) {
        return get(List.of(key)).get(key);
    }

    /** Stores {@code values} (key → JSON) of one kind in one transaction; existing keys keep their values. */
    public synchronized void put(String kind, Map<String, String> values) {
        try (PreparedStatement p = db.prepareStatement("INSERT OR IGNORE INTO results (key, kind, value) VALUES (?, ?, ?)")) {
            for (var e : values.entrySet()) {
                p.setString(1, e.getKey());
                p.setString(2, kind);
                p.setString(3, e.getValue());
                p.addBatch();
            }
            p.executeBatch();
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    /**
     * Copies every value of the store in {@code other} whose key this one lacks (how the stores that cluster tasks
     * filled on their own disks come together).
     *
     * @return how many values were new here
     */
    public synchronized int mergeFrom(Path other) {
        // read-only and immutable: nothing (no -wal or -shm file) is created beside the file merged
        try (Connection source = DriverManager.getConnection("jdbc:sqlite:file:" + other.toAbsolutePath() + "?immutable=1");
             Statement s = source.createStatement();
             ResultSet r = s.executeQuery("SELECT key, kind, value FROM results");
             PreparedStatement p = db.prepareStatement("INSERT OR IGNORE INTO results (key, kind, value) VALUES (?, ?, ?)")) {
            int added = 0, pending = 0;
            while (r.next()) {
                p.setString(1, r.getString(1));
                p.setString(2, r.getString(2));
                p.setString(3, r.getString(3));
                p.addBatch();
                if (++pending == 1000) {
                    added += inserted(p.executeBatch());
                    pending = 0;
                }
            }
            added += inserted(p.executeBatch());
            db.commit();
            return added;
        } catch (SQLException e) {
            rollback();
            throw new IllegalStateException("results store " + file + ": cannot merge " + other + ": " + e.getMessage(), e);
        }
    }

    private static int inserted(int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += Math.max(c, 0);
        }
        return n;
    }

    /** Stored values by kind (for reports and tests). */
    public synchronized Map<String, Integer> counts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT kind, COUNT(*) FROM results GROUP BY kind ORDER BY kind")) {
            while (r.next()) {
                out.put(r.getString(1), r.getInt(2));
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the original failure is what the caller needs to see
        }
    }

    private RuntimeException failure(SQLException e) {
        return new IllegalStateException("results store " + file + ": " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure(e);
        }
    }
}

package io.github.mubench.tensor.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files read from a model folder must be in it: a symbolic link out of the folder is refused, never followed. The one
 * exception is the Hugging Face cache's own layout, where a snapshot folder ({@code models--ORG--NAME/snapshots/REV})
 * holds links into its repository's {@code blobs} folder.
 */
public final class FolderFiles {
    private FolderFiles() {
    }

    /**
     * {@code folder.resolve(name)}, checked: when it exists, its real path (links resolved) lies inside the folder's.
     *
     * @throws FormatException naming the file when it links out of the folder
     */
    public static Path inside(Path folder, String name) {
        Path file = folder.resolve(name);
        if (!Files.exists(file)) {
            return file;
        }
        try {
            Path real = file.toRealPath(), base = folder.toRealPath();
            if (!real.startsWith(base) && !inHfCacheBlobs(folder.toAbsolutePath().normalize(), real)) {
                // the target is not named: its contents or even its name may be what the link is after
                throw new FormatException(file, "path", "is a link out of the model folder; expected a file inside it");
            }
        } catch (IOException e) {
            throw FormatException.unreadable(file, e);
        }
        return file;
    }

    private static boolean inHfCacheBlobs(Path folder, Path real) throws IOException {
        Path snapshots = folder.getParent(), repo = snapshots == null ? null : snapshots.getParent();
        if (repo == null || !snapshots.getFileName().toString().equals("snapshots") || !repo.getFileName().toString().startsWith("models--")) {
            return false;
        }
        Path blobs = repo.resolve("blobs");
        return Files.isDirectory(blobs) && real.startsWith(blobs.toRealPath());
    }
}

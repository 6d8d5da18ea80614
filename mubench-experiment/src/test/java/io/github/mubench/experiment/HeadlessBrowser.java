package io.github.mubench.experiment;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A page opened in a real headless Chromium (Debian's {@code chromium}; {@code .ci/run} installs it): the DOM after
 * its scripts ran, the console messages (errors included) and a screenshot.
 */
final class HeadlessBrowser {
    /** What the browser saw. */
    record Page(String dom, List<String> console, BufferedImage screenshot) {
    }

    private HeadlessBrowser() {
    }

    /** Chromium on the PATH (or {@code $CHROMIUM}), if there is one. */
    static Optional<Path> find() {
        List<String> names = new ArrayList<>();
        if (System.getenv("CHROMIUM") != null) {
            names.add(System.getenv("CHROMIUM"));
        }
        names.addAll(List.of("chromium", "chromium-browser", "google-chrome"));
        for (String name : names) {
            if (name.contains("/") && Files.isExecutable(Path.of(name))) {
                return Optional.of(Path.of(name));
            }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Opens {@code html}, once for the DOM and the console and once for a 1280×2400 screenshot. */
    static Page open(Path chromium, Path html, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path dom = work.resolve("dom.html"), log = work.resolve("console.txt"), shot = work.resolve("screenshot.png");
        run(chromium, work, List.of("--enable-logging=stderr", "--v=0", "--dump-dom"), html, dom, log);
        run(chromium, work, List.of("--hide-scrollbars", "--window-size=1280,2400", "--screenshot=" + shot), html, work.resolve("out.txt"),
                work.resolve("shot.txt"));
        List<String> console = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(":CONSOLE")).toList();
        return new Page(Files.readString(dom, StandardCharsets.UTF_8), console, ImageIO.read(shot.toFile()));
    }

    private static void run(Path chromium, Path work, List<String> flags, Path html, Path stdout, Path stderr)
            throws IOException, InterruptedException {
        // no network: the page is a local file, and a sandboxed machine refuses Chromium's own background connections
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + work.resolve("profile")));
        cmd.addAll(flags);
        cmd.add(html.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish in 120 s: " + cmd);
        }
    }

    /** The share of pixels that are not (near) white, and the number of distinct colours. */
    static double[] ink(BufferedImage image) {
        long dark = 0;
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                int r = rgb >> 16, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
                if (r < 230 || g < 230 || b < 230) {
                    dark++;
                }
            }
        }
        return new double[]{dark / (double) (image.getWidth() * image.getHeight()), colours.size()};
    }
}

package dev.lambdo.devkit.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium, run the way this machine allows (no sandbox as root, no background
 * networking): renders a page with its JavaScript and gives back the text a person would read, or
 * a screenshot.
 */
final class Chromium {
  private static final Pattern TAGS = Pattern.compile("<[^>]+>");
  private static final Pattern SCRIPTS = Pattern.compile("(?s)<(script|style)\\b.*?</\\1>");

  private final Path binary;
  private final Path profile;

  Chromium(Path profile) {
    this.binary = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser")).stream()
        .filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IllegalStateException("Chromium is not installed: apt-get install chromium"));
    this.profile = profile;
  }

  /** The page's visible text after its scripts ran for up to {@code budgetMs} of virtual time. */
  String text(String url, int budgetMs) throws IOException, InterruptedException {
    String dom = run(List.of("--virtual-time-budget=" + budgetMs, "--dump-dom", url));
    String text = TAGS.matcher(SCRIPTS.matcher(dom).replaceAll(" ")).replaceAll(" ");
    return text.replace("&gt;", ">").replace("&lt;", "<").replace("&quot;", "\"").replace("&amp;", "&")
        .replaceAll("\\s+", " ");
  }

  void screenshot(String url, Path file, int budgetMs) throws IOException, InterruptedException {
    Files.createDirectories(file.getParent());
    run(List.of("--virtual-time-budget=" + budgetMs, "--window-size=1600,2400", "--screenshot=" + file, url));
    if (!Files.isRegularFile(file)) {
      throw new IOException("Chromium wrote no screenshot to " + file);
    }
  }

  private String run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-quic", "--no-first-run", "--disable-sync", "--user-data-dir=" + profile));
    command.addAll(args);
    Path out = Files.createTempFile("chromium", ".out");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("Chromium did not finish with " + args);
    }
    String result = Files.readString(out);
    Files.delete(out);
    return result;
  }
}

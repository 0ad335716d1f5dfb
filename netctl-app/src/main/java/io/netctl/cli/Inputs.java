package io.netctl.cli;

import io.netctl.anp.yaml.YamlLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads {@code -f} arguments: files, directories (recursively, {@code *.yaml}, {@code *.yml}, {@code *.json}) or {@code -}. */
final class Inputs {
  private Inputs() {}

  static List<YamlLoader.Source> read(List<String> paths, InputStream stdin) throws IOException {
    List<YamlLoader.Source> out = new ArrayList<>();
    for (String p : paths) {
      if (p.equals("-")) {
        out.add(new YamlLoader.Source("<stdin>", new String(stdin.readAllBytes(), StandardCharsets.UTF_8)));
        continue;
      }
      Path path = Path.of(p);
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(path)) {
          files = s.filter(Files::isRegularFile).filter(Inputs::isManifest).sorted().toList();
        }
        for (Path f : files) {
          out.add(source(f));
        }
      } else if (Files.isRegularFile(path)) {
        out.add(source(path));
      } else {
        throw new IOException(p + ": no such file or directory");
      }
    }
    return out;
  }

  private static boolean isManifest(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  private static YamlLoader.Source source(Path p) {
    try {
      return new YamlLoader.Source(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

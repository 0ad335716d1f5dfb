package io.netctl.controller;

import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.diag.Code;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.yaml.YamlLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A directory of YAML files standing in for the API server. At start and after every burst of file changes the
 * directory is read again and compared object by object with the previous read; the differences become add, update
 * and delete events. A burst ends when no file event arrives for the debounce period (an editor's save is several
 * events), so one save is one rescan.
 *
 * <p>A file with a YAML syntax error keeps its previous objects (a half-written save does not delete a policy); the
 * error is logged. The {@code status/} subdirectory (where {@link FileStatusSink} writes) and hidden files are not
 * read.
 */
public final class WatchDirSource implements ClusterSource {
  public static final String STATUS_DIR = "status";

  private final Path dir;
  private final long debounceMillis;
  private final Consumer<String> log;
  private final Map<Path, Map<ObjectRef, SourceEvent>> byFile = new HashMap<>();
  private final Map<Path, String> texts = new HashMap<>();
  private Map<ObjectRef, SourceEvent> last = new LinkedHashMap<>();
  private WatchService watch;
  private Thread thread;
  private Sink sink;
  private volatile boolean closed;

  public WatchDirSource(Path dir, long debounceMillis, Consumer<String> log) {
    this.dir = dir.toAbsolutePath().normalize();
    this.debounceMillis = debounceMillis;
    this.log = log == null ? s -> {} : log;
  }

  @Override
  public void start(Sink s) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": not a directory");
    }
    this.sink = s;
    watch = FileSystems.getDefault().newWatchService();
    register();
    rescan();
    s.synced();
    thread = new Thread(this::loop, "netctl-watch-dir");
    thread.setDaemon(true);
    thread.start();
  }

  private void register() throws IOException {
    try (Stream<Path> st = Files.walk(dir)) {
      for (Path d : st.filter(Files::isDirectory).filter(this::readable).toList()) {
        d.register(
            watch,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      }
    }
  }

  private boolean readable(Path p) {
    Path rel = dir.relativize(p);
    for (Path part : rel) {
      String n = part.toString();
      if (n.startsWith(".") || (rel.getNameCount() > 0 && rel.getName(0).toString().equals(STATUS_DIR))) {
        return false;
      }
    }
    return true;
  }

  private void loop() {
    while (!closed) {
      try {
        WatchKey k = watch.take();
        boolean relevant = drainKey(k);
        // debounce: keep collecting until the directory is quiet for debounceMillis
        WatchKey more;
        while ((more = watch.poll(debounceMillis, TimeUnit.MILLISECONDS)) != null) {
          relevant |= drainKey(more);
        }
        if (relevant) {
          register(); // new subdirectories
          rescan();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.accept("watch-dir: " + e.getMessage());
      }
    }
  }

  private boolean drainKey(WatchKey k) {
    boolean relevant = false;
    Path base = (Path) k.watchable();
    for (var ev : k.pollEvents()) {
      Object ctx = ev.context();
      if (ev.kind() == StandardWatchEventKinds.OVERFLOW || !(ctx instanceof Path p)) {
        relevant = true;
      } else if (readable(base.resolve(p))) {
        relevant = true;
      }
    }
    k.reset();
    return relevant;
  }

  /** Reads the directory again and delivers the differences. Runs on the watch thread (and once at start). */
  synchronized void rescan() throws IOException {
    List<Path> files;
    try (Stream<Path> st = Files.walk(dir)) {
      files = st.filter(Files::isRegularFile).filter(this::readable).filter(WatchDirSource::isManifest).sorted().toList();
    }
    Set<Path> seen = new HashSet<>(files);
    byFile.keySet().retainAll(seen);
    texts.keySet().retainAll(seen);
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        continue; // deleted between the walk and the read
      }
      if (text.equals(texts.get(f))) {
        continue;
      }
      texts.put(f, text);
      String name = dir.getParent() == null ? f.toString() : dir.getParent().relativize(f).toString();
      YamlLoader.LoadResult r = YamlLoader.load(name, text);
      boolean syntax = r.diagnostics().stream().anyMatch(d -> d.code() == Code.YAML_SYNTAX);
      for (Diagnostic d : r.diagnostics()) {
        if (d.object() == null || d.code() == Code.UNKNOWN_FIELD) {
          log.accept(d.format());
        }
      }
      if (syntax && byFile.containsKey(f)) {
        continue; // keep what the file held before
      }
      byFile.put(f, Translator.events(r));
    }
    Map<ObjectRef, SourceEvent> now = new LinkedHashMap<>();
    for (Path f : files) {
      Map<ObjectRef, SourceEvent> m = byFile.get(f);
      if (m != null) {
        now.putAll(m); // the same object in two files: the later file wins
      }
    }
    for (Map.Entry<ObjectRef, SourceEvent> e : now.entrySet()) {
      SourceEvent before = last.get(e.getKey());
      if (!e.getValue().equals(before)) {
        if (e.getValue() instanceof SourceEvent.Invalid i) {
          for (Diagnostic d : i.diagnostics()) {
            log.accept(d.format());
          }
        }
        sink.event(e.getValue(), before == null ? "add" : "update");
      }
    }
    for (ObjectRef ref : last.keySet()) {
      if (!now.containsKey(ref)) {
        sink.event(new SourceEvent.Deleted(ref), "delete");
      }
    }
    last = now;
  }

  private static boolean isManifest(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (watch != null) {
        watch.close();
      }
    } catch (IOException e) {
      // closing
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}

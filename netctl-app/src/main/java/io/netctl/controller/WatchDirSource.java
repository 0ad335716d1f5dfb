package io.netctl.controller;

import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.diag.Code;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.egress.EgressNode;
import io.netctl.egress.EgressYaml;
import io.netctl.egress.api.EgressGateway;
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
import java.util.TreeMap;
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
 * error is logged. With egress enabled, EgressGateways and Nodes (with readiness) are read by {@link EgressYaml} and
 * compared the same way; an EgressGateway that cannot be read is reported as such and keeps its last readable version.
 * The {@code status/} subdirectory (where {@link FileStatusSink} writes) and hidden files are not
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
  private final boolean egress;
  private final Map<Path, EgressYaml.Result> egressByFile = new HashMap<>();
  private Map<String, EgressGateway> lastGateways = new TreeMap<>();
  private Map<String, String> lastUnreadable = new TreeMap<>();
  private Map<String, EgressNode> lastNodes = new TreeMap<>();
  private WatchService watch;
  private Thread thread;
  private Sink sink;
  private volatile boolean closed;

  public WatchDirSource(Path dir, long debounceMillis, Consumer<String> log) {
    this(dir, debounceMillis, false, log);
  }

  /**
   * @param egress also read EgressGateways and Nodes' readiness ({@link EgressYaml}) and deliver them to the sink's
   *     egress methods
   */
  public WatchDirSource(Path dir, long debounceMillis, boolean egress, Consumer<String> log) {
    this.dir = dir.toAbsolutePath().normalize();
    this.debounceMillis = debounceMillis;
    this.egress = egress;
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
    egressByFile.keySet().retainAll(seen);
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
        boolean egressKind = egress && d.code() == Code.UNSUPPORTED_KIND
            && d.message().contains(" " + EgressGateway.KIND + " ");
        if ((d.object() == null || d.code() == Code.UNKNOWN_FIELD) && !egressKind) {
          log.accept(d.format());
        }
      }
      if (syntax && byFile.containsKey(f)) {
        continue; // keep what the file held before
      }
      byFile.put(f, Translator.events(r));
      if (egress) {
        EgressYaml.Result y = EgressYaml.read(name, text);
        if (!syntax) {
          y.errors().forEach(e -> log.accept("error: " + e));
        }
        egressByFile.put(f, y);
      }
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
    if (egress) {
      deliverEgress(files);
    }
  }

  /** The EgressGateway and Node differences since the last scan. */
  private void deliverEgress(List<Path> files) {
    Map<String, EgressGateway> gws = new TreeMap<>();
    Map<String, String> unreadable = new TreeMap<>();
    Map<String, EgressNode> nodes = new TreeMap<>();
    for (Path f : files) {
      EgressYaml.Result y = egressByFile.get(f);
      if (y == null) {
        continue;
      }
      for (EgressGateway g : y.gateways()) {
        gws.put(g.key(), g);
        unreadable.remove(g.key());
      }
      y.unreadable().forEach((k, v) -> {
        unreadable.put(k, v);
        gws.remove(k);
      });
      y.nodes().forEach(n -> nodes.put(n.name(), n));
    }
    gws.forEach((k, g) -> {
      EgressGateway before = lastGateways.get(k);
      if (!g.equals(before)) {
        sink.egressGateway(g, before == null && !lastUnreadable.containsKey(k) ? "add" : "update");
      }
    });
    unreadable.forEach((k, v) -> {
      if (!v.equals(lastUnreadable.get(k))) {
        String[] nsName = k.split("/", 2);
        sink.egressGatewayUnreadable(nsName[0], nsName[1], v);
      }
    });
    for (String k : union(lastGateways.keySet(), lastUnreadable.keySet())) {
      if (!gws.containsKey(k) && !unreadable.containsKey(k)) {
        String[] nsName = k.split("/", 2);
        sink.egressGatewayDeleted(nsName[0], nsName[1]);
      }
    }
    nodes.forEach((k, n) -> {
      EgressNode before = lastNodes.get(k);
      if (!n.equals(before)) {
        sink.egressNode(n, before == null ? "add" : "update");
      }
    });
    for (String k : lastNodes.keySet()) {
      if (!nodes.containsKey(k)) {
        sink.egressNodeDeleted(k);
      }
    }
    lastGateways = gws;
    lastUnreadable = unreadable;
    lastNodes = nodes;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> s = new java.util.TreeSet<>(a);
    s.addAll(b);
    return s;
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

package io.netctl.cli.bfd;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code netctl bfd run} in a network namespace (the shaded jar that {@code mvn package} built), read line by line. */
final class NetctlProcess implements AutoCloseable {
  static final Path JAR = Path.of("target", "netctl.jar");
  private static final Pattern LINE =
      Pattern.compile(
          "\\{\"ts\":\"([^\"]+)\",\"local\":\"([^\"]+)\",\"peer\":\"([^\"]+)\",\"from\":\"(\\w+)\",\"to\":\"(\\w+)\","
              + "\"diag\":\"([^\"]*)\",\"localDisc\":(\\d+),\"remoteDisc\":(\\d+)\\}");

  /** One JSON line of stdout. */
  record Event(Instant ts, String local, String peer, String from, String to, String diag, long localDisc,
      long remoteDisc, long receivedNanos) {}

  private final Process process;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<String> badLines = new CopyOnWriteArrayList<>();
  private final StringBuffer stderr = new StringBuffer();
  final long startedNanos = System.nanoTime();

  private NetctlProcess(Process process) {
    this.process = process;
    Thread out = new Thread(() -> read(true), "netctl-stdout");
    Thread err = new Thread(() -> read(false), "netctl-stderr");
    out.setDaemon(true);
    err.setDaemon(true);
    out.start();
    err.start();
  }

  static NetctlProcess start(Netns netns, String ns, String... args) {
    if (!Files.isRegularFile(JAR)) {
      throw new AssertionError(JAR.toAbsolutePath() + " is missing: run 'mvn verify' (package builds it)");
    }
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-Xmx128m",
        "-jar", JAR.toString(), "bfd", "run"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
      netns.own(p.pid());
      return new NetctlProcess(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void read(boolean stdout) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        stdout ? process.getInputStream() : process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!stdout) {
          stderr.append(line).append('\n');
          continue;
        }
        Matcher m = LINE.matcher(line);
        if (m.matches()) {
          events.add(new Event(Instant.parse(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5),
              m.group(6), Long.parseLong(m.group(7)), Long.parseLong(m.group(8)), System.nanoTime()));
        } else {
          badLines.add(line);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  List<Event> events() {
    return events;
  }

  List<String> badLines() {
    return badLines;
  }

  String stderr() {
    return stderr.toString();
  }

  long pid() {
    return process.pid();
  }

  Event last() {
    return events.isEmpty() ? null : events.get(events.size() - 1);
  }

  String lastState() {
    Event e = last();
    return e == null ? "Down" : e.to();
  }

  /** Waits until the latest state is {@code state}; returns that event. */
  Event awaitState(String state, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(5))
        .failFast("netctl exited: " + stderr, () -> !process.isAlive())
        .until(() -> state.equals(lastState()));
    return last();
  }

  /** Waits until the "running" line, i.e. the sessions are started. */
  void awaitRunning(Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(5))
        .failFast("netctl exited: " + stderr, () -> !process.isAlive())
        .until(() -> stderr.indexOf("netctl bfd: running") >= 0);
  }

  void signal(String name) {
    Sh.sendSignal(process.pid(), name);
  }

  /** SIGTERM, then waits for the exit; returns the exit status. */
  int terminate() throws InterruptedException {
    signal("TERM");
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("netctl did not exit within 10 s of SIGTERM");
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}

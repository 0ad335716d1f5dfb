package io.netctl.cli.bfd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** FRR's bfdd (Debian's frr 8.4) run by hand in a namespace, without zebra or systemd. */
final class FrrBfdd implements AutoCloseable {
  static final String BFDD = "/usr/lib/frr/bfdd";
  private final Netns netns;
  private final String ns;
  private final Path dir;
  private long pid = -1;

  FrrBfdd(Netns netns, String ns, String config) throws IOException {
    Sh.require(BFDD, "frr");
    Sh.require("/usr/bin/vtysh", "frr");
    this.netns = netns;
    this.ns = ns;
    this.dir = Files.createTempDirectory("nbfd-frr");
    Files.writeString(dir.resolve("bfdd.conf"), config);
    Sh.check("chown", "-R", "frr:frr", dir.toString());
  }

  /** A peer block for bfdd.conf. */
  static String peer(String peer, String local, boolean multihop, int intervalMs, int mult) {
    return "bfd\n peer " + peer + (multihop ? " multihop" : "") + " local-address " + local + "\n"
        + "  receive-interval " + intervalMs + "\n  transmit-interval " + intervalMs + "\n"
        + "  detect-multiplier " + mult + "\n" + (multihop ? "  minimum-ttl 254\n" : "") + " !\n!\n";
  }

  void start() throws IOException {
    Files.deleteIfExists(dir.resolve("bfdd.pid"));
    netns.exec(ns, BFDD, "-d", "-f", dir.resolve("bfdd.conf").toString(), "-i", dir.resolve("bfdd.pid").toString(),
        "--vty_socket", dir.toString(), "--bfdctl", dir.resolve("bfdd.sock").toString(),
        "-z", dir.resolve("zserv.api").toString(), "-P", "0");
    for (int i = 0; i < 200 && !Files.exists(dir.resolve("bfdd.pid")); i++) {
      try {
        Thread.sleep(10); // only to wait for a daemon's pid file, never for protocol timing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    pid = Long.parseLong(Files.readString(dir.resolve("bfdd.pid")).trim());
    netns.own(pid);
  }

  long pid() {
    return pid;
  }

  void signal(String name) {
    Sh.sendSignal(pid, name);
  }

  /** Runs vtysh commands against this bfdd. */
  String vtysh(String... commands) {
    String[] cmd = new String[4 + 2 * commands.length];
    cmd[0] = "vtysh";
    cmd[1] = "--vty_socket";
    cmd[2] = dir.toString();
    cmd[3] = "-d";
    String[] full = new String[cmd.length + 1];
    System.arraycopy(cmd, 0, full, 0, 4);
    full[4] = "bfdd";
    for (int i = 0; i < commands.length; i++) {
      full[5 + 2 * i] = "-c";
      full[6 + 2 * i] = commands[i];
    }
    return Sh.check(full);
  }

  String peers() {
    return vtysh("show bfd peers");
  }

  @Override
  public void close() throws IOException {
    if (pid > 0) {
      signal("CONT");
      signal("KILL");
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

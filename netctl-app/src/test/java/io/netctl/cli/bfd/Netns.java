package io.netctl.cli.bfd;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces and veth pairs for one test, with unique names; {@link #close()} kills what it started (by PID)
 * and deletes every namespace, which deletes the veths in them. Addresses come from the documentation ranges
 * (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32), only ever inside these namespaces.
 */
final class Netns implements AutoCloseable {
  private final String prefix;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Long> pids = new ArrayList<>();

  Netns() {
    Sh.require("/usr/sbin/ip", "iproute2");
    this.prefix = "nbfd" + Integer.toHexString(new SecureRandom().nextInt(0x10000) | 0x10000).substring(1);
  }

  /** Creates namespace {@code prefix-name} with loopback up; returns its full name. */
  String add(String name) {
    String ns = prefix + "-" + name;
    Sh.check("ip", "netns", "add", ns);
    namespaces.add(ns);
    Sh.check("ip", "-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /** A veth pair between two namespaces, both ends up. */
  void veth(String nsA, String devA, String nsB, String devB) {
    Sh.check("ip", "link", "add", devA, "netns", nsA, "type", "veth", "peer", "name", devB, "netns", nsB);
    Sh.check("ip", "-n", nsA, "link", "set", devA, "up");
    Sh.check("ip", "-n", nsB, "link", "set", devB, "up");
  }

  /** Adds an address (IPv6 without duplicate address detection, so it is usable at once). */
  void addr(String ns, String dev, String cidr) {
    if (cidr.contains(":")) {
      Sh.check("ip", "-n", ns, "-6", "addr", "add", cidr, "dev", dev, "nodad");
    } else {
      Sh.check("ip", "-n", ns, "addr", "add", cidr, "dev", dev);
    }
  }

  void route(String ns, String prefix, String via) {
    Sh.check("ip", "-n", ns, prefix.contains(":") ? "-6" : "-4", "route", "add", prefix, "via", via);
  }

  void forwarding(String ns) {
    Sh.check("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    Sh.check("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
  }

  void link(String ns, String dev, boolean up) {
    Sh.check("ip", "-n", ns, "link", "set", dev, up ? "up" : "down");
  }

  /** Drops BFD control packets arriving in {@code ns} (nftables, a table of our own). */
  void dropBfd(String ns, boolean drop) {
    Sh.require("/usr/sbin/nft", "nftables");
    if (drop) {
      Sh.check(
          "ip", "netns", "exec", ns, "nft",
          "add table inet nbfd_test; add chain inet nbfd_test in { type filter hook input priority 0; };"
              + " add rule inet nbfd_test in udp dport { 3784, 4784 } drop");
    } else {
      Sh.check("ip", "netns", "exec", ns, "nft", "delete table inet nbfd_test");
    }
  }

  /** Remembers a PID to kill on close. */
  void own(long pid) {
    pids.add(pid);
  }

  /** The output of a command run inside {@code ns}. */
  String exec(String ns, String... cmd) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(cmd));
    return Sh.check(full.toArray(String[]::new));
  }

  /** Fetches Prometheus metrics from a port inside {@code ns} (bash's /dev/tcp: no curl needed). */
  String metrics(String ns, int port) {
    return exec(
        ns,
        "bash",
        "-c",
        "exec 3<>/dev/tcp/127.0.0.1/" + port + "; printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3");
  }

  @Override
  public void close() {
    for (long pid : pids) {
      Sh.sendSignal(pid, "CONT");
      Sh.sendSignal(pid, "KILL");
    }
    for (String ns : namespaces) {
      Sh.run("ip", "netns", "del", ns);
    }
  }
}

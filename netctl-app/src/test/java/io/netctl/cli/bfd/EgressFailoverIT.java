package io.netctl.cli.bfd;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Egress failover end to end, in network namespaces: {@code netctl egress run} and an OVN sandbox in namespace "us"
 * (the sandbox is started inside it, so netctl reaches the NB on its own loopback; the test reads the NB through
 * the sandbox's unix socket, an independent client), three gateway namespaces on a bridge in "us": gw1 and gw2 run
 * FRR's bfdd, gw3 runs netctl's own BFD speaker ({@code netctl bfd run}) as the responder. BFD at 50 ms x 3.
 *
 * <p>Faults: kill -9 of gw1's bfdd, gw2's link down, gw3's BFD packets dropped by nftables. Each time the nexthop
 * must leave the NB's reroute policy, and come back after the hold-down (300 ms) once the fault is repaired; with all
 * three down the reroute policy has no nexthop and the drop policy takes the traffic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EgressFailoverIT {
  static final String US = "192.0.2.1";
  static final String[] GW = {"192.0.2.11", "192.0.2.12", "192.0.2.13"};
  static final long HOLD_DOWN_MS = 300;
  /** Detection is 150 ms; the rest is polling the NB through ovn-nbctl on a busy 2-core machine. */
  static final Duration WITHDRAW = Duration.ofSeconds(3);
  static final Duration RESTORE = Duration.ofSeconds(15);
  static final Pattern BFD_LINE = Pattern.compile(
      "\\{\"ts\":\"([^\"]+)\",\"event\":\"bfd\",\"peer\":\"([^\"]+)\",\"from\":\"(\\w+)\",\"to\":\"(\\w+)\".*");
  static final Pattern COMMIT_LINE = Pattern.compile(
      "\\{\"ts\":\"([^\"]+)\",\"event\":\"commit\",\"path\":\"(\\w+)\",.*");

  private Netns netns;
  private String nsUs;
  private final String[] nsGw = new String[3];
  private final FrrBfdd[] frr = new FrrBfdd[2];
  private NetctlProcess responder;
  private Process egress;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final StringBuffer stderr = new StringBuffer();
  private Path sandboxDir;
  private Path script;
  private Path inputs;

  @BeforeAll
  void setUp() throws Exception {
    script = findScript();
    netns = new Netns();
    nsUs = netns.add("us");
    Sh.check("ip", "-n", nsUs, "link", "add", "br0", "type", "bridge");
    Sh.check("ip", "-n", nsUs, "link", "set", "br0", "up");
    netns.addr(nsUs, "br0", US + "/24");
    for (int i = 0; i < 3; i++) {
      nsGw[i] = netns.add("gw" + (i + 1));
      netns.veth(nsUs, "e" + (i + 1), nsGw[i], "eth0");
      Sh.check("ip", "-n", nsUs, "link", "set", "e" + (i + 1), "master", "br0");
      netns.addr(nsGw[i], "eth0", GW[i] + "/24");
    }
    for (int i = 0; i < 2; i++) {
      frr[i] = new FrrBfdd(netns, nsGw[i], FrrBfdd.peer(US, GW[i], false, 50, 3));
      frr[i].start();
    }
    responder = NetctlProcess.start(netns, nsGw[2], "--local", GW[2], "--peer", US, "--tx", "50", "--rx", "50",
        "--mult", "3");

    // the OVN sandbox inside "us": nsenter changes only the network namespace (the chroot's bind mount stays visible)
    sandboxDir = Files.createTempDirectory("negw-ovn");
    Sh.Result r = Sh.run("nsenter", "--net=/run/netns/" + nsUs, script.toString(), "start", "--dir",
        sandboxDir.toString(), "--nb-port", "auto", "--sb-port", "auto");
    assertThat(r.exit()).as(io.netctl.ovn.sandbox.OvnSandbox.INSTALL_HINT + "\n" + r.out()).isZero();
    Matcher m = Pattern.compile("OVN_NB_DB='(tcp:[^']+)'").matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    String nbRemote = m.group(1);
    nbctl("lr-add", "r1");

    inputs = Files.createTempFile("negw", ".yaml");
    StringBuilder y = new StringBuilder("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: prod}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: prod, labels: {app: web}}
        spec: {nodeName: n1}
        status: {podIP: 10.0.1.5, podIPs: [{ip: 10.0.1.5}]}
        ---
        apiVersion: netctl.io/v1alpha1
        kind: EgressGateway
        metadata: {name: egw, namespace: prod}
        spec:
          router: r1
          selectors: [{podSelector: {matchLabels: {app: web}}}]
          bfd: {enabled: true, minRX: 50, minTX: 50, multiplier: 3}
          holdDownMillis: %d
          failMode: Drop
          instances:
        """.formatted(HOLD_DOWN_MS));
    for (int i = 0; i < 3; i++) {
      y.append("  - {name: gw").append(i + 1).append(", node: n").append(i + 1).append(", ip: ").append(GW[i])
          .append("}\n");
    }
    Files.writeString(inputs, y.toString());
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsUs,
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-Xmx192m",
        "-jar", NetctlProcess.JAR.toString(), "egress", "run", "--nb", nbRemote, "-f", inputs.toString(),
        "--bfd-local", US, "--cluster-cidr", "10.0.0.0/16", "--rt-priority", "10"));
    egress = new ProcessBuilder(cmd).start();
    egress.getOutputStream().close();
    netns.own(egress.pid());
    reader(true);
    reader(false);
  }

  private void reader(boolean out) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          out ? egress.getInputStream() : egress.getErrorStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          if (out) {
            lines.add(l);
          } else {
            stderr.append(l).append('\n');
          }
        }
      } catch (IOException e) {
        // ended
      }
    }, "egress-" + (out ? "out" : "err"));
    t.setDaemon(true);
    t.start();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (egress != null) {
      egress.destroyForcibly();
    }
    if (responder != null) {
      responder.close();
    }
    for (FrrBfdd f : frr) {
      if (f != null) {
        f.close();
      }
    }
    if (sandboxDir != null) {
      Sh.run(script.toString(), "stop", "--dir", sandboxDir.toString());
    }
    if (netns != null) {
      netns.close();
    }
    if (inputs != null) {
      Files.deleteIfExists(inputs);
    }
  }

  static Path findScript() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("scripts/ovn-sandbox"))) {
      p = p.getParent();
    }
    assertThat(p).as("scripts/ovn-sandbox not found above the working directory").isNotNull();
    return p.resolve("scripts/ovn-sandbox");
  }

  /** ovn-nbctl through the sandbox's unix socket (from the root namespace: an independent client). */
  private String nbctl(String... args) {
    List<String> c = new ArrayList<>(List.of(script.toString(), "run", "--dir", sandboxDir.toString(), "--",
        "ovn-nbctl", "--timeout=10"));
    c.addAll(Arrays.asList(args));
    return Sh.check(c.toArray(String[]::new));
  }

  private Set<String> nexthops() {
    String s = nbctl("--bare", "--columns=nexthops", "find", "Logical_Router_Policy", "priority=29100").strip();
    return s.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(s.split("\\s+")));
  }

  private boolean dropPolicy() {
    return nbctl("--bare", "--columns=action", "find", "Logical_Router_Policy", "priority=29090").strip()
        .equals("drop");
  }

  private void awaitNexthops(Set<String> want, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(20))
        .failFast("netctl egress exited: " + stderr, () -> !egress.isAlive())
        .until(() -> nexthops().equals(want));
  }

  /** The ts of the last JSON line about peer {@code ip} going to {@code state}, and of the first commit after it. */
  private long[] upAndCommit(String ip) {
    Instant up = null;
    Instant commit = null;
    for (String l : lines) {
      Matcher b = BFD_LINE.matcher(l);
      if (b.matches() && b.group(2).equals(ip) && b.group(4).equals("Up")) {
        up = Instant.parse(b.group(1));
        commit = null;
      }
      Matcher c = COMMIT_LINE.matcher(l);
      if (c.matches() && up != null && commit == null) {
        commit = Instant.parse(c.group(1));
      }
    }
    assertThat(up).as("no Up line for " + ip + " in " + lines).isNotNull();
    assertThat(commit).as("no commit after the Up of " + ip + " in " + lines).isNotNull();
    return new long[] {up.toEpochMilli() * 1000 + up.getNano() / 1000 % 1000,
        commit.toEpochMilli() * 1000 + commit.getNano() / 1000 % 1000};
  }

  private void assertRestoredAfterHoldDown(String ip) {
    // the JSON line of a commit is printed after it returns: the NB may show it a little earlier
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
        .until(() -> upAndCommit(ip) != null);
    long[] t = upAndCommit(ip);
    assertThat(t[1] - t[0]).as("Up -> commit of %s, microseconds", ip).isGreaterThanOrEqualTo(HOLD_DOWN_MS * 1000);
  }

  @Test
  @Order(1)
  void allInstancesComeUp() {
    awaitNexthops(Set.of(GW), Duration.ofSeconds(30));
    assertThat(dropPolicy()).isTrue();
    assertThat(nbctl("--bare", "--columns=addresses", "find", "Address_Set", "external_ids:netctl.io/owner-name"
        + "=prod/egw")).contains("10.0.1.5");
    assertThat(lines).anyMatch(l -> l.contains("\"event\":\"commit\",\"path\":\"fast\""));
    // --rt-priority: once running, every thread of the process is SCHED_FIFO 10 (the tests run as root)
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Process chrt = new ProcessBuilder("chrt", "-p", Long.toString(egress.pid())).redirectErrorStream(true).start();
      String policy = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(chrt.waitFor()).isZero();
      assertThat(policy).contains("SCHED_FIFO").contains("priority: 10");
    });
  }

  @Test
  @Order(2)
  void killMinus9OfFrrWithdrawsAndRestartRestoresAfterHoldDown() throws Exception {
    frr[0].signal("KILL");
    awaitNexthops(Set.of(GW[1], GW[2]), WITHDRAW);
    frr[0].start();
    awaitNexthops(Set.of(GW), RESTORE);
    assertRestoredAfterHoldDown(GW[0]);
  }

  @Test
  @Order(3)
  void linkDownWithdrawsAndLinkUpRestores() {
    netns.link(nsGw[1], "eth0", false);
    awaitNexthops(Set.of(GW[0], GW[2]), WITHDRAW);
    netns.link(nsGw[1], "eth0", true);
    awaitNexthops(Set.of(GW), RESTORE);
    assertRestoredAfterHoldDown(GW[1]);
  }

  @Test
  @Order(4)
  void nftablesDropOfNetctlResponderWithdrawsAndRemovalRestores() {
    netns.dropBfd(nsGw[2], true);
    awaitNexthops(Set.of(GW[0], GW[1]), WITHDRAW);
    netns.dropBfd(nsGw[2], false);
    awaitNexthops(Set.of(GW), RESTORE);
    assertRestoredAfterHoldDown(GW[2]);
  }

  @Test
  @Order(5)
  void allDownLeavesNoNexthopAndTheDropPolicy() {
    for (String ns : nsGw) {
      netns.dropBfd(ns, true);
    }
    awaitNexthops(Set.of(), WITHDRAW);
    assertThat(dropPolicy()).isTrue();
    assertThat(egress.isAlive()).as(stderr.toString()).isTrue();
    assertThat(stderr.toString()).contains("prod/egw: Down, 0/3 instances carry traffic");
  }
}

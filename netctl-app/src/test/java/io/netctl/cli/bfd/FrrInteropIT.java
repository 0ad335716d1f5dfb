package io.netctl.cli.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code netctl bfd run} against FRR's bfdd 8.4, each in a network namespace of its own, joined by a veth pair, at
 * 50 ms x 3 (detection 150 ms). The steps share one session and each leaves it Up again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FrrInteropIT {
  private static final String US = "192.0.2.1";
  private static final String FRR = "192.0.2.2";
  private static final int METRICS = 9101;
  /** Detection time 150 ms, plus the time for a JSON line to leave a process on a busy 2-core machine. */
  private static final Duration DETECT = Duration.ofMillis(1_500);
  private static final Duration RECOVER = Duration.ofSeconds(10);

  private Netns netns;
  private String nsUs;
  private String nsFrr;
  private FrrBfdd frr;
  private NetctlProcess netctl;
  private Path config;

  @BeforeAll
  void setUp() throws Exception {
    netns = new Netns();
    nsUs = netns.add("us");
    nsFrr = netns.add("frr");
    netns.veth(nsUs, "bfd0", nsFrr, "bfd1");
    netns.addr(nsUs, "bfd0", US + "/24");
    netns.addr(nsFrr, "bfd1", FRR + "/24");
    frr = new FrrBfdd(netns, nsFrr, FrrBfdd.peer(US, FRR, false, 50, 3));
    frr.start();
    config = Files.createTempFile("nbfd", ".yaml");
    writeConfig(50);
  }

  private void writeConfig(int ms) throws Exception {
    Files.writeString(config, "metricsPort: " + METRICS + "\nsessions:\n  - local: " + US + "\n    peer: " + FRR
        + "\n    txMs: " + ms + "\n    rxMs: " + ms + "\n    multiplier: 3\n");
  }

  @AfterAll
  void tearDown() throws Exception {
    if (netctl != null) {
      netctl.close();
    }
    if (frr != null) {
      frr.close();
    }
    if (netns != null) {
      netns.close();
    }
    if (config != null) {
      Files.deleteIfExists(config);
    }
  }

  /** The last state change must be a Down caused by the fault injected at {@code faultNanos}, soon after it. */
  private void assertDownSoonAfter(long faultNanos, String diag) {
    NetctlProcess.Event down = netctl.awaitState("Down", DETECT);
    assertThat(down.diag()).isEqualTo(diag);
    assertThat(down.receivedNanos() - faultNanos).isLessThan(DETECT.toNanos());
  }

  @Test
  @Order(1)
  void comesUpWithin2Seconds() {
    netctl = NetctlProcess.start(netns, nsUs, "--config", config.toString());
    netctl.awaitRunning(Duration.ofSeconds(20));
    long running = System.nanoTime();
    NetctlProcess.Event up = netctl.awaitState("Up", Duration.ofSeconds(2));
    assertThat(up.receivedNanos() - running).isLessThan(TimeUnit.SECONDS.toNanos(2));
    assertThat(up.local()).isEqualTo(US);
    assertThat(up.peer()).isEqualTo(FRR);
    assertThat(up.localDisc()).isPositive();
    assertThat(up.remoteDisc()).isPositive();
    assertThat(netctl.badLines()).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> frr.peers().contains("Status: up"));
  }

  @Test
  @Order(2)
  void timerChangeOnAnUpSessionDoesNotFlap() throws Exception {
    int before = netctl.events().size();
    writeConfig(100);
    netctl.signal("HUP");
    await().atMost(Duration.ofSeconds(5)).until(() -> netns.metrics(nsUs, METRICS).contains(
        "netctl_bfd_negotiated_tx_interval_seconds{local_addr=\"" + US + "\",peer_addr=\"" + FRR
            + "\",session_type=\"single_hop\"} 0.1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> frr.peers().contains("Transmission interval: 100ms")
        && frr.peers().split("Remote timers")[1].contains("Receive interval: 100ms"));
    // Back to 50 ms, and a little time at each rate: never a state change.
    writeConfig(50);
    netctl.signal("HUP");
    await().atMost(Duration.ofSeconds(5)).until(() -> netns.metrics(nsUs, METRICS).contains(
        "netctl_bfd_negotiated_tx_interval_seconds{local_addr=\"" + US + "\",peer_addr=\"" + FRR
            + "\",session_type=\"single_hop\"} 0.05"));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
    assertThat(netctl.events()).hasSize(before);
    assertThat(frr.peers()).contains("Status: up");
  }

  @Test
  @Order(3)
  void detectsFrrPacketsDroppedByNftables() {
    long fault = System.nanoTime();
    netns.dropBfd(nsUs, true);
    try {
      assertDownSoonAfter(fault, "control detection time expired");
    } finally {
      netns.dropBfd(nsUs, false);
    }
    netctl.awaitState("Up", RECOVER);
  }

  @Test
  @Order(4)
  void detectsFrrStopped() {
    long fault = System.nanoTime();
    frr.signal("STOP");
    try {
      assertDownSoonAfter(fault, "control detection time expired");
    } finally {
      frr.signal("CONT");
    }
    netctl.awaitState("Up", RECOVER);
  }

  @Test
  @Order(5)
  void detectsFrrLinkDown() {
    long fault = System.nanoTime();
    netns.link(nsFrr, "bfd1", false);
    try {
      assertDownSoonAfter(fault, "control detection time expired");
    } finally {
      netns.link(nsFrr, "bfd1", true);
    }
    netctl.awaitState("Up", RECOVER);
  }

  @Test
  @Order(6)
  void frrShutdownSignalsSessionDown() {
    String peer = "peer " + US + " local-address " + FRR;
    long fault = System.nanoTime();
    frr.vtysh("configure terminal", "bfd", peer, "shutdown");
    assertDownSoonAfter(fault, "neighbor signaled session down");
    frr.vtysh("configure terminal", "bfd", peer, "no shutdown");
    netctl.awaitState("Up", RECOVER);
  }

  @Test
  @Order(7)
  void detectsFrrKilledAndRecoversWhenItRestarts() throws Exception {
    long fault = System.nanoTime();
    frr.signal("KILL");
    assertDownSoonAfter(fault, "control detection time expired");
    frr.start(); // a new process, new discriminators
    netctl.awaitState("Up", RECOVER);
  }

  @Test
  @Order(8)
  void sigtermSendsAdminDownToFrr() throws Exception {
    int exit = netctl.terminate();
    assertThat(exit).isIn(0, 143);
    assertThat(netctl.last().to()).isEqualTo("AdminDown");
    await().atMost(Duration.ofSeconds(3)).until(() -> frr.peers().contains("Status: down"));
    assertThat(frr.peers()).contains("Remote diagnostics: administratively down");
  }
}

package io.netctl.ovn.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.netctl.ovn.sandbox.PodAgent.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-plane sandbox's life cycle: packets flow between two ports through OVN (and an ACL drop stops them), and
 * {@link OvnSandbox#close()} leaves nothing behind: no daemon, no namespace (not even one with a process still in it),
 * no OVS device in the host's namespace.
 */
class OvnSandboxDataplaneIT {
  @TempDir Path tmp;

  @Test
  void packetsFlowAndStopLeavesNothingBehind() throws Exception {
    OvnSandbox sb = null;
    long t0 = System.nanoTime();
    try {
      sb = OvnSandbox.startDataplane(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.DATAPLANE_HINT + ": " + e.getMessage(), e);
    }
    long startMs = (System.nanoTime() - t0) / 1_000_000;
    List<Long> pids = new ArrayList<>();
    List<String> namespaces = new ArrayList<>();
    PodAgent b = null;
    try {
      assertThat(sb.dataplane()).isTrue();
      sb.nbctl("ls-add", "ls1");
      OvnSandbox.Port pa = sb.addPort("a.ns", "0a:00:00:00:00:01", "10.0.0.1/24", null, "ls1");
      OvnSandbox.Port pb = sb.addPort("b.ns", "0a:00:00:00:00:02", "10.0.0.2/24", null, "ls1");
      namespaces.addAll(List.of(pa.netns(), pb.netns(), sb.dataplaneNetns()));
      assertThat(sb.vsctl("--bare", "--columns=external_ids", "find", "Interface", "external_ids:iface-id=b.ns"))
          .contains("b.ns");
      sb.syncHv();
      for (String d : List.of("ovsdb-nb", "ovsdb-sb", "ovn-northd", "ovsdb-ovs", "ovs-vswitchd", "ovn-controller")) {
        pids.add(Long.parseLong(Files.readString(sb.dir().resolve(d + ".pid")).strip()));
      }
      b = PodAgent.start(pb.netns());
      b.listenTcp(5432);
      b.listenUdp(53);
      pids.add(b.pid()); // left running on purpose: stop must kill it with its namespace
      try (PodAgent a = PodAgent.start(pa.netns())) {
        assertThat(a.tcp("10.0.0.2", 5432, 2000)).isEqualTo(Outcome.OPEN);
        assertThat(a.tcp("10.0.0.2", 5433, 2000)).isEqualTo(Outcome.REFUSED);
        assertThat(a.udp("10.0.0.2", 53, 2000)).isEqualTo(Outcome.REPLY);
        sb.nbctl("--wait=hv", "acl-add", "ls1", "to-lport", "1000", "outport == \"b.ns\" && tcp.dst == 5432", "drop");
        assertThat(a.tcp("10.0.0.2", 5432, 300)).isEqualTo(Outcome.TIMEOUT); // silent drop
        assertThat(a.udp("10.0.0.2", 53, 2000)).isEqualTo(Outcome.REPLY);
      }
    } finally {
      sb.close();
    }
    for (String ns : namespaces) {
      assertThat(Path.of("/run/netns", ns)).as("namespace %s", ns).doesNotExist();
    }
    for (long pid : pids) {
      var h = ProcessHandle.of(pid);
      if (h.isPresent()) {
        try {
          h.get().onExit().get(5, TimeUnit.SECONDS); // our own child (the agent) is reaped by the JDK a moment later
        } catch (TimeoutException e) {
          fail("pid " + pid + " (" + h.get().info().commandLine().orElse("?") + ") survived the sandbox's stop");
        }
      }
    }
    for (String dev : List.of("br-int", "ovs-netdev")) {
      assertThat(Path.of("/sys/class/net", dev)).as("%s in the host's namespace", dev).doesNotExist();
    }
    assertThat(b).isNotNull();
    System.out.println("data-plane sandbox started in " + startMs + " ms");
  }
}

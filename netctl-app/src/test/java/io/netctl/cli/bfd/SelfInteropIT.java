package io.netctl.cli.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two {@code netctl bfd run} processes against each other, IPv4 and IPv6, single hop over a direct veth and multihop
 * through a router namespace (so packets arrive with TTL 254):
 *
 * <pre>
 *   a ──(192.0.2.0/24, 2001:db8:1::/64)── b          direct: single hop
 *   a ──(198.51.100.0/24, 2001:db8:a::/64)── r ──(203.0.113.0/24, 2001:db8:b::/64)── b    routed: multihop
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfInteropIT {
  private Netns netns;
  private String a;
  private String b;
  private NetctlProcess pa;
  private NetctlProcess pb;

  @BeforeAll
  void setUp() {
    netns = new Netns();
    a = netns.add("a");
    b = netns.add("b");
    String r = netns.add("r");
    netns.veth(a, "direct0", b, "direct1");
    netns.addr(a, "direct0", "192.0.2.1/24");
    netns.addr(b, "direct1", "192.0.2.2/24");
    netns.addr(a, "direct0", "2001:db8:1::1/64");
    netns.addr(b, "direct1", "2001:db8:1::2/64");
    netns.veth(a, "up0", r, "ra");
    netns.veth(r, "rb", b, "up1");
    netns.addr(a, "up0", "198.51.100.1/24");
    netns.addr(r, "ra", "198.51.100.254/24");
    netns.addr(r, "rb", "203.0.113.254/24");
    netns.addr(b, "up1", "203.0.113.1/24");
    netns.addr(a, "up0", "2001:db8:a::1/64");
    netns.addr(r, "ra", "2001:db8:a::fe/64");
    netns.addr(r, "rb", "2001:db8:b::fe/64");
    netns.addr(b, "up1", "2001:db8:b::1/64");
    netns.forwarding(r);
    netns.route(a, "203.0.113.0/24", "198.51.100.254");
    netns.route(b, "198.51.100.0/24", "203.0.113.254");
    netns.route(a, "2001:db8:b::/64", "2001:db8:a::fe");
    netns.route(b, "2001:db8:a::/64", "2001:db8:b::fe");
  }

  @AfterEach
  void stop() {
    if (pa != null) {
      pa.close();
    }
    if (pb != null) {
      pb.close();
    }
  }

  @AfterAll
  void tearDown() {
    if (netns != null) {
      netns.close();
    }
  }

  private void start(String addrA, String addrB, boolean multihop, String... extra) {
    String[] common = {"--tx", "100", "--rx", "100", "--mult", "3", "--metrics-port", "9103"};
    pa = NetctlProcess.start(netns, a, args(addrA, addrB, multihop, common, extra));
    pb = NetctlProcess.start(netns, b, args(addrB, addrA, multihop, common, extra));
    pa.awaitRunning(Duration.ofSeconds(20));
    pb.awaitRunning(Duration.ofSeconds(20));
  }

  private static String[] args(String local, String peer, boolean multihop, String[] common, String[] extra) {
    java.util.List<String> l = new java.util.ArrayList<>(java.util.List.of("--local", local, "--peer", peer));
    if (multihop) {
      l.add("--multihop");
    }
    l.addAll(java.util.List.of(common));
    l.addAll(java.util.List.of(extra));
    return l.toArray(String[]::new);
  }

  @ParameterizedTest(name = "{0} <-> {1} multihop={2}")
  @CsvSource({
    "192.0.2.1, 192.0.2.2, false",
    "2001:db8:1::1, 2001:db8:1::2, false",
    "198.51.100.1, 203.0.113.1, true",
    "2001:db8:a::1, 2001:db8:b::1, true"
  })
  void comesUpAndGoesDownWhenThePeerSaysSo(String addrA, String addrB, boolean multihop) throws Exception {
    start(addrA, addrB, multihop);
    pa.awaitState("Up", Duration.ofSeconds(5));
    pb.awaitState("Up", Duration.ofSeconds(5));
    assertThat(pa.last().remoteDisc()).isEqualTo(pb.last().localDisc());
    assertThat(pb.terminate()).isIn(0, 143);
    NetctlProcess.Event down = pa.awaitState("Down", Duration.ofSeconds(2));
    assertThat(down.diag()).isEqualTo("neighbor signaled session down");
  }

  /** RFC 5881 §5: a single-hop session across a router never comes Up; its TTL-254 packets are counted. */
  @Test
  void singleHopAcrossARouterIsRejectedByTheTtlCheck() {
    start("198.51.100.1", "203.0.113.1", false);
    // before Up a speaker sends about one packet a second (RFC 5880 §6.8.3), after its JVM has started: the bound
    // leaves room for a slow start on a loaded CI machine (the assertion is the count, not the time)
    await().atMost(Duration.ofSeconds(15)).until(() -> ttlDrops(a) >= 2 && ttlDrops(b) >= 2);
    assertThat(pa.events()).isEmpty();
    assertThat(pb.events()).isEmpty();
  }

  /** RFC 5883: a multihop minimum TTL of 255 rejects packets that crossed a router. */
  @Test
  void multihopMinimumTtlRejectsTooManyHops() {
    start("198.51.100.1", "203.0.113.1", true, "--min-ttl", "255");
    await().atMost(Duration.ofSeconds(15)).until(() -> ttlDrops(a) >= 2);
    assertThat(pa.events()).isEmpty();
  }

  private long ttlDrops(String ns) {
    Matcher m = Pattern.compile("(?m)^netctl_bfd_packets_dropped_total\\{[^}]*reason=\"ttl\"[^}]*\\} (\\S+)$")
        .matcher(netns.metrics(ns, 9103));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}

package io.netctl.cli.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Authentication interop (RFC 5880 §6.7) with BIRD 2, which implements all five types (FRR's authentication is not
 * RFC-interoperable). Each type must come Up; a wrong key must keep the session Down and be counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BirdAuthIT {
  private static final String US = "192.0.2.1";
  private static final String BIRD = "192.0.2.2";
  private static final int METRICS = 9102;

  private Netns netns;
  private String nsUs;
  private String nsBird;
  private Path dir;
  private long birdPid = -1;
  private NetctlProcess netctl;

  @BeforeAll
  void setUp() throws IOException {
    Sh.require("/usr/sbin/bird", "bird2");
    Sh.require("/usr/sbin/birdc", "bird2");
    netns = new Netns();
    nsUs = netns.add("us");
    nsBird = netns.add("bird");
    netns.veth(nsUs, "bfd0", nsBird, "bfd1");
    netns.addr(nsUs, "bfd0", US + "/24");
    netns.addr(nsBird, "bfd1", BIRD + "/24");
    dir = Files.createTempDirectory("nbfd-bird");
  }

  @AfterEach
  void stop() {
    if (netctl != null) {
      netctl.close();
      netctl = null;
    }
    if (birdPid > 0) {
      Sh.sendSignal(birdPid, "KILL");
      birdPid = -1;
    }
  }

  @AfterAll
  void tearDown() throws IOException {
    if (netns != null) {
      netns.close();
    }
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void startBird(String birdAuth, int keyId, String key) throws IOException {
    Path conf = dir.resolve("bird.conf");
    Files.writeString(conf, "router id " + BIRD + ";\nprotocol device {}\nprotocol bfd {\n"
        + "  interface \"bfd1\" {\n    interval 100 ms;\n    multiplier 3;\n"
        + "    authentication " + birdAuth + ";\n    password \"" + key + "\" { id " + keyId + "; };\n  };\n"
        + "  neighbor " + US + " dev \"bfd1\" local " + BIRD + ";\n}\n");
    Path pid = dir.resolve("bird.pid");
    Files.deleteIfExists(pid);
    netns.exec(nsBird, "/usr/sbin/bird", "-c", conf.toString(), "-s", dir.resolve("bird.ctl").toString(),
        "-P", pid.toString());
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pid) && Files.size(pid) > 0);
    birdPid = Long.parseLong(Files.readString(pid).trim());
    netns.own(birdPid);
  }

  private String birdSessions() {
    return Sh.check("/usr/sbin/birdc", "-s", dir.resolve("bird.ctl").toString(), "show", "bfd", "sessions");
  }

  private NetctlProcess startNetctl(String type, int keyId, String key) {
    return NetctlProcess.start(netns, nsUs, "--local", US, "--peer", BIRD, "--tx", "100", "--rx", "100",
        "--auth-type", type, "--auth-key-id", Integer.toString(keyId), "--auth-key", key,
        "--metrics-port", Integer.toString(METRICS));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "simple, simple",
    "keyed-md5, keyed md5",
    "meticulous-keyed-md5, meticulous keyed md5",
    "keyed-sha1, keyed sha1",
    "meticulous-keyed-sha1, meticulous keyed sha1"
  })
  void comesUpWithEachAuthenticationType(String ours, String birds) throws Exception {
    startBird(birds, 7, "netctl-secret");
    netctl = startNetctl(ours, 7, "netctl-secret");
    netctl.awaitRunning(Duration.ofSeconds(20));
    netctl.awaitState("Up", Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(3)).until(() -> birdSessions().matches("(?s).*" + US + "\\s+bfd1\\s+Up.*"));
    // It stays Up for a while with the sequence numbers advancing, and nothing fails authentication.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> "Up".equals(netctl.lastState()));
    assertThat(authFailures()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"simple, simple", "keyed-sha1, keyed sha1", "meticulous-keyed-md5, meticulous keyed md5"})
  void wrongKeyKeepsTheSessionDownAndCountsFailures(String ours, String birds) throws Exception {
    startBird(birds, 7, "netctl-secret");
    netctl = startNetctl(ours, 7, "wrong-secret");
    netctl.awaitRunning(Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(5)).until(() -> authFailures() >= 2);
    assertThat(netctl.events()).isEmpty(); // never left Down
    assertThat(birdSessions()).doesNotContain(" Up ");
  }

  private long authFailures() {
    Matcher m = Pattern.compile("(?m)^netctl_bfd_auth_failures_total\\{[^}]*\\} (\\S+)$")
        .matcher(netns.metrics(nsUs, METRICS));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }
}

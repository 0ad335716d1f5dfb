package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netctl demo --once} end to end: sandbox, ports, controller, ACLs, ovn-trace verdicts; then it cleans up. */
class DemoCommandIT {
  @TempDir Path tmp;

  @Test
  void printsAclsAndVerdictsAndStops() throws Exception {
    long t0 = System.nanoTime();
    Cli.Run r = Cli.run("demo", "--once", "--dir", tmp.toString());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("AdminNetworkPolicy/isolate-sandbox", "Programmed=True", "tier 1", "tier 3");
    assertThat(r.out()).containsPattern("ALLOWED +api -> postgres");
    assertThat(r.out()).containsPattern("DENIED +dev-shell -> web");
    assertThat(r.out()).contains("passed by ANP:delegate-prod:Ingress:0, dropped by BANP:default:Ingress:0");
    assertThat(ms).as("first output within a minute").isLessThan(60_000);
    // status files for the demo's readers, and the sandbox stopped (its pid file is gone)
    assertThat(tmp.resolve("cluster/status/AdminNetworkPolicy-isolate-sandbox.yaml")).exists();
    assertThat(Files.exists(tmp.resolve("ovn/ovsdb-nb.pid"))).isFalse();
  }

  @Test
  void controllerFlagsAreChecked() {
    Cli.Run r = Cli.run("controller", "--nb", "tcp:127.0.0.1:1", "--watch-dir", tmp.resolve("nope").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--watch-dir", "not a directory");
    r = Cli.run("controller", "--nb", "tcp:127.0.0.1:1", "--metrics-addr", "localhost");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("expected: HOST:PORT");
  }
}

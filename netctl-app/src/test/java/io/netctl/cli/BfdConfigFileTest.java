package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netctl.bfd.codec.AuthType;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.session.BfdSessionKey;
import io.netctl.bfd.session.BfdStateChange;
import java.net.InetAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The YAML of {@code netctl bfd run --config} and the JSON line format. */
class BfdConfigFileTest {

  @Test
  void parsesSessionsWithDefaultsAndAuth() {
    BfdConfigFile.Parsed p =
        BfdConfigFile.parse(
            """
            metricsPort: 9101
            defaults: {txMs: 50, rxMs: 50}
            sessions:
              - {local: 192.0.2.1, peer: 192.0.2.2, interface: eth0}
              - local: 2001:db8::1
                peer: 2001:db8:1::1
                multihop: true
                minTtl: 250
                multiplier: 5
                txMs: 10.5
                auth: {type: meticulous-keyed-sha1, keyId: 2, keys: {1: old, 2: new}}
            """);
    assertThat(p.metricsPort()).contains(9101);
    assertThat(p.sessions()).hasSize(2);
    BfdSessionSpec a = p.sessions().get(0);
    assertThat(a.config().desiredMinTxUs()).isEqualTo(50_000);
    assertThat(a.config().detectMult()).isEqualTo(3);
    assertThat(a.interfaceName()).contains("eth0");
    assertThat(a.listenPort()).isEqualTo(3784);
    BfdSessionSpec b = p.sessions().get(1);
    assertThat(b.multihop()).isTrue();
    assertThat(b.minTtl()).isEqualTo(250);
    assertThat(b.peerPort()).isEqualTo(4784);
    assertThat(b.config().desiredMinTxUs()).isEqualTo(10_500);
    assertThat(b.config().requiredMinRxUs()).isEqualTo(50_000);
    assertThat(b.config().auth().orElseThrow().type()).isEqualTo(AuthType.METICULOUS_KEYED_SHA1);
    assertThat(b.config().auth().orElseThrow().activeKeyId()).isEqualTo(2);
    assertThat(b.config().auth().orElseThrow().keys()).hasSize(2);
  }

  @Test
  void errorsNameTheField() {
    assertThatThrownBy(() -> BfdConfigFile.parse("sessions:\n  - {local: 192.0.2.1, peer: 192.0.2.2, txMs: -1}"))
        .hasMessage("sessions[0].txMs: -1 (expected: milliseconds > 0, at most 4294967)");
    assertThatThrownBy(() -> BfdConfigFile.parse("sessions:\n  - {local: 192.0.2.1, peer: 2001:db8::1}"))
        .hasMessageContaining("expected: the address family of local 192.0.2.1");
    assertThatThrownBy(() -> BfdConfigFile.parse("sessions:\n  - {local: 192.0.2.1, peer: example.com}"))
        .hasMessage("sessions[0].peer: example.com (expected: an IPv4 or IPv6 address)");
    assertThatThrownBy(() -> BfdConfigFile.parse("sessions:\n  - {local: 192.0.2.1, peer: 192.0.2.2, tx: 5}"))
        .hasMessageStartingWith("sessions[0].tx: unknown key");
    assertThatThrownBy(
            () ->
                BfdConfigFile.parse(
                    "sessions:\n  - {local: 192.0.2.1, peer: 192.0.2.2, auth: {type: md6, key: x}}"))
        .hasMessageStartingWith("sessions[0].auth: auth type: md6");
    assertThatThrownBy(() -> BfdConfigFile.parse("sessions: []"))
        .hasMessage("sessions: [] (expected: a non-empty list)");
  }

  @Test
  void jsonLineHasRfc3339MicrosecondsAndUnsignedDiscriminators() throws Exception {
    BfdSessionKey key =
        BfdSessionKey.singleHop(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"), 0);
    BfdStateChange c =
        new BfdStateChange(
            0, key, BfdState.UP, BfdState.DOWN, BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, -2, 7);
    assertThat(BfdRunner.json(c, Instant.parse("2026-11-27T06:06:26.000001Z")))
        .isEqualTo(
            "{\"ts\":\"2026-11-27T06:06:26.000001Z\",\"local\":\"192.0.2.1\",\"peer\":\"192.0.2.2\","
                + "\"from\":\"Up\",\"to\":\"Down\",\"diag\":\"neighbor signaled session down\","
                + "\"localDisc\":4294967294,\"remoteDisc\":7}");
  }

  @Test
  void badCommandLineExitsWith2() {
    assertThat(Main.run("bfd", "run", "--local", "192.0.2.1")).isEqualTo(Main.EXIT_INVALID_INPUT);
    assertThat(Main.run("bfd", "run", "--local", "192.0.2.1", "--peer", "192.0.2.2", "--mult", "0"))
        .isEqualTo(Main.EXIT_INVALID_INPUT);
  }
}

package io.netctl.ovn.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RemoteTest {
  @Test
  void parsesTcpSslAndIpv6Lists() {
    assertThat(Remote.parseList("tcp:10.0.0.1:6641, ssl:[fd00::1]:6643"))
        .containsExactly(new Remote(Remote.Scheme.TCP, "10.0.0.1", 6641), new Remote(Remote.Scheme.SSL, "fd00::1", 6643));
    assertThat(Remote.parse("ssl:[fd00::1]:6643")).hasToString("ssl:[fd00::1]:6643");
  }

  @Test
  void refusesUnixAndMalformedRemotes() {
    assertThatThrownBy(() -> Remote.parse("unix:/run/ovn/ovnnb_db.sock")).hasMessageContaining("unix sockets");
    assertThatThrownBy(() -> Remote.parse("tcp:host")).hasMessageContaining("expected: tcp:HOST:PORT");
    assertThatThrownBy(() -> Remote.parse("tcp:host:http")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> Remote.parse("tcp:host:70000")).hasMessageContaining("expected: 1-65535");
    assertThatThrownBy(() -> Remote.parseList(" , ")).hasMessageContaining("empty");
  }
}

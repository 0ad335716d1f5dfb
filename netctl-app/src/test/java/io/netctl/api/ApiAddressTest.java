package io.netctl.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ApiAddressTest {
  @Test
  void unixSockets() {
    assertThat(ApiAddress.parse("unix:/run/netctl/api.sock"))
        .isEqualTo(new ApiAddress.Unix(Path.of("/run/netctl/api.sock")));
    assertThat(ApiAddress.parse("unix:///tmp/a.sock")).isEqualTo(new ApiAddress.Unix(Path.of("/tmp/a.sock")));
    assertThat(ApiAddress.parse("/tmp/a.sock")).isEqualTo(new ApiAddress.Unix(Path.of("/tmp/a.sock")));
    assertThat(ApiAddress.parse("unix:rel.sock").toString()).isEqualTo("unix:rel.sock");
    assertThat(ApiAddress.parse(ApiAddress.DEFAULT)).isInstanceOf(ApiAddress.Unix.class);
  }

  @Test
  void tcp() {
    assertThat(ApiAddress.parse("127.0.0.1:9650")).isEqualTo(new ApiAddress.Tcp("127.0.0.1", 9650));
    assertThat(ApiAddress.parse("localhost:0")).isEqualTo(new ApiAddress.Tcp("localhost", 0));
    ApiAddress v6 = ApiAddress.parse("[::1]:9650");
    assertThat(v6).isEqualTo(new ApiAddress.Tcp("::1", 9650));
    assertThat(v6.toString()).isEqualTo("[::1]:9650");
  }

  @Test
  void errorsSayWhatIsExpected() {
    assertThatThrownBy(() -> ApiAddress.parse("unix:")).hasMessageContaining("expected: unix:PATH");
    assertThatThrownBy(() -> ApiAddress.parse("localhost")).hasMessageContaining("expected: unix:PATH, HOST:PORT");
    assertThatThrownBy(() -> ApiAddress.parse("::1:80")).hasMessageContaining("IPv6 address in brackets");
    assertThatThrownBy(() -> ApiAddress.parse("h:http")).hasMessageContaining("port is not a number");
    assertThatThrownBy(() -> ApiAddress.parse("h:70000")).hasMessageContaining("port 70000 (expected: 0-65535)");
    assertThatThrownBy(() -> ApiAddress.parse("[::1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void endpointsOfExplain() {
    assertThat(ApiBackend.Endpoint.parse("ns/pod")).isEqualTo(new ApiBackend.Endpoint.PodName("ns", "pod"));
    assertThat(ApiBackend.Endpoint.parse("10.0.0.1")).isEqualTo(new ApiBackend.Endpoint.Ip("10.0.0.1"));
    assertThat(ApiBackend.Endpoint.parse("10.0.0.0/24")).isInstanceOf(ApiBackend.Endpoint.Ip.class);
    assertThat(ApiBackend.Endpoint.parse("kube-system/coredns-x")).isInstanceOf(ApiBackend.Endpoint.PodName.class);
    assertThat(ApiBackend.Endpoint.parse("fd00::1")).isEqualTo(new ApiBackend.Endpoint.Ip("fd00::1"));
    assertThat(ApiBackend.Endpoint.parse("a/b/c")).isInstanceOf(ApiBackend.Endpoint.Ip.class);
  }
}

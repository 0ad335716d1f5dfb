package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.api.ApiAddress;
import io.netctl.api.ApiClient;
import io.netctl.api.ApiServer;
import io.netctl.api.CompiledBackend;
import io.netctl.api.TestCerts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The CLI clients against a real server: on a unix socket (epoll) and on loopback TCP with TLS and mutual TLS; exit
 * codes; the socket's life cycle.
 */
class ApiClientsIT {
  @TempDir static Path tmp;
  static ApiServer unix;
  static CompiledBackend backend;

  @BeforeAll
  static void start() throws Exception {
    StringWriter err = new StringWriter();
    LocalPolicies p = LocalPolicies.load(List.of("../examples"), LspNaming.KUBE_OVN, true, new PrintWriter(err));
    assertThat(p.hasErrors()).as(err.toString()).isFalse();
    backend = p.backend().build();
    unix = ApiServer.start(ApiAddress.parse("unix:" + tmp.resolve("run/api.sock")), backend, null);
  }

  @AfterAll
  static void stop() {
    if (unix != null) {
      unix.close();
    }
  }

  static String server() {
    return unix.address().toString();
  }

  @Test
  void statusPoliciesAndExplainOverTheUnixSocket() throws Exception {
    Cli.Run status = Cli.run("status", "--server", server());
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("MODE         local").contains("POLICIES     8 (0 with problems)");

    Cli.Run json = Cli.run("status", "--server", server(), "-o", "json");
    assertThat(json.exit()).isZero();
    Map<String, Object> s = new Yaml().load(json.out());
    assertThat(s).containsEntry("policies", 8).containsEntry("nbConnection", "NB_CONNECTION_NONE");

    Cli.Run policies = Cli.run("policies", "--server", server(), "-o", "yaml");
    assertThat(policies.exit()).isZero();
    Map<String, List<Map<String, Object>>> pl = new Yaml().load(policies.out());
    assertThat(pl.get("policies")).hasSize(8).allSatisfy(p -> assertThat(p.get("conditions")).isNotNull());

    Cli.Run table = Cli.run("policies", "--server", server(), "--kind", "ClusterNetworkPolicy");
    assertThat(table.out().lines().toList()).hasSize(3).first().asString().startsWith("KIND");

    Cli.Run dropped = Cli.run("explain", "--server", server(), "--from", "sandbox/dev-shell",
        "--to", "frontend/web-5d9c7b6f4-abcde", "--port", "8080", "--exit-code");
    assertThat(dropped.exit()).as(dropped.err()).isEqualTo(Main.EXIT_DIFFERENT);
    assertThat(dropped.out()).contains("VERDICT      dropped")
        .contains("DECIDED BY   ANP:isolate-sandbox:Ingress:0: drop, AdminNetworkPolicy isolate-sandbox, tier 1");

    Cli.Run allowed = Cli.run("explain", "--server", server(), "--from", "backend/api-6f8b9c7d5-klmno",
        "--to", "10.16.0.40", "--proto", "tcp", "--port", "5432", "--exit-code", "-o", "json");
    assertThat(allowed.exit()).isZero();
    Map<String, Object> r = new Yaml().load(allowed.out());
    assertThat(r).containsEntry("verdict", "VERDICT_ALLOWED");
    assertThat(((Map<?, ?>) r.get("to")).get("pod")).isEqualTo("db/postgres-0");
  }

  @Test
  void localExplainNeedsNoServer() {
    Cli.Run r = Cli.run("explain", "-f", "../examples", "--networkpolicy", "--server", "unix:" + tmp.resolve("none"),
        "--from", "frontend/web-5d9c7b6f4-abcde", "--to", "backend/api-6f8b9c7d5-klmno", "--port", "9000");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("allowed").contains("NP:backend/api-from-web:Ingress:r0")
        .contains("PASSED       ANP:delegate-prod:Ingress:0: pass");
  }

  @Test
  void exitCodes() {
    Cli.Run unknownPod = Cli.run("explain", "--server", server(), "--from", "nope/x", "--to", "10.0.0.1",
        "--port", "80");
    assertThat(unknownPod.exit()).isEqualTo(Main.EXIT_INVALID_INPUT);
    assertThat(unknownPod.err()).contains("NOT_FOUND").contains("nope/x");

    Cli.Run noPort = Cli.run("explain", "--server", server(), "--from", "a/b", "--to", "c/d");
    assertThat(noPort.exit()).isEqualTo(Main.EXIT_INVALID_INPUT);
    assertThat(noPort.err()).contains("--port: missing");

    Cli.Run nobody = Cli.run("status", "--server", "unix:" + tmp.resolve("nobody.sock"));
    assertThat(nobody.exit()).isEqualTo(Main.EXIT_UNAVAILABLE);
    assertThat(nobody.err()).contains("nobody.sock").contains("is the netctl controller running");

    Cli.Run refused = Cli.run("status", "--server", "127.0.0.1:1");
    assertThat(refused.exit()).isEqualTo(Main.EXIT_UNAVAILABLE);

    Cli.Run diff = Cli.run("diff", "--server", server());
    assertThat(diff.exit()).isEqualTo(Main.EXIT_UNAVAILABLE);
    assertThat(diff.err()).contains("no Northbound database is configured").doesNotContain("is the netctl");

    Cli.Run badAddress = Cli.run("status", "--server", "[::1");
    assertThat(badAddress.exit()).isEqualTo(Main.EXIT_INVALID_INPUT);
  }

  @Test
  void theSocketIsPrivateAndNotTakenTwice() throws Exception {
    Path sock = ((ApiAddress.Unix) unix.address()).path();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw----");
    assertThatThrownBy(() -> ApiServer.start(unix.address(), backend, null))
        .isInstanceOf(IOException.class).hasMessageContaining("another server is listening");

    Path file = tmp.resolve("file.sock");
    Files.writeString(file, "not a socket");
    assertThatThrownBy(() -> ApiServer.start(ApiAddress.parse("unix:" + file), backend, null))
        .hasMessageContaining("a file or directory is in the way");

    Path other = tmp.resolve("other.sock");
    ApiServer first = ApiServer.start(ApiAddress.parse("unix:" + other), backend, null);
    first.close();
    assertThat(other).doesNotExist();
    // a stale socket (its server gone without removing it) is replaced
    try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      ch.bind(java.net.UnixDomainSocketAddress.of(other));
    }
    assertThat(other).exists();
    ApiServer second = ApiServer.start(ApiAddress.parse("unix:" + other), backend, null);
    try {
      assertThat(Cli.run("status", "--server", second.address().toString()).exit()).isZero();
    } finally {
      second.close();
    }
  }

  @Test
  void healthAndReflectionOnTheRealServer() throws Exception {
    try (ApiClient c = ApiClient.connect(unix.address(), null)) {
      assertThat(HealthGrpc.newBlockingStub(c.channel()).check(HealthCheckRequest.getDefaultInstance()).getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      assertThat(io.netctl.api.ReflectionTestAccess.services(c.channel()))
          .contains("netctl.v1.Netctl", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
    }
  }

  @Test
  void tcpWithTlsAndMutualTls() throws Exception {
    TestCerts.Pem serverCert = TestCerts.selfSigned(tmp.resolve("pki"), "server");
    TestCerts.Pem clientCert = TestCerts.selfSigned(tmp.resolve("pki"), "client");
    ApiServer tls = ApiServer.start(ApiAddress.parse("127.0.0.1:0"), backend,
        new ApiServer.Tls(serverCert.cert(), serverCert.key(), null));
    try {
      String addr = tls.address().toString();
      assertThat(((ApiAddress.Tcp) tls.address()).port()).isPositive();
      Cli.Run ok = Cli.run("status", "--server", addr, "--tls-ca", serverCert.cert().toString());
      assertThat(ok.exit()).as(ok.err()).isZero();
      Cli.Run plain = Cli.run("status", "--server", addr, "--timeout", "2");
      assertThat(plain.exit()).isNotZero();
      Cli.Run untrusted = Cli.run("status", "--server", addr, "--tls");
      assertThat(untrusted.exit()).isEqualTo(Main.EXIT_UNAVAILABLE);
    } finally {
      tls.close();
    }

    ApiServer mtls = ApiServer.start(ApiAddress.parse("127.0.0.1:0"), backend,
        new ApiServer.Tls(serverCert.cert(), serverCert.key(), clientCert.cert()));
    try {
      String addr = mtls.address().toString();
      Cli.Run noCert = Cli.run("status", "--server", addr, "--tls-ca", serverCert.cert().toString());
      assertThat(noCert.exit()).isEqualTo(Main.EXIT_UNAVAILABLE);
      Cli.Run withCert = Cli.run("status", "--server", addr, "--tls-ca", serverCert.cert().toString(),
          "--tls-cert", clientCert.cert().toString(), "--tls-key", clientCert.key().toString());
      assertThat(withCert.exit()).as(withCert.err()).isZero();
      assertThat(withCert.out()).contains("POLICIES     8");
    } finally {
      mtls.close();
    }
  }
}

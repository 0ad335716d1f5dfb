package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.netctl.anp.compile.LspNaming;
import io.netctl.api.ApiAddress;
import io.netctl.api.ApiClient;
import io.netctl.api.ApiServer;
import io.netctl.api.BfdEventHub;
import io.netctl.api.v1.BfdEvent;
import io.netctl.api.v1.NetctlGrpc;
import io.netctl.api.v1.WatchBfdEventsRequest;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.transport.BfdSessionHandle;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * BFD through the API: a real pair of {@link BfdSpeaker}s on loopback, their state changes drained into a
 * {@link BfdEventHub}, listed and streamed by the server over a unix socket, read by gRPC and by the CLI clients.
 */
class BfdApiIT {
  /** 100 ms x 3, as egress-bfd's own ITs: no flaps on a busy 2-core machine. */
  static final BfdSessionConfig CONFIG = BfdSessionConfig.of(100_000, 100_000, 3);
  static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path tmp;
  final InetAddress lo = InetAddress.getLoopbackAddress();
  final List<BfdSpeaker> speakers = new CopyOnWriteArrayList<>();
  BfdEventHub hub;
  ApiServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (hub != null) {
      hub.close();
    }
    speakers.forEach(BfdSpeaker::abort);
  }

  @Test
  void sessionsAndStateChangesFromRealSpeakers() throws Exception {
    BfdSpeaker a = BfdSpeaker.start(BfdSpeakerConfig.of(lo).withListenPort(0).withMultihopListenPort(0));
    BfdSpeaker b = BfdSpeaker.start(BfdSpeakerConfig.of(lo).withListenPort(0).withMultihopListenPort(0));
    speakers.add(a);
    speakers.add(b);
    hub = BfdEventHub.draining(() -> speakers);
    LocalPolicies policies = LocalPolicies.load(List.of("../examples"), LspNaming.KUBE_OVN, false,
        new PrintWriter(new StringWriter()));
    server = ApiServer.start(ApiAddress.parse("unix:" + tmp.resolve("api.sock")),
        policies.backend().bfd(() -> speakers, hub).build(), null);
    String addr = server.address().toString();

    // A watcher from before the sessions exist sees them come up.
    List<BfdEvent> seen = new CopyOnWriteArrayList<>();
    try (ApiClient client = ApiClient.connect(server.address(), null)) {
      Context.CancellableContext watch = Context.current().withCancellation();
      watch.run(() -> NetctlGrpc.newStub(client.channel())
          .watchBfdEvents(WatchBfdEventsRequest.getDefaultInstance(), collect(seen)));
      await().atMost(WAIT).until(() -> hub.listeners() == 1);

      BfdSessionHandle ha = a.addSession(new InetSocketAddress(lo, b.listenAddress().getPort()), CONFIG);
      BfdSessionHandle hb = b.addSession(new InetSocketAddress(lo, a.listenAddress().getPort()), CONFIG);
      await().atMost(WAIT).until(() -> upCount(seen, ha) == 1 && upCount(seen, hb) == 1);
      BfdEvent up = seen.stream().filter(e -> e.getTo().equals("Up")
          && e.getLocalDiscriminator() == ha.localDiscriminator()).findFirst().orElseThrow();
      assertThat(up.getRemoteDiscriminator()).isEqualTo(hb.localDiscriminator());
      assertThat(up.getLocalAddress()).isEqualTo(lo.getHostAddress());
      assertThat(up.getCurrent()).isFalse();

      // bfd sessions: both Up, with negotiated timers and received intervals.
      await().atMost(WAIT).until(() -> sessions(addr).stream()
          .allMatch(s -> "Up".equals(s.get("state")) && Long.parseLong(String.valueOf(s.get("rxIntervalP50Us")))
              > 0)); // int64 is a string in proto3 JSON
      List<Map<String, Object>> sessions = sessions(addr);
      assertThat(sessions).hasSize(2);
      assertThat(sessions).allSatisfy(s -> {
        assertThat(s.get("detectionTimeUs")).isEqualTo("300000");
        assertThat(s.get("txIntervalUs")).isEqualTo("100000");
        assertThat(s.get("remoteState")).isEqualTo("Up");
      });
      Cli.Run table = Cli.run("bfd", "sessions", "--server", addr);
      assertThat(table.out()).contains("single-hop").contains("Up").contains("300ms");

      // bfd watch --current prints the present state of each session first.
      Cli.Run current = Cli.run("bfd", "watch", "--server", addr, "--current", "--count", "2", "-o", "json");
      assertThat(current.exit()).as(current.err()).isZero();
      assertThat(current.out().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l)
          .contains("\"current\":true").contains("\"to\":\"Up\""));

      // A CLI watcher and the gRPC watcher both see b leave: a goes Down, told by b's AdminDown.
      CompletableFuture<Cli.Run> cli = CompletableFuture.supplyAsync(() -> Cli.run("bfd", "watch", "--server", addr,
          "--count", "1", "-o", "json"));
      await().atMost(WAIT).until(() -> hub.listeners() == 2);
      b.close();
      Cli.Run watched = cli.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(watched.exit()).as(watched.err()).isZero();
      assertThat(watched.out()).contains("\"from\":\"Up\"");
      await().atMost(WAIT).until(() -> seen.stream().anyMatch(e -> e.getLocalDiscriminator() == ha.localDiscriminator()
          && e.getFrom().equals("Up") && e.getTo().equals("Down")));
      BfdEvent down = seen.stream().filter(e -> e.getLocalDiscriminator() == ha.localDiscriminator()
          && e.getTo().equals("Down")).findFirst().orElseThrow();
      assertThat(down.getDiagnostic()).isEqualTo("neighbor signaled session down");
      watch.cancel(null);
      await().atMost(WAIT).until(() -> hub.listeners() == 0);
    }
  }

  static long upCount(List<BfdEvent> events, BfdSessionHandle h) {
    return events.stream().filter(e -> e.getLocalDiscriminator() == h.localDiscriminator() && e.getTo().equals("Up"))
        .count();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> sessions(String addr) {
    Cli.Run r = Cli.run("bfd", "sessions", "--server", addr, "-o", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    Map<String, Object> m = new Yaml().load(r.out());
    return (List<Map<String, Object>>) m.getOrDefault("sessions", new ArrayList<>());
  }

  static StreamObserver<BfdEvent> collect(List<BfdEvent> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(BfdEvent value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}

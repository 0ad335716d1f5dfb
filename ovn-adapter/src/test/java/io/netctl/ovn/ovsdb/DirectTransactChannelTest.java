package io.netctl.ovn.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The direct JSON-RPC channel against a scripted server on loopback (framing, echo, errors, a dropped link). */
class DirectTransactChannelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Uuid ROW = new Uuid("5b0a29a4-8b6b-4c2b-9a36-2f1d1c1e0f01");

  private static Operation.Mutate delete(String... hops) {
    return new Operation.Mutate(NbCache.LRP, ROW, "nexthops", Operation.Mutator.DELETE,
        new LinkedHashSet<>(List.of((Object[]) hops)));
  }

  @Test
  void theRequestIsOneTransactOfMutatesOnTheRowsUuid() throws Exception {
    String r = DirectTransactChannel.request(7, "OVN_Northbound", List.of(delete("192.0.2.11"),
        new Operation.Mutate("Logical_Router", new Uuid("u2"), "policies", Operation.Mutator.INSERT,
            Set.of(new Uuid("u3")))));
    JsonNode n = JSON.readTree(r);
    assertThat(n.get("id").asLong()).isEqualTo(7);
    assertThat(n.get("method").asText()).isEqualTo("transact");
    assertThat(n.get("params").toString()).isEqualTo("[\"OVN_Northbound\","
        + "{\"op\":\"mutate\",\"table\":\"Logical_Router_Policy\",\"where\":[[\"_uuid\",\"==\",[\"uuid\","
        + "\"" + ROW.value() + "\"]]],\"mutations\":[[\"nexthops\",\"delete\",[\"set\",[\"192.0.2.11\"]]]]},"
        + "{\"op\":\"mutate\",\"table\":\"Logical_Router\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"u2\"]]],"
        + "\"mutations\":[[\"policies\",\"insert\",[\"set\",[[\"uuid\",\"u3\"]]]]]}]");
    // strings are escaped
    String q = DirectTransactChannel.request(1, "db\"x", List.of(delete("a\\b\n")));
    assertThat(JSON.readTree(q).get("params").get(1).get("mutations").get(0).get(2).get(1).get(0).asText())
        .isEqualTo("a\\b\n");
    assertThat(JSON.readTree(q).get("params").get(0).asText()).isEqualTo("db\"x");
  }

  @Test
  void insertsUpdatesAndDeletesAreWrittenWithOvsdbValues() throws Exception {
    java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
    row.put("name", "nc_x");
    row.put("priority", 1001L);
    row.put("log", Boolean.TRUE);
    row.put("addresses", new java.util.TreeSet<Object>(List.of("10.0.0.1", "10.0.0.2")));
    row.put("external_ids", new java.util.TreeMap<>(java.util.Map.of("netctl.io/owner", "a")));
    row.put("acls", Set.of(new NamedUuid("acl0")));
    String r = DirectTransactChannel.request(3, "OVN_Northbound", List.of(
        new Operation.Insert("ACL", new NamedUuid("acl0"), java.util.Map.of("priority", 7L)),
        new Operation.Insert("Port_Group", null, row),
        new Operation.Update("ACL", ROW, java.util.Map.of("match", "ip4")),
        new Operation.Delete("Address_Set", ROW)));
    JsonNode p = JSON.readTree(r).get("params");
    assertThat(p.get(1).toString()).isEqualTo(
        "{\"op\":\"insert\",\"table\":\"ACL\",\"uuid-name\":\"acl0\",\"row\":{\"priority\":7}}");
    assertThat(p.get(2).toString()).isEqualTo("{\"op\":\"insert\",\"table\":\"Port_Group\",\"row\":{"
        + "\"name\":\"nc_x\",\"priority\":1001,\"log\":true,\"addresses\":[\"set\",[\"10.0.0.1\",\"10.0.0.2\"]],"
        + "\"external_ids\":[\"map\",[[\"netctl.io/owner\",\"a\"]]],\"acls\":[\"set\",[[\"named-uuid\",\"acl0\"]]]}}");
    assertThat(p.get(3).toString()).isEqualTo("{\"op\":\"update\",\"table\":\"ACL\",\"where\":[[\"_uuid\",\"==\","
        + "[\"uuid\",\"" + ROW.value() + "\"]]],\"row\":{\"match\":\"ip4\"}}");
    assertThat(p.get(4).toString()).isEqualTo("{\"op\":\"delete\",\"table\":\"Address_Set\",\"where\":[[\"_uuid\","
        + "\"==\",[\"uuid\",\"" + ROW.value() + "\"]]]}");
  }

  @Test
  void valuesOtherThanAtomsSetsAndMapsAreNotSupported() {
    assertThat(DirectTransactChannel.supports(List.of(delete("192.0.2.11")))).isTrue();
    assertThat(DirectTransactChannel.supports(List.of(new Operation.Delete(NbCache.LRP, ROW)))).isTrue();
    assertThat(DirectTransactChannel.supports(List.of())).isFalse();
    assertThat(DirectTransactChannel.supports(List.of(new Operation.Update("ACL", ROW,
        java.util.Map.of("options", java.util.Map.of("k", List.of("nested"))))))).isFalse();
    assertThat(DirectTransactChannel.supports(List.of(new Operation.Update("ACL", ROW,
        java.util.Map.of("priority", new java.math.BigDecimal(1)))))).isFalse();
  }

  /**
   * A scripted server: sends an echo probe first (and checks the answer), then answers each transact with
   * {@code reply.apply(request)}, glued to the next message without a separator as ovsdb-server does.
   */
  private static CompletableFuture<JsonNode> server(ServerSocket ss, Function<JsonNode, String> reply, int requests) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket s = ss.accept()) {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        var p = JSON.getFactory().createParser(in);
        out.write("{\"id\":\"echo\",\"method\":\"echo\",\"params\":[]}".getBytes(StandardCharsets.UTF_8));
        out.flush();
        JsonNode echo = null;
        JsonNode last = null;
        for (int handled = 0; handled < requests || echo == null; ) {
          JsonNode n = JSON.readTree(p); // the echo answer and the requests, in whatever order they come
          if ("echo".equals(n.path("id").asText())) {
            echo = n;
          } else {
            last = n;
            handled++;
            out.write(reply.apply(last).getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
        }
        ObjectNode o = JSON.createObjectNode();
        o.set("echo", echo);
        o.set("last", last);
        return o;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void answersEchoProbesAndReadsBackToBackReplies() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<JsonNode> srv = server(ss, req -> "{\"id\":" + req.get("id") + ",\"result\":[{\"count\":1}],"
          + "\"error\":null}{\"id\":null,\"method\":\"update\",\"params\":[null,{}]}", 2);
      try (DirectTransactChannel c = DirectTransactChannel.open(new Remote(Remote.Scheme.TCP, "127.0.0.1",
          ss.getLocalPort()), null, "OVN_Northbound", 5_000)) {
        assertThat(c.transact(List.of(delete("192.0.2.11")), 5_000)).containsExactly(1L);
        assertThat(c.transact(List.of(delete("192.0.2.12")), 5_000)).containsExactly(1L);
        long[] t = c.lastTiming();
        assertThat(t[0]).isLessThanOrEqualTo(t[1]);
        assertThat(t[1]).isLessThanOrEqualTo(t[2]);
      }
      JsonNode got = srv.get(5, TimeUnit.SECONDS);
      assertThat(got.get("echo").toString()).isEqualTo("{\"id\":\"echo\",\"result\":[],\"error\":null}");
      assertThat(got.get("last").get("params").get(1).get("mutations").toString()).contains("192.0.2.12");
    }
  }

  @Test
  void anOperationErrorIsATransactionFailureNamingTheOperation() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server(ss, req -> "{\"id\":" + req.get("id") + ",\"result\":[{\"count\":1},{\"error\":\"constraint violation\","
          + "\"details\":\"no such row\"},{\"error\":\"aborted\"}],\"error\":null}", 1);
      try (DirectTransactChannel c = DirectTransactChannel.open(new Remote(Remote.Scheme.TCP, "127.0.0.1",
          ss.getLocalPort()), null, "OVN_Northbound", 5_000)) {
        assertThatThrownBy(() -> c.transact(List.of(delete("192.0.2.11"), delete("192.0.2.12")), 5_000))
            .isInstanceOfSatisfying(TransactionFailedException.class, e -> {
              assertThat(e.getMessage()).contains("constraint violation").contains("no such row");
            });
      }
    }
  }

  @Test
  void aDroppedConnectionFailsTheCallInFlight() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> srv = CompletableFuture.runAsync(() -> {
        try (Socket s = ss.accept()) {
          JSON.readTree(JSON.getFactory().createParser(s.getInputStream())); // the request, then hang up
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (DirectTransactChannel c = DirectTransactChannel.open(new Remote(Remote.Scheme.TCP, "127.0.0.1",
          ss.getLocalPort()), null, "OVN_Northbound", 5_000)) {
        assertThatThrownBy(() -> c.transact(List.of(delete("192.0.2.11")), 10_000))
            .isInstanceOf(OvsdbException.class).hasMessageContaining("connection lost");
        srv.get(5, TimeUnit.SECONDS);
        assertThat(c.isOpen()).isFalse();
      }
    }
  }

  @Test
  void aRemoteThatDoesNotListenIsAnOvsdbException() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort();
    }
    assertThatThrownBy(() -> DirectTransactChannel.open(new Remote(Remote.Scheme.TCP, "127.0.0.1", port), null,
        "OVN_Northbound", 2_000)).isInstanceOf(OvsdbException.class).hasMessageContaining("direct transact channel");
  }
}

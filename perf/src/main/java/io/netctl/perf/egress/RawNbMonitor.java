package io.netctl.perf.egress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The harness's independent observer: an RFC 7047 {@code monitor} of {@code Logical_Router_Policy} on a plain socket
 * with a reader thread of its own. It shares nothing with netctl's OVSDB client (not the OpenDaylight library, not its
 * I/O thread, which all of netctl's connections in a JVM share), so netctl's own processing of the same update cannot
 * delay the observation. Each update is stamped ({@link System#nanoTime()}) as soon as it is parsed.
 */
final class RawNbMonitor implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Socket socket;
  private final OutputStream out;
  private final Thread reader;
  private final BiConsumer<Long, Map<Long, Set<String>>> listener;
  private volatile boolean closed;

  /**
   * @param listener gets (arrival nanoTime, priority → nexthops of each policy row in the update) for every update,
   *     the initial rows included
   */
  RawNbMonitor(String host, int port, BiConsumer<Long, Map<Long, Set<String>>> listener) throws IOException {
    this.listener = listener;
    this.socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 5_000);
    this.out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    send("{\"id\":1,\"method\":\"monitor\",\"params\":[\"OVN_Northbound\",\"egress-perf\","
        + "{\"Logical_Router_Policy\":{\"columns\":[\"priority\",\"nexthops\"]}}]}");
    this.reader = new Thread(() -> read(in), "perf-nb-monitor");
    reader.setDaemon(true);
    reader.setPriority(Thread.MAX_PRIORITY);
    reader.start();
  }

  private void send(String s) throws IOException {
    synchronized (out) {
      out.write(s.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private void read(InputStream in) {
    try (JsonParser p = JSON.getFactory().createParser(in)) {
      while (!closed) {
        JsonNode n = JSON.readTree(p);
        if (n == null) {
          return;
        }
        long now = System.nanoTime();
        String method = n.path("method").asText("");
        if (method.equals("echo")) {
          send("{\"id\":" + n.get("id") + ",\"result\":" + n.path("params") + ",\"error\":null}");
        } else if (method.equals("update")) {
          listener.accept(now, rows(n.path("params").path(1)));
        } else if (n.path("id").asInt() == 1) {
          listener.accept(now, rows(n.path("result")));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        System.err.println("NB monitor: " + e);
      }
    }
  }

  /** priority → nexthops of each inserted or modified row ("new"), from table-updates. */
  private static Map<Long, Set<String>> rows(JsonNode tableUpdates) {
    Map<Long, Set<String>> m = new java.util.TreeMap<>();
    JsonNode rows = tableUpdates.path("Logical_Router_Policy");
    for (Iterator<JsonNode> it = rows.elements(); it.hasNext(); ) {
      JsonNode row = it.next().get("new");
      if (row == null || row.isNull()) {
        continue;
      }
      Set<String> hops = new TreeSet<>();
      JsonNode v = row.path("nexthops");
      if (v.isTextual()) {
        hops.add(v.asText());
      } else if (v.isArray() && v.size() == 2 && "set".equals(v.get(0).asText())) {
        v.get(1).forEach(x -> hops.add(x.asText()));
      }
      m.put(row.path("priority").asLong(), hops);
    }
    return m;
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}

package io.netctl.ovn.ovsdb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;

/**
 * A second, minimal JSON-RPC connection to the same OVSDB server for the latency-sensitive writes: the egress
 * failover's nexthop mutates and the reconciler's member-only deltas (a pod relabelled, added or deleted), written by
 * the calling thread straight onto a blocking socket with TCP_NODELAY.
 *
 * <p>Why: through the OpenDaylight library a transaction is serialized with Jackson through its schema-typed
 * operation classes, gets a random UUID and a reaper task, and is handed to the library's I/O thread, which must be
 * scheduled before the bytes leave; on a busy 2-core machine that hand-off alone cost milliseconds, and the code
 * runs cold (a failover is rare, so that path is interpreted, not compiled). Here the request is built with a
 * {@link StringBuilder} and written by one {@code write} system call from the thread that decided it; the reply is
 * read by a reader thread of this channel, which also answers the server's {@code echo} probes.
 *
 * <p>Every operation netctl sends ({@link Operation}: insert with named UUIDs, update, mutate, delete) with atoms,
 * sets of atoms and maps of atoms as values; the values are written as they are (a {@link java.util.Set} as an OVSDB
 * set, a {@link Map} as a map), without the schema, so a value of the wrong type is the server's error to report.
 * This channel monitors nothing: a caller that keeps a replica from a monitor on another connection must mind that
 * the monitor's update of a transaction sent here can arrive after the reply (see {@code Reconciler}).
 */
final class DirectTransactChannel implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String remote;
  private final String database;
  private final Socket socket;
  private final OutputStream out;
  private final Thread reader;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();

  /** A reply and when the reader thread had parsed it. */
  private record Reply(JsonNode node, long receivedNs) {}
  private volatile boolean closed;
  /** nanoTime stamps of the last {@link #transact}: started, written to the socket, reply read. */
  private volatile long[] lastTiming;

  private DirectTransactChannel(String remote, String database, Socket socket) throws IOException {
    this.remote = remote;
    this.database = database;
    this.socket = socket;
    this.out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    this.reader = new Thread(() -> read(in), "netctl-ovsdb-direct");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Connects to {@code remote} (TCP, or SSL with {@code tls}). */
  static DirectTransactChannel open(Remote remote, TlsFiles tls, String database, int connectTimeoutMillis)
      throws OvsdbException {
    Socket s = null;
    try {
      if (remote.scheme() == Remote.Scheme.SSL) {
        if (tls == null) {
          throw new OvsdbException(remote + ": an ssl remote needs a private key, certificate and CA certificate");
        }
        Socket plain = new Socket();
        s = plain;
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(remote.host(), remote.port()), connectTimeoutMillis);
        SSLSocket ssl = (SSLSocket) tls.sslContext().getSocketFactory()
            .createSocket(plain, remote.host(), remote.port(), true);
        s = ssl;
        ssl.setUseClientMode(true);
        ssl.setSoTimeout(connectTimeoutMillis);
        ssl.startHandshake();
        ssl.setSoTimeout(0);
      } else {
        s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(remote.host(), remote.port()), connectTimeoutMillis);
      }
      return new DirectTransactChannel(remote.toString(), database, s);
    } catch (IOException | java.security.GeneralSecurityException e) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a socket that failed to connect
        }
      }
      throw new OvsdbException(remote + ": direct transact channel: " + e.getMessage(), e);
    }
  }

  /** Whether this channel can send {@code ops}: every operation, with atoms, sets of atoms and maps of atoms. */
  static boolean supports(List<Operation> ops) {
    if (ops.isEmpty()) {
      return false;
    }
    for (Operation op : ops) {
      boolean ok;
      if (op instanceof Operation.Mutate m) {
        ok = m.elements().stream().allMatch(DirectTransactChannel::atom);
      } else if (op instanceof Operation.Insert i) {
        ok = i.row().values().stream().allMatch(DirectTransactChannel::value);
      } else if (op instanceof Operation.Update u) {
        ok = u.row().values().stream().allMatch(DirectTransactChannel::value);
      } else {
        ok = op instanceof Operation.Delete;
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean atom(Object o) {
    return o instanceof String || o instanceof Long || o instanceof Integer || o instanceof Boolean
        || o instanceof Double || o instanceof Uuid || o instanceof NamedUuid;
  }

  private static boolean value(Object o) {
    if (o instanceof java.util.Set<?> s) {
      return s.stream().allMatch(DirectTransactChannel::atom);
    }
    if (o instanceof Map<?, ?> m) {
      return m.entrySet().stream().allMatch(e -> atom(e.getKey()) && atom(e.getValue()));
    }
    return atom(o);
  }

  /** The JSON-RPC request of one transaction of {@code ops} (all {@link #supports supported}). */
  static String request(long id, String database, List<Operation> ops) {
    StringBuilder sb = new StringBuilder(160 + 160 * ops.size());
    sb.append("{\"id\":").append(id).append(",\"method\":\"transact\",\"params\":[");
    string(sb, database);
    for (Operation op : ops) {
      sb.append(",{\"op\":");
      if (op instanceof Operation.Mutate m) {
        sb.append("\"mutate\",\"table\":");
        string(sb, m.table());
        where(sb, m.uuid());
        sb.append(",\"mutations\":[[");
        string(sb, m.column());
        sb.append(',');
        string(sb, m.mutator().wireName());
        sb.append(',');
        set(sb, m.elements());
        sb.append("]]");
      } else if (op instanceof Operation.Insert i) {
        sb.append("\"insert\",\"table\":");
        string(sb, i.table());
        if (i.uuidName() != null) {
          sb.append(",\"uuid-name\":");
          string(sb, i.uuidName().name());
        }
        row(sb, i.row());
      } else if (op instanceof Operation.Update u) {
        sb.append("\"update\",\"table\":");
        string(sb, u.table());
        where(sb, u.uuid());
        row(sb, u.row());
      } else {
        Operation.Delete d = (Operation.Delete) op;
        sb.append("\"delete\",\"table\":");
        string(sb, d.table());
        where(sb, d.uuid());
      }
      sb.append('}');
    }
    return sb.append("]}").toString();
  }

  private static void where(StringBuilder sb, Uuid u) {
    sb.append(",\"where\":[[\"_uuid\",\"==\",[\"uuid\",");
    string(sb, u.value());
    sb.append("]]]");
  }

  private static void row(StringBuilder sb, Map<String, Object> row) {
    sb.append(",\"row\":{");
    boolean first = true;
    for (Map.Entry<String, Object> e : row.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(sb, e.getKey());
      sb.append(':');
      Object v = e.getValue();
      if (v instanceof java.util.Set<?> s) {
        set(sb, s);
      } else if (v instanceof Map<?, ?> m) {
        sb.append("[\"map\",[");
        boolean f = true;
        for (Map.Entry<?, ?> me : m.entrySet()) {
          if (!f) {
            sb.append(',');
          }
          f = false;
          sb.append('[');
          atom(sb, me.getKey());
          sb.append(',');
          atom(sb, me.getValue());
          sb.append(']');
        }
        sb.append("]]");
      } else {
        atom(sb, v);
      }
    }
    sb.append('}');
  }

  private static void set(StringBuilder sb, java.util.Collection<?> elements) {
    sb.append("[\"set\",[");
    boolean first = true;
    for (Object e : elements) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      atom(sb, e);
    }
    sb.append("]]");
  }

  private static void atom(StringBuilder sb, Object e) {
    if (e instanceof Uuid u) {
      sb.append("[\"uuid\",");
      string(sb, u.value());
      sb.append(']');
    } else if (e instanceof NamedUuid n) {
      sb.append("[\"named-uuid\",");
      string(sb, n.name());
      sb.append(']');
    } else if (e instanceof String str) {
      string(sb, str);
    } else if (e instanceof Boolean bool) {
      sb.append(bool.booleanValue());
    } else if (e instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("OVSDB real: " + d);
      }
      sb.append(d.doubleValue());
    } else if (e instanceof Long || e instanceof Integer) {
      sb.append(((Number) e).longValue());
    } else {
      throw new IllegalArgumentException("not an OVSDB atom: " + (e == null ? "null" : e.getClass().getName()));
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  /**
   * Runs one transaction; returns one result per operation, as {@link OvsdbSession#transact} does: the new row's
   * {@link Uuid} for an insert, the number of rows touched for the others.
   *
   * @throws TransactionFailedException the server rejected it: nothing was committed
   * @throws OvsdbException the connection broke or no reply came in time: it may or may not have been committed
   */
  List<Object> transact(List<Operation> ops, long timeoutMillis) throws OvsdbException {
    if (!supports(ops)) {
      throw new IllegalArgumentException("direct transact: values must be atoms, sets or maps of atoms (got " + ops
          + ")");
    }
    long t0 = System.nanoTime();
    long id = ids.incrementAndGet();
    byte[] bytes = request(id, database, ops).getBytes(StandardCharsets.UTF_8);
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    pending.put(id, reply);
    long sent;
    try {
      if (closed) {
        throw new IOException("closed");
      }
      synchronized (out) {
        out.write(bytes);
        out.flush();
      }
      sent = System.nanoTime();
    } catch (IOException e) {
      pending.remove(id);
      close();
      throw new OvsdbException(remote + ": direct transact: " + e.getMessage(), e);
    }
    Reply got;
    try {
      got = reply.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OvsdbException(remote + ": direct transact: interrupted", e);
    } catch (TimeoutException e) {
      throw new OvsdbException(remote + ": direct transact: no reply within " + timeoutMillis + " ms", e);
    } catch (ExecutionException e) {
      throw new OvsdbException(remote + ": direct transact: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pending.remove(id);
    }
    // write() returned at "sent", but this thread may have been descheduled before it read the clock, after which
    // the reply could already be in: the request was on the wire no later than the reply came back
    lastTiming = new long[] {t0, Math.min(sent, got.receivedNs()), got.receivedNs()};
    JsonNode r = got.node();
    JsonNode error = r.get("error");
    if (error != null && !error.isNull()) {
      throw new OvsdbException(remote + ": transact: " + error);
    }
    JsonNode results = r.get("result");
    if (results == null || !results.isArray()) {
      throw new OvsdbException(remote + ": transact: a reply without results: " + r);
    }
    for (int i = 0; i < results.size(); i++) {
      JsonNode x = results.get(i);
      if (x != null && x.hasNonNull("error")) {
        throw new TransactionFailedException(x.get("error").asText(),
            x.hasNonNull("details") ? x.get("details").asText() : null, i < ops.size() ? i : -1, ops);
      }
    }
    if (results.size() < ops.size()) {
      throw new OvsdbException(remote + ": transact: " + results.size() + " results for " + ops.size()
          + " operations");
    }
    List<Object> outList = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof Operation.Insert) {
        JsonNode u = results.get(i).path("uuid");
        if (!u.isArray() || u.size() != 2 || !"uuid".equals(u.get(0).asText())) {
          throw new OvsdbException(remote + ": insert without a uuid in the reply: " + results.get(i));
        }
        outList.add(new Uuid(u.get(1).asText()));
      } else {
        outList.add(results.get(i).path("count").asLong());
      }
    }
    return outList;
  }

  /** nanoTime stamps of the last transaction: started, written, reply read; null before the first. */
  long[] lastTiming() {
    return lastTiming;
  }

  boolean isOpen() {
    return !closed;
  }

  /** Reader thread: replies complete their calls; the server's echo probes are answered. */
  private void read(InputStream in) {
    try (JsonParser p = JSON.getFactory().createParser(in)) {
      while (!closed) {
        JsonNode n = JSON.readTree(p);
        if (n == null) {
          break; // end of stream
        }
        long now = System.nanoTime();
        JsonNode method = n.get("method");
        if (method != null && !method.isNull()) {
          if ("echo".equals(method.asText())) {
            String reply = "{\"id\":" + n.get("id") + ",\"result\":" + n.path("params") + ",\"error\":null}";
            synchronized (out) {
              out.write(reply.getBytes(StandardCharsets.UTF_8));
              out.flush();
            }
          }
          continue; // notifications: this channel monitors nothing
        }
        JsonNode id = n.get("id");
        if (id != null && id.canConvertToLong()) {
          CompletableFuture<Reply> f = pending.remove(id.asLong());
          if (f != null) {
            f.complete(new Reply(n, now));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // the connection broke: fail the calls in flight below
    }
    close();
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
    for (CompletableFuture<Reply> f : pending.values()) {
      f.completeExceptionally(new IOException("connection lost"));
    }
    pending.clear();
  }
}

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
 * A second, minimal JSON-RPC connection to the same OVSDB server for the egress fast path: small transactions of
 * {@code mutate} operations, written by the calling thread straight onto a blocking socket with TCP_NODELAY.
 *
 * <p>Why: through the OpenDaylight library a transaction is serialized with Jackson through its schema-typed
 * operation classes, gets a random UUID and a reaper task, and is handed to the library's I/O thread, which must be
 * scheduled before the bytes leave; on a busy 2-core machine that hand-off alone cost milliseconds, and the code
 * runs cold (a failover is rare, so that path is interpreted, not compiled). Here the request is a few hundred bytes
 * built with a {@link StringBuilder} and written by one {@code write} system call from the thread that decided it;
 * the reply is read by a reader thread of this channel, which also answers the server's {@code echo} probes.
 *
 * <p>Only what the fast path needs: {@link Operation.Mutate} of a set column, with string, integer or UUID elements;
 * anything else is refused with an {@link IllegalArgumentException} (callers use the library's session for it).
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

  /** Whether this channel can send {@code ops}. */
  static boolean supports(List<Operation> ops) {
    if (ops.isEmpty()) {
      return false;
    }
    for (Operation op : ops) {
      if (!(op instanceof Operation.Mutate m)) {
        return false;
      }
      for (Object e : m.elements()) {
        if (!(e instanceof String || e instanceof Long || e instanceof Integer || e instanceof Uuid)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The JSON-RPC request of one transaction of {@code ops} (all {@link #supports supported}). */
  static String request(long id, String database, List<Operation> ops) {
    StringBuilder sb = new StringBuilder(160 + 160 * ops.size());
    sb.append("{\"id\":").append(id).append(",\"method\":\"transact\",\"params\":[");
    string(sb, database);
    for (Operation op : ops) {
      Operation.Mutate m = (Operation.Mutate) op;
      sb.append(",{\"op\":\"mutate\",\"table\":");
      string(sb, m.table());
      sb.append(",\"where\":[[\"_uuid\",\"==\",[\"uuid\",");
      string(sb, m.uuid().value());
      sb.append("]]],\"mutations\":[[");
      string(sb, m.column());
      sb.append(',');
      string(sb, m.mutator().wireName());
      sb.append(",[\"set\",[");
      boolean first = true;
      for (Object e : m.elements()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        if (e instanceof Uuid u) {
          sb.append("[\"uuid\",");
          string(sb, u.value());
          sb.append(']');
        } else if (e instanceof String str) {
          string(sb, str);
        } else {
          sb.append(((Number) e).longValue());
        }
      }
      sb.append("]]]]}");
    }
    return sb.append("]}").toString();
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
   * Runs one transaction; returns one result per operation (the number of rows each mutate touched).
   *
   * @throws TransactionFailedException the server rejected it: nothing was committed
   * @throws OvsdbException the connection broke or no reply came in time: it may or may not have been committed
   */
  List<Object> transact(List<Operation> ops, long timeoutMillis) throws OvsdbException {
    if (!supports(ops)) {
      throw new IllegalArgumentException("direct transact: only mutates of set columns (got " + ops + ")");
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
      outList.add(results.get(i).path("count").asLong());
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

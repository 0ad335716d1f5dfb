package io.netctl.ovn.sandbox;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small JVM inside a network namespace that listens on TCP/UDP ports and makes connections on request: the way
 * tests send real packets between "pods" of the data-plane sandbox without depending on netcat or socat.
 *
 * <p>Line protocol on stdin/stdout, one answer line per command:
 *
 * <ul>
 *   <li>{@code listen tcp PORT} / {@code listen udp PORT}: {@code ok} (TCP accepts and closes; UDP echoes);
 *   <li>{@code tcp IP PORT TIMEOUT_MS}: {@code open}, {@code refused} or {@code timeout};
 *   <li>{@code udp IP PORT TIMEOUT_MS}: {@code reply} or {@code timeout} (a datagram to an echo port);
 *   <li>anything that fails: {@code error: reason}.
 * </ul>
 *
 * A dropped packet is silent, so a connection an ACL drops ends in {@code timeout}; a refused one proves that the
 * packets got through and nothing listened.
 */
public final class PodAgent implements AutoCloseable {
  /** What a connection attempt came to. */
  public enum Outcome {
    OPEN, REFUSED, TIMEOUT, REPLY;

    /** Whether packets went both ways (a refusal is an answer too, but tests listen on every port they probe). */
    public boolean connected() {
      return this == OPEN || this == REPLY;
    }
  }

  private final String netns;
  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;

  private PodAgent(String netns, Process process) {
    this.netns = netns;
    this.process = process;
    this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts an agent in {@code netns} (needs root); returns once it answers. */
  public static PodAgent start(String netns) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp;
    try {
      cp = Path.of(PodAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new IOException("cannot locate the classes of " + PodAgent.class.getName(), e);
    }
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, java, "-Xmx32m", "-Xss256k",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp, PodAgent.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    PodAgent a = new PodAgent(netns, p);
    String hello = a.request("ping");
    if (!"pong".equals(hello)) {
      a.close();
      throw new IOException("pod agent in " + netns + " did not start: " + hello);
    }
    return a;
  }

  public String netns() {
    return netns;
  }

  /** The agent's PID (the JVM: {@code ip netns exec} replaces itself with it). */
  public long pid() {
    return process.pid();
  }

  public void listenTcp(int port) throws IOException {
    expectOk(request("listen tcp " + port));
  }

  public void listenUdp(int port) throws IOException {
    expectOk(request("listen udp " + port));
  }

  /** A TCP connection attempt to {@code ip:port}. */
  public Outcome tcp(String ip, int port, int timeoutMs) throws IOException {
    return outcome(request("tcp " + ip + " " + port + " " + timeoutMs));
  }

  /** A UDP datagram to an echo port and the wait for its echo. */
  public Outcome udp(String ip, int port, int timeoutMs) throws IOException {
    return outcome(request("udp " + ip + " " + port + " " + timeoutMs));
  }

  private static Outcome outcome(String line) throws IOException {
    return switch (line) {
      case "open" -> Outcome.OPEN;
      case "refused" -> Outcome.REFUSED;
      case "timeout" -> Outcome.TIMEOUT;
      case "reply" -> Outcome.REPLY;
      default -> throw new IOException("pod agent: " + line);
    };
  }

  private void expectOk(String line) throws IOException {
    if (!"ok".equals(line)) {
      throw new IOException("pod agent in " + netns + ": " + line);
    }
  }

  private synchronized String request(String line) throws IOException {
    in.write(line);
    in.newLine();
    in.flush();
    String r = out.readLine();
    if (r == null) {
      throw new IOException("pod agent in " + netns + " exited (" + line + ")");
    }
    return r;
  }

  /** Stops the agent (its stdin closes; then by PID if it lingers). */
  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // it is going anyway
    }
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  // ---- the agent side ------------------------------------------------------------------------------------------

  public static void main(String[] args) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream o = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    for (String line; (line = r.readLine()) != null; ) {
      String[] f = line.strip().split("\\s+");
      try {
        o.println(switch (f[0]) {
          case "ping" -> "pong";
          case "listen" -> listen(f[1], Integer.parseInt(f[2]));
          case "tcp" -> connectTcp(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
          case "udp" -> sendUdp(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
          default -> "error: unknown command '" + line + "' (expected: listen, tcp, udp)";
        });
      } catch (IOException | RuntimeException e) {
        o.println("error: " + line + ": " + e);
      }
    }
    System.exit(0); // the listener threads are daemons, but say it plainly
  }

  private static String listen(String proto, int port) throws IOException {
    Thread t;
    if (proto.equals("tcp")) {
      ServerSocket ss = new ServerSocket();
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(port), 512);
      t = new Thread(() -> {
        while (true) {
          try (Socket s = ss.accept()) {
            s.getOutputStream().write('\n');
          } catch (IOException e) {
            // the peer went away; keep accepting
          }
        }
      }, "tcp-" + port);
    } else if (proto.equals("udp")) {
      DatagramSocket ds = new DatagramSocket(port);
      t = new Thread(() -> {
        byte[] buf = new byte[2048];
        while (true) {
          try {
            DatagramPacket dp = new DatagramPacket(buf, buf.length);
            ds.receive(dp);
            ds.send(new DatagramPacket(dp.getData(), dp.getLength(), dp.getSocketAddress()));
          } catch (IOException e) {
            // keep echoing
          }
        }
      }, "udp-" + port);
    } else {
      return "error: protocol " + proto + " (expected: tcp or udp)";
    }
    t.setDaemon(true);
    t.start();
    return "ok";
  }

  private static String connectTcp(String ip, int port, int timeoutMs) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName(ip), port), timeoutMs);
      return "open";
    } catch (ConnectException e) {
      return "refused";
    } catch (SocketTimeoutException e) {
      return "timeout";
    }
  }

  private static String sendUdp(String ip, int port, int timeoutMs) throws IOException {
    try (DatagramSocket ds = new DatagramSocket()) {
      ds.setSoTimeout(timeoutMs);
      byte[] msg = "probe".getBytes(StandardCharsets.US_ASCII);
      ds.send(new DatagramPacket(msg, msg.length, InetAddress.getByName(ip), port));
      DatagramPacket reply = new DatagramPacket(new byte[64], 64);
      ds.receive(reply);
      return "reply";
    } catch (SocketTimeoutException e) {
      return "timeout";
    } catch (java.net.PortUnreachableException e) {
      return "refused";
    }
  }
}

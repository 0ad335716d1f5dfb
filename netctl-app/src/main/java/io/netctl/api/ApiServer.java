package io.netctl.api;

import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netctl.api.v1.NetctlGrpc;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@link NetctlService}, the standard health service ({@code grpc.health.v1.Health}, SERVING for the whole
 * server and for {@code netctl.v1.Netctl}) and reflection ({@code grpc.reflection.v1}) on a unix socket (epoll) or a
 * TCP address, in plain text or TLS (PEM files; with a client CA, clients must present a certificate it signed).
 *
 * <p>A unix socket is created mode 0660 (its directory is created if missing); a stale socket file left by a process
 * that died is replaced, a live one is refused.
 */
public final class ApiServer implements AutoCloseable {
  /** The service name health reports on. */
  public static final String SERVICE = NetctlGrpc.SERVICE_NAME;

  /**
   * TLS material, PEM files.
   *
   * @param clientCa when not null, clients must present a certificate signed by it (mutual TLS)
   */
  public record Tls(Path certChain, Path privateKey, Path clientCa) {
    public Tls {
      Objects.requireNonNull(certChain, "certChain");
      Objects.requireNonNull(privateKey, "privateKey");
    }
  }

  private final Server server;
  private final ApiAddress address;
  private final HealthStatusManager health;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  private ApiServer(Server server, ApiAddress address, HealthStatusManager health, EventLoopGroup boss,
      EventLoopGroup workers) {
    this.server = server;
    this.address = address;
    this.health = health;
    this.boss = boss;
    this.workers = workers;
  }

  /** Starts serving {@code backend} at {@code address}; {@code tls} may be null for plain text. */
  public static ApiServer start(ApiAddress address, ApiBackend backend, Tls tls) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    NettyServerBuilder b;
    EventLoopGroup boss = null;
    EventLoopGroup workers = null;
    if (address instanceof ApiAddress.Unix u) {
      if (!Epoll.isAvailable()) {
        throw new IOException("unix socket " + u.path() + ": epoll is unavailable (" + Epoll.unavailabilityCause()
            + "); serve on TCP instead, e.g. 127.0.0.1:9650");
      }
      prepareSocketPath(u.path());
      boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("api-boss", true), EpollIoHandler.newFactory());
      workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("api-io", true), EpollIoHandler.newFactory());
      b = NettyServerBuilder.forAddress(new DomainSocketAddress(u.path().toString()))
          .channelType(EpollServerDomainSocketChannel.class)
          .bossEventLoopGroup(boss)
          .workerEventLoopGroup(workers);
    } else {
      ApiAddress.Tcp t = (ApiAddress.Tcp) address;
      b = NettyServerBuilder.forAddress(t.socketAddress());
    }
    if (tls != null) {
      SslContextBuilder ssl = GrpcSslContexts.configure(
          SslContextBuilder.forServer(tls.certChain().toFile(), tls.privateKey().toFile()));
      if (tls.clientCa() != null) {
        ssl.trustManager(tls.clientCa().toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      b.sslContext(ssl.build());
    }
    Server server = b
        .addService(new NetctlService(backend))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      shutdown(boss, workers);
      throw e;
    }
    ApiAddress actual = address;
    if (address instanceof ApiAddress.Unix u) {
      Files.setPosixFilePermissions(u.path(), PosixFilePermissions.fromString("rw-rw----"));
    } else if (server.getListenSockets().get(0) instanceof InetSocketAddress isa) {
      actual = new ApiAddress.Tcp(((ApiAddress.Tcp) address).host(), isa.getPort());
    }
    health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    health.setStatus(SERVICE, io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    return new ApiServer(server, actual, health, boss, workers);
  }

  /** Creates the directory; removes a stale socket; refuses a socket someone still listens on, or a regular file. */
  private static void prepareSocketPath(Path path) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isRegularFile(path) || Files.isDirectory(path)) {
      throw new IOException("unix socket " + path + ": a file or directory is in the way (expected: a socket)");
    }
    boolean live;
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
      live = true;
    } catch (IOException e) {
      live = false; // connection refused: left behind by a process that is gone
    }
    if (live) {
      throw new IOException("unix socket " + path + ": another server is listening on it");
    }
    Files.delete(path);
  }

  /** Where the server listens (with the actual port when started on port 0). */
  public ApiAddress address() {
    return address;
  }

  /** The health service's state, e.g. to report NOT_SERVING while the daemon is not ready. */
  public HealthStatusManager health() {
    return health;
  }

  /** Stops accepting calls, ends the running ones (watch streams included) within a second, removes the socket. */
  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(1, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    shutdown(boss, workers);
    if (address instanceof ApiAddress.Unix u) {
      try {
        Files.deleteIfExists(u.path());
      } catch (IOException e) {
        // nothing to do: the next start replaces a stale socket
      }
    }
  }

  private static void shutdown(EventLoopGroup... groups) {
    for (EventLoopGroup g : groups) {
      if (g != null) {
        g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }
}

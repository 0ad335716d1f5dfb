package io.netctl.api;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netctl.api.v1.NetctlGrpc;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A channel to the API, for the CLI clients: unix socket (epoll) or TCP, plain text or TLS.
 *
 * @see ApiAddress
 */
public final class ApiClient implements AutoCloseable {
  /**
   * grpc-netty sets SO_KEEPALIVE on every channel; a unix socket has no such option and Netty warns about it on each
   * connection. Held here so the level setting is not lost to garbage collection.
   */
  private static final java.util.logging.Logger BOOTSTRAP_LOG =
      java.util.logging.Logger.getLogger("io.netty.bootstrap");

  /**
   * Client TLS: the CA that signed the server's certificate (null: the JDK's trust store), an optional client
   * certificate and key for mutual TLS, and an optional name to check the server's certificate against (default:
   * the host of the address; for a unix socket {@code localhost}).
   */
  public record Tls(Path ca, Path cert, Path key, String serverName) {}

  private final ManagedChannel channel;
  private final EventLoopGroup group;

  private ApiClient(ManagedChannel channel, EventLoopGroup group) {
    this.channel = channel;
    this.group = group;
  }

  /** A channel to {@code address}; connects lazily, on the first call. */
  public static ApiClient connect(ApiAddress address, Tls tls) throws IOException {
    NettyChannelBuilder b;
    EventLoopGroup group = null;
    if (address instanceof ApiAddress.Unix u) {
      if (!Epoll.isAvailable()) {
        throw new IOException("unix socket " + u.path() + ": epoll is unavailable (" + Epoll.unavailabilityCause()
            + "); use a TCP address");
      }
      BOOTSTRAP_LOG.setLevel(java.util.logging.Level.SEVERE);
      group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("api-client", true),
          EpollIoHandler.newFactory());
      b = NettyChannelBuilder.forAddress(new DomainSocketAddress(u.path().toString()))
          .channelType(EpollDomainSocketChannel.class)
          .eventLoopGroup(group)
          .overrideAuthority("localhost");
    } else {
      ApiAddress.Tcp t = (ApiAddress.Tcp) address;
      b = NettyChannelBuilder.forAddress(t.host(), t.port());
    }
    if (tls == null) {
      b.usePlaintext();
    } else {
      SslContextBuilder ssl = GrpcSslContexts.forClient();
      if (tls.ca() != null) {
        ssl.trustManager(tls.ca().toFile());
      }
      if (tls.cert() != null) {
        ssl.keyManager(tls.cert().toFile(), tls.key().toFile());
      }
      b.sslContext(ssl.build()).useTransportSecurity();
      if (tls.serverName() != null) {
        b.overrideAuthority(tls.serverName());
      }
    }
    return new ApiClient(b.build(), group);
  }

  public ManagedChannel channel() {
    return channel;
  }

  public NetctlGrpc.NetctlBlockingStub blocking() {
    return NetctlGrpc.newBlockingStub(channel);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}

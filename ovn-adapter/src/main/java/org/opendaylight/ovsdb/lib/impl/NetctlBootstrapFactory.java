package org.opendaylight.ovsdb.lib.impl;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * netctl's bootstrap for the OpenDaylight OVSDB library: one named <em>daemon</em> I/O thread instead of the library's
 * non-daemon event loop groups, so that an OVSDB connection never keeps the JVM alive.
 *
 * <p>It lives in the library's package because {@code newClient()} is package-private: overriding it is the only hook
 * the library has. The superclass still creates its own two event loop groups, but Netty starts a group's threads
 * only when a channel is registered with it, and netctl never registers one there (it opens client connections only;
 * no listener is ever started).
 */
public final class NetctlBootstrapFactory extends NettyBootstrapFactory {
  private final EventLoopGroup group;
  private final int connectTimeoutMillis;

  public NetctlBootstrapFactory(int connectTimeoutMillis) {
    this.connectTimeoutMillis = connectTimeoutMillis;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, "netctl-ovsdb-io-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    group = new MultiThreadIoEventLoopGroup(1, tf, NioIoHandler.newFactory());
  }

  @Override
  Bootstrap newClient() {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(65535, 65535, 65535));
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    super.close();
  }
}

package io.netctl.controller;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An authoritative-only DNS server on loopback for tests: A/AAAA answers from a map, NXDOMAIN otherwise. */
final class TinyDnsServer implements AutoCloseable {
  /** Addresses and TTL of one name (lower case, with the trailing dot). */
  record Answer(List<String> addresses, int ttl) {}

  final Map<String, Answer> zone = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
  private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;

  TinyDnsServer() throws InterruptedException {
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioDatagramChannel.class)
            .handler(
                new ChannelInitializer<DatagramChannel>() {
                  @Override
                  protected void initChannel(DatagramChannel ch) {
                    ch.pipeline()
                        .addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Handler());
                  }
                })
            .bind(new InetSocketAddress(NetUtil.LOCALHOST4, 0))
            .sync()
            .channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  int queries(String name) {
    AtomicInteger n = queries.get(name);
    return n == null ? 0 : n.get();
  }

  private final class Handler extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
      DnsQuestion question = q.recordAt(DnsSection.QUESTION);
      String name = question.name().toLowerCase();
      queries.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(), q.sender(), q.id());
      r.setAuthoritativeAnswer(true);
      r.addRecord(DnsSection.QUESTION, question);
      Answer a = zone.get(name);
      if (a == null) {
        r.setCode(DnsResponseCode.NXDOMAIN);
      } else {
        for (String ip : a.addresses()) {
          byte[] b = NetUtil.createByteArrayFromIpAddressString(ip);
          DnsRecordType t = b.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA;
          if (t == question.type()) {
            r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), t, a.ttl(),
                Unpooled.wrappedBuffer(b)));
          }
        }
      }
      ctx.writeAndFlush(r);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }
}

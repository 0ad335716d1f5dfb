package io.netctl.controller;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Resolves the {@code domainNames} peers of the policies with Netty's DNS resolver and feeds the answers to the
 * controller ({@link SourceEvent.Resolved}), which updates each name's Address_Sets by element delta.
 *
 * <p>Each name is queried for A and AAAA; the answer is re-queried when its smallest TTL runs out, clamped to
 * {@code [minRefresh, maxRefresh]} (a TTL of 0 would otherwise mean a query loop, and a day-long TTL would keep a moved
 * service unreachable). Netty's own caches are off: the TTL logic is here. A failed query (timeout, SERVFAIL) keeps
 * the last answer and retries after {@code minRefresh}; NXDOMAIN or an empty answer empties the set.
 *
 * <p>Wildcard names ({@code *.example.com}) cannot be resolved: DNS has no way to list a zone's names. Their
 * Address_Sets stay empty, so an Allow rule naming only wildcards allows nothing (fail closed); this is logged once
 * per name.
 *
 * <p>Everything runs on one Netty event loop: no locks.
 */
public final class DomainResolver implements AutoCloseable {

  /** Bounds for the refresh interval. */
  public record Options(Duration minRefresh, Duration maxRefresh, Duration queryTimeout) {
    public static final Options DEFAULT = new Options(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(5));
  }

  private final Options options;
  private final ClusterSource.Sink sink;
  private final Consumer<String> log;
  private final MultiThreadIoEventLoopGroup group;
  private final EventLoop loop;
  private final DnsNameResolver resolver;
  private final Map<String, Entry> names = new HashMap<>();
  private final Set<String> warnedWildcards = new HashSet<>();
  private volatile long queries;

  private static final class Entry {
    List<String> last;
    ScheduledFuture<?> next;
  }

  /**
   * @param server the DNS server, or null for the system's ({@code /etc/resolv.conf})
   */
  public DomainResolver(InetSocketAddress server, Options options, ClusterSource.Sink sink, Consumer<String> log) {
    this.options = options;
    this.sink = sink;
    this.log = log == null ? s -> {} : log;
    this.group =
        new MultiThreadIoEventLoopGroup(
            1,
            r -> {
              Thread t = new Thread(r, "netctl-dns");
              t.setDaemon(true);
              return t;
            },
            NioIoHandler.newFactory());
    this.loop = group.next();
    DnsServerAddressStreamProvider servers =
        server == null
            ? DnsServerAddressStreamProviders.platformDefault()
            : new SingletonDnsServerAddressStreamProvider(server);
    this.resolver =
        new DnsNameResolverBuilder(loop)
            .datagramChannelType(NioDatagramChannel.class)
            .nameServerProvider(servers)
            .resolveCache(NoopDnsCache.INSTANCE)
            .cnameCache(NoopDnsCnameCache.INSTANCE)
            .queryTimeoutMillis(options.queryTimeout().toMillis())
            .build();
  }

  /** DNS queries sent so far (A and AAAA count separately). */
  public long queries() {
    return queries;
  }

  /** The names to keep resolved (from {@link Controller#onDomains}); names no longer listed stop being queried. */
  public void watch(Set<String> domains) {
    Set<String> copy = Set.copyOf(domains);
    loop.execute(
        () -> {
          for (String n : new ArrayList<>(names.keySet())) {
            if (!copy.contains(n)) {
              Entry e = names.remove(n);
              if (e.next != null) {
                e.next.cancel(false);
              }
            }
          }
          for (String n : copy) {
            if (!names.containsKey(n)) {
              names.put(n, new Entry());
              if (n.startsWith("*.")) {
                if (warnedWildcards.add(n)) {
                  log.accept("DNS: " + n + ": wildcard names cannot be resolved; its Address_Set stays empty");
                }
                continue;
              }
              resolve(n);
            }
          }
        });
  }

  private void resolve(String name) {
    String q = name.endsWith(".") ? name : name + ".";
    queries += 2;
    Future<List<DnsRecord>> a = resolver.resolveAll(new DefaultDnsQuestion(q, DnsRecordType.A));
    Future<List<DnsRecord>> aaaa = resolver.resolveAll(new DefaultDnsQuestion(q, DnsRecordType.AAAA));
    a.addListener(f1 -> aaaa.addListener(f2 -> answered(name, a, aaaa)));
  }

  private void answered(String name, Future<List<DnsRecord>> a, Future<List<DnsRecord>> aaaa) {
    Entry e = names.get(name);
    if (e == null) {
      release(a);
      release(aaaa);
      return; // no longer watched
    }
    TreeSet<String> addrs = new TreeSet<>();
    long ttl = Long.MAX_VALUE;
    boolean failed = false;
    for (Future<List<DnsRecord>> f : List.of(a, aaaa)) {
      if (!f.isSuccess()) {
        if (!(f.cause() instanceof UnknownHostException) || isTimeout(f.cause())) {
          failed = true;
          log.accept("DNS: " + name + ": " + f.cause().getMessage());
        }
        continue;
      }
      for (DnsRecord r : f.getNow()) {
        try {
          if (r instanceof DnsRawRecord raw
              && (r.type() == DnsRecordType.A || r.type() == DnsRecordType.AAAA)) {
            ByteBuf c = raw.content();
            byte[] b = ByteBufUtil.getBytes(c, c.readerIndex(), c.readableBytes());
            if (b.length == 4 || b.length == 16) {
              addrs.add(NetUtil.bytesToIpAddress(b));
              ttl = Math.min(ttl, r.timeToLive());
            }
          }
        } finally {
          io.netty.util.ReferenceCountUtil.release(r);
        }
      }
    }
    long minMs = options.minRefresh().toMillis();
    long maxMs = options.maxRefresh().toMillis();
    long delay;
    if (failed && addrs.isEmpty()) {
      delay = minMs; // keep the last answer, try again soon
    } else {
      List<String> now = List.copyOf(addrs);
      if (!now.equals(e.last)) {
        e.last = now;
        sink.event(new SourceEvent.Resolved(name, now), "update");
      }
      long ttlMs = ttl == Long.MAX_VALUE ? minMs : TimeUnit.SECONDS.toMillis(ttl);
      delay = Math.max(minMs, Math.min(maxMs, ttlMs));
    }
    e.next = loop.schedule(() -> resolve(name), delay, TimeUnit.MILLISECONDS);
  }

  private static boolean isTimeout(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

  private static void release(Future<List<DnsRecord>> f) {
    if (f.isSuccess()) {
      f.getNow().forEach(io.netty.util.ReferenceCountUtil::release);
    }
  }

  @Override
  public void close() {
    resolver.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}

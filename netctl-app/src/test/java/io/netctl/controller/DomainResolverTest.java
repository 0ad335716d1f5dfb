package io.netctl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DomainResolver} against a DNS server on loopback: answers, TTL bounds, NXDOMAIN, wildcards. */
class DomainResolverTest {
  TinyDnsServer dns;
  final List<SourceEvent.Resolved> events = new CopyOnWriteArrayList<>();
  final List<String> logs = new CopyOnWriteArrayList<>();
  final ClusterSource.Sink sink =
      new ClusterSource.Sink() {
        @Override
        public void event(SourceEvent e, String type) {
          events.add((SourceEvent.Resolved) e);
        }

        @Override
        public void synced() {}
      };

  @BeforeEach
  void start() throws Exception {
    dns = new TinyDnsServer();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  DomainResolver resolver(long minMs, long maxMs) {
    return new DomainResolver(dns.address(),
        new DomainResolver.Options(Duration.ofMillis(minMs), Duration.ofMillis(maxMs), Duration.ofSeconds(2)),
        sink, logs::add);
  }

  List<String> last(String name) {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).domain().equals(name)) {
        return events.get(i).addresses();
      }
    }
    return null;
  }

  @Test
  void resolvesAAndAaaa() {
    dns.zone.put("api.example.com.", new TinyDnsServer.Answer(List.of("192.0.2.10", "2001:db8::10"), 60));
    try (DomainResolver r = resolver(100, 60_000)) {
      r.watch(Set.of("api.example.com"));
      await().atMost(Duration.ofSeconds(5)).until(() -> last("api.example.com") != null);
      assertThat(last("api.example.com")).containsExactly("192.0.2.10", "2001:db8::10");
    }
  }

  @Test
  void aLongTtlIsCappedByMaxRefresh() {
    dns.zone.put("moving.example.com.", new TinyDnsServer.Answer(List.of("192.0.2.1"), 3600));
    try (DomainResolver r = resolver(50, 300)) {
      r.watch(Set.of("moving.example.com"));
      await().atMost(Duration.ofSeconds(5)).until(() -> last("moving.example.com") != null);
      dns.zone.put("moving.example.com.", new TinyDnsServer.Answer(List.of("192.0.2.2"), 3600));
      // re-queried after 300 ms, not after the hour the TTL says
      await().atMost(Duration.ofSeconds(3)).until(() -> List.of("192.0.2.2").equals(last("moving.example.com")));
    }
  }

  @Test
  void theTtlIsHonouredAboveMinRefresh() {
    dns.zone.put("ttl.example.com.", new TinyDnsServer.Answer(List.of("192.0.2.1"), 2));
    try (DomainResolver r = resolver(50, 60_000)) {
      r.watch(Set.of("ttl.example.com"));
      await().atMost(Duration.ofSeconds(5)).until(() -> last("ttl.example.com") != null);
      int first = dns.queries("ttl.example.com.");
      long t0 = System.nanoTime();
      // no re-query before the 2 s TTL ran out, one soon after
      await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries("ttl.example.com.") > first);
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThan(1_500);
    }
  }

  @Test
  void aZeroTtlIsRaisedToMinRefresh() {
    dns.zone.put("zero.example.com.", new TinyDnsServer.Answer(List.of("192.0.2.1"), 0));
    try (DomainResolver r = resolver(500, 60_000)) {
      r.watch(Set.of("zero.example.com"));
      await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries("zero.example.com.") >= 2);
      long t0 = System.nanoTime();
      await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries("zero.example.com.") >= 4);
      assertThat((System.nanoTime() - t0) / 1_000_000).as("one A+AAAA round per 500 ms").isGreaterThan(350);
    }
  }

  @Test
  void nxdomainEmptiesTheSet() {
    dns.zone.put("gone.example.com.", new TinyDnsServer.Answer(List.of("192.0.2.1"), 1));
    try (DomainResolver r = resolver(50, 200)) {
      r.watch(Set.of("gone.example.com"));
      await().atMost(Duration.ofSeconds(5)).until(() -> last("gone.example.com") != null);
      dns.zone.remove("gone.example.com.");
      await().atMost(Duration.ofSeconds(5)).until(() -> List.of().equals(last("gone.example.com")));
    }
  }

  @Test
  void wildcardsAreNotQueriedAndSaySo() {
    try (DomainResolver r = resolver(50, 200)) {
      r.watch(Set.of("*.example.com", "api.example.com"));
      await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries("api.example.com.") > 0);
      assertThat(dns.queries.keySet()).noneMatch(n -> n.contains("*"));
      assertThat(logs).anyMatch(l -> l.contains("*.example.com") && l.contains("wildcard"));
    }
  }

  @Test
  void unwatchedNamesStopBeingQueried() {
    dns.zone.put("a.example.com.", new TinyDnsServer.Answer(List.of("192.0.2.1"), 0));
    try (DomainResolver r = resolver(50, 50)) {
      r.watch(Set.of("a.example.com"));
      await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries("a.example.com.") >= 4);
      r.watch(Set.of());
      int n = dns.queries("a.example.com.");
      await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
          .until(() -> dns.queries("a.example.com.") <= n + 2); // at most the round already in flight
    }
  }
}

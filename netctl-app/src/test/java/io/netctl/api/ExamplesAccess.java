package io.netctl.api;

import java.util.List;

/** {@link Examples} for tests in other packages. */
public final class ExamplesAccess {
  private ExamplesAccess() {}

  /** A probe: from, to, protocol ("" for ICMP), port, expected verdict, why. */
  public record Probe(String from, String to, String protocol, int port, boolean allowed, String why) {
    @Override
    public String toString() {
      return from + " -> " + to + " " + (protocol.isEmpty() ? "icmp" : protocol + "/" + port);
    }
  }

  public static List<Probe> probes() {
    return Examples.PROBES.stream()
        .map(p -> new Probe(p.from(), p.to(), p.protocol(), p.port(), p.allowed(), p.why())).toList();
  }
}

package io.netctl.anp.api;

/** One destination port clause of a rule. */
public sealed interface PortSpec {

  /** A port number. */
  record Number(Protocol protocol, int port) implements PortSpec {}

  /** An inclusive port range. */
  record Range(Protocol protocol, int start, int end) implements PortSpec {}

  /**
   * A named container port, resolved per destination pod. {@code protocol} is null when any protocol of the declared
   * port counts (ANP, CNP); NetworkPolicy names one.
   */
  record Named(String name, Protocol protocol) implements PortSpec {}

  /** Every port of one protocol (NetworkPolicy port with only a protocol). */
  record AnyPort(Protocol protocol) implements PortSpec {}
}

package io.netctl.anp.api;

import java.util.List;

/** One element of a rule's {@code from} or {@code to}. */
public sealed interface Peer {

  /** {@code namespaces} or {@code pods} (ANP/CNP), or a NetworkPolicy pod/namespace selector peer. */
  record Pods(PodSelection selection) implements Peer {}

  /** {@code nodes}: the addresses of the selected nodes. */
  record Nodes(LabelSelector selector) implements Peer {}

  /**
   * {@code networks} (ANP/CNP) or NetworkPolicy {@code ipBlock}: canonical CIDRs, with {@code except} for ipBlock.
   */
  record Networks(List<String> cidrs, List<String> except) implements Peer {
    public Networks {
      cidrs = List.copyOf(cidrs);
      except = List.copyOf(except);
    }
  }

  /** {@code domainNames}: filled by a DNS resolver into one Address_Set per name. */
  record DomainNames(List<String> names) implements Peer {
    public DomainNames {
      names = List.copyOf(names);
    }
  }

  /** Every IP address: NetworkPolicy's empty peer list. */
  record Any() implements Peer {}

  /**
   * A peer none of whose fields the compiler understands (a newer API). It fails closed: an Allow rule matches nothing
   * through it, a Deny or Pass rule matches everything.
   */
  record Unknown(String fields) implements Peer {}
}

package io.netctl.anp.compile;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.ObjectRef;
import java.util.List;
import java.util.Objects;

/** One change to the compiler's input. */
public sealed interface ClusterEvent {

  /** An object was added or changed. */
  record Upsert(ClusterObject object) implements ClusterEvent {
    public Upsert {
      Objects.requireNonNull(object, "object");
    }
  }

  /** An object was removed. */
  record Delete(ObjectRef ref) implements ClusterEvent {
    public Delete {
      Objects.requireNonNull(ref, "ref");
    }
  }

  /** A domain name resolved to these addresses (canonical IPs): its Address_Sets follow. */
  record DomainResolved(String domain, List<String> addresses) implements ClusterEvent {
    public DomainResolved {
      Objects.requireNonNull(domain, "domain");
      addresses = List.copyOf(addresses);
    }
  }
}

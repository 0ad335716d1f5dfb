package io.netctl.anp.api;

import java.util.Objects;

/** A container port a pod declares: named ports resolve through these. */
public record ContainerPort(String name, int port, Protocol protocol) {
  public ContainerPort {
    Objects.requireNonNull(protocol, "protocol");
  }
}

package io.netctl.egress;

/**
 * Why a gateway's spec was refused: the object, the field and the reason. The gateway gets the condition
 * {@code InvalidSpec} with this message, and nothing changes in OVN for it.
 *
 * @param object {@code EgressGateway/namespace/name}
 * @param field e.g. {@code spec.instances[1].ip}
 * @param reason e.g. {@code "10.0.0.300" (expected: an IPv4 or IPv6 address)}
 */
public record EgressDiagnostic(String object, String field, String reason) {
  @Override
  public String toString() {
    return object + ": " + field + ": " + reason + " [InvalidSpec]";
  }
}

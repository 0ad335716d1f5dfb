package io.netctl.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.netctl.egress.api.EgressGatewayStatus;
import java.util.Map;
import java.util.function.Consumer;

/**
 * EgressGateway status through the API server's status subresource. Reads the object first and writes only when the
 * status differs from what it holds (times of unchanged conditions and instance states are carried over, so a new
 * leader whose engine sees what the old one saw writes nothing). A conflict is retried once with a fresh read.
 */
public final class KubeEgressStatusSink implements EgressStatusSink {
  private final KubernetesClient client;
  private final Consumer<String> log;
  private volatile long writes;

  public KubeEgressStatusSink(KubernetesClient client, Consumer<String> log) {
    this.client = client;
    this.log = log == null ? s -> {} : log;
  }

  /** Status updates sent to the API server. */
  public long writes() {
    return writes;
  }

  @Override
  public boolean write(String namespace, String name, EgressGatewayStatus status) {
    var ser = client.getKubernetesSerialization();
    for (int attempt = 0; attempt < 2; attempt++) {
      GenericKubernetesResource r =
          client.genericKubernetesResources(KubeSource.EGRESS_GATEWAY).inNamespace(namespace).withName(name).get();
      if (r == null) {
        return true; // gone
      }
      Object prev = r.getAdditionalProperties().get("status");
      EgressGatewayStatus old = null;
      if (prev instanceof Map<?, ?>) {
        try {
          old = ser.convertValue(prev, EgressGatewayStatus.class);
        } catch (RuntimeException e) {
          old = null; // someone wrote a status netctl cannot read: replace it
        }
      }
      EgressGatewayStatus next = EgressStatusSink.carryTimes(old, status);
      if (next.equals(old)) {
        return true;
      }
      r.setAdditionalProperty("status", ser.convertValue(next, Map.class));
      try {
        client.genericKubernetesResources(KubeSource.EGRESS_GATEWAY).inNamespace(namespace).resource(r)
            .updateStatus();
        writes++;
        log.accept("status EgressGateway/" + namespace + "/" + name + ": " + summary(next));
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          log.accept("status EgressGateway/" + namespace + "/" + name + ": " + e.getMessage());
          return false;
        }
      }
    }
    return false;
  }

  /** {@code Ready, 2/3 instances carry traffic; InvalidSpec=False}, one line. */
  static String summary(EgressGatewayStatus s) {
    StringBuilder sb = new StringBuilder(String.valueOf(s.getPhase()));
    sb.append(", ").append(s.getReadyInstances()).append('/').append(s.getInstances().size())
        .append(" instances carry traffic");
    var inv = s.condition(EgressGatewayStatus.INVALID_SPEC);
    if (inv != null && "True".equals(inv.getStatus())) {
      sb.append("; InvalidSpec: ").append(inv.getMessage());
    }
    return sb.toString();
  }
}

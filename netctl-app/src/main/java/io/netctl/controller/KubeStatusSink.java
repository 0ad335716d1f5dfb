package io.netctl.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.netctl.anp.api.ObjectRef;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Policy status through the API server's status subresource. Reads the object first and writes only when its
 * conditions differ (type, status, reason, message); a condition whose status did not change keeps its
 * {@code lastTransitionTime}. A conflict (someone else changed the object meanwhile) is retried once with a fresh read.
 */
public final class KubeStatusSink implements StatusSink {
  private final KubernetesClient client;
  private final Consumer<String> log;
  private volatile long writes;

  public KubeStatusSink(KubernetesClient client, Consumer<String> log) {
    this.client = client;
    this.log = log == null ? s -> {} : log;
  }

  /** Status updates sent to the API server. */
  public long writes() {
    return writes;
  }

  @Override
  public boolean write(ObjectRef ref, Conditions c) {
    ResourceDefinitionContext ctx = KubeSource.contextOf(ref.kind());
    if (ctx == null) {
      return true;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
      GenericKubernetesResource r = client.genericKubernetesResources(ctx).withName(ref.name()).get();
      if (r == null) {
        return true; // gone: nothing to report on
      }
      List<Map<String, Object>> old = conditionsOf(r);
      List<Map<String, Object>> next = merge(old, c, r.getMetadata().getGeneration());
      if (same(old, next)) {
        return true;
      }
      Map<String, Object> status = new LinkedHashMap<>();
      Object prev = r.getAdditionalProperties().get("status");
      if (prev instanceof Map<?, ?> m) {
        m.forEach((k, v) -> status.put(String.valueOf(k), v));
      }
      status.put("conditions", next);
      r.setAdditionalProperty("status", status);
      try {
        client.genericKubernetesResources(ctx).resource(r).updateStatus();
        writes++;
        log.accept("status " + ref + ": " + c);
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          log.accept("status " + ref + ": " + e.getMessage());
          return false;
        }
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> conditionsOf(GenericKubernetesResource r) {
    Object status = r.getAdditionalProperties().get("status");
    if (status instanceof Map<?, ?> s && s.get("conditions") instanceof List<?> l) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Object o : l) {
        if (o instanceof Map<?, ?> m) {
          out.add((Map<String, Object>) m);
        }
      }
      return out;
    }
    return List.of();
  }

  static List<Map<String, Object>> merge(List<Map<String, Object>> old, Conditions c, Long generation) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Conditions.Condition x : c.conditions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", x.type());
      m.put("status", x.statusString());
      m.put("reason", x.reason());
      m.put("message", x.message());
      String since = now;
      for (Map<String, Object> o : old) {
        if (x.type().equals(o.get("type")) && x.statusString().equals(o.get("status"))
            && o.get("lastTransitionTime") != null) {
          since = String.valueOf(o.get("lastTransitionTime"));
        }
      }
      m.put("lastTransitionTime", since);
      if (generation != null) {
        m.put("observedGeneration", generation);
      }
      out.add(m);
    }
    return out;
  }

  static boolean same(List<Map<String, Object>> a, List<Map<String, Object>> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      for (String k : List.of("type", "status", "reason", "message")) {
        if (!String.valueOf(a.get(i).get(k)).equals(String.valueOf(b.get(i).get(k)))) {
          return false;
        }
      }
      Object ga = a.get(i).get("observedGeneration");
      Object gb = b.get(i).get("observedGeneration");
      if (ga != null && gb != null && !String.valueOf(ga).equals(String.valueOf(gb))) {
        return false;
      }
    }
    return true;
  }
}

package io.netctl.egress;

import io.netctl.egress.api.EgressGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the objects the egress engine needs beyond anp-compiler's loader: {@code EgressGateway} (into the fabric8
 * model) and Nodes with their {@code Ready} condition and InternalIPs. Other kinds are skipped; a malformed
 * EgressGateway is an error naming its file, object and the field Jackson could not read.
 */
public final class EgressYaml {
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /**
   * What was read.
   *
   * @param unreadable the EgressGateways that could not be read, by {@code namespace/name} (also in {@code errors}):
   *     a controller keeps their last readable version and reports the error in their status
   */
  public record Result(List<EgressGateway> gateways, List<EgressNode> nodes, List<String> errors,
      Map<String, String> unreadable) {
    public Result(List<EgressGateway> gateways, List<EgressNode> nodes, List<String> errors) {
      this(gateways, nodes, errors, Map.of());
    }
  }

  private EgressYaml() {}

  public static Result read(String name, String text) {
    List<EgressGateway> gws = new ArrayList<>();
    List<EgressNode> nodes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Map<String, String> unreadable = new TreeMap<>();
    LoaderOptions opts = new LoaderOptions();
    Iterable<Object> docs;
    try {
      List<Object> all = new ArrayList<>();
      new Yaml(opts).loadAll(text).forEach(all::add);
      docs = all;
    } catch (RuntimeException e) {
      errors.add(name + ": " + e.getMessage().replaceAll("\\s+", " "));
      return new Result(gws, nodes, errors, unreadable);
    }
    for (Object d : docs) {
      collect(name, d, gws, nodes, errors, unreadable);
    }
    return new Result(gws, nodes, errors, unreadable);
  }

  @SuppressWarnings("unchecked")
  private static void collect(String file, Object d, List<EgressGateway> gws, List<EgressNode> nodes,
      List<String> errors, Map<String, String> unreadable) {
    if (!(d instanceof Map<?, ?> m)) {
      return;
    }
    Object kind = m.get("kind");
    if (m.get("items") instanceof List<?> items && String.valueOf(kind).endsWith("List")) {
      items.forEach(i -> collect(file, i, gws, nodes, errors, unreadable));
      return;
    }
    String api = String.valueOf(m.get("apiVersion"));
    if (EgressGateway.KIND.equals(kind) && api.startsWith(EgressGateway.GROUP + "/")) {
      Map<String, Object> meta = m.get("metadata") instanceof Map<?, ?> mm ? (Map<String, Object>) mm : Map.of();
      String key = meta.getOrDefault("namespace", "default") + "/" + meta.get("name");
      String obj = "EgressGateway/" + key;
      if (!EgressGateway.API_VERSION.equals(api)) {
        String msg = "apiVersion: \"" + api + "\" (expected: " + EgressGateway.API_VERSION + ")";
        errors.add(file + ": " + obj + ": " + msg);
        unreadable.put(key, msg);
        return;
      }
      try {
        EgressGateway g = JSON.convertValue(m, EgressGateway.class);
        if (g.getMetadata().getNamespace() == null || g.getMetadata().getNamespace().isEmpty()) {
          g.getMetadata().setNamespace("default");
        }
        gws.add(g);
      } catch (RuntimeException e) {
        errors.add(file + ": " + obj + ": " + e.getMessage().split("\n")[0] + " [InvalidSpec]");
        unreadable.put(key, e.getMessage().split("\n")[0]);
      }
    } else if ("Node".equals(kind) && "v1".equals(api)) {
      Map<String, Object> meta = m.get("metadata") instanceof Map<?, ?> mm ? (Map<String, Object>) mm : Map.of();
      Map<String, String> labels = new TreeMap<>();
      if (meta.get("labels") instanceof Map<?, ?> l) {
        l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
      }
      List<String> ips = new ArrayList<>();
      boolean ready = true; // a node file without conditions is taken as Ready
      if (m.get("status") instanceof Map<?, ?> st) {
        if (st.get("addresses") instanceof List<?> as) {
          for (Object a : as) {
            if (a instanceof Map<?, ?> am && "InternalIP".equals(am.get("type")) && am.get("address") != null) {
              ips.add(String.valueOf(am.get("address")));
            }
          }
        }
        if (st.get("conditions") instanceof List<?> cs) {
          for (Object c : cs) {
            if (c instanceof Map<?, ?> cm && "Ready".equals(cm.get("type"))) {
              ready = "True".equals(String.valueOf(cm.get("status")));
            }
          }
        }
      }
      if (meta.get("name") != null) {
        nodes.add(new EgressNode(String.valueOf(meta.get("name")), labels, ips, ready));
      }
    }
  }
}

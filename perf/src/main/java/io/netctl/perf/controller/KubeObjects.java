package io.netctl.perf.controller;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.netctl.anp.api.Action;
import io.netctl.anp.api.ContainerPort;
import io.netctl.anp.api.LabelSelector;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Node;
import io.netctl.anp.api.Peer;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.PodSelection;
import io.netctl.anp.api.Policy;
import io.netctl.anp.api.PolicyKind;
import io.netctl.anp.api.PortSpec;
import io.netctl.anp.api.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code SyntheticCluster}'s records as Kubernetes objects, for the API server (mock) side of a harness. */
final class KubeObjects {
  private KubeObjects() {}

  static HasMetadata namespace(Namespace n) {
    return new NamespaceBuilder().withMetadata(new ObjectMetaBuilder().withName(n.name()).withLabels(n.labels())
        .build()).build();
  }

  static HasMetadata node(Node n) {
    NodeBuilder b = new NodeBuilder().withMetadata(new ObjectMetaBuilder().withName(n.name()).withLabels(n.labels())
        .build());
    var st = b.withNewStatus();
    for (String a : n.addresses()) {
      st.addNewAddress().withType("InternalIP").withAddress(a).endAddress();
    }
    return st.endStatus().build();
  }

  static io.fabric8.kubernetes.api.model.Pod pod(Pod p) {
    List<io.fabric8.kubernetes.api.model.ContainerPort> ports = new ArrayList<>();
    for (ContainerPort cp : p.ports()) {
      ports.add(new ContainerPortBuilder().withName(cp.name()).withContainerPort(cp.port())
          .withProtocol(cp.protocol().name()).build());
    }
    PodBuilder b = new PodBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(p.name()).withNamespace(p.namespace()).withLabels(p.labels())
            .build())
        .withNewSpec().withNodeName(p.nodeName()).addNewContainer().withName("main").withImage("app")
        .withPorts(ports).endContainer().endSpec();
    var st = b.withNewStatus().withPhase("Running").withPodIP(p.ips().get(0));
    for (String ip : p.ips()) {
      st.addNewPodIP().withIp(ip).endPodIP();
    }
    return st.endStatus().build();
  }

  static GenericKubernetesResource policy(Policy p) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    boolean banp = p.kind() == PolicyKind.BASELINE_ADMIN_NETWORK_POLICY;
    r.setApiVersion("policy.networking.k8s.io/v1alpha1");
    r.setKind(banp ? "BaselineAdminNetworkPolicy" : "AdminNetworkPolicy");
    r.setMetadata(new ObjectMetaBuilder().withName(p.ref().name()).build());
    Map<String, Object> spec = new LinkedHashMap<>();
    if (!banp) {
      spec.put("priority", p.priority());
    }
    spec.put("subject", selection(p.subject()));
    spec.put("ingress", rules(p.ingress(), "from"));
    spec.put("egress", rules(p.egress(), "to"));
    r.setAdditionalProperty("spec", spec);
    return r;
  }

  private static List<Object> rules(List<Rule> rules, String peersKey) {
    List<Object> out = new ArrayList<>();
    for (Rule r : rules) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("action", r.action() == Action.ALLOW ? "Allow" : r.action() == Action.DENY ? "Deny" : "Pass");
      List<Object> peers = new ArrayList<>();
      for (Peer peer : r.peers()) {
        if (peer instanceof Peer.Pods pp) {
          peers.add(selection(pp.selection()));
        } else if (peer instanceof Peer.Networks n) {
          peers.add(Map.of("networks", n.cidrs()));
        } else if (peer instanceof Peer.Nodes n) {
          peers.add(Map.of("nodes", selector(n.selector())));
        }
      }
      m.put(peersKey, peers);
      List<Object> ports = new ArrayList<>();
      for (PortSpec ps : r.ports()) {
        if (ps instanceof PortSpec.Number n) {
          ports.add(Map.of("portNumber", Map.of("protocol", n.protocol().name(), "port", n.port())));
        } else if (ps instanceof PortSpec.Range g) {
          ports.add(Map.of("portRange", Map.of("protocol", g.protocol().name(), "start", g.start(), "end", g.end())));
        } else if (ps instanceof PortSpec.Named n) {
          ports.add(Map.of("namedPort", n.name()));
        }
      }
      if (!ports.isEmpty()) {
        m.put("ports", ports);
      }
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> selection(PodSelection s) {
    if (s.pods().isEmpty()) {
      return Map.of("namespaces", selector(s.namespaces()));
    }
    return Map.of("pods", Map.of("namespaceSelector", selector(s.namespaces()), "podSelector", selector(s.pods())));
  }

  private static Map<String, Object> selector(LabelSelector s) {
    return s.matchLabels().isEmpty() ? Map.of() : Map.of("matchLabels", new LinkedHashMap<>(s.matchLabels()));
  }
}

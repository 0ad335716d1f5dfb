package io.netctl.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.netctl.controller.KubeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every manifest under deploy/ parses with fabric8's model, and the pieces agree with each other and the code. */
class DeployManifestsTest {
  static final KubernetesSerialization SER = new KubernetesSerialization();
  static final List<HasMetadata> ALL = new ArrayList<>();
  static Path deploy;

  @BeforeAll
  static void load() throws IOException {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("deploy")) && Files.exists(d.resolve("scripts/ovn-sandbox"))) {
        deploy = d.resolve("deploy");
        break;
      }
    }
    assertThat(deploy).as("deploy/ above the working directory").isNotNull();
    try (Stream<Path> s = Files.walk(deploy)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
        for (String doc : Files.readString(f).split("(?m)^---\\s*$")) {
          if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
            continue;
          }
          Object o = SER.unmarshal(doc);
          assertThat(o).as(f + " parses to a Kubernetes object").isInstanceOf(HasMetadata.class);
          if (deploy.relativize(f).startsWith("crds")) {
            assertThat(((HasMetadata) o).getKind()).as(f.toString()).isEqualTo("CustomResourceDefinition");
          }
          ALL.add((HasMetadata) o);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  static <T> List<T> of(Class<T> c) {
    return ALL.stream().filter(c::isInstance).map(o -> (T) o).toList();
  }

  @Test
  void knownKindsParseToTypedModelClasses() {
    assertThat(ALL).hasSizeGreaterThanOrEqualTo(9);
    for (HasMetadata o : ALL) {
      if (o instanceof GenericKubernetesResource g) {
        // only kinds fabric8's Kubernetes model does not carry
        assertThat(g.getKind()).as(g.getApiVersion()).isIn("ServiceMonitor");
      }
      assertThat(o.getMetadata().getName()).isNotBlank();
    }
    assertThat(of(Namespace.class)).extracting(n -> n.getMetadata().getName()).containsExactly("netctl");
  }

  @Test
  void deploymentRunsTwoElectingReplicasAsTheServiceAccount() {
    Deployment d = of(Deployment.class).get(0);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    var pod = d.getSpec().getTemplate().getSpec();
    ServiceAccount sa = of(ServiceAccount.class).get(0);
    assertThat(pod.getServiceAccountName()).isEqualTo(sa.getMetadata().getName());
    var c = pod.getContainers().get(0);
    assertThat(c.getArgs()).startsWith("controller").contains("--leader-elect")
        .anyMatch(a -> a.startsWith("--nb=")).anyMatch(a -> a.startsWith("--metrics-addr=0.0.0.0:"));
    String lease = c.getArgs().stream().filter(a -> a.startsWith("--lease-name=")).findFirst().orElseThrow()
        .substring("--lease-name=".length());
    Role role = of(Role.class).get(0);
    assertThat(role.getMetadata().getNamespace()).isEqualTo(d.getMetadata().getNamespace());
    assertThat(role.getRules()).anyMatch(r -> r.getResources().contains("leases")
        && r.getResourceNames().contains(lease) && r.getVerbs().containsAll(List.of("get", "update")));
    assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("POD_NAMESPACE"));
    // the ServiceMonitor scrapes the port the container exposes, through a Service selecting the pods
    GenericKubernetesResource sm = of(GenericKubernetesResource.class).get(0);
    Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
    assertThat(c.getPorts()).anyMatch(p -> p.getName().equals(endpoints.get(0).get("port")));
    var svc = of(io.fabric8.kubernetes.api.model.Service.class).get(0);
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(svc.getSpec().getSelector());
  }

  @Test
  void rbacIsLeastPrivilege() {
    ClusterRole cr = of(ClusterRole.class).get(0);
    Set<String> write = Set.of("create", "update", "patch", "delete", "deletecollection");
    for (PolicyRule r : cr.getRules()) {
      assertThat(r.getVerbs()).doesNotContain("*");
      assertThat(r.getResources()).doesNotContain("*");
      if (r.getVerbs().stream().anyMatch(write::contains)) {
        assertThat(r.getResources()).as("writes only status").allMatch(res -> res.endsWith("/status"));
        assertThat(r.getVerbs()).containsExactly("update");
      }
    }
    // status only on the kinds netctl reports on
    List<String> statusOf = cr.getRules().stream().flatMap(r -> r.getResources().stream())
        .filter(x -> x.endsWith("/status")).toList();
    assertThat(statusOf).containsExactlyInAnyOrder("adminnetworkpolicies/status",
        "baselineadminnetworkpolicies/status", "clusternetworkpolicies/status", "egressgateways/status");
    // every resource the informers watch is readable
    for (var ctx : List.of(KubeSource.ANP, KubeSource.BANP, KubeSource.CNP)) {
      assertThat(cr.getRules()).anyMatch(r -> r.getApiGroups().contains(ctx.getGroup())
          && r.getResources().contains(ctx.getPlural()) && r.getVerbs().containsAll(List.of("list", "watch")));
    }
    for (String core : List.of("namespaces", "pods", "nodes")) {
      assertThat(cr.getRules()).anyMatch(r -> r.getApiGroups().contains("") && r.getResources().contains(core)
          && r.getVerbs().containsAll(List.of("list", "watch")));
    }
    // the bindings name the roles and the service account
    ClusterRoleBinding crb = of(ClusterRoleBinding.class).get(0);
    assertThat(crb.getRoleRef().getName()).isEqualTo(cr.getMetadata().getName());
    RoleBinding rb = of(RoleBinding.class).get(0);
    assertThat(rb.getRoleRef().getName()).isEqualTo(of(Role.class).get(0).getMetadata().getName());
    String sa = of(ServiceAccount.class).get(0).getMetadata().getName();
    assertThat(crb.getSubjects()).anyMatch(s -> s.getName().equals(sa));
    assertThat(rb.getSubjects()).anyMatch(s -> s.getName().equals(sa));
  }

  @Test
  void readmeReferencesTheUpstreamCrdsInsteadOfCopyingThem() throws IOException {
    String readme = Files.readString(deploy.resolve("README.md"));
    assertThat(readme).contains("https://github.com/kubernetes-sigs/network-policy-api/releases");
    assertThat(ALL).noneMatch(o -> o.getMetadata().getName().endsWith("policy.networking.k8s.io"));
  }
}

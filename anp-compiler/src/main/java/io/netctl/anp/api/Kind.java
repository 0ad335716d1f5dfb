package io.netctl.anp.api;

/** The kinds of Kubernetes object the compiler reads. */
public enum Kind {
  NAMESPACE("Namespace", "v1", false),
  POD("Pod", "v1", true),
  NODE("Node", "v1", false),
  ADMIN_NETWORK_POLICY("AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", false),
  BASELINE_ADMIN_NETWORK_POLICY("BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", false),
  CLUSTER_NETWORK_POLICY("ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2", false),
  NETWORK_POLICY("NetworkPolicy", "networking.k8s.io/v1", true);

  private final String kindName;
  private final String apiVersion;
  private final boolean namespaced;

  Kind(String kindName, String apiVersion, boolean namespaced) {
    this.kindName = kindName;
    this.apiVersion = apiVersion;
    this.namespaced = namespaced;
  }

  /** The Kubernetes {@code kind}. */
  public String kindName() {
    return kindName;
  }

  /** The {@code apiVersion} netctl reads this kind at. */
  public String apiVersion() {
    return apiVersion;
  }

  public boolean namespaced() {
    return namespaced;
  }

  public boolean isPolicy() {
    return this == ADMIN_NETWORK_POLICY
        || this == BASELINE_ADMIN_NETWORK_POLICY
        || this == CLUSTER_NETWORK_POLICY
        || this == NETWORK_POLICY;
  }
}

package io.netctl.anp.compile;

import io.netctl.anp.api.Pod;

/** How the CNI names a pod's logical switch port. */
public enum LspNaming {
  /** {@code <pod>.<namespace>}: Kube-OVN. */
  KUBE_OVN("kube-ovn"),
  /** {@code <namespace>_<pod>}: ovn-kubernetes. */
  OVN_KUBERNETES("ovn-kubernetes");

  private final String flag;

  LspNaming(String flag) {
    this.flag = flag;
  }

  /** The command-line spelling. */
  public String flag() {
    return flag;
  }

  public String lspName(Pod p) {
    return lspName(p.namespace(), p.name());
  }

  public String lspName(String namespace, String pod) {
    return switch (this) {
      case KUBE_OVN -> pod + "." + namespace;
      case OVN_KUBERNETES -> namespace + "_" + pod;
    };
  }

  public static LspNaming parse(String s) {
    for (LspNaming n : values()) {
      if (n.flag.equals(s)) {
        return n;
      }
    }
    throw new IllegalArgumentException("LSP name format: " + s + " (expected: kube-ovn or ovn-kubernetes)");
  }
}

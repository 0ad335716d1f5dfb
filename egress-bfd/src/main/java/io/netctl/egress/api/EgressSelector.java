package io.netctl.egress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Objects;

/** Source pods: those matching {@code podSelector} in namespaces matching {@code namespaceSelector} (absent: all). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressSelector {
  private LabelSelector namespaceSelector;
  private LabelSelector podSelector;

  public EgressSelector() {}

  public EgressSelector(LabelSelector namespaceSelector, LabelSelector podSelector) {
    this.namespaceSelector = namespaceSelector;
    this.podSelector = podSelector;
  }

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }

  public LabelSelector getPodSelector() {
    return podSelector;
  }

  public void setPodSelector(LabelSelector podSelector) {
    this.podSelector = podSelector;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EgressSelector s && Objects.equals(namespaceSelector, s.namespaceSelector)
        && Objects.equals(podSelector, s.podSelector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespaceSelector, podSelector);
  }

  @Override
  public String toString() {
    return "{namespaceSelector=" + namespaceSelector + ", podSelector=" + podSelector + "}";
  }
}

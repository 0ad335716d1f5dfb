package io.netctl.egress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Objects;

/**
 * An egress gateway ({@code netctl.io/v1alpha1}, namespaced): traffic of the selected source pods (and source CIDRs)
 * leaves through gateway instances, spread by ECMP over those whose BFD session is Up. See {@code docs/egress.md}.
 *
 * <p>A plain fabric8 model class ({@link HasMetadata}, not the client's {@code CustomResource}, so that only the model
 * artifacts are needed); fabric8's client handles it by its {@link Group} and {@link Version} annotations, and the
 * CRD in {@code deploy/crds/} is generated from it.
 */
@Group(EgressGateway.GROUP)
@Version(EgressGateway.VERSION)
@ShortNames("egw")
@JsonInclude(JsonInclude.Include.NON_NULL)
// plain bean deserialization: HasMetadata's own deserializer would look the kind up in fabric8's registry
@tools.jackson.databind.annotation.JsonDeserialize(using = tools.jackson.databind.ValueDeserializer.None.class)
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "spec", "status"})
public class EgressGateway implements HasMetadata, Namespaced {
  private static final long serialVersionUID = 1L;

  public static final String GROUP = "netctl.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "EgressGateway";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  private String apiVersion = API_VERSION;
  private String kind = KIND;
  private ObjectMeta metadata = new ObjectMeta();
  private EgressGatewaySpec spec = new EgressGatewaySpec();
  private EgressGatewayStatus status;

  public EgressGateway() {}

  /** A gateway named {@code namespace/name} with this spec. */
  public static EgressGateway of(String namespace, String name, EgressGatewaySpec spec) {
    EgressGateway g = new EgressGateway();
    g.getMetadata().setNamespace(namespace);
    g.getMetadata().setName(name);
    g.setSpec(spec);
    return g;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  @Override
  public ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  public void setMetadata(ObjectMeta metadata) {
    this.metadata = metadata;
  }

  public EgressGatewaySpec getSpec() {
    return spec;
  }

  public void setSpec(EgressGatewaySpec spec) {
    this.spec = spec;
  }

  public EgressGatewayStatus getStatus() {
    return status;
  }

  public void setStatus(EgressGatewayStatus status) {
    this.status = status;
  }

  /** {@code namespace/name}. */
  public String key() {
    return metadata.getNamespace() + "/" + metadata.getName();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EgressGateway g && Objects.equals(apiVersion, g.apiVersion) && Objects.equals(kind, g.kind)
        && Objects.equals(metadata, g.metadata) && Objects.equals(spec, g.spec) && Objects.equals(status, g.status);
  }

  @Override
  public int hashCode() {
    return Objects.hash(apiVersion, kind, metadata, spec, status);
  }

  @Override
  public String toString() {
    return "EgressGateway{" + key() + ", spec=" + spec + ", status=" + status + "}";
  }
}

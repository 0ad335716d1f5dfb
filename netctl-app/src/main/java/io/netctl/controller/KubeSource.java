package io.netctl.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.netctl.anp.api.Kind;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.egress.EgressYaml;
import io.netctl.egress.api.EgressGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The API server through fabric8 shared informers: Namespace, Pod, Node, AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy and, when enabled, NetworkPolicy and EgressGateway. The network-policy-api kinds have no Java
 * classes: they are read as generic resources. Every object goes through the same YAML loader as files
 * ({@link Translator}), as JSON; EgressGateways and, for egress placement, Nodes also through {@link EgressYaml}.
 *
 * <p>Informer callbacks block when the controller's queue is full; fabric8 then buffers the watch events of that
 * informer (each informer has its own handler thread).
 */
public final class KubeSource implements ClusterSource {
  public static final String GROUP = "policy.networking.k8s.io";

  public static final ResourceDefinitionContext ANP = crd("v1alpha1", "AdminNetworkPolicy", "adminnetworkpolicies");
  public static final ResourceDefinitionContext BANP =
      crd("v1alpha1", "BaselineAdminNetworkPolicy", "baselineadminnetworkpolicies");
  public static final ResourceDefinitionContext CNP = crd("v1alpha2", "ClusterNetworkPolicy", "clusternetworkpolicies");
  /** netctl's own EgressGateway, also read as a generic resource and converted like a file ({@link EgressYaml}). */
  public static final ResourceDefinitionContext EGRESS_GATEWAY = new ResourceDefinitionContext.Builder()
      .withGroup(EgressGateway.GROUP)
      .withVersion(EgressGateway.VERSION)
      .withKind(EgressGateway.KIND)
      .withPlural("egressgateways")
      .withNamespaced(true)
      .build();

  private final KubernetesClient client;
  private final boolean networkPolicy;
  private final boolean egress;
  private final Consumer<String> log;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  public KubeSource(KubernetesClient client, boolean networkPolicy, Consumer<String> log) {
    this(client, networkPolicy, false, log);
  }

  /**
   * @param egress also watch EgressGateways, and deliver Nodes with their readiness to the sink's egress methods
   */
  public KubeSource(KubernetesClient client, boolean networkPolicy, boolean egress, Consumer<String> log) {
    this.client = client;
    this.networkPolicy = networkPolicy;
    this.egress = egress;
    this.log = log == null ? s -> {} : log;
  }

  static ResourceDefinitionContext crd(String version, String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(GROUP)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(false)
        .build();
  }

  /** The generic-resource context of a policy kind netctl reports status on, or null. */
  public static ResourceDefinitionContext contextOf(Kind kind) {
    return switch (kind) {
      case ADMIN_NETWORK_POLICY -> ANP;
      case BASELINE_ADMIN_NETWORK_POLICY -> BANP;
      case CLUSTER_NETWORK_POLICY -> CNP;
      default -> null;
    };
  }

  @Override
  public void start(Sink sink) {
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    synced.add(start(client.namespaces().runnableInformer(0), Kind.NAMESPACE, sink));
    synced.add(start(client.nodes().runnableInformer(0), Kind.NODE, sink));
    synced.add(start(client.pods().inAnyNamespace().runnableInformer(0), Kind.POD, sink));
    synced.add(start(client.genericKubernetesResources(ANP).runnableInformer(0), Kind.ADMIN_NETWORK_POLICY, sink));
    synced.add(start(client.genericKubernetesResources(BANP).runnableInformer(0), Kind.BASELINE_ADMIN_NETWORK_POLICY,
        sink));
    synced.add(start(client.genericKubernetesResources(CNP).runnableInformer(0), Kind.CLUSTER_NETWORK_POLICY, sink));
    if (networkPolicy) {
      synced.add(start(client.network().v1().networkPolicies().inAnyNamespace().runnableInformer(0),
          Kind.NETWORK_POLICY, sink));
    }
    if (egress) {
      synced.add(startEgress(client.genericKubernetesResources(EGRESS_GATEWAY).inAnyNamespace().runnableInformer(0),
          sink));
    }
    CompletableFuture.allOf(synced.toArray(new CompletableFuture[0]))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.accept("informers: " + e.getMessage());
              } else {
                sink.synced();
              }
            });
  }

  private <T extends HasMetadata> CompletableFuture<Void> start(SharedIndexInformer<T> inf, Kind kind, Sink sink) {
    inf.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            deliver(obj, kind, "add", sink);
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            deliver(newObj, kind, "update", sink);
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            sink.event(new SourceEvent.Deleted(refOf(obj, kind)), "delete");
            if (egress && kind == Kind.NODE) {
              sink.egressNodeDeleted(obj.getMetadata().getName());
            }
          }
        });
    informers.add(inf);
    // A kind the API server does not serve (its CRD is not installed: older network-policy-api releases have no
    // ClusterNetworkPolicy) must not hold up the others: the controller runs without it, and says so.
    return inf.start().toCompletableFuture().exceptionally(e -> {
      log.accept("informer for " + kind.kindName() + " (" + kind.apiVersion() + ") did not start: " + e.getMessage()
          + "; running without it (restart netctl after installing its CRD)");
      return null;
    });
  }

  private void deliver(HasMetadata obj, Kind kind, String type, Sink sink) {
    SourceEvent e = translate(client, obj, kind);
    if (e != null) {
      sink.event(e, type);
    }
    if (egress && kind == Kind.NODE) {
      if (obj.getApiVersion() == null) {
        obj.setApiVersion("v1");
      }
      EgressYaml.Result r = EgressYaml.read("Node/" + obj.getMetadata().getName(),
          client.getKubernetesSerialization().asJson(obj));
      r.nodes().forEach(n -> sink.egressNode(n, type));
    }
  }

  /** The EgressGateway informer: objects go through {@link EgressYaml} as JSON, as files do. */
  private CompletableFuture<Void> startEgress(SharedIndexInformer<GenericKubernetesResource> inf, Sink sink) {
    inf.addEventHandler(
        new ResourceEventHandler<GenericKubernetesResource>() {
          @Override
          public void onAdd(GenericKubernetesResource obj) {
            deliverEgress(obj, "add", sink);
          }

          @Override
          public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
            deliverEgress(newObj, "update", sink);
          }

          @Override
          public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
            sink.egressGatewayDeleted(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
          }
        });
    informers.add(inf);
    return inf.start().toCompletableFuture().exceptionally(e -> {
      log.accept("informer for EgressGateway (" + EgressGateway.API_VERSION + ") did not start: " + e.getMessage()
          + "; running without egress gateways (install deploy/crds/ and restart netctl)");
      return null;
    });
  }

  private void deliverEgress(GenericKubernetesResource obj, String type, Sink sink) {
    if (obj.getApiVersion() == null) {
      obj.setApiVersion(EgressGateway.API_VERSION);
    }
    if (obj.getKind() == null) {
      obj.setKind(EgressGateway.KIND);
    }
    String ns = obj.getMetadata().getNamespace();
    String name = obj.getMetadata().getName();
    EgressYaml.Result r = EgressYaml.read("EgressGateway/" + ns + "/" + name,
        client.getKubernetesSerialization().asJson(obj));
    if (!r.gateways().isEmpty()) {
      sink.egressGateway(r.gateways().get(0), type);
    } else {
      String err = r.unreadable().isEmpty() ? String.join("; ", r.errors()) : r.unreadable().values().iterator().next();
      log.accept("EgressGateway/" + ns + "/" + name + ": " + err);
      sink.egressGatewayUnreadable(ns, name, err);
    }
  }

  /** One API object as a source event (through the YAML loader, as JSON). */
  static SourceEvent translate(KubernetesClient client, HasMetadata obj, Kind kind) {
    if (obj.getApiVersion() == null) {
      obj.setApiVersion(kind.apiVersion()); // list items may come without it
    }
    ObjectRef ref = refOf(obj, kind);
    String json = client.getKubernetesSerialization().asJson(obj);
    SourceEvent e = Translator.event(ref.toString(), json);
    if (e == null) {
      return new SourceEvent.Invalid(ref, List.of(Diagnostic.error(io.netctl.anp.diag.Code.UNSUPPORTED_KIND, null, ref,
          "", "not readable as " + kind.apiVersion() + " " + kind.kindName())));
    }
    return e;
  }

  static ObjectRef refOf(HasMetadata obj, Kind kind) {
    String ns = kind.namespaced() ? obj.getMetadata().getNamespace() : "";
    return new ObjectRef(kind, ns, obj.getMetadata().getName());
  }

  @Override
  public void close() {
    for (SharedIndexInformer<?> i : informers) {
      i.close();
    }
  }
}

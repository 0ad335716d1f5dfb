package io.netctl.controller;

import io.netctl.egress.EgressNode;
import io.netctl.egress.api.EgressGateway;

/**
 * Where the controller's input comes from: the API server (informers, {@link KubeSource}) or a directory of YAML files
 * ({@link WatchDirSource}). Both deliver the same {@link SourceEvent}s, and (when asked to) the same EgressGateway and
 * Node events for the egress engine.
 */
public interface ClusterSource extends AutoCloseable {

  /** What a source delivers to. */
  interface Sink {
    /**
     * One event. Blocks when the controller's queue is full (back-pressure).
     *
     * @param type {@code add}, {@code update} or {@code delete} (the metric label)
     */
    void event(SourceEvent e, String type);

    /** Everything that existed at start-up has been delivered. */
    void synced();

    // ---- egress gateways: what the policy compiler does not read (sources deliver them only when asked to) --------

    /** The latest readable version of an EgressGateway ({@code type} as in {@link #event}). */
    default void egressGateway(EgressGateway gateway, String type) {}

    /** An EgressGateway whose latest version cannot be read as one: its last readable version stays. */
    default void egressGatewayUnreadable(String namespace, String name, String error) {}

    default void egressGatewayDeleted(String namespace, String name) {}

    /** A Node as egress placement needs it (readiness, InternalIPs). */
    default void egressNode(EgressNode node, String type) {}

    default void egressNodeDeleted(String name) {}
  }

  /** Starts delivering; returns once the source runs (the initial state may still be arriving). */
  void start(Sink sink) throws Exception;

  @Override
  void close();
}

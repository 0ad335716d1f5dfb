package io.netctl.controller;

/**
 * Where the controller's input comes from: the API server (informers, {@link KubeSource}) or a directory of YAML files
 * ({@link WatchDirSource}). Both deliver the same {@link SourceEvent}s.
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
  }

  /** Starts delivering; returns once the source runs (the initial state may still be arriving). */
  void start(Sink sink) throws Exception;

  @Override
  void close();
}

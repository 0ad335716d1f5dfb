package io.netctl.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease with fabric8's {@link LeaderElector}. The controller
 * becomes leader in {@code onStartLeading} and stops writing in {@code onStopLeading}; a standby takes over at most
 * one lease duration after the leader stopped renewing (at once when the leader releases the lease on a clean stop).
 * After losing the lease the elector runs again, so the instance stays a candidate.
 *
 * @param leaseDuration how long a lease is valid without renewal (default 15 s)
 * @param renewDeadline how long the leader keeps trying to renew before it gives up (default 10 s)
 * @param retryPeriod how often candidates retry and the leader renews (default 2 s)
 */
public record LeaderElection(
    String namespace, String name, String identity, Duration leaseDuration, Duration renewDeadline,
    Duration retryPeriod) {

  /** A running election; {@link #close()} releases the lease if held. */
  public static final class Running implements AutoCloseable {
    private final ExecutorService executor;
    private volatile CompletableFuture<?> future;
    private volatile LeaderElector elector;
    private volatile boolean closed;

    private Running(ExecutorService executor) {
      this.executor = executor;
    }

    @Override
    public void close() {
      closed = true;
      CompletableFuture<?> f = future;
      if (f != null) {
        f.cancel(true); // releases the lease (withReleaseOnCancel)
      }
      executor.shutdownNow();
    }
  }

  /** Starts the election; {@code controller.setLeader} follows it. */
  public Running start(KubernetesClient client, Controller controller, Consumer<String> log) {
    ExecutorService ex =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "netctl-leader-election");
              t.setDaemon(true);
              return t;
            });
    Running running = new Running(ex);
    run(client, controller, log, running);
    return running;
  }

  private void run(KubernetesClient client, Controller controller, Consumer<String> log, Running running) {
    if (running.closed) {
      return;
    }
    LeaderElector elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(name)
                    .withLock(new LeaseLock(namespace, name, identity))
                    .withLeaseDuration(leaseDuration)
                    .withRenewDeadline(renewDeadline)
                    .withRetryPeriod(retryPeriod)
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            () -> controller.setLeader(true),
                            () -> controller.setLeader(false),
                            id -> log.accept("leader is now " + id)))
                    .build())
            .build();
    running.elector = elector;
    CompletableFuture<?> f = elector.start();
    running.future = f;
    f.whenComplete(
        (v, e) -> {
          controller.setLeader(false);
          if (!running.closed) {
            log.accept("leader election ended" + (e == null ? "" : ": " + e.getMessage()) + "; running again");
            running.executor.execute(() -> run(client, controller, log, running));
          }
        });
  }
}

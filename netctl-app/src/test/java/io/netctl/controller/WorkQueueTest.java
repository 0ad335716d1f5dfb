package io.netctl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The work queue coalesces per key, keeps the oldest receive time, and blocks producers when full. */
class WorkQueueTest {
  final AtomicInteger ready = new AtomicInteger();
  final AtomicInteger depth = new AtomicInteger();
  final AtomicInteger coalesced = new AtomicInteger();

  WorkQueue<String, String> queue(int capacity) {
    return new WorkQueue<>(capacity, ready::incrementAndGet, depth::set, coalesced::incrementAndGet);
  }

  @Test
  void coalescesPerKeyKeepingTheFirstTimeAndTheLastValue() throws Exception {
    WorkQueue<String, String> q = queue(10);
    q.put("pod/a", "v1", 100);
    q.put("pod/b", "v1", 150);
    q.put("pod/a", "v2", 200);
    assertThat(ready).hasValue(1); // told once, on the first entry
    assertThat(coalesced).hasValue(1);
    assertThat(depth).hasValue(2);
    var batch = q.drain();
    assertThat(batch).extracting(WorkQueue.Entry::key).containsExactly("pod/a", "pod/b");
    assertThat(batch.get(0).value()).isEqualTo("v2");
    assertThat(batch.get(0).receivedNanos()).isEqualTo(100);
    assertThat(depth).hasValue(0);
    q.put("pod/c", "v1", 300);
    assertThat(ready).hasValue(2);
  }

  @Test
  void aFullQueueBlocksNewKeysButNotWaitingOnes() throws Exception {
    WorkQueue<String, String> q = queue(2);
    q.put("a", "1", 1);
    q.put("b", "1", 1);
    q.put("a", "2", 2); // an object already waiting: replaced, no block
    AtomicInteger done = new AtomicInteger();
    Thread producer = new Thread(() -> {
      try {
        q.put("c", "1", 3);
        done.set(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    producer.start();
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> done.get() == 0);
    assertThat(producer.getState()).isEqualTo(Thread.State.WAITING);
    assertThat(q.drain()).hasSize(2);
    await().atMost(Duration.ofSeconds(2)).until(() -> done.get() == 1);
    assertThat(q.drain()).extracting(WorkQueue.Entry::key).containsExactly("c");
    producer.join();
  }
}

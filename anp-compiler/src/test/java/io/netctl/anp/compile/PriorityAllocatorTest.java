package io.netctl.anp.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.anp.api.Kind;
import io.netctl.anp.api.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriorityAllocatorTest {

  static PriorityAllocator.Request req(String name, int priority, int width) {
    return new PriorityAllocator.Request(ObjectRef.cluster(Kind.ADMIN_NETWORK_POLICY, name), priority, 0, width);
  }

  static int top(PriorityAllocator.Allocation a, String name) {
    return a.tops().get(ObjectRef.cluster(Kind.ADMIN_NETWORK_POLICY, name));
  }

  @Test
  void smallPoliciesSitOnTheFixedGrid() {
    var a = PriorityAllocator.allocate(List.of(req("a", 0, 5), req("b", 150, 30), req("c", 1000, 1)));
    assertThat(top(a, "a")).isEqualTo(PriorityAllocator.HIGH);
    assertThat(top(a, "b")).isEqualTo(PriorityAllocator.HIGH - 150 * PriorityAllocator.SLOT);
    assertThat(top(a, "c")).isEqualTo(PriorityAllocator.idealTop(1000));
    assertThat(a.unplaced()).isEmpty();
  }

  @Test
  void addingRemovingOrReprioritisingOnePolicyMovesNoOther() {
    List<PriorityAllocator.Request> base = new ArrayList<>();
    for (int p = 0; p < 1000; p += 7) {
      base.add(req("p" + p, p, 1 + p % 30));
    }
    var before = PriorityAllocator.allocate(base);
    List<PriorityAllocator.Request> added = new ArrayList<>(base);
    added.add(req("new", 500, 10));
    var after = PriorityAllocator.allocate(added);
    for (var e : before.tops().entrySet()) {
      assertThat(after.tops()).containsEntry(e.getKey(), e.getValue());
    }
    List<PriorityAllocator.Request> moved = new ArrayList<>(base);
    moved.set(3, req("p21", 603, 22));
    var movedAlloc = PriorityAllocator.allocate(moved);
    long changed = before.tops().entrySet().stream()
        .filter(e -> !e.getValue().equals(movedAlloc.tops().get(e.getKey()))).count();
    assertThat(changed).isEqualTo(1);
  }

  @Test
  void aWidePolicyPushesTheNextOnesOnlyUntilAGap() {
    var a = PriorityAllocator.allocate(List.of(req("wide", 10, 100), req("next", 11, 5), req("far", 20, 5)));
    int wideBottom = top(a, "wide") - 100 + 1;
    assertThat(top(a, "next")).isEqualTo(wideBottom - 1);
    assertThat(top(a, "far")).isEqualTo(PriorityAllocator.idealTop(20));
  }

  @Test
  void samePriorityOrdersByKindThenNameWithoutOverlap() {
    var a = PriorityAllocator.allocate(List.of(req("b", 5, 3), req("a", 5, 3)));
    assertThat(top(a, "a")).isEqualTo(PriorityAllocator.idealTop(5));
    assertThat(top(a, "b")).isEqualTo(top(a, "a") - 3);
  }

  @Test
  void theWholeApiRangeWithFullRuleCountsIsRepackedInOrder() {
    // 300 policies of 100 rules each: 30,000 ACL priorities, more than the grid can give from its ideal positions.
    List<PriorityAllocator.Request> reqs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      reqs.add(req("p" + i, i * 3, 100));
    }
    var a = PriorityAllocator.allocate(reqs);
    assertThat(a.unplaced()).isEmpty();
    int prevBottom = Integer.MAX_VALUE;
    for (int i = 0; i < 300; i++) {
      int t = top(a, "p" + i);
      assertThat(t).isLessThan(prevBottom);
      prevBottom = t - 100 + 1;
      assertThat(prevBottom).isGreaterThanOrEqualTo(PriorityAllocator.LOW);
    }
  }

  @Test
  void whatCannotFitIsReportedNotOverlapped() {
    List<PriorityAllocator.Request> reqs = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      reqs.add(req(String.format("p%03d", i), i, 100));
    }
    var a = PriorityAllocator.allocate(reqs);
    assertThat(a.unplaced()).hasSize(400 - (PriorityAllocator.HIGH - PriorityAllocator.LOW + 1) / 100);
    assertThat(a.unplaced()).allSatisfy(r -> assertThat(Integer.parseInt(r.name().substring(1))).isGreaterThan(300));
    for (Map.Entry<ObjectRef, Integer> e : a.tops().entrySet()) {
      assertThat(e.getValue() - 99).isGreaterThanOrEqualTo(PriorityAllocator.LOW);
    }
  }
}

package io.netctl.egress;

import io.netctl.ovn.nb.LogicalRouterPolicy;
import io.netctl.ovn.nb.NbRow;
import io.netctl.ovn.nb.NbState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** An NB of egress rows in memory: applies reconciles and nexthop mutations the way the adapter does. */
final class FakeNb implements EgressCore.NbWriter {
  NbState state = NbState.EMPTY;
  final List<String> calls = new ArrayList<>();
  boolean fail;

  @Override
  public EgressCore.Commit reconcile(NbState s) {
    if (fail) {
      throw new IllegalStateException("NB down");
    }
    calls.add("reconcile");
    state = s;
    return new EgressCore.Commit(1, s.size(), "reconciled", List.of());
  }

  @Override
  public EgressCore.Commit mutateNexthops(List<EgressCore.NexthopChange> changes) {
    if (fail) {
      throw new IllegalStateException("NB down");
    }
    NbState before = state;
    try {
      for (EgressCore.NexthopChange c : changes) {
        mutate(c.policy(), c.added(), c.removed());
      }
    } catch (AssertionError e) {
      state = before; // one transaction: all or nothing
      throw e;
    }
    calls.add("txn " + changes.size());
    return new EgressCore.Commit(1, changes.size(), "mutated", List.of());
  }

  private void mutate(LogicalRouterPolicy p, Set<String> added, Set<String> removed) {
    LogicalRouterPolicy old = state.routerPolicies().get(p.key());
    if (old == null) {
      throw new AssertionError("mutate of a policy that is not in the NB: " + p.key());
    }
    TreeSet<String> hops = new TreeSet<>(old.nexthops());
    hops.addAll(added);
    hops.removeAll(removed);
    LogicalRouterPolicy now = old.withNexthops(hops);
    if (!now.equals(p)) {
      throw new AssertionError("mutate " + added + " -" + removed + " of " + old + " does not give " + p);
    }
    calls.add("mutate " + p.key() + " +" + added + " -" + removed);
    List<NbRow> rows = new ArrayList<>(state.rows());
    rows.replaceAll(r -> r.ref().equals(p.ref()) ? p : r);
    state = NbState.of(rows);
  }
}

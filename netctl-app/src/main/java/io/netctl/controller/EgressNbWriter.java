package io.netctl.controller;

import io.netctl.egress.EgressCore;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.ovsdb.ReconcileResult;
import io.netctl.ovn.ovsdb.Reconciler;
import java.util.ArrayList;
import java.util.List;

/**
 * The egress engine's writer on an ovn-adapter {@link Reconciler} of its own, scoped to the egress rows
 * ({@link io.netctl.ovn.nb.Ownership#isEgress}): the policy reconciler and this one share the NB, not their rows, and
 * a failover never waits behind a large policy transaction. {@code netctl egress run} and the controller ({@link
 * EgressController}) use it.
 */
public final class EgressNbWriter implements EgressCore.NbWriter {
  private final Reconciler reconciler;

  public EgressNbWriter(Reconciler reconciler) {
    this.reconciler = reconciler.directFastPath(true); // failover mutates on a direct channel (docs/egress.md)
  }

  @Override
  public EgressCore.Commit reconcile(NbState state) throws Exception {
    return commit(reconciler.reconcile(state));
  }

  @Override
  public EgressCore.Commit mutateNexthops(List<EgressCore.NexthopChange> changes) throws Exception {
    List<Reconciler.NexthopChange> c = new ArrayList<>(changes.size());
    for (EgressCore.NexthopChange x : changes) {
      c.add(new Reconciler.NexthopChange(x.policy(), x.added(), x.removed()));
    }
    return commit(reconciler.mutateNexthops(c));
  }

  private static EgressCore.Commit commit(ReconcileResult r) {
    return new EgressCore.Commit(r.transactions(), r.operations(), r.counts().toString(), r.errors());
  }
}

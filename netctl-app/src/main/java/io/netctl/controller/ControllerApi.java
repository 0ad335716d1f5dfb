package io.netctl.controller;

import io.netctl.anp.api.ObjectRef;
import io.netctl.api.ApiAddress;
import io.netctl.api.ApiBackend;
import io.netctl.api.ApiServer;
import io.netctl.api.BfdEventHub;
import io.netctl.api.CompiledBackend;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.ovn.ovsdb.Reconciler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The gRPC API on the running controller: a {@link CompiledBackend} whose reads run on the controller's compiler
 * thread ({@link Controller#compilerExecutor()}, cached by {@link Controller#generation()}), with the conditions the
 * controller computed (the ones it writes to the policies' status), Diff through the policy reconciler's
 * {@code dryRun}, and BFD sessions and events from the egress engine's speaker (on the leader; a standby has none).
 */
public final class ControllerApi {
  private ControllerApi() {}

  /**
   * Where and how to serve.
   *
   * @param tls null for plain text (the default loopback or unix socket needs none)
   */
  public record Options(ApiAddress address, ApiServer.Tls tls) {
    public Options {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * The backend.
   *
   * @param egress the egress side (BFD sessions and events), or null without egress gateways
   * @param hub where the egress engine's BFD changes are published (subscribed to {@code egress} here)
   */
  public static CompiledBackend backend(Controller controller, Reconciler reconciler, String nbRemote,
      ControllerMetrics metrics, EgressController egress, BfdEventHub hub) {
    Controller.View view = controller.view();
    CompiledBackend.Builder b = CompiledBackend.builder(view.compiler(), controller.compilerExecutor())
        .reconciler(reconciler, nbRemote)
        .nbConnected(() -> metrics.nbConnected.get() == 1)
        .leader(controller::isLeader)
        .conditions(() -> conditions(view.conditions()))
        .generation(controller::generation)
        .mode("controller");
    if (egress != null) {
      egress.onBfdEvent(hub::publish);
      b.bfd(() -> {
        BfdSpeaker s = egress.speaker();
        return s == null ? List.of() : List.of(s);
      }, hub);
    }
    return b.build();
  }

  /** The controller's conditions as the API reports them. */
  static Map<ObjectRef, List<ApiBackend.Condition>> conditions(Map<ObjectRef, Conditions> in) {
    Map<ObjectRef, List<ApiBackend.Condition>> out = new TreeMap<>();
    in.forEach((ref, cs) -> {
      List<ApiBackend.Condition> l = new ArrayList<>();
      for (Conditions.Condition c : cs.conditions()) {
        l.add(new ApiBackend.Condition(c.type(), c.statusString(), c.reason(), c.message()));
      }
      out.put(ref, l);
    });
    return out;
  }
}

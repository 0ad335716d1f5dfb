package io.netctl.ovn.ovsdb;

import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.AclAction;
import io.netctl.ovn.nb.AclDirection;
import io.netctl.ovn.nb.AddressSet;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.nb.PortGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/** Seeded random desired states over small name pools, so that two states share many rows. */
final class RandomStates {
  static final int LSPS = 12;

  private RandomStates() {}

  static String lsp(int i) {
    return "pod" + i + ".ns";
  }

  static NbState state(long seed) {
    Random r = new Random(seed);
    NbState.Builder b = new NbState.Builder();
    List<String> pgs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      if (r.nextInt(4) == 0) {
        continue;
      }
      String name = "nc_pg" + i;
      pgs.add(name);
      TreeSet<String> ports = new TreeSet<>();
      for (int p = 0; p < LSPS; p++) {
        if (r.nextInt(3) == 0) {
          ports.add(lsp(p));
        }
      }
      b.put(new PortGroup(name, ports, Ownership.ids("AdminNetworkPolicy", "anp" + r.nextInt(2), name)));
    }
    for (int i = 0; i < 5; i++) {
      if (r.nextInt(4) == 0) {
        continue;
      }
      String name = "nc_as" + i;
      TreeSet<String> addrs = new TreeSet<>();
      for (int a = 0; a < 20; a++) {
        if (r.nextInt(3) == 0) {
          addrs.add("10.0.0." + a);
        }
      }
      b.put(new AddressSet(name, addrs, Ownership.ids("AdminNetworkPolicy", "anp" + r.nextInt(2), name)));
    }
    if (!pgs.isEmpty()) {
      for (int i = 0; i < 12; i++) {
        if (r.nextInt(3) == 0) {
          continue;
        }
        String pg = pgs.get(r.nextInt(pgs.size()));
        AclAction action = AclAction.values()[r.nextInt(AclAction.values().length)];
        TreeMap<String, String> options = new TreeMap<>();
        AclDirection dir = r.nextBoolean() ? AclDirection.FROM_LPORT : AclDirection.TO_LPORT;
        if (dir == AclDirection.FROM_LPORT && r.nextBoolean()) {
          options.put("apply-after-lb", "true");
        }
        String port = dir == AclDirection.FROM_LPORT ? "inport" : "outport";
        b.put(
            new Acl(
                pg,
                dir,
                1 + r.nextInt(3),
                r.nextInt(3) * 1000 + r.nextInt(3),
                port + " == @" + pg + " && tcp.dst == " + (80 + r.nextInt(3)),
                action,
                r.nextBoolean() ? "acl " + i : null,
                r.nextInt(4) == 0,
                r.nextInt(4) == 0 ? "info" : null,
                null,
                options,
                Ownership.ids("AdminNetworkPolicy", "anp" + r.nextInt(2), "acl" + i)));
      }
    }
    return b.build();
  }
}

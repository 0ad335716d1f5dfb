package io.netctl.anp.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.AclAction;
import io.netctl.ovn.nb.AclDirection;
import io.netctl.ovn.nb.NbPrinter;
import io.netctl.ovn.nb.NbRow;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.nb.PortGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code netctl compile -o nbctl}: every invocation of the script defines each row id once and uses only its own. */
class NbctlScriptTest {
  private static final Pattern DEFINED = Pattern.compile("--id=(@[a-z]+[0-9]+)");
  private static final Pattern USED = Pattern.compile(" (?:acls|policies) (@[a-z]+[0-9]+)");

  @Test
  void rowIdsAreUniqueWithinEveryInvocationWhenBatchesAreCutByBytes() {
    // long matches so that batches are cut by size, not by command count, and at varying positions
    List<NbRow> rows = new ArrayList<>();
    rows.add(new PortGroup("nc_pg", new TreeSet<>(), Ownership.ids("AdminNetworkPolicy", "a", "nc_pg")));
    for (int i = 0; i < 3000; i++) {
      String match = "outport == @nc_pg && ip4.src == {" + "10.0.0.1, ".repeat(1 + i % 37) + "10.0.0.2}";
      rows.add(new Acl("nc_pg", AclDirection.TO_LPORT, 1, 1000 + i % 30000, match, AclAction.DROP, null, false, null,
          null, new TreeMap<>(), Ownership.ids("AdminNetworkPolicy", "a", "acl" + i)));
    }
    String script = NbPrinter.nbctl(NbState.of(rows));
    List<String> invocations = new ArrayList<>();
    for (String part : script.split("\\$NBCTL")) {
      if (part.contains("--id=")) {
        invocations.add(part);
      }
    }
    assertThat(invocations).hasSizeGreaterThan(3);
    for (String inv : invocations) {
      Set<String> defined = new HashSet<>();
      Matcher d = DEFINED.matcher(inv);
      while (d.find()) {
        assertThat(defined.add(d.group(1))).as("id %s defined twice in one invocation", d.group(1)).isTrue();
      }
      Matcher u = USED.matcher(inv);
      while (u.find()) {
        assertThat(defined).as("ids of this invocation").contains(u.group(1));
      }
    }
  }
}

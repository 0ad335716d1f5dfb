package io.netctl.controller;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.Pod;
import io.netctl.anp.compile.LspNaming;
import java.util.ArrayList;
import java.util.List;

/**
 * The logical switch and ports a CNI would have created for some pods, as one {@code ovn-nbctl} command line: what the
 * demo and the tests build in the OVN sandbox. Each pod gets a MAC derived from its first IPv4 address.
 */
public final class SandboxTopology {
  public static final String SWITCH = "cluster";

  private SandboxTopology() {}

  /** A pod's port: its logical switch port name, MAC and IP. */
  public record Port(Pod pod, String lsp, String mac, String ip) {}

  /** Ports for the selectable pods with an IPv4 address (host-network and finished pods have none of their own). */
  public static List<Port> ports(List<? extends ClusterObject> objects, LspNaming naming) {
    List<Port> out = new ArrayList<>();
    for (ClusterObject o : objects) {
      if (o instanceof Pod p && p.selectable()) {
        String ip = p.ips().stream().filter(a -> a.indexOf('.') > 0).findFirst().orElse(null);
        if (ip == null) {
          continue;
        }
        String[] b = ip.split("\\.");
        String mac =
            String.format(
                "0a:%02x:%02x:%02x:%02x:%02x",
                0x58, Integer.parseInt(b[0]), Integer.parseInt(b[1]), Integer.parseInt(b[2]), Integer.parseInt(b[3]));
        out.add(new Port(p, naming.lspName(p), mac, ip));
      }
    }
    return out;
  }

  /** {@code ovn-nbctl} arguments creating the switch (if missing) and the ports. */
  public static List<String> nbctlArgs(List<Port> ports) {
    List<String> args = new ArrayList<>(List.of("--may-exist", "ls-add", SWITCH));
    for (Port p : ports) {
      args.addAll(List.of("--", "--may-exist", "lsp-add", SWITCH, p.lsp()));
      args.addAll(List.of("--", "lsp-set-addresses", p.lsp(), p.mac() + " " + p.ip()));
    }
    return args;
  }

  /** An {@code ovn-trace} microflow for a new TCP connection from one port to another. */
  public static String tcpFlow(Port from, Port to, int port) {
    return "inport == \"" + from.lsp() + "\" && eth.src == " + from.mac() + " && eth.dst == " + to.mac()
        + " && ip4.src == " + from.ip() + " && ip4.dst == " + to.ip() + " && ip.ttl == 64 && tcp && tcp.dst == "
        + port;
  }

  /** The same for UDP. */
  public static String udpFlow(Port from, Port to, int port) {
    return tcpFlow(from, to, port).replace("&& tcp && tcp.dst", "&& udp && udp.dst");
  }
}

package io.netctl.perf.failover;

import io.netctl.ovn.sandbox.OvnSandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The failover topology on the data-plane OVN sandbox:
 *
 * <pre>
 *   client pod 10.0.0.10 ── LS pods ── LR lr0 ── LS transit 10.1.0.0/24 ──┬── gw1 10.1.0.11 ─┐
 *                          (10.0.0.1)        (10.1.0.1)                     ├── gw2 10.1.0.12 ─┼── bridge in "ext":
 *                                                                           ├── gw3 10.1.0.13 ─┘   172.31.0.100
 *                                                                           └── ctl 10.1.0.2 (netctl egress run)
 * </pre>
 *
 * Each gateway is a namespace with one leg on br-int (LSP {@code gwN.egress}) and one ({@code out}, 172.31.0.1N) on a
 * bridge in the external namespace, where the destination address lives; it forwards and source-NATs to its
 * outside address, so the destination sees (and tells the client) which gateway carried each flow. How lr0 reaches
 * the destination (a route via a VRRP address, or a reroute policy over the gateways) is the system's business.
 */
final class Topology implements AutoCloseable {
    static final String CLIENT_IP = "10.0.0.10";
    /** A second pod's address, for tests that need a pod the egress gateway does not select. */
    static final String OTHER_IP = "10.0.0.20";
    static final String PODS_NET = "10.0.0.0/24";
    static final String LR_TRANSIT_IP = "10.1.0.1";
    /** netctl's address on the transit switch: its BFD sessions reach the gateways' {@code eth0} through OVN. */
    static final String CTL_IP = "10.1.0.2";
    static final String DEST_IP = "172.31.0.100";
    static final String DEST_NET = "172.31.0.0/24";
    static final int DEST_PORT = 8443;

    /** One gateway namespace. {@code id} is the last octet of both of its addresses. */
    record Gateway(int index, int id, String netns, String insideIp, String outsideIp) {
        String name() {
            return "gw" + index;
        }
    }

    final OvnSandbox ovn;
    final String clientNs;
    /** The controller namespace (CTL_IP on the transit switch), where netctl's egress engine runs. */
    final String ctlNs;
    final String extNs;
    final List<Gateway> gateways = new ArrayList<>();
    private final Process server;

    Topology(Path dir, int gatewayCount) throws IOException {
        Shell.require("/usr/sbin/ip", "iproute2");
        Shell.require("/usr/sbin/nft", "nftables");
        ovn = OvnSandbox.startDataplane(dir);
        String ext = null;
        Process srv = null;
        try {
            ovn.nbctl("ls-add", "pods", "--", "ls-add", "transit", "--", "lr-add", "lr0",
                    "--", "lrp-add", "lr0", "lr0-pods", "0a:00:00:00:00:01", "10.0.0.1/24",
                    "--", "lrp-add", "lr0", "lr0-transit", "0a:00:00:00:01:01", LR_TRANSIT_IP + "/24",
                    "--", "lsp-add", "pods", "pods-lr0", "--", "lsp-set-type", "pods-lr0", "router",
                    "--", "lsp-set-addresses", "pods-lr0", "router",
                    "--", "lsp-set-options", "pods-lr0", "router-port=lr0-pods",
                    "--", "lsp-add", "transit", "transit-lr0", "--", "lsp-set-type", "transit-lr0", "router",
                    "--", "lsp-set-addresses", "transit-lr0", "router",
                    "--", "lsp-set-options", "transit-lr0", "router-port=lr0-transit");
            clientNs = ovn.addPort("client.probe", "0a:00:00:00:00:0a", CLIENT_IP + "/24", "10.0.0.1", "pods").netns();
            Shell.in(clientNs, "sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65000");
            ctlNs = ovn.addPort("ctl.egress", "0a:00:00:00:01:02", CTL_IP + "/24", null, "transit").netns();
            ext = "fo" + Integer.toHexString(new SecureRandom().nextInt(0x100000) | 0x100000).substring(1) + "-ext";
            Shell.run("ip", "netns", "add", ext);
            extNs = ext;
            Shell.run("ip", "-n", ext, "link", "set", "lo", "up");
            Shell.run("ip", "-n", ext, "link", "add", "br0", "type", "bridge");
            Shell.run("ip", "-n", ext, "addr", "add", DEST_IP + "/24", "dev", "br0");
            Shell.run("ip", "-n", ext, "link", "set", "br0", "up");
            for (int i = 1; i <= gatewayCount; i++) {
                int id = 10 + i;
                Gateway g = new Gateway(i, id, null, "10.1.0." + id, "172.31.0." + id);
                String ns = ovn.addPort("gw" + i + ".egress", String.format("0a:00:00:00:01:%02x", id),
                        g.insideIp() + "/24", null, "transit").netns();
                g = new Gateway(i, id, ns, g.insideIp(), g.outsideIp());
                Shell.run("ip", "link", "add", "out", "netns", ns, "type", "veth", "peer", "name", "g" + i, "netns",
                        ext);
                Shell.run("ip", "-n", ext, "link", "set", "g" + i, "master", "br0", "up");
                Shell.run("ip", "-n", ns, "addr", "add", g.outsideIp() + "/24", "dev", "out");
                Shell.run("ip", "-n", ns, "link", "set", "out", "up");
                Shell.run("ip", "-n", ns, "route", "add", PODS_NET, "via", LR_TRANSIT_IP, "dev", "eth0");
                Shell.in(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
                Shell.in(ns, "nft", "add table ip egress; add chain ip egress post { type nat hook postrouting"
                        + " priority 100; }; add rule ip egress post oifname \"out\" masquerade");
                gateways.add(g);
            }
            srv = Shell.javaIn(ext, ProbeServer.class, Integer.toString(DEST_PORT));
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(srv.getInputStream())).readLine();
            if (first == null || !first.startsWith("listening")) {
                throw new IOException("the probe server did not start: " + first);
            }
            server = srv;
            ovn.syncHv();
        } catch (IOException | RuntimeException e) {
            if (srv != null) {
                Shell.killTree(srv);
            }
            if (ext != null) {
                Shell.quiet("ip", "netns", "del", ext);
            }
            ovn.close();
            throw e;
        }
    }

    Gateway gateway(int index) {
        return gateways.get(index - 1);
    }

    /** Restores a gateway's route to the pods (an administrative link down deletes it). */
    void restoreRoutes(Gateway g) {
        Shell.run("ip", "-n", g.netns(), "route", "replace", PODS_NET, "via", LR_TRANSIT_IP, "dev", "eth0");
    }

    @Override
    public void close() throws IOException {
        Shell.killTree(server);
        Shell.quiet("ip", "netns", "del", extNs);
        ovn.close(); // the client and gateway namespaces, br-int, the OVS and OVN daemons
    }
}

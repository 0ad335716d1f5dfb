package io.netctl.perf.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: Debian's keepalived, VRRPv3, MASTER on gw1 (priority 200) and BACKUP on gw2 (100), sharing the
 * virtual address 10.1.0.100 on the transit switch; lr0 routes the destination via that address, so OVN's router
 * resolves it by ARP and follows the gratuitous ARPs keepalived sends when the address moves (and every second while
 * master: {@code garp_master_refresh 1}, without which the router can stay on a gateway that has become backup).
 * Phase: {@code vip-on-backup}, the address appearing on gw2, stamped from {@code ip monitor address} in gw2's
 * namespace.
 */
final class KeepalivedSystem implements FailoverSystem {
    static final String VIP = "10.1.0.100";
    static final String VIP_ON_BACKUP = "vip-on-backup";

    private final String advert;
    private final Path dir;
    private Topology topo;
    private final Process[] daemons = new Process[3];
    private final List<Process> monitors = new ArrayList<>();
    /** VIP additions seen on gw2 (epoch µs); also the lock for {@link #vipOn}. */
    private final List<Long> vipAddedOnBackup = new ArrayList<>();
    /** Whether gw1 / gw2 hold the VIP, as their address monitors last said (the monitors start before keepalived). */
    private final boolean[] vipOn = new boolean[3];
    /** What {@link Fault#KILL} was given last. */
    private List<Long> killed = List.of();

    private int rtPriority;

    KeepalivedSystem(String advertSeconds, Path dir) {
        this.advert = advertSeconds;
        this.dir = dir;
    }

    /**
     * Real-time priority (SCHED_FIFO/RR {@code priority}, 0 = none) for the same things as netctl gets with
     * {@code --rt-priority}: keepalived's VRRP process ({@code vrrp_rt_priority}) and the userspace datapath.
     */
    KeepalivedSystem rtPriority(int priority) {
        this.rtPriority = priority;
        return this;
    }

    @Override
    public String name() {
        return "keepalived";
    }

    @Override
    public boolean baseline() {
        return true;
    }

    @Override
    public String config() {
        return "advert " + advert + " s" + (rtPriority > 0 ? " rt" : "");
    }

    @Override
    public List<String> phases() {
        return List.of(VIP_ON_BACKUP);
    }

    @Override
    public void start(Topology t) throws IOException, InterruptedException {
        Shell.require("/usr/sbin/keepalived", "keepalived");
        topo = t;
        Files.createDirectories(dir);
        t.ovn.nbctl("--if-exists", "lr-route-del", "lr0", "--", "--if-exists", "lr-policy-del", "lr0");
        t.ovn.nbctl("lr-route-add", "lr0", Topology.DEST_NET, VIP);
        t.ovn.syncHv();
        watch(t.gateway(1), false);
        watch(t.gateway(2), true);
        if (rtPriority > 0) {
            String vswitchd = Files.readString(t.ovn.dir().resolve("ovs-vswitchd.pid")).strip();
            Shell.run("chrt", "-a", "-f", "-p", Integer.toString(rtPriority), vswitchd);
        }
        startDaemon(1);
        startDaemon(2);
        awaitReady(Duration.ofSeconds(30));
    }

    private void startDaemon(int i) throws IOException {
        Topology.Gateway g = topo.gateway(i);
        Path conf = dir.resolve("keepalived-" + g.name() + ".conf");
        Files.writeString(conf, """
                global_defs {
                  router_id %s
                  vrrp_version 3
                  script_user root
                  enable_script_security
                %s}
                vrrp_instance egress {
                  state %s
                  interface eth0
                  virtual_router_id 51
                  priority %d
                  advert_int %s
                  garp_master_refresh 1
                  virtual_ipaddress {
                    %s/24 dev eth0
                  }
                }
                """.formatted(g.name(), rtPriority > 0 ? "  vrrp_rt_priority " + rtPriority + "\n  " : "",
                i == 1 ? "MASTER" : "BACKUP", i == 1 ? 200 : 100, advert, VIP));
        String p = dir.resolve(g.name()).toString();
        daemons[i] = new ProcessBuilder("ip", "netns", "exec", g.netns(), "keepalived", "--dont-fork", "--vrrp",
                "--log-console", "--no-syslog", "--use-file", conf.toString(), "--pid", p + ".pid", "--vrrp_pid",
                p + ".vrrp.pid", "--checkers_pid", p + ".checkers.pid", "--bfd_pid", p + ".bfd.pid")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(g.name() + ".log").toFile())).start();
    }

    /** {@code ip monitor address} in a gateway's namespace: VIP additions and removals, stamped on arrival. */
    private void watch(Topology.Gateway g, boolean backup) throws IOException {
        Process m = new ProcessBuilder("ip", "-n", g.netns(), "monitor", "address").redirectErrorStream(true).start();
        monitors.add(m);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(m.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Instant now = Instant.now();
                    if (!line.contains(" " + VIP + "/")) {
                        continue;
                    }
                    boolean added = !line.startsWith("Deleted");
                    synchronized (vipAddedOnBackup) {
                        if (backup && added) {
                            vipAddedOnBackup.add(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000);
                        }
                        vipOn[g.index()] = added;
                        vipAddedOnBackup.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the monitor was stopped
            }
        }, "vip-monitor-" + g.name());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public Topology.Gateway victim() {
        return topo.gateway(1);
    }

    @Override
    public List<Long> victimPids() {
        List<Long> pids = new ArrayList<>();
        daemons[1].descendants().forEach(h -> pids.add(h.pid()));
        pids.add(daemons[1].pid());
        killed = List.copyOf(pids);
        return pids;
    }

    @Override
    public Map<String, Long> awaitPhases(long faultUs, Duration timeout) throws InterruptedException {
        Map<String, Long> m = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (vipAddedOnBackup) {
            while (true) {
                for (long t : vipAddedOnBackup) {
                    if (t >= faultUs) {
                        m.put(VIP_ON_BACKUP, t);
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return m; // never: the harness reports it
                }
                vipAddedOnBackup.wait(Math.max(1, left / 1_000_000L));
            }
        }
    }

    @Override
    public void restart() throws IOException {
        if (daemons[1] != null && !daemons[1].isAlive()) {
            // The killed VRRP child may outlive its parent for a moment; keepalived refuses to start while its pid
            // files name a live process.
            for (long pid : killed) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    try {
                        h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("keepalived process " + pid + " survived kill -9", e);
                    }
                });
            }
            String p = dir.resolve(topo.gateway(1).name()).toString();
            for (String suffix : List.of(".pid", ".vrrp.pid", ".checkers.pid", ".bfd.pid")) {
                Files.deleteIfExists(Path.of(p + suffix));
            }
            startDaemon(1);
        }
    }

    @Override
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (vipAddedOnBackup) {
            while (!(vipOn[1] && !vipOn[2])) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("keepalived (" + config() + "): the VIP did not settle on gw1"
                            + " (gw1 " + vipOn[1] + ", gw2 " + vipOn[2] + ")\n" + logTail(1) + logTail(2));
                }
                vipAddedOnBackup.wait(Math.max(1, left / 1_000_000L));
            }
        }
    }

    private String logTail(int i) {
        try {
            List<String> l = Files.readAllLines(dir.resolve(topo.gateway(i).name() + ".log"));
            return "gw" + i + " keepalived log:\n  " + String.join("\n  ", l.subList(Math.max(0, l.size() - 12),
                    l.size())) + "\n";
        } catch (IOException e) {
            return "gw" + i + ": no log (" + e + ")\n";
        }
    }

    @Override
    public int[] steadyGateways() {
        return new int[] {topo.gateway(1).id()};
    }

    @Override
    public void close() {
        for (Process p : daemons) {
            if (p != null) {
                Shell.killTree(p);
            }
        }
        monitors.forEach(Shell::killTree);
        if (topo != null) {
            for (int i = 1; i <= 2; i++) {
                Shell.quiet("ip", "-n", topo.gateway(i).netns(), "addr", "del", VIP + "/24", "dev", "eth0");
            }
        }
    }
}

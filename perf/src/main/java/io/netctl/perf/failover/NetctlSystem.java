package io.netctl.perf.failover;

import java.io.BufferedReader;
import java.io.File;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * netctl's egress gateway: an EgressGateway over gateway namespaces ({@code instances}) behind OVN's reroute policy,
 * programmed and failed over by {@code netctl egress run} ({@link EgressAgent}) in the controller namespace on the
 * transit switch; each gateway runs FRR's {@code bfdd} as its BFD responder at the configured timers. BFD therefore
 * crosses the same veth, br-int and namespace as the gateway's traffic: a link down or an nftables black hole breaks
 * both, and {@code kill -9} of the gateway's processes (bfdd; the forwarding and NAT are the namespace's kernel,
 * which a process crash leaves running, as for keepalived) breaks BFD alone.
 *
 * <p>Phases: {@code bfd-down}, netctl's BFD session to the victim going Down (the {@code ts} of the command's JSON
 * line, stamped by its speaker's event), and {@code nb-commit}, the NB update that withdraws the victim's nexthop as
 * an independent {@code ovsdb-client --timestamp monitor} sees it.
 *
 * <p>Why FRR and not netctl's own {@code bfd run --passive} as the responder: a real gateway (Kube-OVN's
 * VpcEgressGateway, a router appliance) runs a routing suite's BFD, not netctl's; with FRR the measurement does not
 * depend on netctl sharing bugs or timing habits with itself, and FRR's behaviour after a fault (it slows to 1 s
 * transmission while Down) is the one operators get.
 */
final class NetctlSystem implements FailoverSystem {
    static final String BFD_DOWN = "bfd-down";
    static final String NB_COMMIT = "nb-commit";
    static final String BFDD = "/usr/lib/frr/bfdd";
    static final int MULT = 3;
    private static final Pattern BFD_LINE = Pattern.compile(
            "\\{\"ts\":\"([^\"]+)\",\"event\":\"bfd\",\"peer\":\"([^\"]+)\",\"from\":\"(\\w+)\",\"to\":\"(\\w+)\""
                    + "(?:,\"diag\":\"([^\"]*)\")?.*");

    /** One BFD state change printed by {@code netctl egress run}. */
    record BfdEvent(long us, String peer, String from, String to, String diag) {
    }

    private final int intervalMs;
    private final List<Integer> instances;
    private final long holdDownMs;
    private final Path dir;
    private final String selectLabel;
    /** Where the command's JSON lines are copied (the report's directory), or null. */
    private Path eventLog;
    /** SCHED_FIFO priority for bfdd and netctl's JVM (every thread), 0 for none. */
    private int rtPriority;
    private Topology topo;
    private NbMonitor monitor;
    private Process agent;
    private final Map<Integer, Process> bfdd = new LinkedHashMap<>();
    private final Map<Integer, Path> frrDir = new LinkedHashMap<>();
    private final List<BfdEvent> events = new ArrayList<>();
    /** The last lines of the command's stderr (status lines, errors), for diagnostics. */
    private final java.util.ArrayDeque<String> agentErr = new java.util.ArrayDeque<>();
    private boolean killed;

    /**
     * @param intervalMs BFD transmit and receive interval on both sides (multiplier 3)
     * @param instances the gateways (Topology indexes) that are the EgressGateway's instances; the first is the victim
     * @param selectLabel the value of label {@code app} that selects pods (the client pod has {@code probe})
     */
    NetctlSystem(int intervalMs, List<Integer> instances, long holdDownMs, Path dir, String selectLabel) {
        this.intervalMs = intervalMs;
        this.instances = List.copyOf(instances);
        this.holdDownMs = holdDownMs;
        this.dir = dir;
        this.selectLabel = selectLabel;
    }

    /** The harness's configuration: three instances, 200 ms hold-down. */
    NetctlSystem(int intervalMs, Path dir) {
        this(intervalMs, List.of(1, 2, 3), 200, dir, "probe");
    }

    /** Copies {@code netctl egress run}'s JSON lines (BFD changes, NB commits) to {@code file}. */
    NetctlSystem eventLog(Path file) {
        this.eventLog = file;
        return this;
    }

    /**
     * Runs the gateways' bfdd and netctl's process under SCHED_FIFO {@code priority} (0: normal scheduling), as
     * {@code netctl bfd run --rt-priority} does for a BFD daemon (docs/bfd.md).
     */
    NetctlSystem rtPriority(int priority) {
        this.rtPriority = priority;
        return this;
    }

    @Override
    public String name() {
        return "netctl";
    }

    @Override
    public String config() {
        return "BFD " + intervalMs + "×" + MULT + " ms" + (rtPriority > 0 ? " rt" : "");
    }

    @Override
    public List<String> phases() {
        return List.of(BFD_DOWN, NB_COMMIT);
    }

    @Override
    public void start(Topology t) throws IOException, InterruptedException {
        Shell.require(BFDD, "frr");
        topo = t;
        Files.createDirectories(dir);
        // OVN routes before it applies policies: without a route the packet is dropped before the reroute policy. lr0's
        // own route (via the last gateway) is the path of pods the EgressGateway does not select.
        t.ovn.nbctl("--if-exists", "lr-route-del", "lr0", "--", "--if-exists", "lr-policy-del", "lr0",
                "--", "lr-route-add", "lr0", Topology.DEST_NET, t.gateways.get(t.gateways.size() - 1).insideIp());
        Path yaml = dir.resolve("egress.yaml");
        Files.writeString(yaml, yaml());
        for (int i : instances) {
            frrDir.put(i, Files.createTempDirectory("netctl-fo-frr")); // in the temp root: bfdd runs as frr
            startBfdd(i);
        }
        monitor = new NbMonitor(t.ovn);
        List<String> args = new ArrayList<>(List.of(t.ovn.dir().resolve("nb.sock").toString(), "egress", "run", "-f",
                yaml.toString(), "--bfd-local", Topology.CTL_IP, "--resync", "0"));
        agent = Shell.javaInClasspath(t.ctlNs, EgressAgent.class, List.of("-Xmx192m", "-XX:+UseSerialGC"), args);
        agent.getOutputStream().close();
        if (eventLog != null) {
            Files.createDirectories(eventLog.getParent());
        }
        reader();
        awaitReady(Duration.ofSeconds(60));
        if (rtPriority > 0) {
            // every thread of the JVM, after start-up (its JIT burst would otherwise run at real-time priority)
            Shell.run("chrt", "-a", "-f", "-p", Integer.toString(rtPriority), Long.toString(agent.pid()));
            // and the userspace datapath: its main thread forwards the veths' packets (BFD included) between its
            // OpenFlow and OVSDB work; a kernel datapath forwards in softirq context, ahead of every process
            String vswitchd = Files.readString(t.ovn.dir().resolve("ovs-vswitchd.pid")).strip();
            Shell.run("chrt", "-a", "-f", "-p", Integer.toString(rtPriority), vswitchd);
        }
    }

    /** The EgressGateway and the objects it selects; the client pods are {@code app=probe} and {@code app=other}. */
    private String yaml() {
        StringBuilder y = new StringBuilder("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: perf}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: client, namespace: perf, labels: {app: probe}}
                spec: {nodeName: n0}
                status: {podIP: %s, podIPs: [{ip: %s}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: other, namespace: perf, labels: {app: other}}
                spec: {nodeName: n0}
                status: {podIP: %s, podIPs: [{ip: %s}]}
                ---
                apiVersion: netctl.io/v1alpha1
                kind: EgressGateway
                metadata: {name: egw, namespace: perf}
                spec:
                  router: lr0
                  selectors: [{podSelector: {matchLabels: {app: %s}}}]
                  destinations: [%s]
                  bfd: {enabled: true, minRX: %d, minTX: %d, multiplier: %d}
                  holdDownMillis: %d
                  failMode: Drop
                  instances:
                """.formatted(Topology.CLIENT_IP, Topology.CLIENT_IP, Topology.OTHER_IP, Topology.OTHER_IP,
                selectLabel, Topology.DEST_NET, intervalMs, intervalMs, MULT, holdDownMs));
        for (int i : instances) {
            Topology.Gateway g = topo.gateway(i);
            y.append("    - {name: ").append(g.name()).append(", node: n").append(i).append(", ip: ")
                    .append(g.insideIp()).append("}\n");
        }
        return y.toString();
    }

    private void startBfdd(int i) throws IOException {
        Topology.Gateway g = topo.gateway(i);
        Path d = frrDir.get(i);
        Files.writeString(d.resolve("bfdd.conf"), "bfd\n peer " + Topology.CTL_IP + " local-address " + g.insideIp()
                + "\n  receive-interval " + intervalMs + "\n  transmit-interval " + intervalMs
                + "\n  detect-multiplier " + MULT + "\n !\n!\n");
        Shell.run("chown", "-R", "frr:frr", d.toString());
        // Foreground (no -d), so that this Process is bfdd itself ('ip netns exec' and 'setsid' exec): its PID is the
        // one kill -9 gets, and no pid file has to be polled. setsid gives it a session (and scheduler autogroup) of
        // its own, as -d would.
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", g.netns(), "setsid"));
        if (rtPriority > 0) {
            cmd.addAll(List.of("chrt", "-f", Integer.toString(rtPriority)));
        }
        cmd.addAll(List.of(BFDD, "-f",
                d.resolve("bfdd.conf").toString(), "-i", d.resolve("bfdd.pid").toString(), "--vty_socket",
                d.toString(), "--bfdctl", d.resolve("bfdd.sock").toString(), "-z", d.resolve("zserv.api").toString(),
                "-P", "0"));
        bfdd.put(i, new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("bfdd-" + g.name() + ".log").toFile())).start());
    }

    private void reader() {
        Process p = agent;
        Thread out = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
                    java.io.Writer copy = eventLog == null ? java.io.Writer.nullWriter()
                            : Files.newBufferedWriter(eventLog, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    copy.write(line);
                    copy.write('\n');
                    Matcher m = BFD_LINE.matcher(line);
                    if (m.matches()) {
                        Instant ts = Instant.parse(m.group(1));
                        synchronized (events) {
                            events.add(new BfdEvent(ts.getEpochSecond() * 1_000_000L + ts.getNano() / 1000,
                                    m.group(2), m.group(3), m.group(4), m.group(5) == null ? "" : m.group(5)));
                            events.notifyAll();
                        }
                    }
                }
            } catch (IOException e) {
                // stopped
            }
        }, "netctl-egress-out");
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (agentErr) {
                        if (agentErr.size() == 40) {
                            agentErr.removeFirst();
                        }
                        agentErr.addLast(line);
                    }
                }
            } catch (IOException e) {
                // stopped
            }
        }, "netctl-egress-err");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    @Override
    public Topology.Gateway victim() {
        return topo.gateway(instances.get(0));
    }

    @Override
    public List<Long> victimPids() {
        killed = true;
        return List.of(bfdd.get(instances.get(0)).pid());
    }

    @Override
    public Map<String, Long> awaitPhases(long faultUs, Duration timeout) throws InterruptedException {
        Map<String, Long> m = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        String ip = victim().insideIp();
        synchronized (events) {
            Long down = null;
            while ((down = downAfter(ip, faultUs)) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                events.wait(Math.max(1, left / 1_000_000L));
            }
            if (down != null) {
                m.put(BFD_DOWN, down);
            }
        }
        long left = Math.max(1, deadline - System.nanoTime());
        long nb = monitor.awaitWithout(ip, faultUs, Duration.ofNanos(left));
        if (nb >= 0) {
            m.put(NB_COMMIT, nb);
        }
        return m;
    }

    /** The first Down of {@code peer} at or after {@code us}; call with {@link #events} locked. */
    private Long downAfter(String peer, long us) {
        for (BfdEvent e : events) {
            if (e.us() >= us && e.peer().equals(peer) && e.to().equals("Down")) {
                return e.us();
            }
        }
        return null;
    }

    @Override
    public void restart() throws IOException {
        if (!killed) {
            return;
        }
        killed = false;
        int i = instances.get(0);
        try {
            bfdd.get(i).onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("bfdd on " + topo.gateway(i).name() + " survived kill -9", e);
        }
        startBfdd(i);
    }

    @Override
    public void awaitReady(Duration timeout) throws InterruptedException {
        List<String> ips = instances.stream().map(i -> topo.gateway(i).insideIp()).toList();
        if (!monitor.awaitCurrent(ips, timeout)) {
            throw new IllegalStateException("netctl (" + config() + "): the reroute policy never named " + ips
                    + " (NB: " + monitor.currentValues() + "; agent " + (agent.isAlive() ? "running" : "exited")
                    + "; BFD events " + bfdEvents() + ")\nnetctl egress run stderr:\n" + errTail());
        }
        try {
            topo.ovn.syncHv();
        } catch (IOException e) {
            throw new IllegalStateException("ovn-nbctl --wait=hv sync: " + e.getMessage(), e);
        }
    }

    /** The BFD changes seen so far, for diagnostics and tests. */
    List<BfdEvent> bfdEvents() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    private String errTail() {
        synchronized (agentErr) {
            return String.join("\n", agentErr);
        }
    }

    /**
     * BFD Down events per gateway during this configuration (the victim's include one per fault; any other gateway's
     * are false Downs: a stalled machine, not a fault) and their diagnostics (CONTROL_DETECTION_TIME_EXPIRED: netctl
     * stopped hearing the gateway; NEIGHBOR_SIGNALED_DOWN: the gateway stopped hearing netctl).
     */
    @Override
    public String summary() {
        Map<String, Integer> perGw = new java.util.TreeMap<>();
        Map<String, Integer> diags = new java.util.TreeMap<>();
        for (BfdEvent e : bfdEvents()) {
            if (e.to().equals("Down") && e.from().equals("Up")) {
                String gw = instances.stream().map(topo::gateway).filter(g -> g.insideIp().equals(e.peer()))
                        .map(Topology.Gateway::name).findFirst().orElse(e.peer());
                perGw.merge(gw, 1, Integer::sum);
                diags.merge(e.diag(), 1, Integer::sum);
            }
        }
        return String.format(Locale.ROOT, "BFD Up → Down (%s %s): %s; diagnostics %s (the faults are on %s: Downs"
                + " of the other gateways are false Downs).", name(), config(), perGw.isEmpty() ? "none" : perGw,
                diags, victim().name());
    }

    @Override
    public int[] steadyGateways() {
        return instances.stream().mapToInt(i -> topo.gateway(i).id()).toArray();
    }

    /** Whether the agent is still running (tests). */
    boolean agentAlive() {
        return agent != null && agent.isAlive();
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.destroy(); // SIGTERM: the command stops its sessions and the NB connection
            try {
                if (!agent.waitFor(5, TimeUnit.SECONDS)) {
                    Shell.killTree(agent);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Shell.killTree(agent);
            }
        }
        bfdd.values().forEach(Shell::killTree);
        if (monitor != null) {
            monitor.close();
        }
        if (topo != null) {
            try {
                topo.ovn.nbctl("--if-exists", "lr-policy-del", "lr0", "--", "--if-exists", "lr-route-del", "lr0");
            } catch (IOException e) {
                // the next system clears lr0 itself
            }
        }
        for (Path d : frrDir.values()) {
            Shell.quiet("rm", "-rf", d.toString());
        }
    }

    @Override
    public String toString() {
        return name() + " " + config() + " instances " + instances.stream().map(i -> "gw" + i)
                .collect(Collectors.joining(","));
    }
}

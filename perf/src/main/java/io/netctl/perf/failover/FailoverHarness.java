package io.netctl.perf.failover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The failover harness (issue 7): builds {@link Topology} on the data-plane OVN sandbox, runs a {@link ProbeStream}
 * (a new TCP connection from the client pod to the external address every millisecond), and for each
 * {@link FailoverSystem} configuration and each {@link Fault} runs N faults on the gateway carrying the traffic,
 * recording fault → each phase of the system, fault → the probes succeeding again, and the probes lost. It also
 * measures what active-active ECMP adds with a hand-written OVN reroute policy over three gateways: the share of
 * flows per gateway, the share lost while one gateway is black-holed, and how long OVN takes from the NB commit that
 * withdraws that nexthop to the probes all succeeding again.
 *
 * <p>Run it with {@code perf/failover [--quick] [--runs N] ...} (as root); see docs/perf.md. Exit status 1 when a
 * fault never recovered or the probe stream never resumed.
 */
public final class FailoverHarness {
    /** The harness's settings. */
    record Options(int runs, List<String> adverts, List<Integer> bfd, List<Fault> faults, int intervalUs,
            int probeTimeoutMs, Duration ecmpPhase, Path out, int rtPriority) {
        /**
         * CI's quick mode: keepalived at advert 0.1 s, netctl at BFD 100×3 (matched) and 50×3, each fault once. Not
         * 10×3: on a loaded 2-core machine the sessions flap through the userspace datapath (docs/perf.md), and CI
         * must not depend on another job's load.
         */
        static Options quick(Path out) {
            return new Options(1, List.of("0.1"), List.of(100, 50), List.of(Fault.values()), 1000, 200,
                    Duration.ofSeconds(1), out, 0);
        }

        Options withRuns(int n) {
            return new Options(n, adverts, bfd, faults, intervalUs, probeTimeoutMs, ecmpPhase, out, rtPriority);
        }

        Options withAdverts(List<String> a) {
            return new Options(runs, a, bfd, faults, intervalUs, probeTimeoutMs, ecmpPhase, out, rtPriority);
        }

        Options withBfd(List<Integer> b) {
            return new Options(runs, adverts, b, faults, intervalUs, probeTimeoutMs, ecmpPhase, out, rtPriority);
        }

        Options withFaults(List<Fault> f) {
            return new Options(runs, adverts, bfd, f, intervalUs, probeTimeoutMs, ecmpPhase, out, rtPriority);
        }

        Options withIntervalUs(int us) {
            return new Options(runs, adverts, bfd, faults, us, probeTimeoutMs, ecmpPhase, out, rtPriority);
        }

        Options withEcmpPhase(Duration d) {
            return new Options(runs, adverts, bfd, faults, intervalUs, probeTimeoutMs, d, out, rtPriority);
        }

        Options withRtPriority(int p) {
            return new Options(runs, adverts, bfd, faults, intervalUs, probeTimeoutMs, ecmpPhase, out, p);
        }

        Options withOut(Path p) {
            return new Options(runs, adverts, bfd, faults, intervalUs, probeTimeoutMs, ecmpPhase, p, rtPriority);
        }
    }

    static final Duration STEADY = Duration.ofMillis(300);
    /** Consecutive successful probes that mark the stream as recovered (50 ms at the default rate). */
    static final int RECOVERED_RUN = 50;

    private FailoverHarness() {
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options(20, List.of("1", "0.1", "0.05", "0.01"), List.of(300, 100, 50, 10),
                List.of(Fault.values()), 1000, 200, Duration.ofSeconds(3), Path.of("perf/target/failover"), 0);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> o = Options.quick(o.out());
                case "--runs" -> o = o.withRuns(Integer.parseInt(args[++i]));
                case "--advert" -> o = o.withAdverts(args[++i].equals("none") ? List.of()
                        : List.of(args[i].split(",")));
                case "--bfd" -> o = o.withBfd(args[++i].equals("none") ? List.of()
                        : Arrays.stream(args[i].split(",")).map(Integer::valueOf).toList());
                case "--faults" -> o = o.withFaults(Arrays.stream(args[++i].split(","))
                        .map(s -> Fault.valueOf(s.toUpperCase(Locale.ROOT))).toList());
                case "--interval-us" -> o = o.withIntervalUs(Integer.parseInt(args[++i]));
                case "--out" -> o = o.withOut(Path.of(args[++i]));
                case "--rt-priority" -> o = o.withRtPriority(Integer.parseInt(args[++i]));
                case "--ecmp-ms" -> o = o.withEcmpPhase(Duration.ofMillis(Long.parseLong(args[++i])));
                default -> {
                    System.err.println("failover: unknown argument " + a + "\nusage: perf/failover [--quick]"
                            + " [--runs N] [--advert 1,0.1,0.05,0.01|none] [--bfd 300,100,50,10|none]"
                            + " [--faults kill,link,nft] [--rt-priority N]"
                            + " [--interval-us 1000] [--ecmp-ms 3000] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Report r = run(o);
        System.out.println(Files.readString(o.out().resolve("failover.md")));
        System.out.println("written: " + o.out().resolve("failover.md") + ", failover.csv, failover.svg");
        System.exit(r.failures.isEmpty() ? 0 : 1);
    }

    static long nowUs() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    /** Runs everything {@code o} asks for and writes the report into {@code o.out()}. */
    static Report run(Options o) throws Exception {
        Report report = new Report();
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory("netctl-failover");
        try (Topology topo = new Topology(work.resolve("ovn"), 3);
                Shell sh = new Shell();
                ProbeStream probes = new ProbeStream(topo.clientNs, Topology.DEST_IP, Topology.DEST_PORT,
                        o.intervalUs(), o.probeTimeoutMs())) {
            if (!"false".equals(System.getProperty("failover.ecmp"))) {
                ecmp(o, topo, probes, sh, report);
            }
            for (FailoverSystem sys : systems(o, work)) {
                try (sys) {
                    measure(o, topo, probes, sh, sys, report);
                }
            }
        } finally {
            deleteTree(work);
        }
        String header = String.format(Locale.ROOT, "Failover harness, %s UTC, %s; %d run(s) per fault; probes: a new"
                + " TCP connection every %d µs, lost after %d ms; took %d s.%n",
                Instant.now().atOffset(ZoneOffset.UTC).toLocalDateTime().withNano(0), machine(), o.runs(),
                o.intervalUs(), o.probeTimeoutMs(), (System.nanoTime() - t0) / 1_000_000_000L);
        report.write(o.out(), header);
        return report;
    }

    /**
     * The configurations to measure, side by side in one run: keepalived at each advert interval, then netctl's
     * egress gateway (three instances, FRR bfdd on the gateways) at each BFD interval (multiplier 3).
     */
    static List<FailoverSystem> systems(Options o, Path work) {
        List<FailoverSystem> l = new ArrayList<>();
        for (String advert : o.adverts()) {
            l.add(new KeepalivedSystem(advert, work.resolve("keepalived-" + advert)).rtPriority(o.rtPriority()));
        }
        for (int ms : o.bfd()) {
            l.add(new NetctlSystem(ms, work.resolve("netctl-" + ms))
                    .eventLog(o.out().resolve("netctl-bfd-" + ms + "-events.jsonl")).rtPriority(o.rtPriority()));
        }
        return l;
    }

    /** One system configuration: N runs of each fault. */
    static void measure(Options o, Topology topo, ProbeStream probes, Shell sh, FailoverSystem sys, Report report)
            throws Exception {
        sys.start(topo);
        if (!probes.awaitSteady(STEADY, Duration.ofSeconds(30), sys.steadyGateways())) {
            report.failure(sys.name() + " " + sys.config() + ": probes never flowed through "
                    + Arrays.toString(sys.steadyGateways()) + " after start");
            return;
        }
        Duration phaseTimeout = Duration.ofSeconds(15);
        boolean activeActive = sys.steadyGateways().length > 1;
        for (Fault f : o.faults()) {
            TreeMap<Integer, Integer> before = new TreeMap<>();
            TreeMap<Integer, Integer> during = new TreeMap<>();
            for (int run = 1; run <= o.runs(); run++) {
                String what = sys.name() + " " + sys.config() + " " + f.label + " run " + run;
                Topology.Gateway victim = sys.victim();
                if (activeActive) {
                    // fault a gateway that carries its share again (after a restore OVS takes a moment to hash new
                    // flows to it); the window is the share of new flows with every gateway up
                    TreeMap<Integer, Integer> share = awaitCarrying(probes, victim.id(),
                            sys.steadyGateways().length, Duration.ofSeconds(15));
                    if (share == null) {
                        report.failure(what + ": " + victim.name() + " never carried its share of the probes");
                    } else {
                        share.forEach((g, n) -> before.merge(g, n, Integer::sum));
                    }
                }
                long fault = f.inject(sh, victim, f == Fault.KILL ? sys.victimPids() : List.of());
                report.injected(sh.lastDurationUs);
                // Events from the moment the fault command started count: a link can go down, and a fast BFD notice
                // it, before 'ip' has returned; their latency from the fault time (after the command) counts as 0.
                Map<String, Long> phases = sys.awaitPhases(fault - sh.lastDurationUs, phaseTimeout);
                long last = fault;
                for (String p : sys.phases()) {
                    Long t = phases.get(p);
                    if (t == null) {
                        report.failure(what + ": " + p + " never happened within " + phaseTimeout.toSeconds() + " s");
                    } else {
                        report.latency(new Report.Key(sys.name(), sys.config(), f.label, p), t - fault);
                        last = Math.max(last, t);
                    }
                }
                // Probes sent until a little after the last phase are resolved, then the stream must be steady.
                probes.awaitResolved(last + STEADY.toNanos() / 1000, Duration.ofSeconds(30));
                boolean steady = probes.awaitSteady(STEADY, Duration.ofSeconds(20));
                ProbeLog.Window w = probes.window(fault, nowUs(), RECOVERED_RUN);
                if (activeActive) {
                    // from the fault to the last phase (the NB commit withdrawing the victim): only the victim's
                    // share may be lost, and after a link down or a black hole nothing may succeed through it
                    TreeMap<Integer, Integer> d = probes.perGateway(fault, last);
                    d.forEach((g, n) -> during.merge(g, n, Integer::sum));
                    if (f != Fault.KILL && d.getOrDefault(victim.id(), 0) > 0) {
                        report.failure(what + ": " + d.get(victim.id()) + " probes succeeded through the faulted "
                                + victim.name());
                    }
                }
                if (!steady || !w.resumed()) {
                    String m = what + ": " + (w.resumed()
                            ? "the probes recovered " + w.recoveredUs() / 1000.0 + " ms after the fault but were not"
                                    + " steady (no loss for " + STEADY.toMillis() + " ms) within 20 s"
                            : "the probe stream never resumed") + " (" + w.lost() + " of " + w.sent()
                            + " probes lost before the recovery)";
                    if (sys.baseline()) {
                        report.baselineMiss(m);
                    } else {
                        report.failure(m);
                    }
                } else {
                    report.latency(new Report.Key(sys.name(), sys.config(), f.label, Report.PROBES_OK),
                            w.recoveredUs());
                    report.count(new Report.Key(sys.name(), sys.config(), f.label, Report.LOST), w.lost());
                }
                f.restore(topo, victim);
                sys.restart();
                sys.awaitReady(Duration.ofSeconds(30));
                if (!probes.awaitSteady(STEADY, Duration.ofSeconds(30), sys.steadyGateways())) {
                    report.failure(what + ": after the fault was undone, probes never returned to "
                            + Arrays.toString(sys.steadyGateways()));
                    return;
                }
                System.err.printf(Locale.ROOT, "%s: %s lost %d, phases %s%n", what,
                        w.resumed() ? "probes ok after " + w.recoveredUs() / 1000.0 + " ms," : "NOT recovered,",
                        w.lost(), phases.entrySet().stream().map(e -> e.getKey() + " " + (e.getValue() - fault) / 1000.0
                                + " ms").collect(Collectors.joining(", ")));
            }
            if (activeActive) {
                report.notes.add(String.format(Locale.ROOT, "Active-active (%s %s, %s, %d run(s)): share of new"
                        + " connections with every gateway up (a window of at least %d ms before each fault): %s;"
                        + " from the fault to the last phase: %s.", sys.name(), sys.config(), f.label, o.runs(),
                        STEADY.toMillis(), shares(before), shares(during)));
                System.err.println(report.notes.get(report.notes.size() - 1));
            }
        }
        String summary = sys.summary();
        if (summary != null) {
            report.notes.add(summary);
            System.err.println(summary);
        }
    }

    /**
     * Waits for a window of {@link #STEADY} in which every probe succeeded and gateway {@code id} carried at least
     * half of its fair share (1/n) of them; returns that window's probes per gateway, or null on timeout.
     */
    static TreeMap<Integer, Integer> awaitCarrying(ProbeStream probes, int id, int n, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long span = STEADY.toNanos() / 1000;
        while (System.nanoTime() < deadline) {
            long from = nowUs();
            probes.awaitResolved(from + span, Duration.ofSeconds(30));
            TreeMap<Integer, Integer> m = probes.perGateway(from, from + span);
            int total = m.values().stream().mapToInt(Integer::intValue).sum();
            if (total > 0 && m.getOrDefault(0, 0) == 0 && m.getOrDefault(id, 0) * 2 * n >= total) {
                return m;
            }
        }
        return null;
    }

    /** "gw1 33.1 %, gw2 ..., lost 0.2 %" from probes per gateway id (0 = lost). */
    static String shares(TreeMap<Integer, Integer> m) {
        int total = m.values().stream().mapToInt(Integer::intValue).sum();
        return m.entrySet().stream().map(e -> (e.getKey() == 0 ? "lost" : "gw" + (e.getKey() - 10)) + " "
                + pct(e.getValue(), total)).collect(Collectors.joining(", ")) + " of " + total;
    }

    /**
     * Active-active: a reroute policy over all three gateways (as netctl's egress gateway programs it, but written by
     * hand and never changed by BFD). Measures the share of flows per gateway, then black-holes gw1 (nftables): the
     * lost share should be gw1's and nothing else; then withdraws gw1's nexthop with one NB update and measures the
     * NB commit → probes all succeeding again.
     */
    static void ecmp(Options o, Topology topo, ProbeStream probes, Shell sh, Report report) throws Exception {
        var ovn = topo.ovn;
        String all = topo.gateways.stream().map(Topology.Gateway::insideIp).collect(Collectors.joining(","));
        ovn.nbctl("--if-exists", "lr-route-del", "lr0", "--", "--if-exists", "lr-policy-del", "lr0");
        ovn.nbctl("lr-route-add", "lr0", Topology.DEST_NET, topo.gateway(1).insideIp(), "--", "lr-policy-add", "lr0",
                "100", "ip4.src == " + Topology.PODS_NET + " && ip4.dst == " + Topology.DEST_NET, "reroute", all);
        ovn.syncHv();
        String policy = ovn.nbctl("--bare", "--columns=_uuid", "find", "Logical_Router_Policy", "priority=100").strip();
        int[] ids = topo.gateways.stream().mapToInt(Topology.Gateway::id).toArray();
        if (!probes.awaitSteady(STEADY, Duration.ofSeconds(30), ids)) {
            report.failure("ecmp: probes never flowed through the reroute policy");
            return;
        }
        long span = o.ecmpPhase().toNanos() / 1000;
        try (NbMonitor monitor = new NbMonitor(ovn)) {
            for (int run = 1; run <= o.runs(); run++) {
                if (!ecmpRun(o, topo, probes, sh, report, monitor, policy, all, ids, span, run)) {
                    return;
                }
            }
        }
        ovn.nbctl("--if-exists", "lr-route-del", "lr0", "--", "--if-exists", "lr-policy-del", "lr0");
    }

    /** One active-active run; false when the topology did not come back (the rest is skipped). */
    private static boolean ecmpRun(Options o, Topology topo, ProbeStream probes, Shell sh, Report report,
            NbMonitor monitor, String policy, String all, int[] ids, long span, int run) throws Exception {
        var ovn = topo.ovn;
        {
            long from = nowUs();
            probes.awaitResolved(from + span, Duration.ofSeconds(30));
            TreeMap<Integer, Integer> healthy = probes.perGateway(from, from + span);
            Topology.Gateway g1 = topo.gateway(1);
            long fault = Fault.NFT.inject(sh, g1, List.of());
            report.injected(sh.lastDurationUs);
            probes.awaitResolved(fault + span, Duration.ofSeconds(30));
            // Skip one probe timeout: probes sent just before the fault may still have been caught by it.
            TreeMap<Integer, Integer> faulted = probes.perGateway(fault + o.probeTimeoutMs() * 1000L, fault + span);
            StringBuilder slices = new StringBuilder();
            for (long a = fault; a < fault + span; a += 500_000) {
                TreeMap<Integer, Integer> m = probes.perGateway(a, Math.min(a + 500_000, fault + span) - 1);
                int t = m.values().stream().mapToInt(Integer::intValue).sum();
                slices.append(slices.length() == 0 ? "" : " ").append(pct(m.getOrDefault(0, 0), t));
            }
            long before = nowUs();
            sh.timed(topo.ovn.nbctlShellCommand("set", "Logical_Router_Policy", policy, "nexthops=\""
                    + topo.gateway(2).insideIp() + "\",\"" + topo.gateway(3).insideIp() + "\""));
            long withdraw = monitor.awaitWithout(g1.insideIp(), before, Duration.ofSeconds(10));
            if (withdraw < 0) {
                report.failure("ecmp run " + run + ": the NB monitor never saw gw1 leave the nexthops");
                withdraw = before;
            }
            probes.awaitResolved(withdraw + STEADY.toNanos() / 1000, Duration.ofSeconds(30));
            boolean steady = probes.awaitSteady(STEADY, Duration.ofSeconds(20));
            ProbeLog.Window w = probes.window(withdraw, nowUs(), RECOVERED_RUN);
            if (!steady || !w.resumed()) {
                report.failure("ecmp run " + run + ": probes never all succeeded after the nexthop was withdrawn");
            } else {
                report.latency(new Report.Key("static ECMP ×3", "reroute policy", "nftables drop gw1",
                        "NB commit (monitor) withdrawing gw1 → probes-ok"), w.recoveredUs());
                report.count(new Report.Key("static ECMP ×3", "reroute policy", "nftables drop gw1", Report.LOST),
                        w.lost());
            }
            int total = healthy.values().stream().mapToInt(Integer::intValue).sum();
            int faultTotal = faulted.values().stream().mapToInt(Integer::intValue).sum();
            String share = healthy.entrySet().stream().map(e -> (e.getKey() == 0 ? "lost" : "gw" + (e.getKey() - 10))
                    + " " + pct(e.getValue(), total)).collect(Collectors.joining(", "));
            String during = faulted.entrySet().stream().map(e -> (e.getKey() == 0 ? "lost" : "gw" + (e.getKey() - 10))
                    + " " + pct(e.getValue(), faultTotal)).collect(Collectors.joining(", "));
            report.notes.add(String.format(Locale.ROOT, "Active-active (static ECMP over 3 gateways, run %d): share of"
                    + " %d new connections with all up: %s; with gw1 black-holed (%d probes): %s; after the NB"
                    + " commit withdrawing gw1 (seen by an OVSDB monitor): probes all ok after %.1f ms, %d lost."
                    + " Lost per 500 ms from the fault: %s.", run, total, share, faultTotal, during, w.recoveredUs() / 1000.0,
                    w.lost(), slices));
            if (faulted.getOrDefault(g1.id(), 0) > 0) {
                report.failure("ecmp run " + run + ": probes succeeded through black-holed gw1");
            }
            Fault.NFT.restore(topo, g1);
            ovn.nbctl("set", "Logical_Router_Policy", policy, "nexthops=" + quoteAll(all));
            ovn.syncHv();
            if (!probes.awaitSteady(STEADY, Duration.ofSeconds(30), ids)) {
                report.failure("ecmp run " + run + ": probes did not return to all three gateways");
                return false;
            }
            System.err.println(report.notes.get(report.notes.size() - 1));
        }
        return true;
    }

    private static String quoteAll(String csv) {
        return Arrays.stream(csv.split(",")).map(s -> "\"" + s + "\"").collect(Collectors.joining(","));
    }

    private static String pct(int n, int total) {
        return String.format(Locale.ROOT, "%.1f %%", total == 0 ? 0.0 : 100.0 * n / total);
    }

    private static String machine() {
        String load = "";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            // not on Linux
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", Java " + System.getProperty("java.version") + ", load "
                + load + " at the end";
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

}

package io.netctl.perf.bfd;

import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.transport.BfdSessionHandle;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detection latency of netctl and of FRR's bfdd, side by side in one run, at 10×3, 50×3 and 100×3 ms.
 *
 * <p>Both detectors watch the same victim: a netctl speaker in this JVM with one session to each. The fault is the
 * victim stopping dead ({@link BfdSpeaker#abort()}) at a time taken from the wall clock just before; each detector's
 * Down is stamped by the detector itself (netctl: the state change's clock, FRR: its log, microseconds, UTC), so the
 * latency is fault → Down without any polling in between.
 *
 * <pre>
 *   namespace V (this JVM, the victim 192.0.2.10 on bridge br0)
 *     ├── veth ── namespace U: netctl {@link Detector} 192.0.2.1 (child JVM)
 *     └── veth ── namespace F: FRR bfdd 192.0.2.2
 * </pre>
 *
 * <p>With tcpdump installed, a {@link Capture} on each detector's interface records when every victim packet
 * arrived, and each repetition's latency is split into the <em>age</em> of the detector's last victim packet at the
 * fault (fault − last arrival; set by the victim's jittered schedule, not by the detector) and the detector's
 * <em>effective detection time</em> (Down − last arrival; what the detector itself adds, RFC 5880 §6.8.4 says
 * multiplier × interval). Every repetition goes to a CSV file ({@code --out FILE}, by default a new file in the
 * temporary directory); per timer the run prints min/p50/p99/max, the decomposition, and netctl against FRR: the
 * median difference with a bootstrap 95 % interval, the Hodges–Lehmann shift with its 95 % interval and the
 * Mann–Whitney U test ({@link Stats}).
 *
 * <p>Run it through {@code scripts/bfd/detection-latency [--reps N] [--intervals 10,50,100] [--out FILE]
 * [--no-capture] [--pcap-dir DIR]}, which creates V, runs this class in it and deletes V afterwards. This class creates
 * and deletes U and F. Needs root, iproute2 and frr; tcpdump for the decomposition.
 */
public final class DetectionLatency {
    private static final String VICTIM = "192.0.2.10";
    private static final String US = "192.0.2.1";
    private static final String FRR = "192.0.2.2";
    private static final Pattern FRR_DOWN = Pattern.compile(
            "^(\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}) .*state-change: .*peer:" + Pattern.quote(VICTIM)
                    + " .*up -> down.*$");
    private static final DateTimeFormatter FRR_TS = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS");
    static final String CSV_HEADER = "timers_ms,mult,rep,impl,fault_us,abort_returned_us,down_us,latency_ms,"
            + "last_rx_us,age_ms,effective_ms,packets_after_fault";
    private static final int BOOTSTRAP_RESAMPLES = 4000;

    private DetectionLatency() {
    }

    /** One repetition: the fault and both detectors' Down, epoch µs. */
    record Rep(int intervalMs, int rep, long faultUs, long abortReturnedUs, long ourDownUs, long frrDownUs) {
    }

    /**
     * One detector's view of one repetition. {@code lastRxNs} is the arrival (epoch ns) of its last victim packet
     * at or before its Down, -1 without a capture; {@code afterFault} counts victim packets that arrived after the
     * fault's timestamp (the victim stops a few µs after it is taken).
     */
    record Sample(long faultUs, long downUs, long lastRxNs, int afterFault) {
        double latencyMs() {
            return (downUs - faultUs) / 1000.0;
        }

        boolean decomposed() {
            return lastRxNs >= 0;
        }

        /** fault − last arrival, ms (negative if the last packet arrived after the fault's timestamp). */
        double ageMs() {
            return (faultUs * 1000 - lastRxNs) / 1e6;
        }

        /** Down − last arrival, ms: the detector's own detection time. */
        double effectiveMs() {
            return (downUs * 1000 - lastRxNs) / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        String nsV = null;
        int reps = 10;
        int[] intervals = {10, 50, 100};
        Path out = null;
        Path pcapDir = null;
        boolean capture = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ns" -> nsV = args[++i];
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--intervals" -> intervals = java.util.Arrays.stream(args[++i].split(","))
                        .mapToInt(Integer::parseInt).toArray();
                case "--out" -> out = Path.of(args[++i]);
                case "--pcap-dir" -> pcapDir = Path.of(args[++i]);
                case "--no-capture" -> capture = false;
                default -> throw new IllegalArgumentException("argument: " + args[i] + " (expected: --ns NAME"
                        + " [--reps N] [--intervals 10,50,100] [--out FILE] [--no-capture] [--pcap-dir DIR])");
            }
        }
        if (nsV == null) {
            throw new IllegalArgumentException("--ns: missing (run through scripts/bfd/detection-latency)");
        }
        Cmd.require("/usr/lib/frr/bfdd", "frr");
        if (capture && Capture.tcpdump() == null) {
            System.out.println("tcpdump is missing (apt-get install -y tcpdump): no age/effective decomposition");
            capture = false;
        }
        if (out == null) {
            out = Files.createTempFile("bfd-detection-latency-", ".csv");
        }
        String nsU = nsV + "-u";
        String nsF = nsV + "-f";
        Path dir = Files.createTempDirectory("nbfd-latency");
        List<Process> children = new ArrayList<>();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            csv.println(CSV_HEADER);
            topology(nsV, nsU, nsF);
            for (int ms : intervals) {
                List<Rep> runs = new ArrayList<>();
                long[][] rx = runInterval(ms, reps, nsU, nsF, dir, children, runs, capture);
                if (capture && pcapDir != null) {
                    Files.createDirectories(pcapDir);
                    for (String who : new String[] {"netctl", "frr"}) {
                        Path pcap = dir.resolve(who + "-" + ms + ".pcap");
                        Files.copy(pcap, pcapDir.resolve(pcap.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                List<Sample> ours = new ArrayList<>();
                List<Sample> frr = new ArrayList<>();
                for (Rep r : runs) {
                    Sample o = sample(r.faultUs(), r.ourDownUs(), rx == null ? null : rx[0]);
                    Sample f = sample(r.faultUs(), r.frrDownUs(), rx == null ? null : rx[1]);
                    ours.add(o);
                    frr.add(f);
                    csv.println(csvRow(ms, r, "netctl", o));
                    csv.println(csvRow(ms, r, "frr", f));
                }
                csv.flush();
                System.out.print(report(ms, ours, frr));
                System.out.flush();
            }
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
            }
            Cmd.quiet("ip", "netns", "del", nsU);
            Cmd.quiet("ip", "netns", "del", nsF);
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println("samples: " + out);
    }

    static Sample sample(long faultUs, long downUs, long[] rx) {
        if (rx == null) {
            return new Sample(faultUs, downUs, -1, 0);
        }
        long last = Capture.lastAtOrBefore(rx, downUs * 1000 + 999);
        // A last packet from before the fault's interval would mean the capture missed packets: no decomposition.
        boolean plausible = last >= 0 && last > faultUs * 1000 - 2 * (downUs - faultUs) * 1000L;
        return new Sample(faultUs, downUs, plausible ? last : -1,
                Capture.countBetween(rx, faultUs * 1000, downUs * 1000 + 999));
    }

    static String csvRow(int ms, Rep r, String impl, Sample s) {
        return String.format(Locale.ROOT, "%d,%d,%d,%s,%d,%d,%d,%.3f,%s,%s,%s,%d", ms, 3, r.rep(), impl, s.faultUs(),
                r.abortReturnedUs(), s.downUs(), s.latencyMs(), s.decomposed() ? Long.toString(s.lastRxNs() / 1000)
                        : "", s.decomposed() ? String.format(Locale.ROOT, "%.3f", s.ageMs()) : "",
                s.decomposed() ? String.format(Locale.ROOT, "%.3f", s.effectiveMs()) : "", s.afterFault());
    }

    /** The per-timer report: distribution, decomposition and netctl against FRR. */
    static String report(int ms, List<Sample> ours, List<Sample> frr) {
        StringBuilder b = new StringBuilder();
        String t = ms + "x3";
        double budget = 3 * ms + 5;
        double[] lo = ours.stream().mapToDouble(Sample::latencyMs).toArray();
        double[] lf = frr.stream().mapToDouble(Sample::latencyMs).toArray();
        b.append(String.format(Locale.ROOT, "%-7s %-7s %5s %8s %8s %8s %8s %8s   (fault -> Down, ms)%n", "timers",
                "impl", "n", "min", "p50", "mean", "p99", "max"));
        b.append(row(t, "netctl", lo)).append(row(t, "frr", lf));
        if (ours.stream().allMatch(Sample::decomposed) && frr.stream().allMatch(Sample::decomposed)) {
            b.append(String.format(Locale.ROOT, "%-7s %-7s %5s %8s %8s %8s | %9s %9s %9s %9s   (ms)%n", t, "impl",
                    "n", "age p50", "mean", "max", "eff min", "eff p50", "eff p99", "eff max"));
            b.append(decomposition(t, "netctl", ours)).append(decomposition(t, "frr", frr));
            b.append(String.format(Locale.ROOT, "%-7s         age = fault - last victim packet at the detector; "
                    + "eff = Down - that packet (RFC 5880 6.8.4: %d ms)%n", t, 3 * ms));
        } else if (ours.stream().anyMatch(Sample::decomposed)) {
            b.append(t).append("    decomposition incomplete: a capture missed packets\n");
        }
        if (lo.length >= 2 && lf.length >= 2) {
            Stats.Estimate diff = Stats.bootstrapMedianDifference(lo, lf, 0.95, BOOTSTRAP_RESAMPLES, ms);
            Stats.Estimate hl = Stats.hodgesLehmann(lo, lf, 0.95);
            Stats.MannWhitney mw = Stats.mannWhitney(lo, lf);
            b.append(String.format(Locale.ROOT, "%-7s netctl - frr: median %+.2f ms (bootstrap 95%% %+.2f .. %+.2f), "
                            + "Hodges-Lehmann %+.2f ms (95%% %+.2f .. %+.2f), Mann-Whitney U %.0f, z %+.2f, p %.3g%n",
                    t, diff.value(), diff.low(), diff.high(), hl.value(), hl.low(), hl.high(), mw.u1(), mw.z(),
                    mw.p()));
            boolean medianOk = Stats.median(lo) <= Stats.median(lf);
            String verdict = medianOk ? "yes"
                    : mw.p() < 0.05 ? "NO (significant, p < 0.05)"
                    : "no, but within noise (p >= 0.05; 95% interval includes 0: " + (hl.low() <= 0) + ")";
            b.append(String.format(Locale.ROOT, "%-7s median netctl <= frr: %s; netctl p99 <= %.0f ms: %s%n", t,
                    verdict, budget, Stats.quantile(lo, 0.99) <= budget));
        }
        return b.toString();
    }

    private static String row(String t, String impl, double[] v) {
        return String.format(Locale.ROOT, "%-7s %-7s %5d %8.1f %8.1f %8.1f %8.1f %8.1f%n", t, impl, v.length,
                Stats.quantile(v, 0), Stats.median(v), Stats.mean(v), Stats.quantile(v, 0.99), Stats.quantile(v, 1));
    }

    private static String decomposition(String t, String impl, List<Sample> s) {
        double[] age = s.stream().mapToDouble(Sample::ageMs).toArray();
        double[] eff = s.stream().mapToDouble(Sample::effectiveMs).toArray();
        return String.format(Locale.ROOT, "%-7s %-7s %5d %8.2f %8.2f %8.2f | %9.3f %9.3f %9.3f %9.3f%n", t, impl,
                s.size(), Stats.median(age), Stats.mean(age), Stats.quantile(age, 1), Stats.quantile(eff, 0),
                Stats.median(eff), Stats.quantile(eff, 0.99), Stats.quantile(eff, 1));
    }

    private static void topology(String nsV, String nsU, String nsF) {
        Cmd.run("ip", "netns", "add", nsU);
        Cmd.run("ip", "netns", "add", nsF);
        Cmd.run("ip", "-n", nsV, "link", "set", "lo", "up");
        Cmd.run("ip", "-n", nsV, "link", "add", "br0", "type", "bridge");
        Cmd.run("ip", "-n", nsV, "link", "set", "br0", "up");
        Cmd.run("ip", "-n", nsV, "addr", "add", VICTIM + "/24", "dev", "br0");
        String[][] legs = {{nsU, "legu", US}, {nsF, "legf", FRR}};
        for (String[] leg : legs) {
            Cmd.run("ip", "link", "add", "name", leg[1], "netns", nsV, "type", "veth", "peer", "name", "eth0",
                    "netns", leg[0]);
            Cmd.run("ip", "-n", nsV, "link", "set", leg[1], "master", "br0", "up");
            Cmd.run("ip", "-n", leg[0], "link", "set", "lo", "up");
            Cmd.run("ip", "-n", leg[0], "link", "set", "eth0", "up");
            Cmd.run("ip", "-n", leg[0], "addr", "add", leg[2] + "/24", "dev", "eth0");
        }
    }

    /**
     * Runs {@code reps} faults at one timer and adds them to {@code runs}; returns the captured arrival times
     * ({netctl, frr}, epoch ns, sorted) or null without capture.
     */
    private static long[][] runInterval(int ms, int reps, String nsU, String nsF, Path dir, List<Process> children,
                                        List<Rep> runs, boolean capture) throws Exception {
        Path conf = dir.resolve("bfdd-" + ms + ".conf");
        Path log = dir.resolve("bfdd-" + ms + ".log");
        Files.writeString(conf, "log file " + log + " debugging\nlog timestamp precision 6\ndebug bfd peer\n"
                + "bfd\n peer " + VICTIM + " local-address " + FRR + "\n  receive-interval " + ms
                + "\n  transmit-interval " + ms + "\n  detect-multiplier 3\n !\n!\n");
        Cmd.run("chown", "-R", "frr:frr", dir.toString());
        Path pidFile = dir.resolve("bfdd-" + ms + ".pid");
        Cmd.run("ip", "netns", "exec", nsF, "env", "TZ=UTC", "/usr/lib/frr/bfdd", "-d", "-f", conf.toString(),
                "-i", pidFile.toString(), "--vty_socket", dir.toString(), "--bfdctl",
                dir.resolve("bfdd-" + ms + ".sock").toString(), "-z", dir.resolve("zserv.api").toString(), "-P", "0");
        long frrPid = waitForPid(pidFile);
        Process detector = new ProcessBuilder("ip", "netns", "exec", nsU, Cmd.java(), "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", Cmd.ownClasspath(), Detector.class.getName(), US, VICTIM, Integer.toString(ms), "3")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(detector);
        List<long[]> detectorLines = new CopyOnWriteArrayList<>(); // {epochMicros, toOrdinal}
        Thread reader = new Thread(() -> readDetector(detector, detectorLines), "detector-out");
        reader.setDaemon(true);
        reader.start();
        InetAddress victimAddress = InetAddress.getByName(VICTIM);
        Capture capU = null;
        Capture capF = null;
        BfdSessionConfig cfg = BfdSessionConfig.of(ms * 1000L, ms * 1000L, 3);
        java.util.SplittableRandom phase = new java.util.SplittableRandom();
        try {
            if (capture) {
                capU = Capture.start(nsU, "eth0", victimAddress, 3784, dir.resolve("netctl-" + ms + ".pcap"));
                capF = Capture.start(nsF, "eth0", victimAddress, 3784, dir.resolve("frr-" + ms + ".pcap"));
            }
            for (int rep = 0; rep < reps; rep++) {
                BfdSpeaker victim = BfdSpeaker.start(BfdSpeakerConfig.of(victimAddress).withMultihopListenPort(-1));
                BfdSessionHandle toUs = victim.addSession(new InetSocketAddress(US, 3784), cfg);
                BfdSessionHandle toFrr = victim.addSession(new InetSocketAddress(FRR, 3784), cfg);
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (!(settled(victim, toUs, ms) && settled(victim, toFrr, ms))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("victim sessions did not come Up at " + ms + " ms");
                    }
                    Thread.sleep(20); // harness pacing only; the measured times come from the detectors' own clocks
                }
                Thread.sleep(300 + ms * 5L); // a few intervals at the fast rate after the Poll Sequences
                // ... and then a random part spanning ten intervals, so the fault lands at a uniformly random phase of
                // both victim sessions' transmit schedules. Without it the fault came a nearly fixed time (550-570 ms
                // at 50x3) after the Poll Sequence that restarted the victim's schedule towards FRR (the session that
                // settles last), so the age of FRR's last packet was not the residual of a random phase: it was older
                // on average (mean 25.9 vs 22.9 ms over 200 repetitions) and FRR looked 4-5 ms faster.
                java.util.concurrent.locks.LockSupport.parkNanos(phase.nextLong(10L * ms * 1_000_000L));
                long fault = WallClock.nowMicros();
                victim.abort();
                long abortReturned = WallClock.nowMicros();
                long frrDown = -1;
                long ourDown = -1;
                deadline = System.nanoTime() + 10_000_000_000L;
                while ((frrDown < 0 || ourDown < 0) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                    ourDown = firstAfter(detectorLines, fault);
                    frrDown = frrDownAfter(log, fault);
                }
                if (ourDown < 0 || frrDown < 0) {
                    throw new IllegalStateException("no Down within 10 s at " + ms + " ms (netctl " + ourDown
                            + ", frr " + frrDown + ")");
                }
                runs.add(new Rep(ms, rep, fault, abortReturned, ourDown, frrDown));
            }
            if (!capture) {
                return null;
            }
            long[] rxU = capU.stop();
            long[] rxF = capF.stop();
            for (Capture c : new Capture[] {capU, capF}) {
                if (c.kernelDrops() > 0) {
                    System.out.println(ms + "x3: tcpdump lost " + c.kernelDrops() + " packets in the kernel");
                }
            }
            return new long[][] {rxU, rxF};
        } finally {
            if (capU != null) {
                capU.close();
            }
            if (capF != null) {
                capF.close();
            }
            detector.destroyForcibly();
            Cmd.quiet("kill", "-KILL", Long.toString(frrPid));
        }
    }

    private static boolean settled(BfdSpeaker victim, BfdSessionHandle h, int ms) throws InterruptedException {
        var s = victim.snapshot(h.localDiscriminator());
        return s.state() == BfdState.UP && s.negotiatedTxIntervalUs() == ms * 1000L && !s.pollActive()
                && s.detectionTimeUs() == 3L * ms * 1000L;
    }

    private static long waitForPid(Path pidFile) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (Files.exists(pidFile) && Files.size(pidFile) > 0) {
                return Long.parseLong(Files.readString(pidFile).trim());
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("bfdd did not start: no " + pidFile);
    }

    private static void readDetector(Process p, List<long[]> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(" ");
                if (f.length >= 3 && f[0].matches("\\d+")) {
                    lines.add(new long[] {Long.parseLong(f[0]), "Down".equals(f[2]) ? 1 : 0});
                }
            }
        } catch (IOException e) {
            // the detector ended
        }
    }

    private static long firstAfter(List<long[]> lines, long fault) {
        for (long[] l : lines) {
            if (l[1] == 1 && l[0] >= fault) {
                return l[0];
            }
        }
        return -1;
    }

    private static long frrDownAfter(Path log, long fault) throws IOException {
        if (!Files.exists(log)) {
            return -1;
        }
        for (String line : Files.readAllLines(log)) {
            Matcher m = FRR_DOWN.matcher(line);
            if (m.matches()) {
                LocalDateTime t = LocalDateTime.parse(m.group(1), FRR_TS);
                var inst = t.toInstant(ZoneOffset.UTC);
                long us = inst.getEpochSecond() * 1_000_000L + inst.getNano() / 1_000;
                if (us >= fault) {
                    return us;
                }
            }
        }
        return -1;
    }
}

package io.netctl.perf.bfd;

import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.transport.BfdSessionHandle;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

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
 * Run it through {@code scripts/bfd/detection-latency [--reps N]}, which creates V, runs this class in it and deletes
 * V afterwards. This class creates and deletes U and F. Needs root, iproute2 and frr.
 */
public final class DetectionLatency {
    private static final String VICTIM = "192.0.2.10";
    private static final String US = "192.0.2.1";
    private static final String FRR = "192.0.2.2";
    private static final Pattern FRR_DOWN = Pattern.compile(
            "^(\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}) .*state-change: .*peer:" + Pattern.quote(VICTIM)
                    + " .*up -> down.*$");
    private static final DateTimeFormatter FRR_TS = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS");

    private DetectionLatency() {
    }

    public static void main(String[] args) throws Exception {
        String nsV = null;
        int reps = 10;
        int[] intervals = {10, 50, 100};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ns" -> nsV = args[++i];
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--intervals" -> intervals = java.util.Arrays.stream(args[++i].split(","))
                        .mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("argument: " + args[i]
                        + " (expected: --ns NAME [--reps N] [--intervals 10,50,100])");
            }
        }
        if (nsV == null) {
            throw new IllegalArgumentException("--ns: missing (run through scripts/bfd/detection-latency)");
        }
        Cmd.require("/usr/lib/frr/bfdd", "frr");
        String nsU = nsV + "-u";
        String nsF = nsV + "-f";
        Path dir = Files.createTempDirectory("nbfd-latency");
        List<Process> children = new ArrayList<>();
        try {
            topology(nsV, nsU, nsF);
            System.out.printf("%-9s %-7s %5s %8s %8s %8s %8s   (fault -> Down, ms)%n", "timers", "impl", "n", "min",
                    "p50", "p99", "max");
            for (int ms : intervals) {
                Histogram ours = new Histogram(3);
                Histogram frr = new Histogram(3);
                runInterval(ms, reps, nsU, nsF, dir, children, ours, frr);
                print(ms, "netctl", ours);
                print(ms, "frr", frr);
                double budget = 3 * ms + 5;
                System.out.printf("%-9s median netctl <= frr: %s, netctl p99 <= %.0f ms: %s%n", ms + "x3",
                        ours.getValueAtPercentile(50) <= frr.getValueAtPercentile(50),
                        budget, ours.getValueAtPercentile(99) / 1000.0 <= budget);
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
    }

    private static void print(int ms, String impl, Histogram h) {
        System.out.printf("%-9s %-7s %5d %8.1f %8.1f %8.1f %8.1f%n", ms + "x3", impl, h.getTotalCount(),
                h.getMinValue() / 1000.0, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
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
            Cmd.run("ip", "link", "add", "name", leg[1], "netns", nsV, "type", "veth", "peer", "name", "eth0", "netns", leg[0]);
            Cmd.run("ip", "-n", nsV, "link", "set", leg[1], "master", "br0", "up");
            Cmd.run("ip", "-n", leg[0], "link", "set", "lo", "up");
            Cmd.run("ip", "-n", leg[0], "link", "set", "eth0", "up");
            Cmd.run("ip", "-n", leg[0], "addr", "add", leg[2] + "/24", "dev", "eth0");
        }
    }

    private static void runInterval(int ms, int reps, String nsU, String nsF, Path dir, List<Process> children,
                                    Histogram ours, Histogram frr) throws Exception {
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
        BfdSessionConfig cfg = BfdSessionConfig.of(ms * 1000L, ms * 1000L, 3);
        try {
            for (int rep = 0; rep < reps; rep++) {
                BfdSpeaker victim = BfdSpeaker.start(BfdSpeakerConfig.of(InetAddress.getByName(VICTIM))
                        .withMultihopListenPort(-1));
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
                long fault = WallClock.nowMicros();
                victim.abort();
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
                ours.recordValue(ourDown - fault);
                frr.recordValue(frrDown - fault);
            }
        } finally {
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

package io.netctl.perf.bfd;

import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.session.BfdSessionSnapshot;
import io.netctl.bfd.session.BfdStateChange;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Many sessions, or few sessions under CPU load, between two netctl sides in this JVM over loopback (127.0.0.0/8, no
 * privileges needed except for stress-ng's scheduling): counts false Downs (any Up → Down after every session came
 * Up), reports the CPU this process used and the receive-interval distribution.
 *
 * <ul>
 *   <li>{@code scale --sessions 1000 --interval 50 --duration 300}: side A is one speaker (127.1.0.1) with all the
 *       sessions; side B is one speaker per peer address (127.2.x.y) sharing a single event loop.</li>
 *   <li>{@code soak --interval 10 --duration 600 --hogs 4}: one session, with {@code stress-ng --cpu N} started as a
 *       child of this process, so it shares netctl's scheduling group (the hard case of REFERENCE.md).
 *       {@code --duration 60} is the quick mode for CI.</li>
 * </ul>
 */
public final class BfdLoad {
    private BfdLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("scale") || args[0].equals("soak"))) {
            throw new IllegalArgumentException("mode: " + (args.length == 0 ? "none" : args[0])
                    + " (expected: scale|soak [--sessions N] [--interval MS] [--mult N] [--duration S] [--hogs N])");
        }
        boolean soak = args[0].equals("soak");
        int sessions = soak ? 1 : 1000;
        int ms = soak ? 10 : 50;
        int mult = 3;
        int duration = soak ? 600 : 300;
        int hogs = soak ? 4 : 0;
        int rt = 0;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--sessions" -> sessions = Integer.parseInt(args[++i]);
                case "--interval" -> ms = Integer.parseInt(args[++i]);
                case "--mult" -> mult = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--hogs" -> hogs = Integer.parseInt(args[++i]);
                case "--rt-priority" -> rt = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("argument: " + args[i]);
            }
        }
        run(sessions, ms, mult, duration, hogs, rt);
    }

    static void run(int sessions, int ms, int mult, int durationS, int hogs, int rt) throws Exception {
        BfdSessionConfig cfg = BfdSessionConfig.of(ms * 1000L, ms * 1000L, mult);
        InetAddress aAddr = InetAddress.getByName("127.1.0.1");
        BfdSpeaker a = BfdSpeaker.start(BfdSpeakerConfig.of(aAddr).withMultihopListenPort(-1)
                .withEventQueueCapacity(Math.max(4096, sessions * 8)));
        MultiThreadIoEventLoopGroup bGroup = BfdSpeaker.newEventLoopGroup(true);
        List<BfdSpeaker> bs = new ArrayList<>();
        Process stress = null;
        long start = System.nanoTime();
        try {
            if (rt > 0) {
                String failedA = a.realtimeScheduling(rt);
                System.out.println("SCHED_FIFO " + rt + " for both event loops: " + (failedA == null ? "set" : failedA));
            }
            for (int i = 0; i < sessions; i++) {
                InetAddress bAddr = InetAddress.getByName("127.2." + (i / 250) + "." + (i % 250 + 1));
                BfdSpeaker b = BfdSpeaker.start(BfdSpeakerConfig.of(bAddr).withMultihopListenPort(-1)
                        .withEventQueueCapacity(64), bGroup.next());
                if (bs.isEmpty() && rt > 0) {
                    b.realtimeScheduling(rt); // the shared loop of every B speaker
                }
                bs.add(b);
                a.addSession(new InetSocketAddress(bAddr, 3784), cfg);
                b.addSession(new InetSocketAddress(aAddr, 3784), cfg);
            }
            System.out.printf("%d sessions added on both sides in %.1f s%n", sessions,
                    (System.nanoTime() - start) / 1e9);
            int[] up = new int[1];
            while (up[0] < 2 * sessions) {
                a.drainEvents(e -> up[0] += e.to() == BfdState.UP ? 1 : 0);
                for (BfdSpeaker b : bs) {
                    b.drainEvents(e -> up[0] += e.to() == BfdState.UP ? 1 : 0);
                }
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
                    throw new IllegalStateException("only " + up[0] + " of " + 2 * sessions + " ends came Up in 60 s");
                }
                Thread.sleep(5); // harness pacing
            }
            System.out.printf("%d sessions at %dx%d ms: all Up %.1f s after the first was added%n", sessions, ms, mult,
                    (System.nanoTime() - start) / 1e9);
            if (hogs > 0) {
                Cmd.require("/usr/bin/stress-ng", "stress-ng");
                stress = new ProcessBuilder("stress-ng", "--cpu", Integer.toString(hogs), "--timeout",
                        (durationS + 5) + "s", "--quiet").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                System.out.printf("stress-ng --cpu %d started (pid %d, same session and scheduling group)%n", hogs,
                        stress.pid());
            }
            if (rt > 0) { // after stress-ng started, so it does not inherit the policy
                String failed = BfdSpeaker.realtimeSchedulingForProcess(rt);
                System.out.println("SCHED_FIFO " + rt + " for every thread of this JVM: "
                        + (failed == null ? "set" : failed));
            }
            // Measure: skip what happened while coming Up.
            Thread.sleep(2_000);
            a.drainEvents(e -> { });
            bs.forEach(b -> b.drainEvents(e -> { }));
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long sent0 = sentTotal(a);
            List<BfdStateChange> falseDowns = new ArrayList<>();
            long end = t0 + TimeUnit.SECONDS.toNanos(durationS);
            long nextReport = t0 + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < end) {
                a.drainEvents(falseDowns::add);
                for (BfdSpeaker b : bs) {
                    b.drainEvents(falseDowns::add);
                }
                if (System.nanoTime() > nextReport) {
                    System.out.printf("  %4.0f s: %d state changes so far%n", (System.nanoTime() - t0) / 1e9,
                            falseDowns.size());
                    nextReport += TimeUnit.SECONDS.toNanos(30);
                }
                Thread.sleep(50);
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            long downs = falseDowns.stream().filter(e -> e.from() == BfdState.UP).count();
            Histogram rx = new Histogram(3);
            long drops = 0;
            for (BfdSessionSnapshot s : a.snapshotAll().sessions()) {
                rx.add(toHistogram(s));
                drops += s.packetsDropped();
            }
            System.out.printf("duration %.0f s, false Downs: %d (state changes: %d), CPU %.1f s = %.1f %% of one core"
                    + " (%.2f %% per session), packets sent by side A: %d/s%n", wall, downs, falseDowns.size(), cpu,
                    100 * cpu / wall, 100 * cpu / wall / sessions, (long) ((sentTotal(a) - sent0) / wall));
            System.out.printf("side A receive interval, ms: p50 %.2f p99 %.2f p99.9 %.2f max %.2f (n=%d, drops %d)%n",
                    rx.getValueAtPercentile(50) / 1000.0, rx.getValueAtPercentile(99) / 1000.0,
                    rx.getValueAtPercentile(99.9) / 1000.0, rx.getMaxValue() / 1000.0, rx.getTotalCount(), drops);
            falseDowns.stream().limit(10).forEach(e -> System.out.println("  " + e));
            if (downs > 0) {
                System.exit(3);
            }
        } finally {
            if (stress != null) {
                stress.destroy();
                stress.waitFor(5, TimeUnit.SECONDS);
                stress.destroyForcibly();
            }
            a.abort();
            for (BfdSpeaker b : bs) {
                b.abort();
            }
            bGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static long sentTotal(BfdSpeaker a) throws InterruptedException {
        return a.snapshotAll().sessions().stream().mapToLong(BfdSessionSnapshot::packetsSent).sum();
    }

    private static Histogram toHistogram(BfdSessionSnapshot s) {
        Histogram h = new Histogram(3);
        var it = s.rxIntervalUs().recordedValues().iterator();
        while (it.hasNext()) {
            var v = it.next();
            h.recordValueWithCount(v.getValueIteratedTo(), v.getCountAtValueIteratedTo());
        }
        return h;
    }
}

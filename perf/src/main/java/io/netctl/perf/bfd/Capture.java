package io.netctl.perf.bfd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A packet capture inside a network namespace: {@code tcpdump} writes the BFD control packets one sender sends to a
 * detector's interface, with the kernel's receive timestamps (CLOCK_REALTIME, nanoseconds), so the harness knows when
 * each detector last heard the victim without asking the detector. {@link #stop()} returns the timestamps.
 */
final class Capture implements AutoCloseable {
    static final List<String> TCPDUMP = List.of("/usr/bin/tcpdump", "/usr/sbin/tcpdump");
    private static final Pattern KERNEL_DROPS = Pattern.compile("(\\d+) packets? dropped by kernel");

    private final Process process;
    private final Path file;
    private final InetAddress source;
    private final int dstPort;
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private long kernelDrops = -1;

    private Capture(Process process, Path file, InetAddress source, int dstPort) {
        this.process = process;
        this.file = file;
        this.source = source;
        this.dstPort = dstPort;
    }

    /** The tcpdump executable, or null when it is not installed. */
    static String tcpdump() {
        return TCPDUMP.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    }

    /**
     * Starts capturing UDP packets from {@code source} to {@code dstPort} on {@code iface} in namespace {@code ns}
     * and returns once tcpdump says it is listening.
     */
    static Capture start(String ns, String iface, InetAddress source, int dstPort, Path file) throws Exception {
        String tcpdump = tcpdump();
        if (tcpdump == null) {
            throw new IllegalStateException("tcpdump is missing: install it with 'apt-get install -y tcpdump'");
        }
        // -Z root: tcpdump would otherwise drop to its own user before opening the file in our directory.
        // --immediate-mode: without it libpcap hands packets over in blocks (up to a second late), and the block
        // still in the kernel's ring when tcpdump is stopped never reaches the file.
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, tcpdump, "-i", iface, "-n", "-U", "--immediate-mode",
                "-Z", "root",
                "-s", "128", "--time-stamp-precision=nano", "-w", file.toString(),
                "udp and dst port " + dstPort + " and src host " + source.getHostAddress())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Capture c = new Capture(p, file, source, dstPort);
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    c.stderr.add(line);
                    if (line.contains("listening on")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                // tcpdump ended
            }
        }, "tcpdump-" + ns);
        reader.setDaemon(true);
        reader.start();
        if (!listening.await(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("tcpdump in " + ns + " did not start: " + String.join(" | ", c.stderr));
        }
        return c;
    }

    /** Stops tcpdump (SIGTERM: it flushes the file) and returns the packets' receive times, epoch ns, sorted. */
    long[] stop() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Thread.sleep(50); // let the reader thread take tcpdump's final statistics lines
        for (String line : stderr) {
            Matcher m = KERNEL_DROPS.matcher(line);
            if (m.find()) {
                kernelDrops = Long.parseLong(m.group(1));
            }
        }
        return read(file, source, dstPort);
    }

    /** Packets the kernel dropped before tcpdump read them (-1 if tcpdump did not say). */
    long kernelDrops() {
        return kernelDrops;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /**
     * Reads a classic pcap file (either byte order, microsecond or nanosecond timestamps, Ethernet or Linux cooked
     * link layer) and returns the timestamps (epoch ns, sorted) of the IPv4 UDP packets from {@code source} to
     * {@code dstPort}. Anything else in the file is skipped.
     */
    static long[] read(Path file, InetAddress source, int dstPort) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < 24) {
            return new long[0]; // tcpdump ended before it wrote the header
        }
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        boolean nanos;
        switch (magic) {
            case 0xa1b2c3d4 -> nanos = false;
            case 0xa1b23c4d -> nanos = true;
            default -> {
                b.order(ByteOrder.BIG_ENDIAN);
                magic = b.getInt(0);
                if (magic == 0xa1b2c3d4) {
                    nanos = false;
                } else if (magic == 0xa1b23c4d) {
                    nanos = true;
                } else {
                    throw new IOException(file + ": magic 0x" + Integer.toHexString(magic)
                            + " (expected: a pcap file)");
                }
            }
        }
        int linkType = b.getInt(20);
        int linkHeader = switch (linkType) {
            case 1 -> 14; // Ethernet
            case 113 -> 16; // Linux cooked v1
            case 276 -> 20; // Linux cooked v2
            case 101, 228 -> 0; // raw IPv4
            default -> throw new IOException(file + ": link type " + linkType
                    + " (expected: Ethernet, Linux cooked or raw IP)");
        };
        ByteBuffer net = b.duplicate().order(ByteOrder.BIG_ENDIAN); // packet contents are in network byte order
        byte[] src = source.getAddress();
        long[] out = new long[64];
        int n = 0;
        int pos = 24;
        while (pos + 16 <= b.limit()) {
            long sec = Integer.toUnsignedLong(b.getInt(pos));
            long frac = Integer.toUnsignedLong(b.getInt(pos + 4));
            int caplen = b.getInt(pos + 8);
            int data = pos + 16;
            pos = data + caplen;
            if (caplen < 0 || pos > b.limit()) {
                break; // truncated last record
            }
            int ip = data + linkHeader;
            if (linkType == 1 && (net.getShort(data + 12) & 0xffff) != 0x0800) {
                continue;
            }
            if (ip + 20 > pos || (b.get(ip) & 0xf0) != 0x40 || b.get(ip + 9) != 17) {
                continue;
            }
            int udp = ip + (b.get(ip) & 0x0f) * 4;
            if (udp + 8 > pos || (net.getShort(udp + 2) & 0xffff) != dstPort) {
                continue;
            }
            boolean fromSource = true;
            for (int i = 0; i < 4; i++) {
                if (b.get(ip + 12 + i) != src[i]) {
                    fromSource = false;
                    break;
                }
            }
            if (!fromSource) {
                continue;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
        }
        long[] result = Arrays.copyOf(out, n);
        Arrays.sort(result);
        return result;
    }

    /** The last timestamp at or before {@code atNs} in a sorted array, or -1. */
    static long lastAtOrBefore(long[] sorted, long atNs) {
        int i = Arrays.binarySearch(sorted, atNs);
        if (i >= 0) {
            while (i + 1 < sorted.length && sorted[i + 1] == atNs) {
                i++;
            }
            return sorted[i];
        }
        int insertion = -i - 1;
        return insertion == 0 ? -1 : sorted[insertion - 1];
    }

    /** How many timestamps of a sorted array lie in (fromNs, toNs]. */
    static int countBetween(long[] sorted, long fromNs, long toNs) {
        int c = 0;
        for (long t : sorted) {
            if (t > fromNs && t <= toNs) {
                c++;
            }
        }
        return c;
    }
}

package io.netctl.perf.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * The probe client (a child JVM in the client pod's namespace): every INTERVAL_US it opens a new TCP connection to
 * the destination (a new source port each time, so ECMP hashes each probe anew) and waits up to TIMEOUT_MS for the
 * server's one byte (the gateway that carried the flow). Each probe is one line on stdout, in the order sent:
 * {@code SEND_EPOCH_US ok GW RTT_US} or {@code SEND_EPOCH_US lost}. A probe is lost when its SYN or its answer does
 * not arrive within the timeout (no retransmission fits in it). Connections close with a reset (linger 0), so 1,000
 * probes a second leave no TIME_WAIT behind. It stops when stdin closes. Args: IP PORT INTERVAL_US TIMEOUT_MS.
 */
public final class ProbeClient {
    private ProbeClient() {
    }

    private static final class Probe {
        final long sendUs;
        final long sendNs;
        final SocketChannel ch;
        int gw = -1; // -1 pending, 0 lost, else the gateway's last octet
        long rttUs;

        Probe(long sendUs, long sendNs, SocketChannel ch) {
            this.sendUs = sendUs;
            this.sendNs = sendNs;
            this.ch = ch;
        }
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress dst = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long intervalNs = Long.parseLong(args[2]) * 1000;
        long timeoutNs = Long.parseLong(args[3]) * 1_000_000L;
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.US_ASCII);
        Thread stdin = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (r.readLine() != null) {
                    // nothing to read; EOF ends the run
                }
            } catch (IOException e) {
                // same
            }
            out.flush();
            System.exit(0);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();

        Selector sel = Selector.open();
        ArrayDeque<Probe> pending = new ArrayDeque<>();
        ByteBuffer one = ByteBuffer.allocate(1);
        long next = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (now >= next) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                Instant t = Instant.now();
                Probe p = new Probe(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000, now, ch);
                pending.add(p);
                try {
                    if (ch.connect(dst)) {
                        ch.register(sel, SelectionKey.OP_READ, p);
                    } else {
                        ch.register(sel, SelectionKey.OP_CONNECT, p);
                    }
                } catch (IOException e) {
                    finish(p, 0, now);
                }
                next += intervalNs;
                if (next < now - 5 * intervalNs) {
                    next = now; // stalled (GC, a busy machine): skip what was missed rather than burst
                }
            }
            long waitMs = Math.max(0, (next - System.nanoTime()) / 1_000_000L);
            if (waitMs == 0) {
                sel.selectNow();
            } else {
                sel.select(waitMs);
            }
            now = System.nanoTime();
            for (SelectionKey k : sel.selectedKeys()) {
                Probe p = (Probe) k.attachment();
                try {
                    if (k.isConnectable()) {
                        p.ch.finishConnect();
                        k.interestOps(SelectionKey.OP_READ);
                    } else if (k.isReadable()) {
                        one.clear();
                        int n = p.ch.read(one);
                        finish(p, n == 1 ? one.get(0) & 0xff : 0, now);
                    }
                } catch (IOException e) {
                    finish(p, 0, now); // reset or unreachable: the probe failed
                }
            }
            sel.selectedKeys().clear();
            // In send order: print the head while it is resolved; time out what waited too long.
            while (!pending.isEmpty()) {
                Probe h = pending.peek();
                if (h.gw < 0 && now - h.sendNs >= timeoutNs) {
                    finish(h, 0, now);
                }
                if (h.gw < 0) {
                    break;
                }
                pending.poll();
                if (h.gw > 0) {
                    out.print(h.sendUs + " ok " + h.gw + " " + h.rttUs + "\n");
                } else {
                    out.print(h.sendUs + " lost\n");
                }
            }
            out.flush();
        }
    }

    private static void finish(Probe p, int gw, long nowNs) {
        if (p.gw >= 0) {
            return;
        }
        p.gw = gw;
        p.rttUs = (nowNs - p.sendNs) / 1000;
        try {
            p.ch.close();
        } catch (IOException e) {
            // closing with linger 0 sends a reset; nothing to report
        }
    }
}

package io.netctl.perf.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * The orchestrator's view of a running {@link ProbeClient}: every probe's send time (epoch µs) and outcome (the
 * gateway's last octet, or 0 when lost), in send order, and the questions the harness asks of them.
 */
final class ProbeStream implements AutoCloseable {
    private final Process client;
    private final Thread reader;
    private long[] send = new long[1 << 16];
    private int[] gw = new int[1 << 16];
    private int n;
    private volatile String failure;

    /** Outcome of the probes around one fault. */
    record Window(int sent, int lost, long recoveredUs, boolean resumed) {
    }

    ProbeStream(String clientNs, String dstIp, int port, int intervalUs, int timeoutMs) throws IOException {
        client = Shell.javaIn(clientNs, ProbeClient.class, dstIp, Integer.toString(port),
                Integer.toString(intervalUs), Integer.toString(timeoutMs));
        reader = new Thread(this::read, "probe-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(" ");
                long s = Long.parseLong(f[0]);
                int g = f[1].equals("ok") ? Integer.parseInt(f[2]) : 0;
                synchronized (this) {
                    if (n == send.length) {
                        send = Arrays.copyOf(send, n * 2);
                        gw = Arrays.copyOf(gw, n * 2);
                    }
                    send[n] = s;
                    gw[n] = g;
                    n++;
                    notifyAll();
                }
            }
            failure = "the probe client exited (" + client.waitFor() + ")";
        } catch (IOException | RuntimeException e) {
            failure = "reading the probe client: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits until every probe sent up to {@code us} is resolved. */
    synchronized void awaitResolved(long us, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (n == 0 || send[n - 1] < us) {
            check();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("probe results stopped arriving (last sent "
                        + (n == 0 ? "never" : (us - send[n - 1]) / 1000 + " ms before the awaited time") + ")");
            }
            wait(Math.max(1, left / 1_000_000L));
        }
    }

    /**
     * Waits until the last {@code steady} worth of probes all succeeded (through a gateway in {@code gateways}, when
     * given); returns false if that did not happen within {@code timeout}.
     */
    boolean awaitSteady(Duration steady, Duration timeout, int... gateways) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long steadyUs = steady.toNanos() / 1000;
        synchronized (this) {
            while (true) {
                check();
                if (n > 0) {
                    long end = send[n - 1];
                    int i = n - 1;
                    boolean good = true;
                    for (; i >= 0 && send[i] >= end - steadyUs; i--) {
                        if (gw[i] == 0 || (gateways.length > 0 && !contains(gateways, gw[i]))) {
                            good = false;
                            break;
                        }
                    }
                    if (good && i >= 0) {
                        return true;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, Math.min(50, left / 1_000_000L)));
            }
        }
    }

    /**
     * The probes sent from {@code faultUs} to {@code untilUs}: how many were lost, and when the stream recovered: the
     * send time of the first successful probe after the last lost one, minus the fault time (0 when none was lost).
     * {@code resumed} says whether successes followed the last loss at all.
     */
    synchronized Window window(long faultUs, long untilUs) {
        int first = lowerBound(faultUs);
        int sent = 0;
        int lost = 0;
        int lastLost = -1;
        int i = first;
        for (; i < n && send[i] <= untilUs; i++) {
            sent++;
            if (gw[i] == 0) {
                lost++;
                lastLost = i;
            }
        }
        if (lastLost < 0) {
            return new Window(sent, 0, 0, sent > 0);
        }
        int ok = lastLost + 1;
        boolean resumed = ok < n && send[ok] <= untilUs;
        return new Window(sent, lost, resumed ? send[ok] - faultUs : -1, resumed);
    }

    /** Successful probes per gateway (last octet) sent in [fromUs, toUs]; key 0 counts the lost ones. */
    synchronized TreeMap<Integer, Integer> perGateway(long fromUs, long toUs) {
        TreeMap<Integer, Integer> m = new TreeMap<>();
        for (int i = lowerBound(fromUs); i < n && send[i] <= toUs; i++) {
            m.merge(gw[i], 1, Integer::sum);
        }
        return m;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private int lowerBound(long us) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (send[mid] < us) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    @Override
    public void close() {
        try {
            client.getOutputStream().close();
            if (!client.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
                Shell.killTree(client);
            }
        } catch (IOException e) {
            Shell.killTree(client);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Shell.killTree(client);
        }
    }
}

package io.netctl.perf.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.TreeMap;

/**
 * The orchestrator's view of a running {@link ProbeClient}: every probe's send time (epoch µs) and outcome (the
 * gateway's last octet, or 0 when lost), in send order, and the questions the harness asks of them.
 */
final class ProbeStream implements AutoCloseable {
    private final Process client;
    private final Thread reader;
    private final ProbeLog log = new ProbeLog();
    private volatile String failure;

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
                    log.add(s, g);
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
        while (log.latest() < us) {
            check();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("probe results stopped arriving (last sent "
                        + (log.size() == 0 ? "never" : (us - log.latest()) / 1000 + " ms before the awaited time")
                        + ")");
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
                if (log.steady(steadyUs, gateways)) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, Math.min(50, left / 1_000_000L)));
            }
        }
    }

    /** See {@link ProbeLog#window}. */
    synchronized ProbeLog.Window window(long faultUs, long untilUs, int minRun) {
        return log.window(faultUs, untilUs, minRun);
    }

    /** See {@link ProbeLog#perGateway}. */
    synchronized TreeMap<Integer, Integer> perGateway(long fromUs, long toUs) {
        return log.perGateway(fromUs, toUs);
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

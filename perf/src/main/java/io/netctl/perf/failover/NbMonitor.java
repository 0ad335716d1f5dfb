package io.netctl.perf.failover;

import io.netctl.ovn.sandbox.OvnSandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An OVSDB monitor of the Northbound's reroute nexthops that is independent of whoever writes them
 * ({@code ovsdb-client --timestamp monitor ... Logical_Router_Policy nexthops}, CSV): each new value carries the time
 * ovsdb-client received the update (milliseconds, printed before it), not the time its line reached this JVM, which
 * was up to 55 ms later on a loaded machine. The harness asks when the nexthops first stopped naming an address: the
 * NB commit that withdrew a gateway, as the rest of OVN sees it.
 */
final class NbMonitor implements AutoCloseable {
    /** One observed value of a policy's nexthops column. */
    record Change(long us, String nexthops) {
    }

    private static final Pattern STAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
    private static final DateTimeFormatter STAMP_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Process process;
    private final List<Change> changes = new ArrayList<>();
    /** Each policy row's nexthops as last seen (uuid -> value); guarded by {@link #changes}. */
    private final Map<String, String> current = new HashMap<>();

    NbMonitor(OvnSandbox ovn) throws IOException {
        process = ovn.processBuilder("ovsdb-client", "--timestamp", "monitor", ovn.nbRemote(), "OVN_Northbound",
                "Logical_Router_Policy", "nexthops", "--format=csv").redirectErrorStream(true).start();
        Thread t = new Thread(this::read, "nb-monitor");
        t.setDaemon(true);
        t.start();
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            long stamp = -1;
            String oldUuid = "";
            for (String line; (line = r.readLine()) != null; ) {
                if (STAMP.matcher(line).matches()) { // "2026-11-27 08:24:55.904", local time
                    Instant t = LocalDateTime.parse(line, STAMP_FORMAT).atZone(ZoneId.systemDefault()).toInstant();
                    stamp = t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
                    continue;
                }
                // "uuid,initial,VALUE", "uuid,insert,VALUE", ",new,VALUE" (after "uuid,old,VALUE")
                String[] f = line.split(",", 3);
                if (f.length == 3 && f[1].equals("old")) {
                    oldUuid = f[0];
                }
                if (f.length == 3 && f[1].equals("delete")) {
                    synchronized (changes) {
                        current.remove(f[0]);
                        changes.notifyAll();
                    }
                }
                if (stamp >= 0 && f.length == 3
                        && (f[1].equals("new") || f[1].equals("initial") || f[1].equals("insert"))) {
                    synchronized (changes) {
                        changes.add(new Change(stamp, f[2]));
                        current.put(f[1].equals("new") ? oldUuid : f[0], f[2]);
                        changes.notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            // stopped
        }
    }

    /** Waits for the first value seen at or after {@code sinceUs} that does not name {@code ip}; its time or -1. */
    long awaitWithout(String ip, long sinceUs, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String quoted = "\"\"" + ip + "\"\"";
        synchronized (changes) {
            while (true) {
                for (Change c : changes) {
                    if (c.us() >= sinceUs && !c.nexthops().contains(quoted)) {
                        return c.us();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return -1;
                }
                changes.wait(Math.max(1, left / 1_000_000L));
            }
        }
    }

    /** Waits until some policy's current nexthops name every address in {@code ips}; false on timeout. */
    boolean awaitCurrent(List<String> ips, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changes) {
            while (true) {
                for (String v : current.values()) {
                    if (ips.stream().allMatch(ip -> v.contains("\"\"" + ip + "\"\""))) {
                        return true;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changes.wait(Math.max(1, left / 1_000_000L));
            }
        }
    }

    /** The rows' current nexthops, for diagnostics. */
    String currentValues() {
        synchronized (changes) {
            return current.toString();
        }
    }

    @Override
    public void close() {
        Shell.killTree(process);
    }
}

package io.netctl.perf.failover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The harness's results: one HdrHistogram (µs) per system, configuration, fault and phase, plus the lost probes per
 * run; written as a markdown table, a CSV and an SVG chart, and any run that never recovered.
 */
final class Report {
    static final String PROBES_OK = "probes-ok";
    static final String LOST = "lost probes";

    /** One row of the table. */
    record Key(String system, String config, String fault, String phase) {
    }

    private final Map<Key, Histogram> rows = new LinkedHashMap<>();
    final List<String> failures = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    /** Records a latency in µs (negative values, clock skew between two stamps, count as 0). */
    void latency(Key k, long us) {
        rows.computeIfAbsent(k, x -> new Histogram(3_600_000_000L, 3)).recordValue(Math.max(0, us));
    }

    /** Records a count (lost probes of one run). */
    void count(Key k, long n) {
        rows.computeIfAbsent(k, x -> new Histogram(3_600_000_000L, 3)).recordValue(n);
    }

    private long maxInjectUs;

    /** Notes how long a fault command took (the fault time is taken after it; this is how late it may be). */
    void injected(long us) {
        maxInjectUs = Math.max(maxInjectUs, us);
    }

    /** Runs of the baseline that did not settle: reported, not failures of the harness. */
    final List<String> baselineMisses = new ArrayList<>();

    void baselineMiss(String s) {
        baselineMisses.add(s);
    }

    void failure(String s) {
        failures.add(s);
    }

    Map<Key, Histogram> rows() {
        return rows;
    }

    private static String ms(long us) {
        return String.format(Locale.ROOT, "%.1f", us / 1000.0);
    }

    private static long[] stats(Histogram h) {
        return new long[] {h.getMinValue(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
            h.getValueAtPercentile(99), h.getMaxValue()};
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| system | config | fault | phase (fault →) | n | min | p50 | p90 | p99 | max |\n");
        b.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (var e : rows.entrySet()) {
            Key k = e.getKey();
            Histogram h = e.getValue();
            long[] s = stats(h);
            boolean count = k.phase().equals(LOST);
            b.append("| ").append(k.system()).append(" | ").append(k.config()).append(" | ").append(k.fault())
                    .append(" | ").append(count ? LOST + " (count)" : k.phase() + " (ms)").append(" | ")
                    .append(h.getTotalCount());
            for (long v : s) {
                b.append(" | ").append(count ? Long.toString(v) : ms(v));
            }
            b.append(" |\n");
        }
        return b.toString();
    }

    String csv() {
        StringBuilder b = new StringBuilder("system,config,fault,phase,unit,n,min,p50,p90,p99,max\n");
        for (var e : rows.entrySet()) {
            Key k = e.getKey();
            boolean count = k.phase().equals(LOST);
            b.append(String.join(",", k.system(), k.config(), k.fault(), k.phase(), count ? "probes" : "ms",
                    Long.toString(e.getValue().getTotalCount())));
            for (long v : stats(e.getValue())) {
                b.append(',').append(count ? Long.toString(v) : ms(v));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * A horizontal chart, one line per (system, config, fault, phase) with a latency: a bar from min to p99 on a log
     * scale (1 ms to 10 s), the p50 as a tick, the max as a dot.
     */
    String svg() {
        List<Map.Entry<Key, Histogram>> lat = rows.entrySet().stream().filter(e -> !e.getKey().phase().equals(LOST))
                .toList();
        int left = 420;
        int width = 560;
        int rowH = 18;
        int top = 40;
        int h = top + rowH * lat.size() + 40;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(left + width + 20).append("\" height=\"")
                .append(h).append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        b.append("<text x=\"10\" y=\"18\" font-size=\"13\">Failover: fault → phase, ms (bar min–p99, tick p50,"
                + " dot max; log scale)</text>\n");
        double lo = Math.log10(1000);
        double hi = Math.log10(10_000_000);
        for (long t = 1000; t <= 10_000_000; t *= 10) {
            double x = left + (Math.log10(t) - lo) / (hi - lo) * width;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, top - 8, x,
                    top + rowH * lat.size(), x, top + rowH * lat.size() + 14, t >= 1_000_000 ? t / 1_000_000 + " s"
                            : t / 1000 + " ms"));
        }
        String[] colours = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
        Map<String, String> byPhase = new LinkedHashMap<>();
        int row = 0;
        for (var e : lat) {
            Key k = e.getKey();
            long[] s = stats(e.getValue());
            String c = byPhase.computeIfAbsent(k.phase(), p -> colours[byPhase.size() % colours.length]);
            int y = top + row * rowH;
            b.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>\n", y + 12,
                    esc(k.system() + " · " + k.config() + " · " + k.fault() + " · " + k.phase())));
            double x0 = xOf(s[0], left, width, lo, hi);
            double x50 = xOf(s[1], left, width, lo, hi);
            double x99 = xOf(s[3], left, width, lo, hi);
            double xMax = xOf(s[4], left, width, lo, hi);
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"10\" fill=\"%s\""
                    + " opacity=\"0.5\"/><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-width=\"2\"/><circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"%s\"/>\n", x0, y + 3,
                    Math.max(1, x99 - x0), c, x50, y + 1, x50, y + 15, c, xMax, y + 8, c));
            row++;
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static double xOf(long us, int left, int width, double lo, double hi) {
        double v = Math.log10(Math.max(1000, Math.min(10_000_000, us)));
        return left + (v - lo) / (hi - lo) * width;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Writes failover.md, failover.csv and failover.svg into {@code dir}. */
    void write(Path dir, String header) throws IOException {
        Files.createDirectories(dir);
        StringBuilder md = new StringBuilder(header).append('\n').append(markdown());
        md.append(String.format(Locale.ROOT, "%nFault commands took up to %.1f ms (fault times are taken when the"
                + " command has returned).%n", maxInjectUs / 1000.0));
        for (String n : notes) {
            md.append('\n').append(n).append('\n');
        }
        if (!baselineMisses.isEmpty()) {
            md.append("\nBaseline runs that did not settle (left out of the table's probe rows; not a failure of the"
                    + " harness):\n");
            baselineMisses.forEach(f -> md.append("- ").append(f).append('\n'));
        }
        if (!failures.isEmpty()) {
            md.append("\nFailures:\n");
            failures.forEach(f -> md.append("- ").append(f).append('\n'));
        }
        Files.writeString(dir.resolve("failover.md"), md);
        Files.writeString(dir.resolve("failover.csv"), csv());
        Files.writeString(dir.resolve("failover.svg"), svg());
    }
}

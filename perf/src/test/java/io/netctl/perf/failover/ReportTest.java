package io.netctl.perf.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path dir;

    static Report sample() {
        Report r = new Report();
        Report.Key vip = new Report.Key("keepalived", "advert 0.1 s", "link down", "vip-on-backup");
        // Values below 2,048 µs are exact at HdrHistogram's 3 significant digits (larger ones are within 0.1 %).
        for (long us = 1000; us <= 2000; us += 100) {
            r.latency(vip, us);
        }
        r.latency(new Report.Key("keepalived", "advert 0.1 s", "link down", Report.PROBES_OK), 1_500);
        r.count(new Report.Key("keepalived", "advert 0.1 s", "link down", Report.LOST), 313);
        return r;
    }

    @Test
    void markdownHasOneRowPerKeyWithMillisecondsAndCounts() {
        String md = sample().markdown();
        assertThat(md)
                .contains("| keepalived | advert 0.1 s | link down | vip-on-backup (ms) | 11 | 1.0 | 1.5 | 1.9 | 2.0 | 2.0 |")
                .contains("| probes-ok (ms) | 1 | 1.5 | 1.5 |")
                .contains("| lost probes (count) | 1 | 313 | 313 | 313 | 313 | 313 |");
        assertThat(md.lines().count()).isEqualTo(2 + 3);
    }

    @Test
    void csvAndSvg() {
        Report r = sample();
        assertThat(r.csv().lines()).first().isEqualTo("system,config,fault,phase,unit,n,min,p50,p90,p99,max");
        assertThat(r.csv()).contains("keepalived,advert 0.1 s,link down,lost probes,probes,1,313,313,313,313,313");
        String svg = r.svg();
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("vip-on-backup").contains("probes-ok")
                .doesNotContain("lost probes"); // counts are not latencies
        assertThat(svg.split("<rect").length - 1).isEqualTo(2);
    }

    @Test
    void negativeLatenciesFromClockSkewCountAsZero() {
        Report r = new Report();
        Report.Key k = new Report.Key("s", "c", "f", "p");
        r.latency(k, -5);
        assertThat(r.rows().get(k).getMaxValue()).isZero();
    }

    @Test
    void writesTheThreeFilesWithFailures() throws Exception {
        Report r = sample();
        r.failure("keepalived advert 0.1 s link down run 2: the probe stream never resumed");
        r.injected(4_500);
        r.write(dir, "header");
        assertThat(Files.readString(dir.resolve("failover.md"))).startsWith("header")
                .contains("Fault commands took up to 4.5 ms").contains("Failures:\n- keepalived advert 0.1 s");
        assertThat(dir.resolve("failover.csv")).exists();
        assertThat(dir.resolve("failover.svg")).exists();
    }
}

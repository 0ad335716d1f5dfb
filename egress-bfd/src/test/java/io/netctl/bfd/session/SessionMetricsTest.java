package io.netctl.bfd.session;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import io.netctl.bfd.metrics.BfdMetrics;
import io.netctl.bfd.transport.BfdSpeakerSnapshot;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 9127 data and histograms of a session, through {@link BfdMetrics} into the Prometheus text format. */
class SessionMetricsTest {
    private static final BfdSessionConfig FAST = BfdSessionConfig.of(50_000, 50_000, 3);

    @Test
    void upThenDetectionExpiryShowsInEveryMetric() throws Exception {
        InMemoryWire wire = new InMemoryWire();
        wire.a.create(FAST, 0x0a, 1).start(wire.now());
        wire.b.create(FAST, 0x0b, 2).start(wire.now());
        wire.runUntilBothUp(5_000_000_000L);
        wire.runFor(3, SECONDS);
        wire.b.linkUp = false; // B's packets stop reaching A
        wire.runFor(1, SECONDS);

        BfdSessionSnapshot s = wire.a.session.snapshot();
        assertThat(s.state()).isEqualTo(BfdState.DOWN);
        assertThat(s.transitions(BfdState.UP, BfdState.DOWN)).isEqualTo(1);
        assertThat(s.detectionExpiries()).isGreaterThanOrEqualTo(1);
        assertThat(s.detectionLatencyUs().getTotalCount()).isEqualTo(1);
        // Last packet → expiry is the detection time (150 ms), give or take the timer resolution.
        assertThat(s.detectionLatencyUs().getMaxValue()).isBetween(149_000L, 152_000L);
        assertThat(s.rxIntervalUs().getValueAtPercentile(50)).isBetween(37_000L, 51_000L);

        String text = render(new BfdSpeakerSnapshot(InMemoryWire.ADDR_A, true, Map.of(DropReason.NO_SESSION, 2L), 0,
                List.of(s)), wire.now());
        String l = "local_addr=\"10.0.0.1\",peer_addr=\"10.0.0.2\",session_type=\"single_hop\"";
        assertThat(value(text, "netctl_bfd_session_state{" + l + ",netctl_bfd_session_state=\"Down\"}")).isEqualTo(1);
        assertThat(value(text, "netctl_bfd_session_state{" + l + ",netctl_bfd_session_state=\"Up\"}")).isEqualTo(0);
        assertThat(value(text, "netctl_bfd_session_up{" + l + "}")).isEqualTo(0);
        assertThat(value(text, "netctl_bfd_state_transitions_total{from_state=\"Up\"," + l + ",to_state=\"Down\"}"))
                .isEqualTo(1);
        assertThat(value(text, "netctl_bfd_packets_sent_total{" + l + "}")).isEqualTo(s.packetsSent());
        assertThat(value(text, "netctl_bfd_packets_received_total{" + l + "}")).isEqualTo(s.packetsReceived());
        assertThat(value(text, "netctl_bfd_packets_dropped_total{local_addr=\"10.0.0.1\",peer_addr=\"\","
                + "reason=\"no_session\",session_type=\"\"}")).isEqualTo(2);
        assertThat(value(text, "netctl_bfd_auth_failures_total{" + l + "}")).isEqualTo(0);
        assertThat(value(text, "netctl_bfd_rx_interval_seconds_bucket{" + l + ",le=\"0.075\"}"))
                .isEqualTo(s.rxIntervalUs().getTotalCount());
        assertThat(value(text, "netctl_bfd_detection_latency_seconds_bucket{" + l + ",le=\"0.1\"}")).isEqualTo(0);
        assertThat(value(text, "netctl_bfd_detection_latency_seconds_bucket{" + l + ",le=\"0.2\"}")).isEqualTo(1);
        assertThat(value(text, "netctl_bfd_detection_latency_seconds_count{" + l + "}")).isEqualTo(1);
        assertThat(value(text, "netctl_bfd_session_down_transitions_total{" + l + "}")).isEqualTo(1);
        assertThat(value(text, "netctl_bfd_local_diagnostic{" + l + "}")).isEqualTo(1);
        assertThat(value(text, "netctl_bfd_sessions{local_addr=\"10.0.0.1\",session_type=\"single_hop\"}"))
                .isEqualTo(1);
    }

    /** The value of the sample whose name and labels are {@code series}. */
    private static double value(String text, String series) {
        return text.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1)))
                .orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + text));
    }

    private static String render(BfdSpeakerSnapshot snapshot, long nowNs) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, BfdMetrics.toMetrics(List.of(snapshot), nowNs));
        return out.toString(StandardCharsets.UTF_8);
    }
}

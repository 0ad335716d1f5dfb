package io.netctl.bfd.metrics;

import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import io.netctl.bfd.session.BfdSessionSnapshot;
import io.netctl.bfd.transport.BfdSpeakerSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot.StateSetDataPointSnapshot;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.AbstractHistogram;

/**
 * Prometheus metrics of BFD sessions, under {@code netctl_bfd_}, named after the conventions of frr_exporter and gobfd
 * ({@code local_addr}, {@code peer_addr}, {@code session_type}, {@code from_state}/{@code to_state}, counters with
 * {@code _total}) and carrying the operational data of RFC 9127.
 *
 * <p>Nothing is recorded on the event loop for this: at scrape time the collector asks for speaker snapshots (taken on
 * the event loop, where the counters live) and turns them into Prometheus snapshots. The HdrHistograms become classic
 * histograms with fixed bucket bounds, so the receive path pays nothing for Prometheus.
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><td>{@code netctl_bfd_sessions}</td><td>gauge: sessions per local address and type</td></tr>
 *   <tr><td>{@code netctl_bfd_session_state}</td><td>state set: AdminDown, Down, Init, Up</td></tr>
 *   <tr><td>{@code netctl_bfd_session_up}</td><td>gauge 1/0, for simple alerts</td></tr>
 *   <tr><td>{@code netctl_bfd_state_transitions_total}</td><td>counter by {@code from_state}, {@code to_state}</td></tr>
 *   <tr><td>{@code netctl_bfd_packets_sent_total}, {@code _received_total}</td><td>counters</td></tr>
 *   <tr><td>{@code netctl_bfd_packets_dropped_total}</td><td>counter by {@code reason}; drops no session could be
 *       charged with have empty {@code peer_addr} and {@code session_type}</td></tr>
 *   <tr><td>{@code netctl_bfd_auth_failures_total}</td><td>counter</td></tr>
 *   <tr><td>{@code netctl_bfd_rx_interval_seconds}</td><td>histogram of the gap between accepted packets</td></tr>
 *   <tr><td>{@code netctl_bfd_detection_latency_seconds}</td><td>histogram: last accepted packet → detection time
 *       expiry</td></tr>
 *   <tr><td>{@code netctl_bfd_detection_time_seconds}</td><td>gauge: the negotiated detection time (RFC 5880
 *       §6.8.4)</td></tr>
 *   <tr><td>{@code netctl_bfd_negotiated_tx_interval_seconds}, {@code _rx_interval_seconds}</td><td>gauges</td></tr>
 *   <tr><td>{@code netctl_bfd_session_uptime_seconds}</td><td>gauge, 0 unless Up</td></tr>
 *   <tr><td>{@code netctl_bfd_session_up_transitions_total}, {@code _down_transitions_total}</td><td>counters
 *       (RFC 9127 up/down counts)</td></tr>
 *   <tr><td>{@code netctl_bfd_local_diagnostic}, {@code netctl_bfd_remote_diagnostic}</td><td>gauges: the RFC 5880
 *       code</td></tr>
 *   <tr><td>{@code netctl_bfd_events_dropped_total}</td><td>counter: state changes lost to a full queue</td></tr>
 * </table>
 */
public final class BfdMetrics implements MultiCollector {
    public static final String PREFIX = "netctl_bfd_";
    /** Bucket upper bounds of both histograms, in seconds: 1 ms to 10 s. */
    static final double[] BUCKETS_SECONDS = {
        0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5,
        2, 3, 5, 10, Double.POSITIVE_INFINITY};

    private final Supplier<List<BfdSpeakerSnapshot>> source;
    private final LongSupplier clock;

    /**
     * @param source takes fresh snapshots (e.g. {@code BfdSpeaker::snapshotAll} of every speaker); called on the
     *     scraping thread, never on an event loop
     * @param clock the sessions' clock ({@code System::nanoTime}), for uptime
     */
    public BfdMetrics(Supplier<List<BfdSpeakerSnapshot>> source, LongSupplier clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public MetricSnapshots collect() {
        return toMetrics(source.get(), clock.getAsLong());
    }

    /** The metrics of the given snapshots at {@code nowNs}: a pure function, for tests and golden files. */
    public static MetricSnapshots toMetrics(List<BfdSpeakerSnapshot> speakers, long nowNs) {
        var sessions = GaugeSnapshot.builder().name(PREFIX + "sessions").help("BFD sessions");
        var state = StateSetSnapshot.builder().name(PREFIX + "session_state").help("BFD session state");
        var up = GaugeSnapshot.builder().name(PREFIX + "session_up").help("1 if the BFD session is Up, else 0");
        var transitions = CounterSnapshot.builder().name(PREFIX + "state_transitions")
                .help("BFD session state transitions");
        var sent = CounterSnapshot.builder().name(PREFIX + "packets_sent").help("BFD control packets sent");
        var received = CounterSnapshot.builder().name(PREFIX + "packets_received")
                .help("BFD control packets accepted");
        var dropped = CounterSnapshot.builder().name(PREFIX + "packets_dropped")
                .help("BFD control packets discarded, by reason");
        var auth = CounterSnapshot.builder().name(PREFIX + "auth_failures")
                .help("BFD control packets that failed authentication");
        var rxInterval = HistogramSnapshot.builder().name(PREFIX + "rx_interval_seconds")
                .help("Interval between accepted BFD control packets");
        var latency = HistogramSnapshot.builder().name(PREFIX + "detection_latency_seconds")
                .help("Time from the last accepted packet to the expiry of the detection time");
        var detection = GaugeSnapshot.builder().name(PREFIX + "detection_time_seconds")
                .help("Negotiated detection time (0 while nothing is heard)");
        var txInterval = GaugeSnapshot.builder().name(PREFIX + "negotiated_tx_interval_seconds")
                .help("Interval control packets are sent at");
        var rxNegotiated = GaugeSnapshot.builder().name(PREFIX + "negotiated_rx_interval_seconds")
                .help("Interval control packets are expected at");
        var uptime = GaugeSnapshot.builder().name(PREFIX + "session_uptime_seconds")
                .help("Time since the session came Up, 0 unless Up");
        var upCount = CounterSnapshot.builder().name(PREFIX + "session_up_transitions")
                .help("Times the session came Up");
        var downCount = CounterSnapshot.builder().name(PREFIX + "session_down_transitions")
                .help("Times the session left Up");
        var localDiag = GaugeSnapshot.builder().name(PREFIX + "local_diagnostic")
                .help("Local diagnostic code (RFC 5880 4.1)");
        var remoteDiag = GaugeSnapshot.builder().name(PREFIX + "remote_diagnostic")
                .help("Diagnostic code last received from the peer");
        var eventsDropped = CounterSnapshot.builder().name(PREFIX + "events_dropped")
                .help("State changes lost because the event queue was full");

        for (BfdSpeakerSnapshot speaker : speakers) {
            String local = speaker.localAddress().getHostAddress();
            Labels speakerLabels = Labels.of("local_addr", local);
            long single = speaker.sessions().stream().filter(s -> !s.key().multihop()).count();
            sessions.dataPoint(gauge(Labels.of("local_addr", local, "session_type", "single_hop"), single));
            sessions.dataPoint(gauge(Labels.of("local_addr", local, "session_type", "multi_hop"),
                    speaker.sessions().size() - single));
            eventsDropped.dataPoint(counter(speakerLabels, speaker.droppedEvents()));
            for (Map.Entry<DropReason, Long> e : speaker.unattributedDrops().entrySet()) {
                dropped.dataPoint(counter(Labels.of("local_addr", local, "peer_addr", "", "session_type", "",
                        "reason", reasonLabel(e.getKey())), e.getValue()));
            }
            for (BfdSessionSnapshot s : speaker.sessions()) {
                Labels l = Labels.of("local_addr", local, "peer_addr", s.key().peerAddress().getHostAddress(),
                        "session_type", s.key().multihop() ? "multi_hop" : "single_hop");
                var ss = StateSetDataPointSnapshot.builder().labels(l);
                for (BfdState st : BfdState.values()) {
                    ss.state(st.displayName(), st == s.state());
                }
                state.dataPoint(ss.build());
                up.dataPoint(gauge(l, s.state() == BfdState.UP ? 1 : 0));
                for (BfdState from : BfdState.values()) {
                    for (BfdState to : BfdState.values()) {
                        long n = s.transitions(from, to);
                        if (n != 0) {
                            transitions.dataPoint(counter(l.merge(Labels.of("from_state", from.displayName(),
                                    "to_state", to.displayName())), n));
                        }
                    }
                }
                sent.dataPoint(counter(l, s.packetsSent()));
                received.dataPoint(counter(l, s.packetsReceived()));
                for (Map.Entry<DropReason, Long> e : s.droppedByReason().entrySet()) {
                    dropped.dataPoint(counter(l.merge(Labels.of("reason", reasonLabel(e.getKey()))), e.getValue()));
                }
                auth.dataPoint(counter(l, s.authFailures()));
                rxInterval.dataPoint(histogram(l, s.rxIntervalUs()));
                latency.dataPoint(histogram(l, s.detectionLatencyUs()));
                detection.dataPoint(gauge(l, s.detectionTimeUs() / 1e6));
                txInterval.dataPoint(gauge(l, s.negotiatedTxIntervalUs() / 1e6));
                rxNegotiated.dataPoint(gauge(l, s.negotiatedRxIntervalUs() / 1e6));
                uptime.dataPoint(gauge(l, s.state() == BfdState.UP && s.lastUpNs() >= 0
                        ? (nowNs - s.lastUpNs()) / 1e9 : 0));
                upCount.dataPoint(counter(l, s.upCount()));
                downCount.dataPoint(counter(l, s.downCount()));
                localDiag.dataPoint(gauge(l, s.localDiagnostic().ordinal()));
                remoteDiag.dataPoint(gauge(l, s.remoteDiagnosticCode()));
            }
        }
        return MetricSnapshots.of(sessions.build(), state.build(), up.build(), transitions.build(), sent.build(),
                received.build(), dropped.build(), auth.build(), rxInterval.build(), latency.build(),
                detection.build(), txInterval.build(), rxNegotiated.build(), uptime.build(), upCount.build(),
                downCount.build(), localDiag.build(), remoteDiag.build(), eventsDropped.build());
    }

    /** {@code AUTH_FAILED} → {@code "auth_failed"}. */
    static String reasonLabel(DropReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot counter(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    /** An HdrHistogram of microseconds as a classic histogram in seconds (per-bucket, not cumulative, counts). */
    static HistogramDataPointSnapshot histogram(Labels labels, AbstractHistogram us) {
        long[] counts = new long[BUCKETS_SECONDS.length];
        long below = 0;
        for (int i = 0; i < BUCKETS_SECONDS.length - 1; i++) {
            long boundUs = Math.round(BUCKETS_SECONDS[i] * 1e6);
            long atOrBelow = us.getTotalCount() == 0 ? 0 : us.getCountBetweenValues(0, boundUs);
            counts[i] = atOrBelow - below;
            below = atOrBelow;
        }
        counts[counts.length - 1] = us.getTotalCount() - below;
        double sumSeconds = us.getTotalCount() == 0 ? 0 : us.getMean() * us.getTotalCount() / 1e6;
        return HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(BUCKETS_SECONDS, counts))
                .sum(sumSeconds).build();
    }
}

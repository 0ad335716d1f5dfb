package io.netctl.cli;

import io.netctl.bfd.codec.BfdAuthKeyring;
import io.netctl.bfd.metrics.BfdMetrics;
import io.netctl.bfd.session.BfdSessionConfig;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netctl bfd}: the BFD speaker (RFC 5880, 5881, 5883). */
@Command(
    name = "bfd",
    mixinStandardHelpOptions = true,
    description = "BFD (RFC 5880/5881/5883) sessions.",
    subcommands = {BfdCommand.Run.class, BfdSessionsCommand.class, BfdWatchCommand.class})
final class BfdCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (run, sessions, watch)");
  }

  /** {@code netctl bfd run}: runs sessions until SIGTERM, one JSON line per state change on stdout. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run BFD sessions until SIGTERM or SIGINT, printing one JSON line per state change on stdout:",
        "{\"ts\":\"<RFC 3339, microseconds>\",\"local\":..,\"peer\":..,\"from\":\"Down\",\"to\":\"Up\",\"diag\":..,"
            + "\"localDisc\":..,\"remoteDisc\":..}",
        "On SIGTERM every peer is sent AdminDown before the process exits. With --config, SIGHUP reloads the"
            + " file: changed timers are applied without a flap (Poll Sequence), new sessions start, removed"
            + " ones go AdminDown.",
        "Exit status: 0 after SIGTERM/SIGINT (143/130 from the shell), 2 on invalid configuration, 1 on failure."
      })
  static final class Run implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of sessions (see docs/bfd.md).")
    Path config;

    @Option(names = "--local", paramLabel = "ADDR", description = "Local address (short form).")
    String local;

    @Option(names = "--peer", paramLabel = "ADDR", description = "Peer address (short form).")
    String peer;

    @Option(names = "--tx", paramLabel = "MS", defaultValue = "300", description = "Desired min TX interval, ms.")
    double txMs;

    @Option(names = "--rx", paramLabel = "MS", defaultValue = "300", description = "Required min RX interval, ms.")
    double rxMs;

    @Option(names = "--mult", paramLabel = "N", defaultValue = "3", description = "Detect multiplier.")
    int mult;

    @Option(names = "--multihop", description = "RFC 5883 multihop session (UDP 4784).")
    boolean multihop;

    @Option(
        names = "--min-ttl",
        paramLabel = "TTL",
        defaultValue = "254",
        description = "Multihop: smallest TTL accepted (default ${DEFAULT-VALUE}).")
    int minTtl;

    @Option(names = "--passive", description = "Passive role: send nothing until the peer is heard.")
    boolean passive;

    @Option(names = "--interface", paramLabel = "NAME", description = "Bind to this interface (single hop).")
    String interfaceName;

    @Option(
        names = "--auth-type",
        paramLabel = "TYPE",
        description = "simple, keyed-md5, meticulous-keyed-md5, keyed-sha1 or meticulous-keyed-sha1.")
    String authType;

    @Option(names = "--auth-key-id", paramLabel = "ID", defaultValue = "1", description = "Key id (0-255).")
    int authKeyId;

    @Option(names = "--auth-key", paramLabel = "SECRET", description = "The key (password).")
    String authKey;

    @Option(names = "--listen-port", paramLabel = "PORT", description = "Listen port (default 3784, 4784 multihop).")
    Integer listenPort;

    @Option(names = "--peer-port", paramLabel = "PORT", description = "Peer's port (default 3784, 4784 multihop).")
    Integer peerPort;

    @Option(names = "--metrics-port", paramLabel = "P", description = "Serve Prometheus metrics on this port.")
    Integer metricsPort;

    @Option(
        names = "--metrics-address",
        paramLabel = "ADDR",
        defaultValue = "0.0.0.0",
        description = "Address of the metrics endpoint (default ${DEFAULT-VALUE}).")
    String metricsAddress;

    @Option(
        names = "--rt-priority",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "Run this process (BFD event loops and JVM threads) at SCHED_FIFO priority N (1-99; needs root):"
                + " keeps short timers stable under CPU load. 0 (default) leaves the normal scheduler.")
    int rtPriority;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      BfdConfigFile.Parsed parsed;
      try {
        parsed = parse();
      } catch (IllegalArgumentException | java.io.IOException e) {
        err.println("netctl bfd run: " + e.getMessage());
        err.flush();
        return Main.EXIT_INVALID_INPUT;
      }
      if (rtPriority < 0 || rtPriority > 99) {
        err.println("netctl bfd run: --rt-priority: " + rtPriority + " (expected: 0-99)");
        err.flush();
        return Main.EXIT_INVALID_INPUT;
      }
      BfdRunner runner = new BfdRunner(out, err, rtPriority);
      HTTPServer[] server = new HTTPServer[1];
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                runner.close();
                if (server[0] != null) {
                  server[0].close();
                }
                err.flush();
                stopped.countDown();
              },
              "bfd-shutdown");
      runner.start();
      try {
        runner.apply(parsed.sessions());
      } catch (IllegalArgumentException | IllegalStateException e) {
        runner.close();
        err.println("netctl bfd run: " + e.getMessage());
        err.flush();
        return Main.EXIT_INVALID_INPUT;
      }
      Runtime.getRuntime().addShutdownHook(hook);
      Optional<Integer> port = metricsPort != null ? Optional.of(metricsPort) : parsed.metricsPort();
      if (port.isPresent()) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new BfdMetrics(runner::snapshots, System::nanoTime));
        server[0] =
            HTTPServer.builder()
                .inetAddress(InetAddress.getByName(metricsAddress))
                .port(port.get())
                .registry(registry)
                .buildAndStart();
        err.println("netctl bfd: metrics on port " + server[0].getPort());
      }
      if (config != null) {
        Reload.install(config, runner, err);
      }
      err.println("netctl bfd: running " + parsed.sessions().size() + " session(s)");
      err.flush();
      stopped.await(); // until SIGTERM/SIGINT runs the hook
      return 0;
    }

    private BfdConfigFile.Parsed parse() throws java.io.IOException {
      if (config != null) {
        if (local != null || peer != null) {
          throw new IllegalArgumentException("--config and --local/--peer: both given (expected: one of them)");
        }
        return BfdConfigFile.read(config);
      }
      if (local == null || peer == null) {
        throw new IllegalArgumentException("--local and --peer: missing (expected: both, or --config FILE)");
      }
      InetAddress l = BfdConfigFile.address("--local", local);
      InetAddress p = BfdConfigFile.address("--peer", peer);
      BfdSessionSpec.checkFamilies(l, p);
      if (mult < 1 || mult > 255) {
        throw new IllegalArgumentException("--mult: " + mult + " (expected: 1-255)");
      }
      if (minTtl < 1 || minTtl > 255) {
        throw new IllegalArgumentException("--min-ttl: " + minTtl + " (expected: 1-255)");
      }
      BfdSessionConfig c =
          new BfdSessionConfig(
              BfdConfigFile.micros("--tx", txMs),
              BfdConfigFile.micros("--rx", rxMs),
              mult,
              passive,
              false,
              Optional.empty());
      if (authType != null) {
        if (authKey == null) {
          throw new IllegalArgumentException("--auth-key: missing (expected: with --auth-type)");
        }
        BfdAuthKeyring ring = BfdSessionSpec.keyring(authType, authKeyId, Map.of(authKeyId, authKey));
        c = c.withAuth(ring);
      }
      int port = BfdSessionSpec.defaultPort(multihop);
      BfdSessionSpec s =
          new BfdSessionSpec(
              l,
              p,
              Optional.ofNullable(interfaceName),
              multihop,
              minTtl,
              listenPort != null ? listenPort : port,
              peerPort != null ? peerPort : port,
              c);
      return new BfdConfigFile.Parsed(Optional.empty(), List.of(s));
    }
  }

  /** SIGHUP reloads the config file (sun.misc.Signal: the JDK has no public API for it). */
  static final class Reload {
    private Reload() {}

    @SuppressWarnings("removal")
    static void install(Path file, BfdRunner runner, PrintWriter err) {
      sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"),
          sig -> {
            try {
              runner.apply(BfdConfigFile.read(file).sessions());
              err.println("netctl bfd: reloaded " + file);
            } catch (Exception e) {
              err.println("netctl bfd: reload of " + file + " failed, keeping the running sessions: " + e);
            }
            err.flush();
          });
    }
  }
}

package io.netctl.cli;

import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.api.IpAddresses;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import io.netctl.api.ApiAddress;
import io.netctl.api.ApiServer;
import io.netctl.controller.ControllerApi;
import io.netctl.controller.ControllerRuntime;
import io.netctl.controller.EgressController;
import io.netctl.controller.DomainResolver;
import io.netctl.controller.LeaderElection;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.ovsdb.TlsFiles;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netctl controller}: the daemon. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description = {
      "Run the controller: watch the cluster (the API server, or --watch-dir), compile the policies incrementally and"
          + " keep netctl's rows in the OVN Northbound equal to them; write status conditions on AdminNetworkPolicy,"
          + " BaselineAdminNetworkPolicy and ClusterNetworkPolicy; run the EgressGateways (reroute policies, BFD"
          + " failover) and write their status. Runs until interrupted.",
      "With the API server, several replicas elect a leader on a Lease; only the leader writes. With --watch-dir the"
          + " YAML files in DIR stand in for the API server and status goes to DIR/status/."
    })
final class ControllerCommand implements Callable<Integer> {

  @Option(names = "--nb", paramLabel = "REMOTE",
      description = "Northbound remote(s): tcp:HOST:PORT or ssl:HOST:PORT, comma-separated. Default: $OVN_NB_DB.")
  String nb;

  @Option(names = {"-p", "--private-key"}, paramLabel = "FILE", description = "PEM private key for ssl remotes.")
  Path privateKey;

  @Option(names = {"-c", "--certificate"}, paramLabel = "FILE", description = "PEM certificate for ssl remotes.")
  Path certificate;

  @Option(names = {"-C", "--ca-cert"}, paramLabel = "FILE", description = "PEM CA certificate of the NB server.")
  Path caCert;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--watch-dir", paramLabel = "DIR",
      description = "Read the cluster from YAML files in DIR instead of the API server; edits are events.")
  Path watchDir;

  @Option(names = "--networkpolicy", description = "Also compile NetworkPolicy (tier 2).")
  boolean networkPolicy;

  @Option(names = "--lsp-name-format", defaultValue = "kube-ovn", paramLabel = "FORMAT",
      description = "Logical switch port names: kube-ovn (<pod>.<namespace>) or ovn-kubernetes (<namespace>_<pod>).")
  String lspNameFormat;

  @Option(names = "--metrics-addr", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9476",
      description = "Serve Prometheus metrics on http://HOST:PORT/metrics ('' to disable; default: ${DEFAULT-VALUE}).")
  String metricsAddr;

  @Option(names = "--leader-elect", negatable = true, paramLabel = "BOOL",
      description = "Elect a leader on a Lease (default: on with the API server, off with --watch-dir).")
  Boolean leaderElect;

  @Option(names = "--lease-namespace", paramLabel = "NS",
      description = "Namespace of the Lease (default: $POD_NAMESPACE, else kube-system).")
  String leaseNamespace;

  @Option(names = "--lease-name", defaultValue = "netctl-controller", paramLabel = "NAME",
      description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(names = "--identity", paramLabel = "ID", description = "This replica's name in the Lease (default: $HOSTNAME).")
  String identity;

  @Option(names = "--lease-duration", defaultValue = "15", paramLabel = "SECONDS",
      description = "Lease duration: a standby takes over at most this long after the leader stops renewing"
          + " (default: ${DEFAULT-VALUE}).")
  int leaseSeconds;

  @Option(names = "--dns-server", paramLabel = "HOST:PORT",
      description = "DNS server for domainNames peers (default: the system's resolv.conf).")
  String dnsServer;

  @Option(names = "--dns-min-refresh", defaultValue = "5", paramLabel = "SECONDS",
      description = "Re-resolve a name no sooner than this, whatever its TTL (default: ${DEFAULT-VALUE}).")
  int dnsMin;

  @Option(names = "--dns-max-refresh", defaultValue = "300", paramLabel = "SECONDS",
      description = "Re-resolve a name at least this often, whatever its TTL (default: ${DEFAULT-VALUE}).")
  int dnsMax;

  @Option(names = "--egress", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run the EgressGateways (the engine and its BFD sessions run on the leader; default: on).")
  boolean egress;

  @Option(names = "--bfd-local", paramLabel = "ADDR",
      description = "Local address of the BFD sessions to the gateway instances (default: $POD_IP; without one,"
          + " instances of gateways with BFD enabled stay Down).")
  String bfdLocal;

  @Option(names = "--bfd-single-hop",
      description = "Single-hop BFD sessions (RFC 5881, UDP 3784) instead of multihop ones (RFC 5883, UDP 4784): only"
          + " when the controller shares a link with every instance.")
  boolean bfdSingleHop;

  @Option(names = "--bfd-min-ttl", defaultValue = "254", paramLabel = "TTL",
      description = "Smallest TTL accepted on multihop BFD packets (default: ${DEFAULT-VALUE}, one router away).")
  int bfdMinTtl;

  @Option(names = "--bfd-takeover-hold", defaultValue = "3000", paramLabel = "MS",
      description = "A new leader leaves the egress nexthops as they are until all its BFD sessions are Up, at most"
          + " this long (default: ${DEFAULT-VALUE}; 0: withdraw until Up).")
  long bfdTakeoverHold;

  @Option(names = "--cluster-cidr", paramLabel = "CIDR", split = ",",
      description = "Pod and service CIDRs: without spec.destinations, egress traffic to them is not rerouted.")
  List<String> clusterCidrs = new java.util.ArrayList<>();

  @Option(names = "--api-addr", paramLabel = "ADDR", defaultValue = ApiAddress.DEFAULT,
      description = "Serve the gRPC API (netctl status, explain, diff, bfd) on unix:PATH, HOST:PORT or [IPv6]:PORT"
          + " ('' to disable; default: ${DEFAULT-VALUE}).")
  String apiAddr;

  @Option(names = "--api-tls-cert", paramLabel = "PEM", description = "Serve the API over TLS with this certificate chain.")
  Path apiTlsCert;

  @Option(names = "--api-tls-key", paramLabel = "PEM", description = "The API certificate's private key (PKCS#8).")
  Path apiTlsKey;

  @Option(names = "--api-tls-client-ca", paramLabel = "PEM",
      description = "Require API clients to present a certificate signed by this CA.")
  Path apiTlsClientCa;

  @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
      description = "OVSDB request timeout, and how long one NB call keeps reconnecting (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ControllerRuntime rt = runtime(spec.commandLine());
    Consumer<String> log = logger(err);
    CountDownLatch stop = new CountDownLatch(1);
    ControllerRuntime.Running running = rt.start(new PrometheusRegistry(), log);
    Thread hook = new Thread(() -> {
      running.close();
      stop.countDown();
    }, "netctl-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stop.await();
    return 0;
  }

  /** One line per message on stderr, with the time. */
  static Consumer<String> logger(PrintWriter err) {
    DateTimeFormatter f = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    return m -> {
      synchronized (err) {
        err.println(LocalTime.now().format(f) + " " + m);
        err.flush();
      }
    };
  }

  ControllerRuntime runtime(CommandLine cl) {
    try {
      String r = nb != null ? nb : System.getenv("OVN_NB_DB");
      if (r == null || r.isBlank()) {
        throw new IllegalArgumentException("--nb REMOTE is required (or set OVN_NB_DB)");
      }
      List<Remote> remotes = Remote.parseList(r);
      TlsFiles tls = null;
      if (remotes.stream().anyMatch(x -> x.scheme() == Remote.Scheme.SSL)) {
        if (privateKey == null || certificate == null || caCert == null) {
          throw new IllegalArgumentException("ssl remotes need --private-key, --certificate and --ca-cert");
        }
        tls = new TlsFiles(privateKey, certificate, caCert);
      }
      if (watchDir != null && !Files.isDirectory(watchDir)) {
        throw new IllegalArgumentException("--watch-dir " + watchDir + ": not a directory");
      }
      if (timeoutSeconds < 1 || leaseSeconds < 2 || dnsMin < 0 || dnsMax < dnsMin) {
        throw new IllegalArgumentException(
            "--timeout and --lease-duration (>= 2) must be positive, --dns-max-refresh >= --dns-min-refresh");
      }
      PolicyCompiler.Options compiler = new PolicyCompiler.Options(LspNaming.parse(lspNameFormat), networkPolicy);
      boolean elect = leaderElect != null ? leaderElect : watchDir == null;
      LeaderElection election = null;
      if (elect) {
        String ns = leaseNamespace != null ? leaseNamespace : envOr("POD_NAMESPACE", "kube-system");
        String id = identity != null ? identity : envOr("HOSTNAME", "netctl-" + ProcessHandle.current().pid());
        Duration lease = Duration.ofSeconds(leaseSeconds);
        election = new LeaderElection(ns, leaseName, id, lease, lease.multipliedBy(2).dividedBy(3),
            lease.dividedBy(7).isZero() ? Duration.ofMillis(500) : lease.dividedBy(7));
      }
      return new ControllerRuntime(remotes, tls, Duration.ofSeconds(timeoutSeconds), watchDir, kubeconfig, compiler,
          hostPort(metricsAddr), election, hostPort(dnsServer),
          new DomainResolver.Options(Duration.ofSeconds(dnsMin), Duration.ofSeconds(dnsMax), Duration.ofSeconds(5)),
          null, egressOptions(), apiOptions());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
  }

  /** The API options, or null with {@code --api-addr ''}. */
  ControllerApi.Options apiOptions() {
    if ((apiTlsCert == null) != (apiTlsKey == null)) {
      throw new IllegalArgumentException("--api-tls-cert and --api-tls-key: one given (expected: both or none)");
    }
    if (apiTlsClientCa != null && apiTlsCert == null) {
      throw new IllegalArgumentException("--api-tls-client-ca: needs --api-tls-cert and --api-tls-key");
    }
    if (apiAddr == null || apiAddr.isBlank()) {
      if (apiTlsCert != null) {
        throw new IllegalArgumentException("--api-tls-cert: the API is disabled (--api-addr '')");
      }
      return null;
    }
    ApiAddress a = ApiAddress.parse(apiAddr);
    return new ControllerApi.Options(a, apiTlsCert == null ? null : new ApiServer.Tls(apiTlsCert, apiTlsKey,
        apiTlsClientCa));
  }

  /** The egress options, or null with {@code --no-egress}. */
  EgressController.Options egressOptions() {
    if (!egress) {
      return null;
    }
    for (String c : clusterCidrs) {
      if (io.netctl.anp.api.IpAddresses.parseCidr(c).isEmpty()) {
        throw new IllegalArgumentException("--cluster-cidr: \"" + c + "\" (expected: a CIDR)");
      }
    }
    if (bfdMinTtl < 1 || bfdMinTtl > 255) {
      throw new IllegalArgumentException("--bfd-min-ttl: " + bfdMinTtl + " (expected: 1-255)");
    }
    String local = bfdLocal != null ? bfdLocal : System.getenv("POD_IP");
    BfdSpeakerConfig bfd = null;
    if (local != null && !local.isBlank()) {
      InetAddress a;
      try {
        if (IpAddresses.parseAddress(local).isEmpty()) {
          throw new IllegalArgumentException("--bfd-local: \"" + local + "\" (expected: an IPv4 or IPv6 address)");
        }
        a = InetAddress.getByName(local);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("--bfd-local: \"" + local + "\" (expected: an IPv4 or IPv6 address)");
      }
      bfd = BfdSpeakerConfig.of(a).withMultihopMinTtl(bfdMinTtl);
      // a multihop-only speaker needs no single-hop port, and the other way round
      bfd = bfdSingleHop ? bfd.withMultihopListenPort(BfdSpeakerConfig.DISABLED)
          : bfd.withListenPort(BfdSpeakerConfig.DISABLED);
    }
    if (bfdTakeoverHold < 0) {
      throw new IllegalArgumentException("--bfd-takeover-hold: " + bfdTakeoverHold + " (expected: >= 0)");
    }
    return new EgressController.Options(bfd, !bfdSingleHop, clusterCidrs, bfdTakeoverHold);
  }

  private static String envOr(String k, String d) {
    String v = System.getenv(k);
    return v == null || v.isBlank() ? d : v;
  }

  /** {@code HOST:PORT} or {@code [V6]:PORT}; null for null or empty. */
  static InetSocketAddress hostPort(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    int i = s.lastIndexOf(':');
    if (i <= 0) {
      throw new IllegalArgumentException("address: " + s + " (expected: HOST:PORT)");
    }
    String host = s.substring(0, i);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(i + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: " + s + " (expected: HOST:PORT)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}

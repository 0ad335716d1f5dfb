package io.netctl.cli;

import io.netctl.anp.diag.Diagnostic;
import io.netctl.ovn.ovsdb.ChangeCounts;
import io.netctl.ovn.ovsdb.NbCache;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.OvsdbException;
import io.netctl.ovn.ovsdb.ReconcileResult;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.ovsdb.TlsFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netctl apply}: reconciles the OVN Northbound database once to the rows compiled from the inputs. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Compile the inputs (as 'netctl compile' does) and make netctl's rows in the OVN Northbound database equal to"
          + " them: rows are created, updated and deleted (owned rows that are not desired are removed); rows without"
          + " netctl's ownership ids are never touched. The logical switch ports of the pods must exist already"
          + " (the CNI creates them); pods without one are left out with a warning.",
      "Exit status: 0 when the NB matches, 2 when any input has an error (nothing is written), 1 when the NB could not"
          + " be reached or some rows could not be programmed."
    })
final class ApplyCommand implements Callable<Integer> {

  @Option(
      names = "--nb",
      paramLabel = "REMOTE",
      description =
          "Northbound remote(s): tcp:HOST:PORT or ssl:HOST:PORT, comma-separated for a cluster (the leader is"
              + " preferred). Default: $OVN_NB_DB.")
  String nb;

  @CommandLine.Mixin PolicyInputs inputs;

  @Option(names = "--dry-run", description = "Print the operations that would run; write nothing.")
  boolean dryRun;

  @Option(
      names = {"-p", "--private-key"},
      paramLabel = "FILE",
      description = "PEM private key for ssl remotes (ovs-pki: controller-privkey.pem).")
  Path privateKey;

  @Option(
      names = {"-c", "--certificate"},
      paramLabel = "FILE",
      description = "PEM certificate for ssl remotes (ovs-pki: controller-cert.pem).")
  Path certificate;

  @Option(
      names = {"-C", "--ca-cert"},
      paramLabel = "FILE",
      description = "PEM CA certificate that signed the server's certificate (ovs-pki: switchca/cacert.pem).")
  Path caCert;

  @Option(
      names = "--max-ops",
      defaultValue = "5000",
      paramLabel = "N",
      description = "Most operations in one transaction (default: ${DEFAULT-VALUE}).")
  int maxOps;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description =
          "How long one OVSDB request may take, and how long to keep reconnecting (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Remote> remotes;
    TlsFiles tls = null;
    try {
      String r = nb != null ? nb : System.getenv("OVN_NB_DB");
      if (r == null || r.isBlank()) {
        throw new IllegalArgumentException("--nb REMOTE is required (or set OVN_NB_DB)");
      }
      remotes = Remote.parseList(r);
      boolean ssl = remotes.stream().anyMatch(x -> x.scheme() == Remote.Scheme.SSL);
      if (ssl) {
        if (privateKey == null || certificate == null || caCert == null) {
          throw new IllegalArgumentException("ssl remotes need --private-key, --certificate and --ca-cert");
        }
        tls = new TlsFiles(privateKey, certificate, caCert);
      }
      if (maxOps < 1 || timeoutSeconds < 1) {
        throw new IllegalArgumentException("--max-ops and --timeout must be positive");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }

    CompileCommand.Compiled c = inputs.compile(spec.commandLine(), err);
    if (c == null) {
      return Main.EXIT_INVALID_INPUT;
    }
    if (c.diagnostics().stream().anyMatch(Diagnostic::isError)) {
      err.println("netctl apply: the input has errors; nothing was written");
      err.flush();
      return Main.EXIT_INVALID_INPUT;
    }

    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    OvsdbConnector connector =
        new OvsdbConnector(remotes, tls, OvsdbConnector.NB_DATABASE, timeout, m -> err.println("netctl: " + m));
    ReconcileResult r;
    try (Reconciler rec =
        Reconciler.on(connector, new Reconciler.Options(maxOps, timeout), m -> err.println("netctl: " + m))) {
      r = dryRun ? rec.dryRun(c.state()) : rec.reconcile(c.state());
    } catch (OvsdbException e) {
      err.println("netctl apply: " + e.getMessage());
      err.flush();
      return Main.EXIT_FAILURE;
    }
    for (String w : r.warnings()) {
      err.println("warning: " + w);
    }
    for (String e : r.errors()) {
      err.println("error: " + e);
    }
    if (dryRun) {
      for (String p : r.planned()) {
        out.println(p);
      }
    }
    out.print(summary(r, dryRun, String.join(",", remotes.stream().map(Remote::toString).toList())));
    out.flush();
    err.flush();
    return r.ok() ? 0 : Main.EXIT_FAILURE;
  }

  static String summary(ReconcileResult r, boolean dryRun, String remote) {
    StringBuilder sb = new StringBuilder();
    sb.append(dryRun ? "dry run against " : "applied to ").append(remote).append('\n');
    sb.append(String.format("  %-12s %8s %8s %8s%n", "table", dryRun ? "create" : "created",
        dryRun ? "update" : "updated", dryRun ? "delete" : "deleted"));
    for (String t : List.of(NbCache.PORT_GROUP, NbCache.ADDRESS_SET, NbCache.ACL)) {
      sb.append(String.format("  %-12s %8d %8d %8d%n", t,
          r.counts().get(t, ChangeCounts.Kind.CREATED),
          r.counts().get(t, ChangeCounts.Kind.UPDATED),
          r.counts().get(t, ChangeCounts.Kind.DELETED)));
    }
    sb.append(String.format("  %d transaction(s), %d operation(s), %d ms%s%n", r.transactions(), r.operations(),
        r.elapsedMillis(), r.reconnects() > 0 ? ", " + r.reconnects() + " reconnect(s)" : ""));
    if (r.counts().isEmpty() && r.errors().isEmpty()) {
      sb.append("  the Northbound already matches\n");
    }
    return sb.toString();
  }
}

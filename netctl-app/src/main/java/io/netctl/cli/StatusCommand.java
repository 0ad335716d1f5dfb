package io.netctl.cli;

import io.grpc.StatusRuntimeException;
import io.netctl.api.ApiClient;
import io.netctl.api.v1.StatusRequest;
import io.netctl.api.v1.StatusResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code netctl status}: what the daemon is doing. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the controller's state: leadership, Northbound connection, compiled rows, policies with errors, BFD"
          + " sessions.",
      "Exit status: 0 on success, 3 when the server cannot be reached, 2 on a usage error, 1 on another failure."
    })
final class StatusCommand implements Callable<Integer> {
  @CommandLine.Mixin ClientOptions client;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ApiClient c = client.open(spec.commandLine())) {
      StatusResponse s = c.blocking().withDeadlineAfter(client.timeoutSeconds, TimeUnit.SECONDS)
          .status(StatusRequest.getDefaultInstance());
      out.print(ApiOutput.render(client.output, s, StatusCommand::table));
      out.flush();
      return 0;
    } catch (StatusRuntimeException e) {
      return client.failed("status", e, err);
    }
  }

  static String table(StatusResponse s) {
    String nb = switch (s.getNbConnection()) {
      case NB_CONNECTION_CONNECTED -> "connected";
      case NB_CONNECTION_DISCONNECTED -> "DISCONNECTED";
      case NB_CONNECTION_NONE, NB_CONNECTION_UNSPECIFIED, UNRECOGNIZED -> "none";
    };
    if (!s.getNbRemote().isEmpty()) {
      nb += " (" + s.getNbRemote() + "), " + s.getNbTransactions() + " transaction(s)";
    }
    return new ApiOutput.Table("FIELD", "VALUE")
        .row("VERSION", s.getVersion())
        .row("MODE", s.getMode())
        .row("LEADER", s.getLeader() ? "yes" : "no (standby)")
        .row("NORTHBOUND", nb)
        .row("POLICIES", s.getPolicies() + " (" + s.getPoliciesWithProblems() + " with problems)")
        .row("ROWS", s.getAcls() + " ACL, " + s.getPortGroups() + " Port_Group, " + s.getAddressSets()
            + " Address_Set")
        .row("BFD", s.getBfdSessions() + " session(s), " + s.getBfdSessionsUp() + " Up")
        .row("UPTIME", ApiOutput.age(s.getUptimeSeconds() * 1000))
        .withoutHeader();
  }
}

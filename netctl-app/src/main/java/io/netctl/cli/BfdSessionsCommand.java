package io.netctl.cli;

import io.grpc.StatusRuntimeException;
import io.netctl.api.ApiClient;
import io.netctl.api.v1.BfdSession;
import io.netctl.api.v1.ListBfdSessionsRequest;
import io.netctl.api.v1.ListBfdSessionsResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code netctl bfd sessions}: the BFD sessions of the controller. */
@Command(
    name = "sessions",
    mixinStandardHelpOptions = true,
    description = {
      "List the BFD sessions the controller runs: state, negotiated timers, detection time, flaps, receive-interval"
          + " percentiles.",
      "Exit status: 0 on success, 3 when the server cannot be reached, 2 on a usage error, 1 on another failure."
    })
final class BfdSessionsCommand implements Callable<Integer> {
  @CommandLine.Mixin ClientOptions client;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ApiClient c = client.open(spec.commandLine())) {
      ListBfdSessionsResponse r = c.blocking().withDeadlineAfter(client.timeoutSeconds, TimeUnit.SECONDS)
          .listBfdSessions(ListBfdSessionsRequest.getDefaultInstance());
      if (client.output == ClientOptions.Format.table && r.getSessionsCount() == 0) {
        err.println("No BFD sessions found.");
        err.flush();
        return 0;
      }
      out.print(ApiOutput.render(client.output, r, BfdSessionsCommand::table));
      out.flush();
      return 0;
    } catch (StatusRuntimeException e) {
      return client.failed("bfd sessions", e, err);
    }
  }

  static String table(ListBfdSessionsResponse r) {
    ApiOutput.Table t = new ApiOutput.Table("LOCAL", "PEER", "TYPE", "STATE", "REMOTE", "DIAG", "TX", "RX", "DETECT",
        "UP", "FLAPS", "RX-P50", "RX-P99");
    for (BfdSession s : r.getSessionsList()) {
      t.row(s.getLocalAddress(), s.getPeerAddress(), s.getMultihop() ? "multihop" : "single-hop", s.getState(),
          s.getRemoteState(), s.getLocalDiagnostic(), ApiOutput.micros(s.getTxIntervalUs()),
          ApiOutput.micros(s.getRxIntervalUs()), ApiOutput.micros(s.getDetectionTimeUs()),
          s.getState().equals("Up") ? ApiOutput.age(s.getUptimeMs()) : "", s.getDownCount(),
          ApiOutput.micros(s.getRxIntervalP50Us()), ApiOutput.micros(s.getRxIntervalP99Us()));
    }
    return t.toString();
  }
}

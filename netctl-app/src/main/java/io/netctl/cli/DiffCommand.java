package io.netctl.cli;

import io.grpc.StatusRuntimeException;
import io.netctl.api.ApiClient;
import io.netctl.api.v1.DiffRequest;
import io.netctl.api.v1.DiffResponse;
import io.netctl.api.v1.TableChanges;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netctl diff}: desired rows against the Northbound database, through the controller. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Show what a reconcile would change in the Northbound database now (a dry run on the controller; nothing is"
          + " written).",
      "Exit status: 0 on success (with --exit-code: 0 in sync, 4 when there are changes), 3 when the server or the"
          + " Northbound cannot be reached, 2 on a usage error, 1 on another failure."
    })
final class DiffCommand implements Callable<Integer> {
  @CommandLine.Mixin ClientOptions client;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--exit-code", description = "Exit 4 when the Northbound differs from the desired rows.")
  boolean exitCode;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ApiClient c = client.open(spec.commandLine())) {
      DiffResponse d = c.blocking().withDeadlineAfter(client.timeoutSeconds, TimeUnit.SECONDS)
          .diff(DiffRequest.getDefaultInstance());
      out.print(ApiOutput.render(client.output, d, DiffCommand::table));
      out.flush();
      return exitCode && !d.getInSync() ? Main.EXIT_DIFFERENT : 0;
    } catch (StatusRuntimeException e) {
      return client.failed("diff", e, err);
    }
  }

  static String table(DiffResponse d) {
    StringBuilder sb = new StringBuilder();
    if (d.getInSync()) {
      sb.append("in sync: the Northbound holds exactly the desired rows\n");
    } else {
      ApiOutput.Table t = new ApiOutput.Table("TABLE", "CREATE", "UPDATE", "DELETE");
      for (TableChanges c : d.getTablesList()) {
        t.row(c.getTable(), c.getCreate(), c.getUpdate(), c.getDelete());
      }
      sb.append(t).append(d.getTransactions()).append(" transaction(s), ").append(d.getOperations())
          .append(" operation(s) planned\n");
      d.getPlannedList().forEach(p -> sb.append("  ").append(p).append('\n'));
    }
    d.getWarningsList().forEach(w -> sb.append("warning: ").append(w).append('\n'));
    d.getErrorsList().forEach(e -> sb.append("error: ").append(e).append('\n'));
    return sb.toString();
  }
}

package io.netctl.cli;

import io.grpc.StatusRuntimeException;
import io.netctl.api.ApiClient;
import io.netctl.api.v1.Condition;
import io.netctl.api.v1.ListPoliciesRequest;
import io.netctl.api.v1.ListPoliciesResponse;
import io.netctl.api.v1.Policy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netctl policies}: compiled policies with ACL counts and conditions. */
@Command(
    name = "policies",
    mixinStandardHelpOptions = true,
    description = {
      "List the policies the controller knows, with their programmed ACL counts and status conditions.",
      "Exit status: 0 on success, 3 when the server cannot be reached, 2 on a usage error, 1 on another failure."
    })
final class PoliciesCommand implements Callable<Integer> {
  @CommandLine.Mixin ClientOptions client;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--kind", paramLabel = "KIND", description = "Only this kind, e.g. AdminNetworkPolicy.")
  String kind;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ApiClient c = client.open(spec.commandLine())) {
      ListPoliciesResponse r = c.blocking().withDeadlineAfter(client.timeoutSeconds, TimeUnit.SECONDS)
          .listPolicies(ListPoliciesRequest.newBuilder().setKind(kind == null ? "" : kind).build());
      if (client.output == ClientOptions.Format.table && r.getPoliciesCount() == 0) {
        err.println("No policies found.");
        err.flush();
        return 0;
      }
      out.print(ApiOutput.render(client.output, r, PoliciesCommand::table));
      out.flush();
      return 0;
    } catch (StatusRuntimeException e) {
      return client.failed("policies", e, err);
    }
  }

  static String table(ListPoliciesResponse r) {
    ApiOutput.Table t = new ApiOutput.Table("KIND", "NAME", "PRIORITY", "TIER", "ACLS", "PROGRAMMED", "CONDITIONS");
    for (Policy p : r.getPoliciesList()) {
      String programmed = "Unknown";
      List<String> others = new ArrayList<>();
      for (Condition c : p.getConditionsList()) {
        if (c.getType().equals("Programmed")) {
          programmed = c.getStatus();
        } else if (c.getStatus().equals("True")) {
          others.add(c.getType() + ": " + c.getMessage());
        }
      }
      t.row(p.getKind(), p.getNamespace().isEmpty() ? p.getName() : p.getNamespace() + "/" + p.getName(),
          p.getPriority(), p.getTier() == 0 ? "" : p.getTier(), p.getAcls() < 0 ? "" : p.getAcls(), programmed,
          String.join("; ", others));
    }
    return t.toString();
  }
}

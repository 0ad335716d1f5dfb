package io.netctl.cli;

import io.grpc.StatusRuntimeException;
import io.netctl.api.ApiClient;
import io.netctl.api.v1.BfdEvent;
import io.netctl.api.v1.WatchBfdEventsRequest;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netctl bfd watch}: BFD state changes as they happen. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Print BFD state changes as the controller sees them, until interrupted (or --count events). -o json prints"
          + " one JSON object per line; -o yaml one document per event.",
      "Exit status: 0 when interrupted, after --count events or when the server ends the stream; 3 when the server"
          + " cannot be reached or the stream breaks; 2 on a usage error; 1 on another failure."
    })
final class BfdWatchCommand implements Callable<Integer> {
  @CommandLine.Mixin ClientOptions client;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--current", description = "First print every session's current state.")
  boolean current;

  @Option(names = "--count", paramLabel = "N", description = "Exit after N events.")
  Integer count;

  static final String FORMAT = "%-26s  %-15s  %-15s  %-7s  %-7s  %s%n";

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (count != null && count < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--count: " + count + " (expected: >= 1)");
    }
    try (ApiClient c = client.open(spec.commandLine())) {
      Iterator<BfdEvent> it = c.blocking()
          .watchBfdEvents(WatchBfdEventsRequest.newBuilder().setIncludeCurrent(current).build());
      if (client.output == ClientOptions.Format.table) {
        out.printf(FORMAT, "TIME", "LOCAL", "PEER", "FROM", "TO", "DIAG");
        out.flush();
      }
      int n = 0;
      while ((count == null || n < count) && it.hasNext()) {
        BfdEvent e = it.next();
        n++;
        switch (client.output) {
          case json -> out.print(ApiOutput.jsonLine(e));
          case yaml -> out.print("---\n" + ApiOutput.yaml(e));
          case table -> out.printf(FORMAT, time(e), e.getLocalAddress(), e.getPeerAddress(),
              e.getCurrent() ? "" : e.getFrom(), e.getTo() + (e.getCurrent() ? " (now)" : ""), e.getDiagnostic());
        }
        out.flush();
      }
      return 0;
    } catch (StatusRuntimeException e) {
      return client.failed("bfd watch", e, err);
    }
  }

  private static String time(BfdEvent e) {
    long us = e.getTimeUnixUs();
    return BfdRunner.RFC3339_MICROS.format(Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1_000));
  }
}

package io.netctl.cli;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.netctl.anp.compile.LspNaming;
import io.netctl.api.ApiBackend;
import io.netctl.api.ApiClient;
import io.netctl.api.CompiledBackend;
import io.netctl.api.NetctlService;
import io.netctl.api.v1.Acl;
import io.netctl.api.v1.Endpoint;
import io.netctl.api.v1.ExplainRequest;
import io.netctl.api.v1.ExplainResponse;
import io.netctl.api.v1.PodRef;
import io.netctl.api.v1.ResolvedEndpoint;
import io.netctl.api.v1.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netctl explain}: which rule decides a connection, and the verdict. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain the verdict for a new connection between two pods or addresses: the ACL that decides it (and the"
          + " policy it came from), computed from the compiled rows with OVN's tier semantics.",
      "Asks the controller (--server), or with -f compiles the given files locally, without a daemon.",
      "Exit status: 0 (with --exit-code: 0 allowed, 4 dropped), 2 on invalid input (an unknown pod, a bad address;"
          + " or with -f a file with errors), 3 when the server cannot be reached, 1 on another failure."
    })
final class ExplainCommand implements Callable<Integer> {
  @CommandLine.Mixin ClientOptions client;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "NS/POD|IP", description = "Source: a pod or an IP.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "NS/POD|IP", description = "Destination: a pod or an IP.")
  String to;

  @Option(
      names = {"--proto", "--protocol"},
      defaultValue = "tcp",
      paramLabel = "PROTO",
      description = "tcp, udp, sctp, or icmp for another IP protocol (default: ${DEFAULT-VALUE}).")
  String protocol;

  @Option(names = "--port", paramLabel = "PORT", description = "Destination port (required for tcp, udp, sctp).")
  Integer port;

  @Option(names = "--exit-code", description = "Exit 4 when the connection is dropped.")
  boolean exitCode;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "PATH",
      description = "Compile these files/directories locally instead of asking the server ('-' reads stdin).")
  List<String> paths;

  @Option(names = "--networkpolicy", description = "With -f: also compile NetworkPolicy (tier 2).")
  boolean networkPolicy;

  @Option(
      names = "--lsp-name-format",
      defaultValue = "kube-ovn",
      paramLabel = "FORMAT",
      description = "With -f: logical switch port names, kube-ovn or ovn-kubernetes.")
  String lspNameFormat;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ExplainRequest req = request();
    ExplainResponse r;
    if (paths != null && !paths.isEmpty()) {
      Local local = local(err);
      if (local.exit != 0) {
        return local.exit;
      }
      r = local.response;
    } else {
      try (ApiClient c = client.open(spec.commandLine())) {
        r = c.blocking().withDeadlineAfter(client.timeoutSeconds, TimeUnit.SECONDS).explain(req);
      } catch (StatusRuntimeException e) {
        return client.failed("explain", e, err);
      }
    }
    out.print(ApiOutput.render(client.output, r, x -> table(x, req)));
    out.flush();
    return exitCode && r.getVerdict() == Verdict.VERDICT_DROPPED ? Main.EXIT_DIFFERENT : 0;
  }

  private ExplainRequest request() {
    String p = protocol.toLowerCase(Locale.ROOT);
    ExplainRequest.Builder b = ExplainRequest.newBuilder().setFrom(endpoint(from)).setTo(endpoint(to));
    switch (p) {
      case "tcp", "udp", "sctp" -> {
        if (port == null) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--port: missing (expected: with --proto " + p
              + ")");
        }
        if (port < 1 || port > 65535) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--port: " + port + " (expected: 1-65535)");
        }
        b.setProtocol(p).setPort(port);
      }
      case "icmp", "ip", "any" -> b.setProtocol("");
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "--proto: \"" + protocol + "\" (expected: tcp, udp, sctp or icmp)");
    }
    return b.build();
  }

  static Endpoint endpoint(String s) {
    ApiBackend.Endpoint e = ApiBackend.Endpoint.parse(s);
    if (e instanceof ApiBackend.Endpoint.PodName p) {
      return Endpoint.newBuilder()
          .setPod(PodRef.newBuilder().setNamespace(p.namespace()).setName(p.name())).build();
    }
    return Endpoint.newBuilder().setIp(s).build();
  }

  private record Local(int exit, ExplainResponse response) {}

  /** Compiles -f locally and asks an in-process backend the same question the server would be asked. */
  private Local local(PrintWriter err) {
    LspNaming naming;
    try {
      naming = LspNaming.parse(lspNameFormat);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    LocalPolicies policies;
    try {
      policies = LocalPolicies.load(paths, naming, networkPolicy, err);
    } catch (IOException e) {
      err.println("netctl explain: " + e.getMessage());
      err.flush();
      return new Local(Main.EXIT_INVALID_INPUT, null);
    }
    boolean errors = policies.hasErrors();
    CompiledBackend backend = policies.backend().build();
    ExplainResponse[] result = new ExplainResponse[1];
    StatusRuntimeException[] failure = new StatusRuntimeException[1];
    new NetctlService(backend).explain(request(), new StreamObserver<>() {
      @Override
      public void onNext(ExplainResponse value) {
        result[0] = value;
      }

      @Override
      public void onError(Throwable t) {
        failure[0] = t instanceof StatusRuntimeException s ? s : io.grpc.Status.fromThrowable(t).asRuntimeException();
      }

      @Override
      public void onCompleted() {}
    });
    if (failure[0] != null) {
      return new Local(client.failed("explain", failure[0], err), null);
    }
    if (errors) {
      err.println("netctl explain: some objects have errors (above); the verdict ignores them");
      err.flush();
    }
    return new Local(0, result[0]);
  }

  static String table(ExplainResponse r, ExplainRequest req) {
    String packet = req.getProtocol().isEmpty() ? "ip (no port)" : req.getProtocol() + "/" + req.getPort();
    ApiOutput.Table t = new ApiOutput.Table("FIELD", "VALUE")
        .row("VERDICT", r.getVerdict() == Verdict.VERDICT_ALLOWED ? "allowed" : "dropped")
        .row("FROM", endpoint(r.getFrom()))
        .row("TO", endpoint(r.getTo()))
        .row("PACKET", packet);
    if (r.hasDeciding()) {
      t.row("DECIDED BY", acl(r.getDeciding()));
      t.row("MATCH", r.getDeciding().getMatch());
    } else {
      t.row("DECIDED BY", "no ACL matched: OVN allows by default");
    }
    if (r.hasEgress() && !(r.hasDeciding() && r.getEgress().getId().equals(r.getDeciding().getId()))) {
      t.row("EGRESS", acl(r.getEgress()));
    }
    if (r.hasIngress() && !(r.hasDeciding() && r.getIngress().getId().equals(r.getDeciding().getId()))) {
      t.row("INGRESS", acl(r.getIngress()));
    }
    for (Acl a : r.getPassedList()) {
      t.row("PASSED", acl(a));
    }
    return t.withoutHeader();
  }

  private static String endpoint(ResolvedEndpoint e) {
    return (e.getPod().isEmpty() ? e.getIp() : e.getPod() + " " + e.getIp()) + " (port " + e.getLogicalPort() + ")";
  }

  private static String acl(Acl a) {
    return a.getName() + ": " + a.getAction() + ", " + a.getOwnerKind() + " " + a.getOwnerName() + ", tier "
        + a.getTier() + ", priority " + a.getPriority() + ", " + a.getDirection();
  }
}

package io.netctl.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netctl.api.ApiAddress;
import io.netctl.api.ApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every API client command shares ({@code --server}, {@code --timeout}, TLS, {@code -o}) and the
 * mapping of gRPC failures to exit codes.
 */
final class ClientOptions {

  /** Output formats of the client commands. */
  enum Format {
    table,
    json,
    yaml
  }

  @Option(
      names = "--server",
      paramLabel = "ADDR",
      description = "API address: unix:PATH, HOST:PORT or [IPv6]:PORT (default: $" + ApiAddress.ENV + ", else "
          + ApiAddress.DEFAULT + ").")
  String server;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Deadline of a request (default ${DEFAULT-VALUE} s).")
  long timeoutSeconds;

  @Option(names = "--tls", description = "Use TLS (implied by the other --tls-* options).")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "CA that signed the server's certificate.")
  Path tlsCa;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Client certificate (mutual TLS).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Client private key, PKCS#8 (mutual TLS).")
  Path tlsKey;

  @Option(
      names = "--tls-server-name",
      paramLabel = "NAME",
      description = "Name to verify the server's certificate against (default: the host of --server).")
  String tlsServerName;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format output;

  String address() {
    return server != null ? server : ApiAddress.clientDefault();
  }

  /** Opens a channel; a usage error names a bad address or TLS option. */
  ApiClient open(CommandLine cl) throws IOException {
    ApiAddress a;
    try {
      a = ApiAddress.parse(address());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, "--server: " + e.getMessage());
    }
    ApiClient.Tls t = null;
    if (tls || tlsCa != null || tlsCert != null || tlsKey != null || tlsServerName != null) {
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new CommandLine.ParameterException(cl, "--tls-cert and --tls-key: one given (expected: both or none)");
      }
      t = new ApiClient.Tls(tlsCa, tlsCert, tlsKey, tlsServerName);
    }
    return ApiClient.connect(a, t);
  }

  /**
   * Prints why a call failed and returns the exit code: 3 when the server cannot be reached (or does not answer in
   * time), 2 when it rejected the request (invalid argument, not found), 1 otherwise.
   */
  int failed(String command, StatusRuntimeException e, PrintWriter err) {
    Status s = e.getStatus();
    String desc = s.getDescription() == null ? "" : ": " + s.getDescription();
    int code;
    switch (s.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED -> {
        if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
          err.println("netctl " + command + ": server " + address() + ": no answer within " + timeoutSeconds + " s");
        } else if (s.getCause() != null) { // the client could not reach the server
          Throwable root = s.getCause();
          while (root.getCause() != null) {
            root = root.getCause();
          }
          err.println("netctl " + command + ": server " + address() + ": " + root.getMessage()
              + " (is the netctl controller running and serving the API there? see --server, $" + ApiAddress.ENV
              + ")");
        } else { // the server answered that something it needs is unavailable
          err.println("netctl " + command + ": " + s.getCode() + desc);
        }
        code = Main.EXIT_UNAVAILABLE;
      }
      case INVALID_ARGUMENT, NOT_FOUND -> {
        err.println("netctl " + command + ": " + s.getCode() + desc);
        code = Main.EXIT_INVALID_INPUT;
      }
      default -> {
        err.println("netctl " + command + ": server " + address() + ": " + s.getCode() + desc);
        code = Main.EXIT_FAILURE;
      }
    }
    err.flush();
    return code;
  }
}

package io.netctl.cli;

import io.netctl.api.v1.ExplainRequest;

/** Builds Explain requests the way the CLI does ({@code ns/pod} is a pod, anything else an address). */
final class ExplainAccess {
  private ExplainAccess() {}

  static ExplainRequest request(String from, String to, String protocol, int port) {
    return ExplainRequest.newBuilder().setFrom(ExplainCommand.endpoint(from)).setTo(ExplainCommand.endpoint(to))
        .setProtocol(protocol).setPort(port).build();
  }
}

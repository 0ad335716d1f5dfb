package io.netctl.api;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netctl.api.v1.NetctlGrpc;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** A backend served in-process (the same services {@link ApiServer} registers), and a channel to it. */
final class InProcess implements AutoCloseable {
  final Server server;
  final ManagedChannel channel;
  final HealthStatusManager health = new HealthStatusManager();

  InProcess(ApiBackend backend) throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name)
        .directExecutor()
        .addService(new NetctlService(backend))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build()
        .start();
    health.setStatus(ApiServer.SERVICE, io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  NetctlGrpc.NetctlBlockingStub stub() {
    return NetctlGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}

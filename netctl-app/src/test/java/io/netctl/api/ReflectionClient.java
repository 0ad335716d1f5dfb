package io.netctl.api;

import io.grpc.Channel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Asks a server's reflection service (grpc.reflection.v1) which services it has, as grpcurl's "list" does. */
final class ReflectionClient {
  private ReflectionClient() {}

  static List<String> services(Channel channel) throws Exception {
    CompletableFuture<List<String>> result = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
        new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse r) {
            result.complete(r.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName)
                .toList());
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    try {
      return result.get(10, TimeUnit.SECONDS);
    } finally {
      req.onCompleted();
    }
  }
}

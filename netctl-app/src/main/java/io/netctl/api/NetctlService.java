package io.netctl.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netctl.api.v1.BfdEvent;
import io.netctl.api.v1.BfdSession;
import io.netctl.api.v1.Condition;
import io.netctl.api.v1.DiffRequest;
import io.netctl.api.v1.DiffResponse;
import io.netctl.api.v1.Endpoint;
import io.netctl.api.v1.ExplainRequest;
import io.netctl.api.v1.ExplainResponse;
import io.netctl.api.v1.ListBfdSessionsRequest;
import io.netctl.api.v1.ListBfdSessionsResponse;
import io.netctl.api.v1.ListPoliciesRequest;
import io.netctl.api.v1.ListPoliciesResponse;
import io.netctl.api.v1.NbConnection;
import io.netctl.api.v1.NetctlGrpc;
import io.netctl.api.v1.Policy;
import io.netctl.api.v1.ResolvedEndpoint;
import io.netctl.api.v1.StatusRequest;
import io.netctl.api.v1.StatusResponse;
import io.netctl.api.v1.TableChanges;
import io.netctl.api.v1.Verdict;
import io.netctl.api.v1.WatchBfdEventsRequest;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The {@code netctl.v1.Netctl} gRPC service: translates between protobuf messages and {@link ApiBackend} records,
 * and {@link ApiException}s into status codes (INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE, INTERNAL).
 */
public final class NetctlService extends NetctlGrpc.NetctlImplBase {
  /**
   * A watcher whose stream stays unwritable (the client does not read) for this many further events is ended with
   * RESOURCE_EXHAUSTED rather than buffered without bound.
   */
  static final int MAX_EVENTS_WHILE_NOT_READY = 1024;

  private final ApiBackend backend;

  public NetctlService(ApiBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    unary(out, () -> {
      ApiBackend.Status s = backend.status();
      return StatusResponse.newBuilder()
          .setVersion(s.version())
          .setMode(s.mode())
          .setUptimeSeconds(s.uptimeSeconds())
          .setLeader(s.leader())
          .setNbConnection(switch (s.nbConnection()) {
            case NONE -> NbConnection.NB_CONNECTION_NONE;
            case CONNECTED -> NbConnection.NB_CONNECTION_CONNECTED;
            case DISCONNECTED -> NbConnection.NB_CONNECTION_DISCONNECTED;
          })
          .setNbRemote(s.nbRemote())
          .setPolicies(s.policies())
          .setAcls(s.acls())
          .setPortGroups(s.portGroups())
          .setAddressSets(s.addressSets())
          .setPoliciesWithProblems(s.policiesWithProblems())
          .setNbTransactions(s.nbTransactions())
          .setBfdSessions(s.bfdSessions())
          .setBfdSessionsUp(s.bfdSessionsUp())
          .build();
    });
  }

  @Override
  public void listPolicies(ListPoliciesRequest request, StreamObserver<ListPoliciesResponse> out) {
    unary(out, () -> {
      ListPoliciesResponse.Builder b = ListPoliciesResponse.newBuilder();
      for (ApiBackend.PolicyInfo p : backend.policies()) {
        if (!request.getKind().isEmpty() && !request.getKind().equals(p.kind())) {
          continue;
        }
        Policy.Builder pb = Policy.newBuilder()
            .setKind(p.kind())
            .setNamespace(p.namespace())
            .setName(p.name())
            .setPriority(p.priority())
            .setTier(p.tier())
            .setAcls(p.acls())
            .setBandTop(p.bandTop());
        for (ApiBackend.Condition c : p.conditions()) {
          pb.addConditions(Condition.newBuilder()
              .setType(c.type()).setStatus(c.status()).setReason(c.reason()).setMessage(c.message()));
        }
        b.addPolicies(pb);
      }
      return b.build();
    });
  }

  @Override
  public void explain(ExplainRequest request, StreamObserver<ExplainResponse> out) {
    unary(out, () -> {
      ApiBackend.ExplainResult r = backend.explain(new ApiBackend.ExplainQuery(
          endpoint("from", request.getFrom()), endpoint("to", request.getTo()), request.getProtocol(),
          request.getPort() > 65535 ? -1 : request.getPort()));
      ExplainResponse.Builder b = ExplainResponse.newBuilder()
          .setVerdict(r.allowed() ? Verdict.VERDICT_ALLOWED : Verdict.VERDICT_DROPPED)
          .setFrom(endpoint(r.from()))
          .setTo(endpoint(r.to()))
          .setSummary(r.summary());
      if (r.deciding() != null) {
        b.setDeciding(acl(r.deciding()));
      }
      if (r.egress() != null) {
        b.setEgress(acl(r.egress()));
      }
      if (r.ingress() != null) {
        b.setIngress(acl(r.ingress()));
      }
      r.passed().forEach(a -> b.addPassed(acl(a)));
      return b.build();
    });
  }

  private static ApiBackend.Endpoint endpoint(String which, Endpoint e) {
    return switch (e.getEndpointCase()) {
      case POD -> new ApiBackend.Endpoint.PodName(e.getPod().getNamespace(), e.getPod().getName());
      case IP -> new ApiBackend.Endpoint.Ip(e.getIp());
      case ENDPOINT_NOT_SET -> throw new ApiException(ApiException.Reason.INVALID_ARGUMENT,
          which + ": missing (expected: a pod or an IP address)");
    };
  }

  private static ResolvedEndpoint endpoint(ApiBackend.ResolvedEndpoint e) {
    return ResolvedEndpoint.newBuilder().setLogicalPort(e.logicalPort()).setIp(e.ip()).setPod(e.pod()).build();
  }

  private static io.netctl.api.v1.Acl acl(ApiBackend.AclInfo a) {
    return io.netctl.api.v1.Acl.newBuilder()
        .setId(a.id())
        .setName(a.name())
        .setDirection(a.direction())
        .setTier(a.tier())
        .setPriority(a.priority())
        .setAction(a.action())
        .setMatch(a.match())
        .setPortGroup(a.portGroup())
        .setOwnerKind(a.ownerKind())
        .setOwnerName(a.ownerName())
        .build();
  }

  @Override
  public void diff(DiffRequest request, StreamObserver<DiffResponse> out) {
    unary(out, () -> {
      ApiBackend.DiffResult d = backend.diff();
      DiffResponse.Builder b = DiffResponse.newBuilder()
          .setInSync(d.inSync())
          .setTransactions(d.transactions())
          .setOperations(d.operations())
          .addAllPlanned(d.planned())
          .addAllWarnings(d.warnings())
          .addAllErrors(d.errors());
      for (ApiBackend.TableChanges t : d.tables()) {
        b.addTables(TableChanges.newBuilder()
            .setTable(t.table()).setCreate(t.create()).setUpdate(t.update()).setDelete(t.delete()));
      }
      return b.build();
    });
  }

  @Override
  public void listBfdSessions(ListBfdSessionsRequest request, StreamObserver<ListBfdSessionsResponse> out) {
    unary(out, () -> {
      ListBfdSessionsResponse.Builder b = ListBfdSessionsResponse.newBuilder();
      for (ApiBackend.BfdSessionInfo s : backend.bfdSessions()) {
        b.addSessions(BfdSession.newBuilder()
            .setLocalAddress(s.localAddress())
            .setPeerAddress(s.peerAddress())
            .setMultihop(s.multihop())
            .setIfIndex(s.ifIndex())
            .setLocalDiscriminator(s.localDiscriminator())
            .setRemoteDiscriminator(s.remoteDiscriminator())
            .setState(s.state())
            .setRemoteState(s.remoteState())
            .setLocalDiagnostic(s.localDiagnostic())
            .setDetectMult(s.detectMult())
            .setTxIntervalUs(s.txIntervalUs())
            .setRxIntervalUs(s.rxIntervalUs())
            .setDetectionTimeUs(s.detectionTimeUs())
            .setUpCount(s.upCount())
            .setDownCount(s.downCount())
            .setUptimeMs(s.uptimeMillis())
            .setPacketsSent(s.packetsSent())
            .setPacketsReceived(s.packetsReceived())
            .setPacketsDropped(s.packetsDropped())
            .setAuthFailures(s.authFailures())
            .setRxIntervalP50Us(s.rxIntervalP50Us())
            .setRxIntervalP99Us(s.rxIntervalP99Us())
            .setRxIntervalMaxUs(s.rxIntervalMaxUs()));
      }
      return b.build();
    });
  }

  @Override
  public void watchBfdEvents(WatchBfdEventsRequest request, StreamObserver<BfdEvent> out) {
    ServerCallStreamObserver<BfdEvent> call = (ServerCallStreamObserver<BfdEvent>) out;
    AtomicBoolean done = new AtomicBoolean();
    int[] notReady = new int[1]; // only touched by the (serialised) listener
    ApiBackend.Subscription[] sub = new ApiBackend.Subscription[1];
    call.setOnCancelHandler(() -> {
      done.set(true);
      if (sub[0] != null) {
        sub[0].close();
      }
    });
    try {
      sub[0] = backend.watchBfd(request.getIncludeCurrent(), e -> {
        if (done.get()) {
          return;
        }
        if (call.isReady()) {
          notReady[0] = 0;
        } else if (++notReady[0] > MAX_EVENTS_WHILE_NOT_READY) {
          if (done.compareAndSet(false, true)) {
            call.onError(Status.RESOURCE_EXHAUSTED
                .withDescription("watcher too slow: " + MAX_EVENTS_WHILE_NOT_READY + " events not read")
                .asRuntimeException());
          }
          throw new IllegalStateException("watcher too slow"); // the hub drops this listener
        }
        call.onNext(event(e));
      });
      if (done.get()) { // cancelled while subscribing
        sub[0].close();
      }
    } catch (ApiException e) {
      done.set(true);
      out.onError(status(e));
    } catch (RuntimeException e) {
      done.set(true);
      out.onError(Status.INTERNAL.withDescription(String.valueOf(e)).withCause(e).asRuntimeException());
    }
  }

  static BfdEvent event(ApiBackend.BfdEventInfo e) {
    return BfdEvent.newBuilder()
        .setTimeUnixUs(e.timeUnixMicros())
        .setLocalAddress(e.localAddress())
        .setPeerAddress(e.peerAddress())
        .setMultihop(e.multihop())
        .setFrom(e.from())
        .setTo(e.to())
        .setDiagnostic(e.diagnostic())
        .setLocalDiscriminator(e.localDiscriminator())
        .setRemoteDiscriminator(e.remoteDiscriminator())
        .setCurrent(e.current())
        .build();
  }

  private static <T> void unary(StreamObserver<T> out, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (ApiException e) {
      out.onError(status(e));
      return;
    } catch (RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription(String.valueOf(e)).withCause(e).asRuntimeException());
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }

  static StatusRuntimeException status(ApiException e) {
    Status s = switch (e.reason()) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case INTERNAL -> Status.INTERNAL;
    };
    return s.withDescription(e.getMessage()).asRuntimeException();
  }
}

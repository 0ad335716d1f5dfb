package io.netctl.api;

import java.util.List;
import java.util.Objects;

/**
 * What the gRPC API asks of netctl: the seam between {@link NetctlService} (protobuf, transport) and the daemon
 * (compiler, reconciler, BFD). Plain records only, so a backend is testable without gRPC and the daemon never sees a
 * protobuf type. {@link CompiledBackend} is the implementation on the real building blocks.
 *
 * <p>Methods may be called from several gRPC threads at once. Problems the caller can fix are {@link ApiException}s
 * with a {@link ApiException.Reason}; the server maps them to gRPC status codes.
 */
public interface ApiBackend {

  Status status();

  /** Every policy the backend knows, compiled or not, sorted by kind, namespace and name. */
  List<PolicyInfo> policies();

  /** The verdict for a new connection and the ACL that decides it. */
  ExplainResult explain(ExplainQuery query);

  /** What a reconcile would change now; {@link ApiException.Reason#UNAVAILABLE} without a Northbound database. */
  DiffResult diff();

  List<BfdSessionInfo> bfdSessions();

  /**
   * Calls {@code listener} with every BFD state change from now on, one call at a time, until the returned handle is
   * closed; with {@code includeCurrent}, also once per existing session with its current state ({@code current}
   * events). The listener must not block: it runs on the thread that publishes the changes.
   * {@link ApiException.Reason#UNAVAILABLE} when BFD does not run in this process.
   */
  Subscription watchBfd(boolean includeCurrent, BfdListener listener);

  /** A BFD event subscription. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** Receives BFD state changes. */
  @FunctionalInterface
  interface BfdListener {
    void onEvent(BfdEventInfo event);
  }

  // ---- values ------------------------------------------------------------------------------------------------------

  /** The Northbound connection as the status reports it. */
  enum NbConnection {
    NONE,
    CONNECTED,
    DISCONNECTED
  }

  /**
   * @param mode {@code controller} or {@code local}
   * @param policiesWithProblems policies with a problem condition (InvalidSpec, DuplicatePriority, UnsupportedByOVN)
   * @param nbTransactions NB transactions committed since start
   */
  record Status(
      String version,
      String mode,
      long uptimeSeconds,
      boolean leader,
      NbConnection nbConnection,
      String nbRemote,
      int policies,
      int acls,
      int portGroups,
      int addressSets,
      int policiesWithProblems,
      long nbTransactions,
      int bfdSessions,
      int bfdSessionsUp) {}

  /** A Kubernetes-style condition ({@code status} is {@code True}, {@code False} or {@code Unknown}). */
  record Condition(String type, String status, String reason, String message) {
    public static final String PROGRAMMED = "Programmed";
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String DUPLICATE_PRIORITY = "DuplicatePriority";
    public static final String UNSUPPORTED_BY_OVN = "UnsupportedByOVN";

    public Condition {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(status, "status");
      reason = reason == null ? "" : reason;
      message = message == null ? "" : message;
    }

    public boolean isTrue() {
      return status.equals("True");
    }
  }

  /**
   * @param namespace empty for cluster-scoped kinds
   * @param tier OVN ACL tier (1 admin, 2 NetworkPolicy, 3 baseline), 0 when unknown (not compiled)
   * @param acls ACLs compiled, -1 when not programmed
   * @param bandTop highest OVN priority of the policy's band, 0 when it has none
   */
  record PolicyInfo(
      String kind,
      String namespace,
      String name,
      int priority,
      int tier,
      int acls,
      int bandTop,
      List<Condition> conditions) {
    public PolicyInfo {
      conditions = List.copyOf(conditions);
    }

    /** {@code namespace/name} or {@code name}. */
    public String qualifiedName() {
      return namespace.isEmpty() ? name : namespace + "/" + name;
    }
  }

  /** A pod ({@code namespace/name}) or an IP address. */
  sealed interface Endpoint {
    record PodName(String namespace, String name) implements Endpoint {
      public PodName {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
      }

      @Override
      public String toString() {
        return namespace + "/" + name;
      }
    }

    record Ip(String address) implements Endpoint {
      public Ip {
        Objects.requireNonNull(address, "address");
      }

      @Override
      public String toString() {
        return address;
      }
    }

    /**
     * {@code ns/pod} is a pod (a namespace is a DNS label: no dots or colons), anything else an address (checked when
     * explained, so {@code 10.0.0.0/24} is refused as an address).
     */
    static Endpoint parse(String s) {
      int slash = s.indexOf('/');
      if (slash > 0 && slash == s.lastIndexOf('/') && slash < s.length() - 1
          && s.substring(0, slash).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        return new PodName(s.substring(0, slash), s.substring(slash + 1));
      }
      return new Ip(s);
    }
  }

  /**
   * @param protocol {@code tcp}, {@code udp}, {@code sctp}, or empty for another IP protocol (ICMP)
   * @param port destination port, 0 without a protocol
   */
  record ExplainQuery(Endpoint from, Endpoint to, String protocol, int port) {
    public ExplainQuery {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      protocol = protocol == null ? "" : protocol;
    }
  }

  /** An ACL as the API shows it. */
  record AclInfo(
      String id,
      String name,
      String direction,
      int tier,
      int priority,
      String action,
      String match,
      String portGroup,
      String ownerKind,
      String ownerName) {}

  /**
   * @param logicalPort the logical switch port, {@code external} for an address of no known pod
   * @param pod {@code namespace/name}, empty for an address of no known pod
   */
  record ResolvedEndpoint(String logicalPort, String ip, String pod) {}

  /**
   * @param deciding the ACL that decided, null when none matched (OVN's default: allow)
   * @param egress the deciding ACL of the sender's from-lport stage, or null
   * @param ingress the deciding ACL of the receiver's to-lport stage, or null
   * @param passed ACLs whose {@code pass} moved evaluation on to the next tier
   */
  record ExplainResult(
      boolean allowed,
      AclInfo deciding,
      AclInfo egress,
      AclInfo ingress,
      List<AclInfo> passed,
      ResolvedEndpoint from,
      ResolvedEndpoint to,
      String summary) {
    public ExplainResult {
      passed = List.copyOf(passed);
    }
  }

  record TableChanges(String table, int create, int update, int delete) {}

  record DiffResult(
      boolean inSync,
      List<TableChanges> tables,
      int transactions,
      int operations,
      List<String> planned,
      List<String> warnings,
      List<String> errors) {
    public DiffResult {
      tables = List.copyOf(tables);
      planned = List.copyOf(planned);
      warnings = List.copyOf(warnings);
      errors = List.copyOf(errors);
    }
  }

  /**
   * One session, RFC 9127-shaped.
   *
   * @param uptimeMillis time since it came Up, 0 unless Up
   * @param rxIntervalP50Us gap between accepted packets, median (0 before two packets); likewise p99 and max
   */
  record BfdSessionInfo(
      String localAddress,
      String peerAddress,
      boolean multihop,
      int ifIndex,
      int localDiscriminator,
      int remoteDiscriminator,
      String state,
      String remoteState,
      String localDiagnostic,
      int detectMult,
      long txIntervalUs,
      long rxIntervalUs,
      long detectionTimeUs,
      long upCount,
      long downCount,
      long uptimeMillis,
      long packetsSent,
      long packetsReceived,
      long packetsDropped,
      long authFailures,
      long rxIntervalP50Us,
      long rxIntervalP99Us,
      long rxIntervalMaxUs) {}

  /**
   * One state change.
   *
   * @param timeUnixMicros wall-clock time of the change
   * @param current true for the "current state" events a watch may start with
   */
  record BfdEventInfo(
      long timeUnixMicros,
      String localAddress,
      String peerAddress,
      boolean multihop,
      String from,
      String to,
      String diagnostic,
      int localDiscriminator,
      int remoteDiscriminator,
      boolean current) {}
}

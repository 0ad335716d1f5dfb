package io.netctl.api;

import io.netctl.anp.api.IpAddresses;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.Policy;
import io.netctl.anp.api.Protocol;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.diag.Code;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.explain.AclEvaluator;
import io.netctl.anp.explain.Packet;
import io.netctl.anp.explain.Verdict;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.session.BfdSessionSnapshot;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerSnapshot;
import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.NbTable;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.ovsdb.ChangeCounts;
import io.netctl.ovn.ovsdb.OvsdbException;
import io.netctl.ovn.ovsdb.ReconcileResult;
import io.netctl.ovn.ovsdb.Reconciler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.AbstractHistogram;

/**
 * The {@link ApiBackend} on netctl's building blocks: a {@link PolicyCompiler} (read only on the executor the caller
 * supplies, because the compiler is not thread-safe: the daemon passes the executor its events run on), an optional
 * {@link Reconciler} for Diff, optional BFD speakers with a {@link BfdEventHub}, and a {@link ConditionSource} for
 * policy conditions.
 *
 * <p>With a direct executor ({@code Runnable::run}) and a compiler loaded from files it serves a local, daemon-less
 * API: {@code netctl explain -f DIR} uses it that way.
 */
public final class CompiledBackend implements ApiBackend {
  /** How long a read waits for the compiler's executor. */
  static final long READ_TIMEOUT_SECONDS = 30;

  /**
   * Conditions per policy, read on the compiler's executor: every policy it names is listed, compiled or not (so
   * policies the loader rejected appear with InvalidSpec).
   */
  @FunctionalInterface
  public interface ConditionSource {
    Map<ObjectRef, List<Condition>> conditions();
  }

  private final PolicyCompiler compiler;
  private final Executor executor;
  private final Reconciler reconciler;
  private final String nbRemote;
  private final BooleanSupplier nbConnected;
  private final BooleanSupplier leader;
  private final ConditionSource conditions;
  private final Supplier<? extends Collection<BfdSpeaker>> speakers;
  private final BfdEventHub events;
  private final LongSupplier generation;
  private final String mode;
  private final long startedNs = System.nanoTime();

  /** Cached compiled state and evaluator, valid while {@link #generation} is unchanged (executor thread only). */
  private long cachedGeneration = Long.MIN_VALUE;
  private NbState cachedState;
  private AclEvaluator cachedEvaluator;

  private CompiledBackend(Builder b) {
    this.compiler = b.compiler;
    this.executor = b.executor;
    this.reconciler = b.reconciler;
    this.nbRemote = b.nbRemote;
    this.nbConnected = b.nbConnected;
    this.leader = b.leader;
    this.conditions = b.conditions != null ? b.conditions : derivedConditions(b.compiler, List::of);
    this.speakers = b.speakers;
    this.events = b.events;
    this.generation = b.generation;
    this.mode = b.mode;
  }

  /**
   * @param compiler the compiler whose state the API reports
   * @param executor where every read of {@code compiler} runs (the thread that feeds it events)
   */
  public static Builder builder(PolicyCompiler compiler, Executor executor) {
    return new Builder(compiler, executor);
  }

  /** Builds a {@link CompiledBackend}. */
  public static final class Builder {
    private final PolicyCompiler compiler;
    private final Executor executor;
    private Reconciler reconciler;
    private String nbRemote = "";
    private BooleanSupplier nbConnected;
    private BooleanSupplier leader = () -> true;
    private ConditionSource conditions;
    private Supplier<? extends Collection<BfdSpeaker>> speakers = List::of;
    private BfdEventHub events;
    private LongSupplier generation;
    private String mode = "controller";

    private Builder(PolicyCompiler compiler, Executor executor) {
      this.compiler = Objects.requireNonNull(compiler, "compiler");
      this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** The reconciler Diff plans with, and the remote(s) it is connected to (for Status). */
    public Builder reconciler(Reconciler reconciler, String nbRemote) {
      this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
      this.nbRemote = Objects.requireNonNull(nbRemote, "nbRemote");
      return this;
    }

    /** Whether the Northbound connection is up (Status); without it Status says CONNECTED when a reconciler is set. */
    public Builder nbConnected(BooleanSupplier connected) {
      this.nbConnected = Objects.requireNonNull(connected, "connected");
      return this;
    }

    /** Whether this instance is the leader (default: always). */
    public Builder leader(BooleanSupplier leader) {
      this.leader = Objects.requireNonNull(leader, "leader");
      return this;
    }

    /** Policy conditions (default: {@link #derivedConditions} from the compiler alone). */
    public Builder conditions(ConditionSource conditions) {
      this.conditions = Objects.requireNonNull(conditions, "conditions");
      return this;
    }

    /**
     * BFD: the speakers to list sessions of (asked anew on each call, from a gRPC thread, never an event loop) and
     * the hub watchers subscribe to.
     */
    public Builder bfd(Supplier<? extends Collection<BfdSpeaker>> speakers, BfdEventHub events) {
      this.speakers = Objects.requireNonNull(speakers, "speakers");
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /**
     * A number that changes whenever the compiler's state changes (read on the executor): with it the compiled state
     * and the evaluator are cached between calls; without it every Explain and Status recompute them.
     */
    public Builder generation(LongSupplier generation) {
      this.generation = Objects.requireNonNull(generation, "generation");
      return this;
    }

    /** {@code controller} (default) or {@code local}. */
    public Builder mode(String mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    public CompiledBackend build() {
      return new CompiledBackend(this);
    }
  }

  // ---- conditions ----------------------------------------------------------------------------------------------------

  /**
   * Conditions from the compiler and the given diagnostics alone: Programmed (True with the ACL count, or False),
   * DuplicatePriority and InvalidSpec from diagnostics naming the policy. The daemon supplies its own source (it knows
   * about UnsupportedByOVN and what the Northbound accepted).
   */
  public static ConditionSource derivedConditions(PolicyCompiler compiler, Supplier<List<Diagnostic>> diagnostics) {
    return () -> {
      Map<ObjectRef, List<Condition>> m = new TreeMap<>();
      List<Diagnostic> all = new ArrayList<>(diagnostics.get());
      all.addAll(compiler.diagnostics());
      for (Policy p : compiler.policies()) {
        int acls = compiler.aclCount(p.ref());
        List<Condition> cs = new ArrayList<>();
        Diagnostic exhausted = first(all, p.ref(), Code.PRIORITY_RANGE_EXHAUSTED);
        if (acls >= 0) {
          cs.add(new Condition(Condition.PROGRAMMED, "True", "Programmed", acls + " ACL(s)"));
        } else {
          cs.add(new Condition(Condition.PROGRAMMED, "False",
              exhausted != null ? exhausted.code().reason() : "NotProgrammed",
              exhausted != null ? exhausted.message() : "not compiled"));
        }
        Diagnostic dup = first(all, p.ref(), Code.DUPLICATE_PRIORITY);
        if (dup != null) {
          cs.add(new Condition(Condition.DUPLICATE_PRIORITY, "True", dup.code().reason(), dup.message()));
        }
        m.put(p.ref(), cs);
      }
      for (Diagnostic d : all) {
        if (d.isError() && d.object() != null && d.object().kind().isPolicy() && !m.containsKey(d.object())) {
          String msg = (d.field().isEmpty() ? "" : d.field() + ": ") + d.message();
          m.put(d.object(), List.of(
              new Condition(Condition.PROGRAMMED, "False", d.code().reason(), "not programmed"),
              new Condition(Condition.INVALID_SPEC, "True", d.code().reason(), msg)));
        }
      }
      return m;
    };
  }

  private static Diagnostic first(List<Diagnostic> all, ObjectRef ref, Code code) {
    for (Diagnostic d : all) {
      if (d.code() == code && ref.equals(d.object())) {
        return d;
      }
    }
    return null;
  }

  // ---- reads on the compiler's executor --------------------------------------------------------------------------

  private <T> T onCompiler(Supplier<T> read) {
    try {
      return CompletableFuture.supplyAsync(read, executor).get(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiException ae) {
        throw ae;
      }
      throw new ApiException(ApiException.Reason.INTERNAL, "compiler read failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new ApiException(ApiException.Reason.UNAVAILABLE,
          "the compiler did not answer within " + READ_TIMEOUT_SECONDS + " s (busy?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ApiException.Reason.INTERNAL, "interrupted");
    }
  }

  /** The compiled state, cached per generation. Executor thread only. */
  private NbState state() {
    refresh();
    return cachedState;
  }

  private AclEvaluator evaluator() {
    refresh();
    if (cachedEvaluator == null) {
      cachedEvaluator = new AclEvaluator(cachedState);
    }
    return cachedEvaluator;
  }

  private void refresh() {
    if (generation == null) {
      cachedState = compiler.state();
      cachedEvaluator = null;
      return;
    }
    long g = generation.getAsLong();
    if (cachedState == null || g != cachedGeneration) {
      cachedState = compiler.state();
      cachedEvaluator = null;
      cachedGeneration = g;
    }
  }

  // ---- status and policies -------------------------------------------------------------------------------------------

  @Override
  public Status status() {
    record Counts(int policies, int acls, int portGroups, int addressSets, int problems) {}
    Counts c = onCompiler(() -> {
      NbState s = state();
      int errors = 0;
      for (List<Condition> cs : conditions.conditions().values()) {
        for (Condition x : cs) {
          if (x.isTrue() && !x.type().equals(Condition.PROGRAMMED)) {
            errors++;
            break;
          }
        }
      }
      return new Counts(compiler.policies().size(), s.acls().size(), s.portGroups().size(), s.addressSets().size(),
          errors);
    });
    NbConnection nb;
    if (reconciler == null) {
      nb = NbConnection.NONE;
    } else if (nbConnected == null) {
      nb = NbConnection.CONNECTED;
    } else {
      nb = nbConnected.getAsBoolean() ? NbConnection.CONNECTED : NbConnection.DISCONNECTED;
    }
    List<BfdSessionInfo> bfd = bfdSessions();
    int up = (int) bfd.stream().filter(b -> b.state().equals(BfdState.UP.displayName())).count();
    return new Status(
        version(),
        mode,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNs),
        leader.getAsBoolean(),
        nb,
        nbRemote,
        c.policies(),
        c.acls(),
        c.portGroups(),
        c.addressSets(),
        c.problems(),
        reconciler == null ? 0 : reconciler.transactionsTotal(),
        bfd.size(),
        up);
  }

  static String version() {
    String v = CompiledBackend.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public List<PolicyInfo> policies() {
    return onCompiler(() -> {
      Map<ObjectRef, List<Condition>> conds = conditions.conditions();
      Map<ObjectRef, PolicyInfo> out = new TreeMap<>();
      for (Policy p : compiler.policies()) {
        Integer top = compiler.bandTop(p.ref());
        out.put(p.ref(), new PolicyInfo(
            p.ref().kind().kindName(),
            p.ref().namespace(),
            p.ref().name(),
            p.priority(),
            p.kind().tier().ovnTier(),
            compiler.aclCount(p.ref()),
            top == null ? 0 : top,
            conds.getOrDefault(p.ref(), List.of())));
      }
      for (Map.Entry<ObjectRef, List<Condition>> e : conds.entrySet()) {
        ObjectRef r = e.getKey();
        if (r.kind().isPolicy() && !out.containsKey(r)) {
          out.put(r, new PolicyInfo(r.kind().kindName(), r.namespace(), r.name(), 0, 0, -1, 0, e.getValue()));
        }
      }
      return List.copyOf(out.values());
    });
  }

  // ---- explain -----------------------------------------------------------------------------------------------------

  @Override
  public ExplainResult explain(ExplainQuery q) {
    Protocol proto = protocol(q.protocol());
    if (proto != null && (q.port() < 1 || q.port() > 65535)) {
      throw invalid("port: " + q.port() + " (expected: 1-65535 with protocol " + q.protocol() + ")");
    }
    return onCompiler(() -> {
      Side from = resolve("from", q.from());
      Side to = resolve("to", q.to());
      String[] ips = pickFamily(from, to);
      Packet packet = new Packet(from.lsp, to.lsp, ips[0], ips[1], proto, proto == null ? 0 : q.port());
      Verdict v = evaluator().evaluate(packet);
      AclInfo deciding = acl(v.deciding());
      String summary = (v.allowed() ? "allowed" : "dropped")
          + (deciding == null
              ? " (no ACL matched: OVN allows by default)"
              : " by " + deciding.name() + " (" + deciding.ownerKind() + " " + deciding.ownerName() + ", tier "
                  + deciding.tier() + ", priority " + deciding.priority() + ", " + deciding.direction() + ")");
      List<AclInfo> passed = new ArrayList<>();
      v.passed().forEach(a -> passed.add(acl(a)));
      return new ExplainResult(v.allowed(), deciding, acl(v.egress()), acl(v.ingress()), passed,
          new ResolvedEndpoint(from.lsp, ips[0], from.pod), new ResolvedEndpoint(to.lsp, ips[1], to.pod), summary);
    });
  }

  /** A resolved endpoint: its logical switch port, pod name (or empty) and candidate addresses. */
  private record Side(String lsp, String pod, List<String> ips) {}

  private Side resolve(String which, Endpoint e) {
    var naming = compiler.options().lspNaming();
    if (e instanceof Endpoint.PodName pn) {
      Pod p = findPod(pn.namespace(), pn.name());
      if (p == null) {
        throw new ApiException(ApiException.Reason.NOT_FOUND, which + ": pod " + pn + " (expected: a known pod)");
      }
      if (p.ips().isEmpty()) {
        throw invalid(which + ": pod " + pn + " has no IP address (status.podIPs is empty)");
      }
      if (p.hostNetwork()) {
        return new Side(EXTERNAL, pn.toString(), p.ips()); // host network: no logical switch port of its own
      }
      return new Side(naming.lspName(p), pn.toString(), p.ips());
    }
    String raw = ((Endpoint.Ip) e).address();
    String ip = IpAddresses.canonicalAddress(raw);
    if (ip == null) {
      throw invalid(which + ": \"" + raw + "\" (expected: namespace/pod or an IP address)");
    }
    for (Pod p : compiler.pods()) {
      if (!p.hostNetwork() && !p.terminated() && p.ips().contains(ip)) {
        return new Side(naming.lspName(p), p.namespace() + "/" + p.name(), List.of(ip));
      }
    }
    return new Side(EXTERNAL, "", List.of(ip));
  }

  static final String EXTERNAL = "external";

  private Pod findPod(String namespace, String name) {
    for (Pod p : compiler.pods()) {
      if (p.namespace().equals(namespace) && p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** Source and destination of one address family (IPv4 preferred when both have both). */
  private static String[] pickFamily(Side from, Side to) {
    for (IpAddresses.Family f : IpAddresses.Family.values()) {
      String a = ofFamily(from.ips, f);
      String b = ofFamily(to.ips, f);
      if (a != null && b != null) {
        return new String[] {a, b};
      }
    }
    throw invalid("from " + from.ips + " and to " + to.ips + ": no address family in common");
  }

  private static String ofFamily(List<String> ips, IpAddresses.Family f) {
    for (String ip : ips) {
      if (IpAddresses.familyOf(ip) == f) {
        return ip;
      }
    }
    return null;
  }

  private static Protocol protocol(String s) {
    if (s.isEmpty()) {
      return null;
    }
    Protocol p = Protocol.parse(s.toUpperCase(Locale.ROOT));
    if (p == null) {
      throw invalid("protocol: \"" + s + "\" (expected: tcp, udp, sctp, or empty for another IP protocol)");
    }
    return p;
  }

  private static ApiException invalid(String message) {
    return new ApiException(ApiException.Reason.INVALID_ARGUMENT, message);
  }

  static AclInfo acl(Acl a) {
    if (a == null) {
      return null;
    }
    return new AclInfo(
        a.key(),
        a.name() == null ? "" : a.name(),
        a.direction().wireName(),
        a.tier(),
        a.priority(),
        a.action().wireName(),
        a.match(),
        a.portGroup(),
        a.externalIds().getOrDefault(Ownership.OWNER_TYPE, ""),
        a.externalIds().getOrDefault(Ownership.OWNER_NAME, ""));
  }

  // ---- diff --------------------------------------------------------------------------------------------------------

  @Override
  public DiffResult diff() {
    if (reconciler == null) {
      throw new ApiException(ApiException.Reason.UNAVAILABLE, "no Northbound database is configured");
    }
    NbState desired = onCompiler(this::state);
    ReconcileResult r;
    try {
      r = reconciler.dryRun(desired); // network I/O: not on the compiler's thread
    } catch (OvsdbException e) {
      throw new ApiException(ApiException.Reason.UNAVAILABLE, "Northbound " + nbRemote + ": " + e.getMessage(), e);
    }
    List<TableChanges> tables = new ArrayList<>();
    for (NbTable t : NbTable.values()) {
      String n = t.wireName();
      int c = r.counts().get(n, ChangeCounts.Kind.CREATED);
      int u = r.counts().get(n, ChangeCounts.Kind.UPDATED);
      int d = r.counts().get(n, ChangeCounts.Kind.DELETED);
      if (c + u + d > 0) {
        tables.add(new TableChanges(n, c, u, d));
      }
    }
    return new DiffResult(r.counts().isEmpty() && r.errors().isEmpty(), tables, r.transactions(), r.operations(),
        r.planned(), r.warnings(), r.errors());
  }

  // ---- BFD -----------------------------------------------------------------------------------------------------------

  @Override
  public List<BfdSessionInfo> bfdSessions() {
    long now = System.nanoTime();
    List<BfdSessionInfo> out = new ArrayList<>();
    for (BfdSpeaker s : speakers.get()) {
      BfdSpeakerSnapshot snap;
      try {
        snap = s.snapshotAll();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(ApiException.Reason.INTERNAL, "interrupted");
      } catch (RuntimeException e) {
        continue; // closed meanwhile
      }
      for (BfdSessionSnapshot x : snap.sessions()) {
        out.add(session(x, now));
      }
    }
    out.sort(Comparator.comparing(BfdSessionInfo::localAddress).thenComparing(BfdSessionInfo::peerAddress)
        .thenComparing(BfdSessionInfo::multihop));
    return out;
  }

  static BfdSessionInfo session(BfdSessionSnapshot s, long nowNs) {
    AbstractHistogram h = s.rxIntervalUs();
    boolean any = h != null && h.getTotalCount() > 0;
    return new BfdSessionInfo(
        s.key().localAddress().getHostAddress(),
        s.key().peerAddress().getHostAddress(),
        s.key().multihop(),
        s.key().ifIndex(),
        s.localDiscriminator(),
        s.remoteDiscriminator(),
        s.state().displayName(),
        s.remoteState() == null ? "" : s.remoteState().displayName(),
        s.localDiagnostic().displayName(),
        s.detectMult(),
        s.negotiatedTxIntervalUs(),
        s.negotiatedRxIntervalUs(),
        s.detectionTimeUs(),
        s.upCount(),
        s.downCount(),
        s.state() == BfdState.UP && s.lastUpNs() >= 0 ? TimeUnit.NANOSECONDS.toMillis(nowNs - s.lastUpNs()) : 0,
        s.packetsSent(),
        s.packetsReceived(),
        s.packetsDropped(),
        s.authFailures(),
        any ? h.getValueAtPercentile(50) : 0,
        any ? h.getValueAtPercentile(99) : 0,
        any ? h.getMaxValue() : 0);
  }

  @Override
  public Subscription watchBfd(boolean includeCurrent, BfdListener listener) {
    if (events == null) {
      throw new ApiException(ApiException.Reason.UNAVAILABLE, "BFD is not running in this process");
    }
    Object lock = new Object();
    BfdListener serial = e -> {
      synchronized (lock) {
        listener.onEvent(e);
      }
    };
    // Subscribe first: a change between the snapshot and the subscription is then not lost (it may arrive before
    // the current states, which are at least as new as it).
    Subscription sub = events.subscribe(serial);
    if (includeCurrent) {
      long nowUs = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
      for (BfdSessionInfo s : bfdSessions()) {
        serial.onEvent(new BfdEventInfo(nowUs, s.localAddress(), s.peerAddress(), s.multihop(), s.state(), s.state(),
            s.localDiagnostic(), s.localDiscriminator(), s.remoteDiscriminator(), true));
      }
    }
    return sub;
  }

  /** The hub watchers subscribe to, or null without BFD. */
  public BfdEventHub events() {
    return events;
  }
}

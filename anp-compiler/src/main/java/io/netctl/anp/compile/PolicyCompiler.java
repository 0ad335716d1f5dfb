package io.netctl.anp.compile;

import io.netctl.anp.api.Action;
import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.ContainerPort;
import io.netctl.anp.api.Direction;
import io.netctl.anp.api.IpAddresses;
import io.netctl.anp.api.IpAddresses.Family;
import io.netctl.anp.api.Kind;
import io.netctl.anp.api.LabelSelector;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Node;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.api.Peer;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.PodSelection;
import io.netctl.anp.api.Policy;
import io.netctl.anp.api.PolicyKind;
import io.netctl.anp.api.PortSpec;
import io.netctl.anp.api.Protocol;
import io.netctl.anp.api.Rule;
import io.netctl.anp.api.Tier;
import io.netctl.anp.diag.Code;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.diag.SourceLocation;
import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.AclAction;
import io.netctl.ovn.nb.AclDirection;
import io.netctl.ovn.nb.AddressSet;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.NbTable;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.nb.PortGroup;
import io.netctl.ovn.nb.RowRef;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compiles policies into OVN Northbound rows, in full or one event at a time.
 *
 * <p>The compiler keeps the cluster it has seen and, for every policy, the pod selections it uses (its subject and
 * each rule's pod peers). An index from labels to selections finds the few selections a pod's change can affect, so a
 * pod event touches only the Port_Groups and Address_Sets whose membership it changes, as element deltas, and the ACLs
 * whose named ports it resolves. The state after any sequence of events equals a full compile of the final input
 * (a property test checks this).
 *
 * <p>Not thread-safe: one caller feeds events.
 */
public final class PolicyCompiler {

  /** Compiler options. */
  public record Options(LspNaming lspNaming, boolean networkPolicy) {
    public static final Options DEFAULT = new Options(LspNaming.KUBE_OVN, false);

    public Options {
      Objects.requireNonNull(lspNaming, "lspNaming");
    }
  }

  private final Options options;

  // ---- the cluster -------------------------------------------------------------------------------------------------
  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<ObjectRef, Pod> pods = new HashMap<>();
  /** Pod ids by namespace and by label pair; with {@link #selectablePods} they make selection a few bit-set ops. */
  private final Map<String, BitSet> podsByNamespace = new HashMap<>();
  private final Map<String, BitSet> podsByLabel = new HashMap<>();
  private final BitSet selectablePods = new BitSet();
  private final Map<String, Node> nodes = new TreeMap<>();
  private final Map<String, SortedSet<String>> domainAddresses = new HashMap<>();
  private final Map<ObjectRef, Policy> policies = new TreeMap<>();
  private final Map<ObjectRef, SourceLocation> locations = new HashMap<>();

  // ---- what is compiled --------------------------------------------------------------------------------------------
  private final Map<ObjectRef, CompiledPolicy> compiled = new HashMap<>();
  private final UsageIndex usages = new UsageIndex();
  // Pods and selections get small int ids so that memberships are bit sets: a selection's pods, a pod's selections.
  private final Map<ObjectRef, Integer> podIds = new HashMap<>();
  private final ArrayList<Pod> podById = new ArrayList<>();
  private final java.util.ArrayDeque<Integer> freePodIds = new java.util.ArrayDeque<>();
  private final ArrayList<BitSet> usagesByPod = new ArrayList<>();
  private final ArrayList<Usage> usageById = new ArrayList<>();
  private final java.util.ArrayDeque<Integer> freeUsageIds = new java.util.ArrayDeque<>();
  private boolean bulk;
  private final Set<NodeUsage> nodeUsages = new LinkedHashSet<>();
  private final Map<String, Integer> domainRefs = new HashMap<>();
  /** Address contents shared by every rule with the same pod, node and network peers. */
  private final Map<ContentKey, AddressContent> contents = new HashMap<>();
  /** Subjects shared by every policy with the same subject selection. */
  private final Map<PodSelection, SubjectContent> subjects = new HashMap<>();
  /** Named-port resolutions shared by every rule with the same targets and the same named ports. */
  private final Map<NamedKey, NamedTargets> namedTargets = new HashMap<>();
  private final Map<LabelSelector, Set<String>> namespaceSelections = new HashMap<>();
  /** Pod ids in the namespaces a selector matches; dropped whenever a pod or namespace changes. */
  private final Map<LabelSelector, BitSet> namespacePods = new HashMap<>();
  private final Map<Tier, Map<ObjectRef, Integer>> tops = new EnumMap<>(Tier.class);
  private final Map<Tier, List<Diagnostic>> tierDiagnostics = new EnumMap<>(Tier.class);

  // ---- the rows ------------------------------------------------------------------------------------------------------
  private final Map<String, LivePortGroup> portGroups = new HashMap<>();
  private final Map<String, LiveAddressSet> addressSets = new HashMap<>();
  private final Map<String, Acl> acls = new HashMap<>();

  private DeltaRecorder delta = DeltaRecorder.OFF;
  private final Set<RuleUnit> dirtyRules = new LinkedHashSet<>();

  public PolicyCompiler(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    for (Tier t : Tier.values()) {
      tops.put(t, new HashMap<>());
      tierDiagnostics.put(t, List.of());
    }
  }

  /** Compiles everything at once. */
  public static CompileResult compile(Collection<? extends ClusterObject> objects, Options options) {
    PolicyCompiler c = new PolicyCompiler(options);
    c.load(objects);
    return new CompileResult(c.state(), c.diagnostics());
  }

  /**
   * Loads objects without producing a delta: the cluster first, then the policies, so that each selection is
   * computed once against the complete cluster. For a fresh compiler; {@link #state()} then holds the full result.
   */
  public void load(Collection<? extends ClusterObject> objects) {
    List<Policy> ps = new ArrayList<>();
    for (ClusterObject o : objects) {
      if (o instanceof Policy p) {
        ps.add(p);
      } else {
        upsert(o);
      }
    }
    bulk = true; // allocate priorities once at the end, not once per policy
    try {
      for (Policy p : ps) {
        upsert(p);
      }
    } finally {
      bulk = false;
    }
    reallocate(Tier.ADMIN);
    reallocate(Tier.BASELINE);
    flushDirtyRules();
  }

  /** Where an object came from, for diagnostics the compiler itself raises (duplicate priorities). */
  public void setLocation(ObjectRef ref, SourceLocation at) {
    locations.put(ref, at);
  }

  /** Applies one event and returns the change to the desired rows. */
  public NbDelta apply(ClusterEvent event) {
    delta = new DeltaRecorder(this::currentRow);
    try {
      if (event instanceof ClusterEvent.Upsert u) {
        upsert(u.object());
      } else if (event instanceof ClusterEvent.Delete d) {
        delete(d.ref());
      } else if (event instanceof ClusterEvent.DomainResolved r) {
        domainResolved(r.domain(), r.addresses());
      }
      flushDirtyRules();
      return delta.build();
    } finally {
      delta = DeltaRecorder.OFF;
    }
  }

  /** The whole desired state. */
  public NbState state() {
    NbState.Builder b = new NbState.Builder();
    for (LivePortGroup pg : portGroups.values()) {
      b.put(pg.row());
    }
    for (LiveAddressSet as : addressSets.values()) {
      b.put(as.row());
    }
    for (Acl a : acls.values()) {
      b.put(a);
    }
    return b.build();
  }

  /** Diagnostics the compiler raises across objects (duplicate priorities, exhausted priority ranges). */
  public List<Diagnostic> diagnostics() {
    List<Diagnostic> all = new ArrayList<>();
    tierDiagnostics.values().forEach(all::addAll);
    Collections.sort(all);
    return all;
  }

  /** The policies currently compiled. */
  public Collection<Policy> policies() {
    return Collections.unmodifiableCollection(policies.values());
  }

  /** The compiler's options. */
  public Options options() {
    return options;
  }

  /** The pods the compiler knows (for explaining a verdict between pods). */
  public Collection<Pod> pods() {
    return Collections.unmodifiableCollection(pods.values());
  }

  /** ACL priority band top of a policy, if it is programmed (admin and baseline tiers). */
  public Integer bandTop(ObjectRef policy) {
    CompiledPolicy cp = compiled.get(policy);
    return cp == null ? null : cp.top;
  }

  /** Number of ACLs a policy compiled to, or -1 if it is not compiled. */
  public int aclCount(ObjectRef policy) {
    CompiledPolicy cp = compiled.get(policy);
    if (cp == null) {
      return -1;
    }
    int n = cp.fixedAclKeys.size();
    for (RuleUnit ru : cp.rules) {
      n += ru.aclKeys.size();
    }
    return n;
  }

  // ==== dispatch =====================================================================================================

  private void upsert(ClusterObject o) {
    if (o instanceof Namespace ns) {
      upsertNamespace(ns);
    } else if (o instanceof Pod p) {
      upsertPod(p);
    } else if (o instanceof Node n) {
      upsertNode(n);
    } else if (o instanceof Policy p) {
      if (p.kind() == PolicyKind.NETWORK_POLICY && !options.networkPolicy()) {
        return;
      }
      policies.put(p.ref(), p);
      recompilePolicy(p.ref());
    }
  }

  private void delete(ObjectRef ref) {
    switch (ref.kind()) {
      case NAMESPACE -> deleteNamespace(ref.name());
      case POD -> deletePod(ref);
      case NODE -> deleteNode(ref.name());
      default -> {
        if (policies.remove(ref) != null) {
          recompilePolicy(ref);
        }
      }
    }
  }

  // ==== namespaces ===================================================================================================

  private Namespace namespace(String name) {
    Namespace ns = namespaces.get(name);
    return ns != null ? ns : new Namespace(name, Map.of());
  }

  private void upsertNamespace(Namespace ns) {
    Namespace old = namespace(ns.name());
    namespaces.put(ns.name(), ns);
    namespaceChanged(old, ns);
  }

  private void deleteNamespace(String name) {
    Namespace old = namespace(name);
    namespaces.remove(name);
    namespaceChanged(old, namespace(name));
  }

  /** Re-evaluates the namespace selectors whose verdict on this namespace changed, for the namespace's pods. */
  private void namespaceChanged(Namespace old, Namespace now) {
    // The cached selections cover the namespaces known so far; a namespace event may add one, so drop them all
    // (namespace events are rare, and the next lookup recomputes what it needs).
    namespaceSelections.clear();
    namespacePods.clear();
    if (old.labels().equals(now.labels())) {
      return;
    }
    BitSet nsPods = podsByNamespace.getOrDefault(now.name(), new BitSet());
    for (Map.Entry<LabelSelector, List<Usage>> e : usages.byNamespaceSelector.entrySet()) {
      boolean was = e.getKey().matches(old.labels());
      boolean is = e.getKey().matches(now.labels());
      if (was == is) {
        continue;
      }
      for (Usage u : e.getValue()) {
        for (int id = nsPods.nextSetBit(0); id >= 0; id = nsPods.nextSetBit(id + 1)) {
          Pod p = podById.get(id);
          if (!p.selectable()) {
            continue;
          }
          if (is && u.selection.pods().matches(p.labels())) {
            addMember(u, id, p);
          } else if (!is) {
            removeMember(u, id, p);
          }
        }
      }
    }
  }

  private boolean namespaceMatches(PodSelection sel, String ns) {
    if (sel.fixedNamespace()) {
      return sel.namespace().equals(ns);
    }
    return selectNamespaces(sel.namespaces()).contains(ns);
  }

  private Set<String> selectNamespaces(LabelSelector sel) {
    Set<String> cached = namespaceSelections.get(sel);
    if (cached != null) {
      return cached;
    }
    Set<String> names = new HashSet<>();
    Set<String> all = new HashSet<>(namespaces.keySet());
    all.addAll(podsByNamespace.keySet());
    for (String n : all) {
      if (sel.matches(namespace(n).labels())) {
        names.add(n);
      }
    }
    namespaceSelections.put(sel, names);
    return names;
  }

  // ==== pods =========================================================================================================

  private static String labelKey(String k, String v) {
    return k + '\u0000' + v;
  }

  private int podId(ObjectRef ref) {
    Integer id = podIds.get(ref);
    if (id != null) {
      return id;
    }
    int n;
    if (freePodIds.isEmpty()) {
      n = podById.size();
      podById.add(null);
      usagesByPod.add(new BitSet());
    } else {
      n = freePodIds.pop();
    }
    podIds.put(ref, n);
    return n;
  }

  private void releasePodId(ObjectRef ref) {
    Integer id = podIds.remove(ref);
    if (id != null) {
      podById.set(id, null);
      usagesByPod.get(id).clear();
      freePodIds.push(id);
    }
  }

  private void indexPod(Pod p) {
    namespacePods.clear();
    int id = podId(p.ref());
    podById.set(id, p);
    pods.put(p.ref(), p);
    selectablePods.set(id, p.selectable());
    boolean newNamespace = !podsByNamespace.containsKey(p.namespace());
    podsByNamespace.computeIfAbsent(p.namespace(), k -> new BitSet()).set(id);
    p.labels().forEach((k, v) -> podsByLabel.computeIfAbsent(labelKey(k, v), x -> new BitSet()).set(id));
    if (newNamespace && !namespaces.containsKey(p.namespace())) {
      namespaceSelections.clear(); // a namespace known only through its pods joins the selectable set
    }
  }

  private void unindexPod(Pod p) {
    namespacePods.clear();
    int id = podIds.get(p.ref());
    pods.remove(p.ref());
    selectablePods.clear(id);
    BitSet s = podsByNamespace.get(p.namespace());
    if (s != null) {
      s.clear(id);
      if (s.isEmpty()) {
        podsByNamespace.remove(p.namespace());
        if (!namespaces.containsKey(p.namespace())) {
          namespaceSelections.clear();
        }
      }
    }
    p.labels().forEach((k, v) -> {
      BitSet l = podsByLabel.get(labelKey(k, v));
      if (l != null) {
        l.clear(id);
        if (l.isEmpty()) {
          podsByLabel.remove(labelKey(k, v));
        }
      }
    });
  }

  private void upsertPod(Pod p) {
    Pod old = pods.get(p.ref());
    if (p.equals(old)) {
      return;
    }
    if (old != null && onlyLabelsDiffer(old, p)) {
      relabelPod(old, p);
      return;
    }
    if (old != null) {
      leaveAll(old);
      unindexPod(old);
    }
    indexPod(p);
    joinMatching(p);
  }

  private void deletePod(ObjectRef ref) {
    Pod old = pods.get(ref);
    if (old != null) {
      leaveAll(old);
      unindexPod(old);
      releasePodId(ref);
    }
  }

  private static boolean onlyLabelsDiffer(Pod a, Pod b) {
    return a.hostNetwork() == b.hostNetwork()
        && a.terminated() == b.terminated()
        && a.ips().equals(b.ips())
        && a.ports().equals(b.ports())
        && a.nodeName().equals(b.nodeName());
  }

  private void leaveAll(Pod p) {
    int id = podIds.get(p.ref());
    BitSet ms = usagesByPod.get(id);
    for (int uid = ms.nextSetBit(0); uid >= 0; uid = ms.nextSetBit(uid + 1)) {
      Usage u = usageById.get(uid);
      u.members.clear(id);
      u.unit.memberLeft(p, id, u);
    }
    ms.clear();
  }

  private void joinMatching(Pod p) {
    if (!p.selectable()) {
      return;
    }
    int id = podIds.get(p.ref());
    usages.forEachCandidate(p.labels(), true, u -> {
      if (namespaceMatches(u.selection, p.namespace()) && u.selection.pods().matches(p.labels())) {
        addMember(u, id, p);
      }
    });
  }

  /** A label change: selections that ignore pod labels keep the pod; the label index finds the others. */
  private void relabelPod(Pod old, Pod now) {
    unindexPod(old);
    indexPod(now);
    if (!now.selectable()) {
      return;
    }
    int id = podIds.get(now.ref());
    BitSet before = (BitSet) usagesByPod.get(id).clone();
    BitSet after = new BitSet();
    for (int uid = before.nextSetBit(0); uid >= 0; uid = before.nextSetBit(uid + 1)) {
      if (usageById.get(uid).selection.pods().isEmpty()) {
        after.set(uid);
      }
    }
    usages.forEachCandidate(now.labels(), false, u -> {
      if (namespaceMatches(u.selection, now.namespace()) && u.selection.pods().matches(now.labels())) {
        after.set(u.id);
      }
    });
    BitSet leaving = (BitSet) before.clone();
    leaving.andNot(after);
    for (int uid = leaving.nextSetBit(0); uid >= 0; uid = leaving.nextSetBit(uid + 1)) {
      removeMember(usageById.get(uid), id, old);
    }
    after.andNot(before);
    for (int uid = after.nextSetBit(0); uid >= 0; uid = after.nextSetBit(uid + 1)) {
      addMember(usageById.get(uid), id, now);
    }
  }

  private void addMember(Usage u, int id, Pod p) {
    if (!u.members.get(id)) {
      u.members.set(id);
      usagesByPod.get(id).set(u.id);
      u.unit.memberJoined(p, id, u);
    }
  }

  private void removeMember(Usage u, int id, Pod p) {
    if (u.members.get(id)) {
      u.members.clear(id);
      usagesByPod.get(id).clear(u.id);
      u.unit.memberLeft(p, id, u);
    }
  }

  /** The ids of the pods a selection matches right now: bit-set unions and intersections, then expressions. */
  private BitSet select(PodSelection sel) {
    BitSet ids = new BitSet();
    if (sel.fixedNamespace()) {
      BitSet b = podsByNamespace.get(sel.namespace());
      if (b != null) {
        ids.or(b);
      }
    } else {
      ids.or(namespacePods.computeIfAbsent(sel.namespaces(), k -> {
        BitSet all = new BitSet();
        for (String ns : selectNamespaces(k)) {
          BitSet b = podsByNamespace.get(ns);
          if (b != null) {
            all.or(b);
          }
        }
        return all;
      }));
    }
    ids.and(selectablePods);
    for (Map.Entry<String, String> e : sel.pods().matchLabels().entrySet()) {
      BitSet b = podsByLabel.get(labelKey(e.getKey(), e.getValue()));
      if (b == null) {
        return new BitSet();
      }
      ids.and(b);
    }
    if (!sel.pods().matchExpressions().isEmpty()) {
      for (int id = ids.nextSetBit(0); id >= 0; id = ids.nextSetBit(id + 1)) {
        if (!sel.pods().matches(podById.get(id).labels())) {
          ids.clear(id);
        }
      }
    }
    return ids;
  }

  // ==== nodes and domain names ====================================================================================

  private void upsertNode(Node n) {
    Node old = nodes.put(n.name(), n);
    nodeChanged(old, n);
  }

  private void deleteNode(String name) {
    Node old = nodes.remove(name);
    nodeChanged(old, null);
  }

  private void nodeChanged(Node old, Node now) {
    for (NodeUsage nu : nodeUsages) {
      if (old != null && nu.members.remove(old.name())) {
        old.addresses().forEach(nu.content::dec);
      }
      if (now != null && nu.selector.matches(now.labels())) {
        nu.members.add(now.name());
        now.addresses().forEach(nu.content::inc);
      }
    }
  }

  private void domainResolved(String domain, List<String> addresses) {
    TreeSet<String> canon = new TreeSet<>();
    for (String a : addresses) {
      String c = IpAddresses.canonicalAddress(a);
      if (c != null) {
        canon.add(c);
      }
    }
    SortedSet<String> old = domainAddresses.put(domain, canon);
    if (!domainRefs.containsKey(domain)) {
      return;
    }
    AddressContent content = addressSets.get(Naming.domainAddressSet(domain, Family.V4)).content;
    if (old != null) {
      for (String a : old) {
        if (!canon.contains(a)) {
          content.dec(a);
        }
      }
    }
    for (String a : canon) {
      if (old == null || !old.contains(a)) {
        content.inc(a);
      }
    }
  }

  private void refDomain(String domain) {
    int n = domainRefs.merge(domain, 1, Integer::sum);
    if (n > 1) {
      return;
    }
    AddressContent content = new AddressContent(null);
    for (Family f : Family.values()) {
      String name = Naming.domainAddressSet(domain, f);
      delta.touch(new RowRef(NbTable.ADDRESS_SET, name));
      LiveAddressSet as =
          new LiveAddressSet(
              name,
              Ownership.ids("DomainName", domain, name, "netctl.io/ip-family", f == Family.V4 ? "v4" : "v6"),
              content,
              f);
      addressSets.put(name, as);
    }
    for (String a : domainAddresses.getOrDefault(domain, Collections.emptySortedSet())) {
      content.inc(a);
    }
  }

  private void unrefDomain(String domain) {
    int n = domainRefs.merge(domain, -1, Integer::sum);
    if (n > 0) {
      return;
    }
    domainRefs.remove(domain);
    for (Family f : Family.values()) {
      String name = Naming.domainAddressSet(domain, f);
      delta.touch(new RowRef(NbTable.ADDRESS_SET, name));
      addressSets.remove(name);
    }
  }

  // ==== policies ====================================================================================================

  private void recompilePolicy(ObjectRef ref) {
    CompiledPolicy old = compiled.remove(ref);
    if (old != null) {
      uncompile(old);
    }
    Policy p = policies.get(ref);
    CompiledPolicy now = p == null ? null : compileRows(p);
    if (now != null) {
      compiled.put(ref, now);
    }
    Set<Tier> tiers = java.util.EnumSet.noneOf(Tier.class);
    if (old != null) {
      tiers.add(old.policy.kind().tier()); // a ClusterNetworkPolicy may change tier: its old one closes ranks
    }
    if (now != null) {
      tiers.add(now.policy.kind().tier());
    }
    for (Tier tier : tiers) {
      if (tier != Tier.NETWORK_POLICY) {
        if (!bulk) {
          reallocate(tier);
        }
      } else if (now != null) {
        now.top = Priorities.NP_ALLOW;
        dirtyRules.addAll(now.rules);
        rebuildFixedAcls(now);
      }
    }
  }

  private void uncompile(CompiledPolicy cp) {
    delta.touch(new RowRef(NbTable.PORT_GROUP, cp.portGroup));
    LivePortGroup pg = portGroups.remove(cp.portGroup);
    SubjectContent subject = cp.subject;
    subject.rows.remove(pg);
    for (RuleUnit ru : cp.rules) {
      ru.unsubscribeNamed();
    }
    if (subject.rows.isEmpty()) {
      unregister(subject.usage);
      subjects.remove(subject.key);
    }
    for (RuleUnit ru : cp.rules) {
      for (LiveAddressSet as : ru.namedAddressSets()) {
        delta.touch(new RowRef(NbTable.ADDRESS_SET, as.name));
        addressSets.remove(as.name);
      }
      AddressContent c = ru.content;
      if (c != null && --c.ruleRefs == 0) {
        for (LiveAddressSet as : c.shared) {
          delta.touch(new RowRef(NbTable.ADDRESS_SET, as.name));
          addressSets.remove(as.name);
          c.rows.remove(as);
        }
        java.util.Arrays.fill(c.shared, null);
        if (c.rows.isEmpty()) {
          for (Usage u : c.usages) {
            unregister(u);
          }
          nodeUsages.removeAll(c.nodeUsages);
          contents.remove(c.key);
        }
      }
      for (String d : ru.domains) {
        unrefDomain(d);
      }
      for (String k : ru.aclKeys) {
        delta.touch(new RowRef(NbTable.ACL, k));
        acls.remove(k);
      }
      ru.aclKeys.clear();
      dirtyRules.remove(ru);
      ru.dead = true;
    }
    for (String k : cp.fixedAclKeys) {
      delta.touch(new RowRef(NbTable.ACL, k));
      acls.remove(k);
    }
  }

  private void unregister(Usage u) {
    usages.remove(u);
    for (int pid = u.members.nextSetBit(0); pid >= 0; pid = u.members.nextSetBit(pid + 1)) {
      usagesByPod.get(pid).clear(u.id);
    }
    u.members.clear();
    usageById.set(u.id, null);
    freeUsageIds.push(u.id);
  }

  private CompiledPolicy compileRows(Policy p) {
    CompiledPolicy cp = new CompiledPolicy(p, Naming.portGroup(p));
    String kind = p.ref().kind().kindName();
    String owner = p.ref().qualifiedName();
    delta.touch(new RowRef(NbTable.PORT_GROUP, cp.portGroup));
    SubjectContent subject = subjects.get(p.subject());
    if (subject == null) {
      subject = new SubjectContent(p.subject());
      subjects.put(p.subject(), subject);
      subject.usage = new Usage(p.subject(), subject);
      register(subject.usage);
    }
    cp.subject = subject;
    portGroups.put(cp.portGroup, new LivePortGroup(cp.portGroup, Ownership.ids(kind, owner, cp.portGroup), subject));
    for (Direction d : Direction.values()) {
      for (Rule r : p.rules(d)) {
        cp.rules.add(compileRule(cp, d, r, kind, owner));
      }
    }
    return cp;
  }

  private RuleUnit compileRule(CompiledPolicy cp, Direction d, Rule r, String kind, String owner) {
    Policy p = cp.policy;
    RuleUnit ru = new RuleUnit(cp, d, r);
    boolean addressPeers = false;
    for (Peer peer : r.peers()) {
      if (peer instanceof Peer.Pods || peer instanceof Peer.Nodes) {
        addressPeers = true;
      } else if (peer instanceof Peer.Networks nw) {
        addressPeers |= nw.except().isEmpty();
      } else if (peer instanceof Peer.DomainNames dn) {
        ru.domains.addAll(dn.names());
      } else if (peer instanceof Peer.Any) {
        ru.matchAll = true;
      } else if (peer instanceof Peer.Unknown) {
        // Fail closed: for Deny and Pass the rule matches everything; for Allow this peer adds nothing.
        ru.matchAll |= r.action() != Action.ALLOW;
      }
    }
    if (addressPeers) {
      ru.content = content(r);
      AddressContent c = ru.content;
      if (c.ruleRefs++ == 0) {
        // the first rule with these peers: their Address_Sets, shared with every later rule that has the same ones
        String canonical = c.key.canonical();
        for (Family f : Family.values()) {
          String name = Naming.peerAddressSet(canonical, f);
          delta.touch(new RowRef(NbTable.ADDRESS_SET, name));
          LiveAddressSet as =
              new LiveAddressSet(
                  name,
                  Ownership.ids(
                      PEERS_OWNER_TYPE,
                      name.substring(0, name.length() - 3),
                      name,
                      "netctl.io/peers",
                      abbreviate(canonical),
                      "netctl.io/ip-family",
                      f == Family.V4 ? "v4" : "v6"),
                  c,
                  f);
          addressSets.put(name, as);
          c.shared[f.ordinal()] = as;
        }
      }
      ru.as4 = c.shared[Family.V4.ordinal()];
      ru.as6 = c.shared[Family.V6.ordinal()];
      if (d == Direction.EGRESS && ru.namedPorts) {
        ru.subscribeNamed(ru.content, ru.content.named, ru.content.members());
      }
    }
    for (String domain : ru.domains) {
      refDomain(domain);
    }
    if (d == Direction.INGRESS && ru.namedPorts) {
      ru.subscribeNamed(cp.subject, cp.subject.named, cp.subject.usage.members);
    }
    return ru;
  }

  /** The address content for a rule's pod, node and network peers: shared with every rule that has the same ones. */
  private AddressContent content(Rule r) {
    Set<PodSelection> pods = new LinkedHashSet<>();
    Set<LabelSelector> nodeSelectors = new LinkedHashSet<>();
    Set<String> cidrs = new LinkedHashSet<>();
    for (Peer peer : r.peers()) {
      if (peer instanceof Peer.Pods pp) {
        pods.add(pp.selection());
      } else if (peer instanceof Peer.Nodes np) {
        nodeSelectors.add(np.selector());
      } else if (peer instanceof Peer.Networks nw && nw.except().isEmpty()) {
        cidrs.addAll(nw.cidrs());
      }
    }
    ContentKey key = new ContentKey(Set.copyOf(pods), Set.copyOf(nodeSelectors), Set.copyOf(cidrs));
    AddressContent c = contents.get(key);
    if (c != null) {
      return c;
    }
    c = new AddressContent(key);
    contents.put(key, c);
    for (PodSelection sel : pods) {
      Usage u = new Usage(sel, c);
      c.usages.add(u);
      register(u);
    }
    for (LabelSelector sel : nodeSelectors) {
      NodeUsage nu = new NodeUsage(sel, c);
      c.nodeUsages.add(nu);
      nodeUsages.add(nu);
      for (Node n : nodes.values()) {
        if (sel.matches(n.labels())) {
          nu.members.add(n.name());
          n.addresses().forEach(c::inc);
        }
      }
    }
    cidrs.forEach(c::inc);
    return c;
  }

  /** What makes two rules' peer addresses the same. */
  private record ContentKey(Set<PodSelection> pods, Set<LabelSelector> nodes, Set<String> cidrs) {
    /** The same description whatever the order of the peers: their sorted string forms. */
    String canonical() {
      return "pods " + sorted(pods) + "; nodes " + sorted(nodes) + "; networks " + sorted(cidrs);
    }

    private static List<String> sorted(Set<?> s) {
      List<String> l = new ArrayList<>();
      for (Object o : s) {
        l.add(o instanceof PodSelection ps
            ? (ps.fixedNamespace() ? "namespace " + ps.namespace() : "namespaces " + ps.namespaces())
                + " pods " + ps.pods()
            : String.valueOf(o));
      }
      Collections.sort(l);
      return l;
    }
  }

  /** The owner type of the shared peer Address_Sets ({@link Naming#peerAddressSet}). */
  public static final String PEERS_OWNER_TYPE = "Peers";

  /** An external_ids value of at most 255 characters (OVSDB has no limit, but ovn-nbctl listings stay readable). */
  private static String abbreviate(String s) {
    return s.length() <= 255 ? s : s.substring(0, 252) + "...";
  }

  private void register(Usage u) {
    if (freeUsageIds.isEmpty()) {
      u.id = usageById.size();
      usageById.add(u);
    } else {
      u.id = freeUsageIds.pop();
      usageById.set(u.id, u);
    }
    usages.add(u);
    BitSet ids = select(u.selection);
    for (int id = ids.nextSetBit(0); id >= 0; id = ids.nextSetBit(id + 1)) {
      addMember(u, id, podById.get(id));
    }
  }

  private void reallocate(Tier tier) {
    List<PriorityAllocator.Request> reqs = new ArrayList<>();
    Map<ObjectRef, CompiledPolicy> inTier = new HashMap<>();
    for (CompiledPolicy cp : compiled.values()) {
      if (cp.policy.kind().tier() == tier) {
        Policy p = cp.policy;
        int width = Math.max(1, Math.max(p.ingress().size(), p.egress().size()));
        int prio = p.kind() == PolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? PriorityAllocator.BANP_PRIORITY : p.priority();
        reqs.add(new PriorityAllocator.Request(p.ref(), prio, p.kind().ordinal(), width));
        inTier.put(p.ref(), cp);
      }
    }
    PriorityAllocator.Allocation alloc = PriorityAllocator.allocate(reqs);
    Map<ObjectRef, Integer> newTops = alloc.tops();
    for (CompiledPolicy cp : inTier.values()) {
      Integer top = newTops.get(cp.policy.ref());
      if (!Objects.equals(top, cp.top) || !cp.aclsBuilt) {
        cp.top = top;
        dirtyRules.addAll(cp.rules);
      }
    }
    tops.put(tier, new HashMap<>(newTops));
    tierDiagnostics.put(tier, tierDiagnostics(tier, reqs, alloc));
  }

  private List<Diagnostic> tierDiagnostics(
      Tier tier, List<PriorityAllocator.Request> reqs, PriorityAllocator.Allocation alloc) {
    List<Diagnostic> out = new ArrayList<>();
    Map<Integer, List<ObjectRef>> byPriority = new TreeMap<>();
    for (PriorityAllocator.Request r : reqs) {
      byPriority.computeIfAbsent(r.priority(), k -> new ArrayList<>()).add(r.ref());
    }
    for (Map.Entry<Integer, List<ObjectRef>> e : byPriority.entrySet()) {
      if (e.getValue().size() < 2) {
        continue;
      }
      List<ObjectRef> same = new ArrayList<>(e.getValue());
      same.sort(
          (a, b) -> {
            int c = Integer.compare(compiled.get(a).policy.kind().ordinal(), compiled.get(b).policy.kind().ordinal());
            return c != 0 ? c : a.name().compareTo(b.name());
          });
      for (ObjectRef r : same) {
        List<String> others = new ArrayList<>();
        for (ObjectRef o : same) {
          if (!o.equals(r)) {
            others.add(o.toString());
          }
        }
        out.add(
            Diagnostic.warning(
                Code.DUPLICATE_PRIORITY,
                locations.get(r),
                r,
                "spec.priority",
                "priority " + e.getKey() + " is shared with " + String.join(", ", others)
                    + " in the " + tier.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + " tier; netctl orders them by kind, then name: " + same));
      }
    }
    for (ObjectRef r : alloc.unplaced()) {
      out.add(
          Diagnostic.error(
              Code.PRIORITY_RANGE_EXHAUSTED,
              locations.get(r),
              r,
              "spec",
              "the tier's rules need more than the " + (PriorityAllocator.HIGH - PriorityAllocator.LOW + 1)
                  + " ACL priorities OVN offers; this policy is not programmed"));
    }
    return out;
  }

  // ==== ACLs ========================================================================================================

  private void flushDirtyRules() {
    if (dirtyRules.isEmpty()) {
      return;
    }
    List<RuleUnit> todo = new ArrayList<>(dirtyRules);
    dirtyRules.clear();
    for (RuleUnit ru : todo) {
      if (!ru.dead) {
        rebuildAcls(ru);
        ru.owner.aclsBuilt = true;
      }
    }
  }

  private void rebuildAcls(RuleUnit ru) {
    List<Acl> now = ru.owner.top == null ? List.of() : buildAcls(ru);
    Set<String> newKeys = new LinkedHashSet<>();
    for (Acl a : now) {
      newKeys.add(a.key());
    }
    for (String k : ru.aclKeys) {
      if (!newKeys.contains(k)) {
        delta.touch(new RowRef(NbTable.ACL, k));
        acls.remove(k);
      }
    }
    for (Acl a : now) {
      Acl old = acls.get(a.key());
      if (!a.equals(old)) {
        delta.touch(a.ref());
        acls.put(a.key(), a);
      }
    }
    ru.aclKeys.clear();
    ru.aclKeys.addAll(newKeys);
  }

  private void rebuildFixedAcls(CompiledPolicy cp) {
    Policy p = cp.policy;
    List<Acl> now = new ArrayList<>();
    for (Direction d : p.isolates()) {
      String portSel = portSelector(d, cp.portGroup);
      String sev = p.logging().severity(Action.DENY);
      now.add(
          acl(cp, d, Naming.aclId(p, d, "default-deny"), Naming.aclName(p, d, "deny"), Priorities.NP_DEFAULT_DENY,
              portSel + " && ip", AclAction.DROP, sev, "netctl.io/rule", "default-deny"));
      now.add(
          acl(cp, d, Naming.aclId(p, d, "arp-nd"), Naming.aclName(p, d, "arp"), Priorities.NP_ARP_ND_ALLOW,
              portSel + " && (arp || nd)", AclAction.ALLOW, null, "netctl.io/rule", "arp-nd"));
    }
    for (Acl a : now) {
      delta.touch(a.ref());
      acls.put(a.key(), a);
      cp.fixedAclKeys.add(a.key());
    }
  }

  private static String portSelector(Direction d, String pg) {
    return (d == Direction.INGRESS ? "outport == @" : "inport == @") + pg;
  }

  private Acl acl(
      CompiledPolicy cp, Direction d, String id, String name, int priority, String match, AclAction action,
      String severity, String... extra) {
    Policy p = cp.policy;
    String[] ext = new String[extra.length + 2];
    ext[0] = "netctl.io/direction";
    ext[1] = d.k8s();
    System.arraycopy(extra, 0, ext, 2, extra.length);
    SortedMap<String, String> options = new TreeMap<>();
    if (d == Direction.EGRESS) {
      // Egress ACLs see the packet after load balancing, so that a Service's backends match as pods (as in
      // ovn-kubernetes and Kube-OVN).
      options.put("apply-after-lb", "true");
    }
    String meter = severity == null ? null : p.logging().meter();
    return new Acl(
        cp.portGroup,
        d == Direction.INGRESS ? AclDirection.TO_LPORT : AclDirection.FROM_LPORT,
        p.kind().tier().ovnTier(),
        priority,
        match,
        action,
        name,
        severity != null,
        severity,
        meter,
        options,
        Ownership.ids(p.ref().kind().kindName(), p.ref().qualifiedName(), id, ext));
  }

  private List<Acl> buildAcls(RuleUnit ru) {
    CompiledPolicy cp = ru.owner;
    Policy p = cp.policy;
    Rule r = ru.rule;
    Direction d = ru.direction;
    String side = d == Direction.INGRESS ? "src" : "dst";
    String peer = null;
    if (!ru.matchAll) {
      List<String> terms = new ArrayList<>();
      if (ru.as4 != null) {
        terms.add("ip4." + side + " == $" + ru.as4.name);
        terms.add("ip6." + side + " == $" + ru.as6.name);
      }
      for (String domain : ru.domains) {
        terms.add("ip4.dst == $" + Naming.domainAddressSet(domain, Family.V4));
        terms.add("ip6.dst == $" + Naming.domainAddressSet(domain, Family.V6));
      }
      for (Peer pe : r.peers()) {
        if (pe instanceof Peer.Networks nw && !nw.except().isEmpty()) {
          String f = IpAddresses.familyOf(nw.cidrs().get(0)).ovn();
          terms.add("(" + f + "." + side + " == " + nw.cidrs().get(0) + " && " + f + "." + side + " != "
              + set(nw.except()) + ")");
        }
      }
      if (terms.isEmpty()) {
        return List.of(); // nothing can match: an Allow whose only peers fail closed
      }
      peer = terms.size() == 1 ? terms.get(0) : "(" + String.join(" || ", terms) + ")";
    }
    String head = portSelector(d, cp.portGroup) + " && " + (peer == null ? "ip" : peer);
    int priority = p.kind() == PolicyKind.NETWORK_POLICY ? Priorities.NP_ALLOW : cp.top - r.index();
    AclAction action =
        switch (r.action()) {
          case ALLOW -> AclAction.ALLOW_RELATED;
          case DENY -> AclAction.DROP;
          case PASS -> AclAction.PASS;
        };
    String severity = p.logging().severity(r.action());
    String name = Naming.aclName(p, d, p.kind() == PolicyKind.NETWORK_POLICY ? "r" + r.index() : String.valueOf(r.index()));
    String[] extra = r.name().isEmpty()
        ? new String[] {"netctl.io/rule-index", String.valueOf(r.index())}
        : new String[] {"netctl.io/rule-index", String.valueOf(r.index()), "netctl.io/rule-name", r.name()};
    if (r.ports().isEmpty()) {
      return List.of(acl(cp, d, Naming.aclId(p, d, r.index(), null), name, priority, head, action, severity, extra));
    }
    List<Acl> out = new ArrayList<>();
    Map<Protocol, String> l4 = l4Matches(ru);
    for (Map.Entry<Protocol, String> e : l4.entrySet()) {
      out.add(
          acl(cp, d, Naming.aclId(p, d, r.index(), e.getKey()), name, priority, head + " && " + e.getValue(), action,
              severity, extra));
    }
    return out;
  }

  /** Per protocol, the destination-port condition of a rule; protocols with nothing to match are absent. */
  private Map<Protocol, String> l4Matches(RuleUnit ru) {
    Map<Protocol, TreeSet<Integer>> numbers = new EnumMap<>(Protocol.class);
    Map<Protocol, TreeMap<Long, String>> ranges = new EnumMap<>(Protocol.class);
    Set<Protocol> anyPort = java.util.EnumSet.noneOf(Protocol.class);
    for (PortSpec ps : ru.rule.ports()) {
      if (ps instanceof PortSpec.Number n) {
        numbers.computeIfAbsent(n.protocol(), k -> new TreeSet<>()).add(n.port());
      } else if (ps instanceof PortSpec.Range r) {
        ranges.computeIfAbsent(r.protocol(), k -> new TreeMap<>())
            .put(((long) r.start() << 16) | r.end(), r.start() + " <= " + r.protocol().ovn() + ".dst <= " + r.end());
      } else if (ps instanceof PortSpec.AnyPort a) {
        anyPort.add(a.protocol());
      }
    }
    Map<Protocol, String> out = new EnumMap<>(Protocol.class);
    for (Protocol proto : Protocol.values()) {
      if (anyPort.contains(proto)) {
        out.put(proto, proto.ovn());
        continue;
      }
      List<String> clauses = new ArrayList<>();
      TreeSet<Integer> nums = numbers.get(proto);
      if (nums != null) {
        clauses.add(proto.ovn() + ".dst == " + (nums.size() == 1 ? nums.first().toString() : set(nums)));
      }
      TreeMap<Long, String> rs = ranges.get(proto);
      if (rs != null) {
        clauses.addAll(rs.values());
      }
      for (Map.Entry<Integer, LiveAddressSet[]> e : ru.namedRows.entrySet()) {
        if (e.getKey() >>> 16 == proto.ordinal()) {
          LiveAddressSet[] n = e.getValue();
          clauses.add("((ip4.dst == $" + n[0].name + " || ip6.dst == $" + n[1].name + ") && " + proto.ovn() + ".dst == "
              + (e.getKey() & 0xffff) + ")");
        }
      }
      if (!clauses.isEmpty()) {
        out.put(proto, clauses.size() == 1 ? clauses.get(0) : "(" + String.join(" || ", clauses) + ")");
      }
    }
    return out;
  }

  private static String set(Collection<?> items) {
    StringBuilder sb = new StringBuilder("{");
    for (Object o : items) {
      sb.append(sb.length() > 1 ? ", " : "").append(o);
    }
    return sb.append('}').toString();
  }

  // ==== rows for the delta recorder =================================================================================

  private io.netctl.ovn.nb.NbRow currentRow(RowRef ref) {
    return switch (ref.table()) {
      case PORT_GROUP -> {
        LivePortGroup pg = portGroups.get(ref.key());
        yield pg == null ? null : pg.row();
      }
      case ADDRESS_SET -> {
        LiveAddressSet as = addressSets.get(ref.key());
        yield as == null ? null : as.row();
      }
      case ACL -> acls.get(ref.key());
      default -> null;
    };
  }

  // ==== units ========================================================================================================

  /** Something whose rows depend on which pods a selection matches. */
  private abstract static class Unit {
    /** {@code p} joined selection {@code via} (whose member bit is already set). */
    abstract void memberJoined(Pod p, int podId, Usage via);

    /** {@code p} left selection {@code via} (whose member bit is already cleared). */
    abstract void memberLeft(Pod p, int podId, Usage via);
  }

  /** One use of a pod selection: a policy's subject or one pod peer of a rule. */
  static final class Usage {
    final PodSelection selection;
    final Unit unit;
    /** Ids of the pods selected. */
    final BitSet members = new BitSet();
    int id;

    Usage(PodSelection selection, Unit unit) {
      this.selection = selection;
      this.unit = unit;
    }
  }

  private static final class NodeUsage {
    final LabelSelector selector;
    final AddressContent content;
    final Set<String> members = new HashSet<>();

    NodeUsage(LabelSelector selector, AddressContent content) {
      this.selector = selector;
      this.content = content;
    }
  }

  private static final class CompiledPolicy {
    final Policy policy;
    final String portGroup;
    SubjectContent subject;
    final List<RuleUnit> rules = new ArrayList<>();
    final List<String> fixedAclKeys = new ArrayList<>();
    Integer top;
    boolean aclsBuilt;

    CompiledPolicy(Policy policy, String portGroup) {
      this.policy = policy;
      this.portGroup = portGroup;
    }
  }

  /**
   * The logical switch ports of a subject selection and the Port_Group rows that show them: policies with the same
   * subject share one, so its membership and sorting happen once.
   */
  private final class SubjectContent extends Unit {
    final PodSelection key;
    Usage usage;
    final Set<String> ports = new HashSet<>();
    final List<LivePortGroup> rows = new ArrayList<>();
    /** Named-port resolutions of ingress rules on the subject's pods. */
    final List<NamedTargets> named = new ArrayList<>();
    private SortedSet<String> sorted;

    SubjectContent(PodSelection key) {
      this.key = key;
    }

    SortedSet<String> sorted() {
      if (sorted == null) {
        sorted = PortGroup.of("", ports, Map.of()).ports();
      }
      return sorted;
    }

    @Override
    void memberJoined(Pod p, int podId, Usage via) {
      String lsp = options.lspNaming().lspName(p);
      if (ports.add(lsp)) {
        sorted = null;
        for (int i = 0, n = rows.size(); i < n; i++) {
          delta.memberAdded(rows.get(i).ref, lsp);
        }
      }
      for (int i = 0, n = named.size(); i < n; i++) {
        named.get(i).joined(p);
      }
    }

    @Override
    void memberLeft(Pod p, int podId, Usage via) {
      String lsp = options.lspNaming().lspName(p);
      if (ports.remove(lsp)) {
        sorted = null;
        for (int i = 0, n = rows.size(); i < n; i++) {
          delta.memberRemoved(rows.get(i).ref, lsp);
        }
      }
      for (int i = 0, n = named.size(); i < n; i++) {
        named.get(i).left(p);
      }
    }
  }

  private final class RuleUnit {
    final CompiledPolicy owner;
    final Direction direction;
    final Rule rule;
    /** The rule's pod, node and network peer addresses, shared with rules that have the same peers; or null. */
    AddressContent content;
    final List<String> domains = new ArrayList<>();
    final List<String> aclKeys = new ArrayList<>();
    final boolean namedPorts;
    LiveAddressSet as4;
    LiveAddressSet as6;
    boolean matchAll;
    boolean dead;

    RuleUnit(CompiledPolicy owner, Direction direction, Rule rule) {
      this.owner = owner;
      this.direction = direction;
      this.rule = rule;
      this.namedPorts = rule.usesNamedPorts();
    }

    /** Named-port Address_Sets (v4, v6) by {@code protocol ordinal << 16 | port}. */
    final TreeMap<Integer, LiveAddressSet[]> namedRows = new TreeMap<>();
    NamedTargets named;

    /** The named-port Address_Sets of this rule alone (its peer sets are its content's, shared). */
    List<LiveAddressSet> namedAddressSets() {
      List<LiveAddressSet> l = new ArrayList<>();
      for (LiveAddressSet[] n : namedRows.values()) {
        l.add(n[0]);
        l.add(n[1]);
      }
      return l;
    }

    /** Resolves this rule's named ports on {@code targets} (subject or peers), sharing with identical rules. */
    void subscribeNamed(Object targets, List<NamedTargets> hooks, BitSet members) {
      Set<PortSpec.Named> specs = new LinkedHashSet<>();
      for (PortSpec ps : rule.ports()) {
        if (ps instanceof PortSpec.Named n) {
          specs.add(n);
        }
      }
      NamedKey key = new NamedKey(targets, Set.copyOf(specs));
      NamedTargets nt = namedTargets.get(key);
      if (nt == null) {
        nt = new NamedTargets(key, hooks);
        namedTargets.put(key, nt);
        hooks.add(nt);
        for (int id = members.nextSetBit(0); id >= 0; id = members.nextSetBit(id + 1)) {
          nt.joined(podById.get(id));
        }
      }
      named = nt;
      nt.rules.add(this);
      for (Map.Entry<Integer, NamedTargets.Port> e : nt.ports.entrySet()) {
        namedPortAppeared(e.getKey(), e.getValue().content);
      }
    }

    void unsubscribeNamed() {
      if (named == null) {
        return;
      }
      for (int key : new ArrayList<>(namedRows.keySet())) {
        namedPortGone(key);
      }
      named.rules.remove(this);
      if (named.rules.isEmpty()) {
        named.hooks.remove(named);
        namedTargets.remove(named.key);
      }
      named = null;
    }

    /** Rows for a port number the named ports now resolve to; the ACL gains a clause. */
    void namedPortAppeared(int key, AddressContent content) {
      Protocol proto = Protocol.values()[key >>> 16];
      int port = key & 0xffff;
      Policy p = owner.policy;
      LiveAddressSet[] rows = new LiveAddressSet[2];
      for (Family f : Family.values()) {
        String name = Naming.namedPortAddressSet(owner.portGroup, direction, rule.index(), proto, port, f);
        delta.touch(new RowRef(NbTable.ADDRESS_SET, name));
        LiveAddressSet as =
            new LiveAddressSet(
                name,
                Ownership.ids(
                    p.ref().kind().kindName(),
                    p.ref().qualifiedName(),
                    name,
                    "netctl.io/direction",
                    direction.k8s(),
                    "netctl.io/rule-index",
                    String.valueOf(rule.index()),
                    "netctl.io/ip-family",
                    f == Family.V4 ? "v4" : "v6",
                    "netctl.io/port",
                    proto.ovn() + "/" + port),
                content,
                f);
        addressSets.put(name, as);
        rows[f.ordinal()] = as;
      }
      namedRows.put(key, rows);
      dirtyRules.add(this);
    }

    /** A port number no target declares any more: its rows go, and its clause. */
    void namedPortGone(int key) {
      LiveAddressSet[] rows = namedRows.remove(key);
      for (LiveAddressSet as : rows) {
        delta.touch(as.ref);
        addressSets.remove(as.name);
        as.content.rows.remove(as);
      }
      dirtyRules.add(this);
    }
  }

  /** Named ports of some rules resolved on some pods, by the same names: shared by those rules. */
  private record NamedKey(Object targets, Set<PortSpec.Named> specs) {}

  /** The pods on which a set of named ports resolve to each (protocol, port), shared by the rules that use them. */
  private final class NamedTargets {
    final NamedKey key;
    final List<NamedTargets> hooks;
    final List<RuleUnit> rules = new ArrayList<>();
    final TreeMap<Integer, Port> ports = new TreeMap<>();

    /** The pods resolving to one (protocol, port). */
    final class Port {
      final AddressContent content = new AddressContent(null);
      int pods;
    }

    NamedTargets(NamedKey key, List<NamedTargets> hooks) {
      this.key = key;
      this.hooks = hooks;
    }

    /** The distinct (protocol, port) keys a pod's container ports give these named ports. */
    private int[] resolve(Pod p) {
      int[] keys = new int[p.ports().size()];
      int n = 0;
      for (ContainerPort cp : p.ports()) {
        for (PortSpec.Named named : key.specs()) {
          if (cp.name().equals(named.name()) && (named.protocol() == null || named.protocol() == cp.protocol())) {
            int k = cp.protocol().ordinal() << 16 | cp.port();
            boolean seen = false;
            for (int i = 0; i < n && !seen; i++) {
              seen = keys[i] == k;
            }
            if (!seen) {
              keys[n++] = k;
            }
            break;
          }
        }
      }
      return n == keys.length ? keys : java.util.Arrays.copyOf(keys, n);
    }

    void joined(Pod p) {
      for (int k : resolve(p)) {
        Port port = ports.get(k);
        if (port == null) {
          port = new Port();
          ports.put(k, port);
          for (int i = 0, n = rules.size(); i < n; i++) {
            rules.get(i).namedPortAppeared(k, port.content);
          }
        }
        port.pods++;
        for (String ip : p.ips()) {
          port.content.inc(ip);
        }
      }
    }

    void left(Pod p) {
      for (int k : resolve(p)) {
        Port port = ports.get(k);
        for (String ip : p.ips()) {
          port.content.dec(ip);
        }
        if (--port.pods == 0) {
          ports.remove(k);
          for (int i = 0, n = rules.size(); i < n; i++) {
            rules.get(i).namedPortGone(k);
          }
        }
      }
    }
  }

  // ==== live rows ===================================================================================================

  /** A Port_Group row: its name and ids, and the subject whose ports it shows. */
  private final class LivePortGroup {
    final String name;
    final SortedMap<String, String> externalIds;
    final SubjectContent subject;
    final RowRef ref;

    LivePortGroup(String name, SortedMap<String, String> externalIds, SubjectContent subject) {
      this.name = name;
      this.externalIds = externalIds;
      this.subject = subject;
      this.ref = new RowRef(NbTable.PORT_GROUP, name);
      subject.rows.add(this);
    }

    PortGroup row() {
      return new PortGroup(name, subject.sorted(), externalIds);
    }
  }

  /** An Address_Set row: its name and ids, and the content (of its family) it shows. */
  private final class LiveAddressSet {
    final String name;
    final SortedMap<String, String> externalIds;
    final AddressContent content;
    final Family family;
    final RowRef ref;

    LiveAddressSet(String name, SortedMap<String, String> externalIds, AddressContent content, Family family) {
      this.name = name;
      this.externalIds = externalIds;
      this.content = content;
      this.family = family;
      this.ref = new RowRef(NbTable.ADDRESS_SET, name);
      content.rows.add(this);
    }

    AddressSet row() {
      return new AddressSet(name, content.sorted(family), externalIds);
    }
  }

  /**
   * Reference-counted addresses (both families) and the rows that show them. Rules with the same pod, node and network
   * peers share one: their memberships are computed once, their sorted contents built once; a change reaches every
   * row as an element delta. Named-port and domain-name sets have a content of their own.
   */
  private final class AddressContent extends Unit {
    final ContentKey key;
    /** Its Address_Sets (v4, v6) while {@link #ruleRefs} rules use it; null for named-port and domain contents. */
    final LiveAddressSet[] shared = new LiveAddressSet[2];
    /** The rules whose peers these are. */
    int ruleRefs;
    final List<Usage> usages = new ArrayList<>();
    final List<NodeUsage> nodeUsages = new ArrayList<>();
    final List<LiveAddressSet> rows = new ArrayList<>();
    /** Named-port resolutions of egress rules on these pods. */
    final List<NamedTargets> named = new ArrayList<>();
    @SuppressWarnings("unchecked")
    private final Map<String, Integer>[] counts = new Map[] {new HashMap<String, Integer>(), new HashMap<String, Integer>()};
    @SuppressWarnings("unchecked")
    private final SortedSet<String>[] sorted = new SortedSet[2];

    AddressContent(ContentKey key) {
      this.key = key;
    }

    SortedSet<String> sorted(Family f) {
      SortedSet<String> s = sorted[f.ordinal()];
      if (s == null) {
        s = AddressSet.of("", counts[f.ordinal()].keySet(), Map.of()).addresses();
        sorted[f.ordinal()] = s;
      }
      return s;
    }

    void inc(String a) {
      Family f = IpAddresses.familyOf(a);
      if (counts[f.ordinal()].merge(a, 1, Integer::sum) == 1) {
        sorted[f.ordinal()] = null;
        for (int i = 0, n = rows.size(); i < n; i++) {
          LiveAddressSet r = rows.get(i);
          if (r.family == f) {
            delta.memberAdded(r.ref, a);
          }
        }
      }
    }

    void dec(String a) {
      Family f = IpAddresses.familyOf(a);
      Map<String, Integer> m = counts[f.ordinal()];
      Integer n = m.get(a);
      if (n == null) {
        return;
      }
      if (n > 1) {
        m.put(a, n - 1);
        return;
      }
      m.remove(a);
      sorted[f.ordinal()] = null;
      for (int i = 0, k = rows.size(); i < k; i++) {
        LiveAddressSet r = rows.get(i);
        if (r.family == f) {
          delta.memberRemoved(r.ref, a);
        }
      }
    }

    /** Ids of the pods any of the pod peers selects. */
    BitSet members() {
      BitSet ids = new BitSet();
      usages.forEach(u -> ids.or(u.members));
      return ids;
    }

    /** Whether a pod peer other than {@code except} selects the pod. */
    private boolean selectedElsewhere(int podId, Usage except) {
      int n = usages.size();
      if (n == 1) {
        return false; // the common case: one pod peer, no need to touch another bit set
      }
      for (int i = 0; i < n; i++) {
        Usage u = usages.get(i);
        if (u != except && u.members.get(podId)) {
          return true;
        }
      }
      return false;
    }

    @Override
    void memberJoined(Pod p, int podId, Usage via) {
      if (!selectedElsewhere(podId, via)) {
        for (String ip : p.ips()) {
          inc(ip);
        }
        for (int i = 0, n = named.size(); i < n; i++) {
          named.get(i).joined(p);
        }
      }
    }

    @Override
    void memberLeft(Pod p, int podId, Usage via) {
      if (!selectedElsewhere(podId, via)) {
        for (String ip : p.ips()) {
          dec(ip);
        }
        for (int i = 0, n = named.size(); i < n; i++) {
          named.get(i).left(p);
        }
      }
    }
  }

  // ==== the usage index =============================================================================================

  /**
   * Finds the pod selections a pod's labels can affect. A selection with {@code matchLabels} is filed under one of
   * its label pairs (a matching pod must carry it); one whose first expression is {@code In} under each of its
   * values; a selection that ignores pod labels under "all pods"; anything else is scanned.
   */
  private static final class UsageIndex {
    final Map<String, Set<Usage>> byLabel = new HashMap<>();
    final Set<Usage> allPods = new LinkedHashSet<>();
    final Set<Usage> scan = new LinkedHashSet<>();
    /** Non-fixed selections by namespace selector, for namespace label changes. */
    final Map<LabelSelector, List<Usage>> byNamespaceSelector = new HashMap<>();

    private List<String> keys(LabelSelector s) {
      if (!s.matchLabels().isEmpty()) {
        Map.Entry<String, String> e = s.matchLabels().entrySet().iterator().next();
        return List.of(labelKey(e.getKey(), e.getValue()));
      }
      for (LabelSelector.Requirement r : s.matchExpressions()) {
        if (r.operator() == LabelSelector.Operator.IN) {
          List<String> ks = new ArrayList<>();
          for (String v : r.values()) {
            ks.add(labelKey(r.key(), v));
          }
          return ks;
        }
      }
      return null;
    }

    void add(Usage u) {
      LabelSelector ps = u.selection.pods();
      if (ps.isEmpty()) {
        allPods.add(u);
      } else {
        List<String> ks = keys(ps);
        if (ks == null) {
          scan.add(u);
        } else {
          for (String k : ks) {
            byLabel.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(u);
          }
        }
      }
      if (!u.selection.fixedNamespace()) {
        byNamespaceSelector.computeIfAbsent(u.selection.namespaces(), k -> new ArrayList<>()).add(u);
      }
    }

    void remove(Usage u) {
      LabelSelector ps = u.selection.pods();
      if (ps.isEmpty()) {
        allPods.remove(u);
      } else {
        List<String> ks = keys(ps);
        if (ks == null) {
          scan.remove(u);
        } else {
          for (String k : ks) {
            Set<Usage> s = byLabel.get(k);
            if (s != null) {
              s.remove(u);
              if (s.isEmpty()) {
                byLabel.remove(k);
              }
            }
          }
        }
      }
      if (!u.selection.fixedNamespace()) {
        List<Usage> l = byNamespaceSelector.get(u.selection.namespaces());
        if (l != null) {
          l.remove(u);
          if (l.isEmpty()) {
            byNamespaceSelector.remove(u.selection.namespaces());
          }
        }
      }
    }

    /**
     * Visits the selections that may match a pod with these labels ({@code withAllPods}: also the label-blind ones),
     * each once: a selection is filed under one label key (several values of it at most), and a pod has one value per
     * key, so the buckets a pod's labels reach are disjoint.
     */
    void forEachCandidate(Map<String, String> labels, boolean withAllPods, java.util.function.Consumer<Usage> f) {
      if (withAllPods) {
        allPods.forEach(f);
      }
      scan.forEach(f);
      for (Map.Entry<String, String> e : labels.entrySet()) {
        Set<Usage> s = byLabel.get(labelKey(e.getKey(), e.getValue()));
        if (s != null) {
          s.forEach(f);
        }
      }
    }
  }

  // ==== delta recording =============================================================================================

  /**
   * Collects one event's change. Rows rebuilt whole are "touched" before their first modification and diffed at the
   * end; membership changes of rows that were not touched are accumulated element by element.
   */
  private static class DeltaRecorder {
    static final DeltaRecorder OFF = new DeltaRecorder(null);

    private final Function<RowRef, io.netctl.ovn.nb.NbRow> current;
    private final Map<RowRef, Optional> touched = new LinkedHashMap<>();
    /** Element changes in the order they happened; netted per row and element at the end. */
    private final List<Change> changes = new ArrayList<>();

    DeltaRecorder(Function<RowRef, io.netctl.ovn.nb.NbRow> current) {
      this.current = current;
    }

    /** A holder that can hold null. */
    private record Optional(io.netctl.ovn.nb.NbRow row) {}

    /** One element added (+1) to or removed (-1) from a row's set column. */
    private record Change(RowRef ref, String element, int sign) {}

    private static final java.util.Comparator<Change> ORDER =
        java.util.Comparator.comparing(Change::ref).thenComparing(Change::element);

    void touch(RowRef ref) {
      if (current == null || touched.containsKey(ref)) {
        return;
      }
      io.netctl.ovn.nb.NbRow before = current.apply(ref);
      if (!changes.isEmpty()) {
        // Element changes recorded before this row was touched: take them back out, and undo them on the row to get
        // the row as it was at the start of the event.
        Map<String, Integer> net = new HashMap<>();
        changes.removeIf(c -> {
          if (!c.ref().equals(ref)) {
            return false;
          }
          net.merge(c.element(), c.sign(), Integer::sum);
          return true;
        });
        if (before != null && !net.isEmpty()) {
          before = unapply(before, net);
        }
      }
      touched.put(ref, new Optional(before));
    }

    private static io.netctl.ovn.nb.NbRow unapply(io.netctl.ovn.nb.NbRow row, Map<String, Integer> m) {
      TreeSet<String> s = new TreeSet<>(row instanceof AddressSet as ? as.addresses() : ((PortGroup) row).ports());
      m.forEach((e, n) -> {
        if (n > 0) {
          s.remove(e);
        } else if (n < 0) {
          s.add(e);
        }
      });
      return row instanceof AddressSet as ? as.withAddresses(s) : ((PortGroup) row).withPorts(s);
    }

    private void change(RowRef ref, String e, int sign) {
      if (current == null || (!touched.isEmpty() && touched.containsKey(ref))) {
        return;
      }
      changes.add(new Change(ref, e, sign));
    }

    void memberAdded(RowRef ref, String e) {
      change(ref, e, 1);
    }

    void memberRemoved(RowRef ref, String e) {
      change(ref, e, -1);
    }

    NbDelta build() {
      NbDelta structural = NbDelta.EMPTY;
      if (!touched.isEmpty()) {
        NbState.Builder before = new NbState.Builder();
        NbState.Builder after = new NbState.Builder();
        for (Map.Entry<RowRef, Optional> e : touched.entrySet()) {
          if (e.getValue().row() != null) {
            before.put(e.getValue().row());
          }
          io.netctl.ovn.nb.NbRow now = current.apply(e.getKey());
          if (now != null) {
            after.put(now);
          }
        }
        structural = NbState.diff(before.build(), after.build());
      }
      if (changes.isEmpty()) {
        return structural;
      }
      List<io.netctl.ovn.nb.MemberChange> mc = new ArrayList<>(structural.memberChanges());
      changes.sort(ORDER);
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      int i = 0;
      while (i < changes.size()) {
        RowRef ref = changes.get(i).ref();
        added.clear();
        removed.clear();
        while (i < changes.size() && changes.get(i).ref().equals(ref)) {
          String e = changes.get(i).element();
          int net = 0;
          while (i < changes.size() && changes.get(i).ref().equals(ref) && changes.get(i).element().equals(e)) {
            net += changes.get(i).sign();
            i++;
          }
          if (net > 0) {
            added.add(e);
          } else if (net < 0) {
            removed.add(e);
          }
        }
        if (!added.isEmpty() || !removed.isEmpty()) {
          mc.add(io.netctl.ovn.nb.MemberChange.of(ref, added, removed));
        }
      }
      return new NbDelta(structural.upserts(), structural.deletes(), mc);
    }
  }

}

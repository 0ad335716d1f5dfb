package io.netctl.ovn.ovsdb;

import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.AclAction;
import io.netctl.ovn.nb.AddressSet;
import io.netctl.ovn.nb.LogicalRouterPolicy;
import io.netctl.ovn.nb.MemberChange;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbRow;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.nb.PortGroup;
import io.netctl.ovn.nb.RowRef;
import io.netctl.ovn.ovsdb.ChangeCounts.Kind;
import io.netctl.ovn.ovsdb.NbCache.AclRow;
import io.netctl.ovn.ovsdb.NbCache.AsRow;
import io.netctl.ovn.ovsdb.NbCache.PgRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the OVSDB operations that turn the owned rows of an {@link NbCache} into a desired {@link NbState}: a pure
 * function of the two (and of the scope), so it is tested without a server.
 *
 * <h2>Minimal operations</h2>
 * <ul>
 *   <li>Address_Set {@code addresses} and Port_Group {@code ports} change by {@code mutate} insert/delete of the
 *       difference, never by rewriting the set (a full rewrite floods ovn-controller, ovn-kubernetes #6679).
 *   <li>An ACL whose columns changed gets one {@code update} of the changed columns only. An ACL that moves to another
 *       Port_Group is detached from the old one and inserted anew (rare: the group is part of its identity).
 *   <li>New rows are inserted with named UUIDs. An ACL is not a root row: its insert travels in the same transaction as
 *       the {@code acls} mutation (or the Port_Group insert) that refers to it, or the server drops it at commit.
 *   <li>An owned row that is not desired is deleted; an owned ACL is removed from its Port_Groups' {@code acls} and the
 *       server collects it. A Port_Group's delete takes its ACLs with it.
 *   <li>Rows without netctl's ownership ids are never written. A desired name held by someone else's row is an
 *       error for that row (and its ACLs), not a takeover.
 * </ul>
 *
 * <h2>Transactions</h2>
 * Operations come in units that must commit together (a Port_Group with its new ACLs). Units are ordered so that
 * every intermediate state is consistent (Address_Sets before the ACLs that name them, inserts before deletes) and
 * packed into transactions of at most {@code maxOps} operations; a unit larger than that gets a transaction of its own.
 */
public final class Planner {

  /**
   * Which rows to look at: all of them (a full reconcile) or those an {@link NbDelta} touches.
   *
   * @param members for rows the delta changes only by a {@link MemberChange}: the change. Their members are then
   *     compared with the replica only for the elements the change names (a pod joining or leaving a set of
   *     thousands costs a few lookups, not a diff of the whole set); any difference elsewhere in such a row is left to
   *     the next whole-state plan (reconnect, periodic resync, {@link Reconciler#reconcile}).
   */
  public record Scope(
      boolean all,
      Set<String> portGroups,
      Set<String> addressSets,
      Set<String> acls,
      Map<RowRef, MemberChange> members,
      Set<String> routerPolicies) {
    public static final Scope ALL = new Scope(true, Set.of(), Set.of(), Set.of());

    public Scope {
      portGroups = Set.copyOf(portGroups);
      addressSets = Set.copyOf(addressSets);
      acls = Set.copyOf(acls);
      members = Map.copyOf(members);
      routerPolicies = Set.copyOf(routerPolicies);
    }

    public Scope(
        boolean all, Set<String> portGroups, Set<String> addressSets, Set<String> acls, Map<RowRef, MemberChange> m) {
      this(all, portGroups, addressSets, acls, m, Set.of());
    }

    public Scope(boolean all, Set<String> portGroups, Set<String> addressSets, Set<String> acls) {
      this(all, portGroups, addressSets, acls, Map.of());
    }

    /** The Logical_Router_Policies with these ids. */
    public static Scope routerPolicies(Set<String> ids) {
      return new Scope(false, Set.of(), Set.of(), Set.of(), Map.of(), ids);
    }

    public static Scope of(NbDelta d) {
      Set<String> pg = new HashSet<>();
      Set<String> as = new HashSet<>();
      Set<String> acl = new HashSet<>();
      Set<String> lrp = new HashSet<>();
      List<RowRef> refs = new ArrayList<>(d.deletes());
      for (NbRow r : d.upserts()) {
        refs.add(r.ref());
      }
      Map<RowRef, MemberChange> members = new HashMap<>();
      for (MemberChange m : d.memberChanges()) {
        refs.add(m.row());
        members.merge(m.row(), m, (x, y) -> null); // two changes of one row: compare the whole row
      }
      if (!members.isEmpty()) {
        Map<RowRef, Integer> seen = new HashMap<>();
        for (RowRef r : refs) {
          seen.merge(r, 1, Integer::sum);
        }
        members.keySet().removeIf(r -> seen.get(r) > 1); // also upserted or deleted: compare the whole row
      }
      for (RowRef r : refs) {
        switch (r.table()) {
          case PORT_GROUP -> pg.add(r.key());
          case ADDRESS_SET -> as.add(r.key());
          case ACL -> acl.add(r.key());
          case LOGICAL_ROUTER_POLICY -> lrp.add(r.key());
          default -> throw new IllegalArgumentException("table " + r.table() + " is not reconciled yet");
        }
      }
      return new Scope(false, pg, as, acl, members, lrp);
    }

    public static Scope portGroups(Set<String> names) {
      return new Scope(false, names, Set.of(), Set.of());
    }

    public Scope plus(Scope o) {
      if (all || o.all) {
        return ALL;
      }
      Map<RowRef, MemberChange> m = new HashMap<>();
      members.forEach((r, c) -> {
        if (!o.names(r)) {
          m.put(r, c);
        }
      });
      o.members.forEach((r, c) -> {
        if (!names(r)) {
          m.put(r, c);
        }
      });
      return new Scope(false, union(portGroups, o.portGroups), union(addressSets, o.addressSets), union(acls, o.acls),
          m, union(routerPolicies, o.routerPolicies));
    }

    /** Whether this scope names the row {@code r} for a whole comparison. */
    private boolean names(RowRef r) {
      if (members.containsKey(r)) {
        return false;
      }
      return switch (r.table()) {
        case PORT_GROUP -> portGroups.contains(r.key());
        case ADDRESS_SET -> addressSets.contains(r.key());
        case LOGICAL_ROUTER_POLICY -> routerPolicies.contains(r.key());
        default -> acls.contains(r.key());
      };
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
      Set<String> s = new HashSet<>(a);
      s.addAll(b);
      return s;
    }
  }

  /** One transaction: its operations, one readable note per operation (names, not UUIDs), and the rows it changes. */
  public record Txn(List<Operation> ops, List<String> notes, ChangeCounts counts) {
    public Txn {
      ops = List.copyOf(ops);
      notes = List.copyOf(notes);
    }
  }

  /**
   * What to do.
   *
   * @param transactions in order
   * @param warnings e.g. logical switch ports that do not exist yet
   * @param errors rows that cannot be programmed (taken names, features the NB lacks); the rest is still planned
   * @param missingPorts logical switch port name to the Port_Groups that want it
   * @param counts rows created, updated and deleted by all transactions
   */
  public record Plan(
      List<Txn> transactions,
      List<String> warnings,
      List<String> errors,
      Map<String, Set<String>> missingPorts,
      ChangeCounts counts) {
    public int operations() {
      return transactions.stream().mapToInt(t -> t.ops().size()).sum();
    }

    public boolean isEmpty() {
      return transactions.isEmpty();
    }
  }

  /**
   * @param maxOps most operations in one transaction
   * @param schemaVersion the NB schema version, for error messages
   */
  public record Options(int maxOps, String schemaVersion) {
    public static final int DEFAULT_MAX_OPS = 5_000;

    public Options {
      if (maxOps < 1) {
        throw new IllegalArgumentException("maxOps: " + maxOps + " (expected: >= 1)");
      }
    }
  }

  private enum Phase {
    ADDRESS_SET_UPSERT,
    PORT_GROUP_UPSERT,
    ROUTER_POLICY_UPSERT,
    ACL_UPDATE,
    ACL_DETACH,
    PORT_GROUP_DELETE,
    ROUTER_POLICY_DELETE,
    ADDRESS_SET_DELETE
  }

  private record Unit(Phase phase, List<Operation> ops, ChangeCounts counts) {}

  /**
   * The desired rows by key, as the planner reads them (point lookups, and key sets for a whole-state plan). The
   * reconciler keeps one {@link #copyOf copy} and changes it in place per delta ({@link #apply}), which costs the
   * delta's size; {@link NbState#apply} copies every map of the state (milliseconds at 20,000 rows).
   */
  record Desired(
      Map<String, PortGroup> portGroups,
      Map<String, AddressSet> addressSets,
      Map<String, Acl> acls,
      Map<String, LogicalRouterPolicy> routerPolicies) {
    /** A read-only view of {@code s} (no copy). */
    static Desired view(NbState s) {
      return new Desired(s.portGroups(), s.addressSets(), s.acls(), s.routerPolicies());
    }

    /** A mutable copy of {@code s}. */
    static Desired copyOf(NbState s) {
      return new Desired(new TreeMap<>(s.portGroups()), new TreeMap<>(s.addressSets()), new TreeMap<>(s.acls()),
          new TreeMap<>(s.routerPolicies()));
    }

    /** Applies {@code d} in place, as {@link NbState#apply} does: deletes, then upserts, then member changes. */
    void apply(NbDelta d) {
      // check first, so that a bad delta changes nothing (like NbState.apply, which throws before it returns)
      Set<RowRef> gone = new HashSet<>(d.deletes());
      Set<RowRef> added = new HashSet<>();
      for (NbRow r : d.upserts()) {
        added.add(r.ref());
      }
      for (MemberChange m : d.memberChanges()) {
        RowRef r = m.row();
        boolean present =
            added.contains(r)
                || (!gone.contains(r)
                    && switch (r.table()) {
                      case PORT_GROUP -> portGroups.containsKey(r.key());
                      case ADDRESS_SET -> addressSets.containsKey(r.key());
                      default -> throw new IllegalArgumentException("member change on " + r);
                    });
        if (!present) {
          throw new IllegalStateException("member change on missing row " + r);
        }
      }
      for (RowRef r : d.deletes()) {
        switch (r.table()) {
          case PORT_GROUP -> portGroups.remove(r.key());
          case ADDRESS_SET -> addressSets.remove(r.key());
          case ACL -> acls.remove(r.key());
          case LOGICAL_ROUTER_POLICY -> routerPolicies.remove(r.key());
          default -> throw new IllegalArgumentException("table " + r.table() + " is not part of NbState");
        }
      }
      for (NbRow r : d.upserts()) {
        switch (r.table()) {
          case PORT_GROUP -> portGroups.put(r.key(), (PortGroup) r);
          case ADDRESS_SET -> addressSets.put(r.key(), (AddressSet) r);
          case ACL -> acls.put(r.key(), (Acl) r);
          case LOGICAL_ROUTER_POLICY -> routerPolicies.put(r.key(), (LogicalRouterPolicy) r);
          default -> throw new IllegalArgumentException("table " + r.table() + " is not part of NbState");
        }
      }
      for (MemberChange m : d.memberChanges()) {
        String key = m.row().key();
        switch (m.row().table()) {
          case ADDRESS_SET -> {
            AddressSet as = addressSets.get(key);
            if (as == null) {
              throw new IllegalStateException("member change on missing row " + m.row());
            }
            addressSets.put(key, as.withAddresses(applied(as.addresses(), m)));
          }
          case PORT_GROUP -> {
            PortGroup pg = portGroups.get(key);
            if (pg == null) {
              throw new IllegalStateException("member change on missing row " + m.row());
            }
            portGroups.put(key, pg.withPorts(applied(pg.ports(), m)));
          }
          default -> throw new IllegalArgumentException("member change on " + m.row());
        }
      }
    }

    private static java.util.SortedSet<String> applied(java.util.SortedSet<String> base, MemberChange m) {
      TreeSet<String> r = new TreeSet<>(base);
      r.removeAll(m.removed());
      r.addAll(m.added());
      return r;
    }

    /** An immutable snapshot. */
    NbState toState() {
      NbState.Builder b = new NbState.Builder();
      portGroups.values().forEach(b::put);
      addressSets.values().forEach(b::put);
      acls.values().forEach(b::put);
      routerPolicies.values().forEach(b::put);
      return b.build();
    }
  }

  private final Desired desired;
  private Map<RowRef, MemberChange> memberHints = Map.of();
  private final NbCache cache;
  private final Options options;
  private final List<Unit> units = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final Map<String, Set<String>> missingPorts = new TreeMap<>();
  private final Map<String, Integer> refusedByOwner = new TreeMap<>();
  private final Map<String, List<Acl>> aclInsertsByPg = new TreeMap<>();
  private final Map<Uuid, Set<Uuid>> detachByPg = new LinkedHashMap<>();
  private final Set<String> blockedPgs = new HashSet<>();
  private int nextName;

  private Planner(Desired desired, NbCache cache, Options options) {
    this.desired = desired;
    this.cache = cache;
    this.options = options;
  }

  /** Plans the operations that make the cache's owned rows within {@code scope} equal to {@code desired}. */
  public static Plan plan(NbState desired, NbCache cache, Scope scope, Options options) {
    return plan(Desired.view(desired), cache, scope, options);
  }

  /** {@link #plan(NbState, NbCache, Scope, Options)} on a {@link Desired} (the reconciler's live desired state). */
  static Plan plan(Desired desired, NbCache cache, Scope scope, Options options) {
    synchronized (cache) {
      return new Planner(desired, cache, options).run(scope);
    }
  }

  private Plan run(Scope scope) {
    this.memberHints = scope.members();
    Set<String> asNames = new TreeSet<>(scope.all ? desired.addressSets().keySet() : scope.addressSets);
    if (scope.all) {
      asNames.addAll(cache.ownedAddressSetNames());
    }
    for (String n : asNames) {
      planAddressSet(n);
    }
    Set<String> pgNames = new TreeSet<>(scope.all ? desired.portGroups().keySet() : scope.portGroups);
    if (scope.all) {
      pgNames.addAll(cache.ownedPortGroupNames());
    }
    for (String n : pgNames) {
      checkPortGroupName(n);
    }
    Set<String> aclIds = new TreeSet<>(scope.all ? desired.acls().keySet() : scope.acls);
    if (scope.all) {
      aclIds.addAll(cache.ownedAclIds());
    }
    for (String id : aclIds) {
      planAcl(id);
    }
    Set<String> lrpIds = new TreeSet<>(scope.all ? desired.routerPolicies().keySet() : scope.routerPolicies);
    if (scope.all) {
      lrpIds.addAll(cache.ownedRouterPolicyIds());
    }
    for (String id : lrpIds) {
      planRouterPolicy(id);
    }
    pgNames.addAll(aclInsertsByPg.keySet());
    for (String n : pgNames) {
      planPortGroup(n, aclInsertsByPg.getOrDefault(n, List.of()));
    }
    for (Map.Entry<Uuid, Set<Uuid>> e : detachByPg.entrySet()) {
      ChangeCounts c = new ChangeCounts();
      c.add(NbCache.ACL, Kind.DELETED, e.getValue().size());
      units.add(
          new Unit(
              Phase.ACL_DETACH,
              List.of(mutate(NbCache.PORT_GROUP, e.getKey(), "acls", Operation.Mutator.DELETE, e.getValue())),
              c));
    }
    for (Map.Entry<String, Integer> e : refusedByOwner.entrySet()) {
      errors.add(
          e.getKey() + ": " + e.getValue() + " ACL(s) not programmed: they need ACL tiers (the pass action, the"
              + " NetworkPolicy and baseline tiers), which need OVN 23.09 or newer; this Northbound (schema "
              + options.schemaVersion() + ") has no ACL.tier column");
    }
    return pack();
  }

  // ---- Address_Set ---------------------------------------------------------------------------------------------------

  private void planAddressSet(String name) {
    AddressSet d = desired.addressSets().get(name);
    AsRow a = cache.addressSet(name);
    if (a != null && !a.owned()) {
      if (d != null) {
        errors.add("Address_Set " + name + " exists and is not netctl's (external_ids " + a.externalIds()
            + "): not modified");
      }
      return;
    }
    ChangeCounts c = new ChangeCounts();
    if (d == null) {
      if (a != null) {
        c.add(NbCache.ADDRESS_SET, Kind.DELETED);
        units.add(new Unit(Phase.ADDRESS_SET_DELETE, List.of(new Operation.Delete(NbCache.ADDRESS_SET, a.uuid())), c));
      }
      return;
    }
    if (a == null) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", name);
      row.put("addresses", new TreeSet<Object>(d.addresses()));
      row.put("external_ids", d.externalIds());
      c.add(NbCache.ADDRESS_SET, Kind.CREATED);
      units.add(new Unit(Phase.ADDRESS_SET_UPSERT, List.of(new Operation.Insert(NbCache.ADDRESS_SET, named("as"), row)), c));
      return;
    }
    List<Operation> ops = new ArrayList<>();
    MemberChange hint = memberHints.get(d.ref());
    Set<String> add;
    Set<String> del;
    if (hint != null) {
      add = new TreeSet<>();
      for (String x : hint.added()) {
        if (d.addresses().contains(x) && !a.addresses().contains(x)) {
          add.add(x);
        }
      }
      del = new TreeSet<>();
      for (String x : hint.removed()) {
        if (!d.addresses().contains(x) && a.addresses().contains(x)) {
          del.add(x);
        }
      }
    } else {
      add = minus(d.addresses(), a.addresses());
      del = minus(a.addresses(), d.addresses());
    }
    if (!del.isEmpty()) {
      ops.add(mutate(NbCache.ADDRESS_SET, a.uuid(), "addresses", Operation.Mutator.DELETE, del));
    }
    if (!add.isEmpty()) {
      ops.add(mutate(NbCache.ADDRESS_SET, a.uuid(), "addresses", Operation.Mutator.INSERT, add));
    }
    if (!a.externalIds().equals(d.externalIds())) {
      ops.add(new Operation.Update(NbCache.ADDRESS_SET, a.uuid(), Map.of("external_ids", d.externalIds())));
    }
    if (!ops.isEmpty()) {
      c.add(NbCache.ADDRESS_SET, Kind.UPDATED);
      units.add(new Unit(Phase.ADDRESS_SET_UPSERT, ops, c));
    }
  }

  // ---- ACL -----------------------------------------------------------------------------------------------------------

  private void planAcl(String id) {
    Acl d = desired.acls().get(id);
    if (d != null && !cache.aclTier() && needsTiers(d)) {
      refusedByOwner.merge(owner(d), 1, Integer::sum);
      return; // leave whatever exists alone
    }
    if (d != null && blockedPgs.contains(d.portGroup())) {
      d = null; // reported with the Port_Group
    }
    Uuid keep = null;
    PgRow target = d == null ? null : cache.portGroup(d.portGroup());
    List<Uuid> rows = new ArrayList<>(new TreeSet<>(cache.ownedAcls(id)));
    if (d != null && target != null) {
      for (Uuid u : rows) {
        if (cache.holders(u).contains(target.uuid())) {
          keep = u;
          break;
        }
      }
    }
    for (Uuid u : rows) {
      if (u.equals(keep)) {
        continue;
      }
      for (Uuid h : cache.holders(u)) {
        PgRow holder = cache.portGroup(h);
        if (holder == null || !holder.owned()) {
          continue; // never write someone else's Port_Group
        }
        if (!desired.portGroups().containsKey(holder.name())) {
          continue; // the holder is deleted, which takes the ACL with it; counted below
        }
        detachByPg.computeIfAbsent(h, k -> new TreeSet<>()).add(u);
      }
    }
    for (Uuid u : rows) {
      if (!u.equals(keep)) {
        boolean detached = detachByPg.values().stream().anyMatch(s -> s.contains(u));
        if (!detached && !cache.holders(u).isEmpty()) {
          // removed through its Port_Group's delete: count it here, once
          boolean viaDelete = cache.holders(u).stream().map(cache::portGroup)
              .anyMatch(p -> p != null && p.owned() && !desired.portGroups().containsKey(p.name()));
          if (viaDelete) {
            ChangeCounts c = new ChangeCounts();
            c.add(NbCache.ACL, Kind.DELETED);
            units.add(new Unit(Phase.PORT_GROUP_DELETE, List.of(), c));
          }
        }
      }
    }
    if (d == null) {
      return;
    }
    if (keep == null) {
      aclInsertsByPg.computeIfAbsent(d.portGroup(), k -> new ArrayList<>()).add(d);
      return;
    }
    Map<String, Object> want = aclColumns(d, cache.aclTier());
    Map<String, Object> have = cache.acl(keep).columns();
    Map<String, Object> changed = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : want.entrySet()) {
      if (!Objects.equals(NbCache.normalize(e.getKey(), e.getValue()), have.get(e.getKey()))) {
        changed.put(e.getKey(), e.getValue());
      }
    }
    if (!changed.isEmpty()) {
      ChangeCounts c = new ChangeCounts();
      c.add(NbCache.ACL, Kind.UPDATED);
      units.add(new Unit(Phase.ACL_UPDATE, List.of(new Operation.Update(NbCache.ACL, keep, changed)), c));
    }
  }

  /** Whether an ACL cannot be programmed without ACL tiers: pass, or a tier other than the admin tier. */
  static boolean needsTiers(Acl a) {
    return a.action() == AclAction.PASS || a.tier() > 1;
  }

  private static String owner(NbRow r) {
    String t = r.externalIds().getOrDefault(Ownership.OWNER_TYPE, "?");
    String n = r.externalIds().getOrDefault(Ownership.OWNER_NAME, "?");
    return t + " " + n;
  }

  /** The ACL's columns in wire form (optional columns as sets of zero or one element). */
  public static Map<String, Object> aclColumns(Acl a, boolean tier) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("priority", (long) a.priority());
    m.put("direction", a.direction().wireName());
    m.put("match", a.match());
    m.put("action", a.action().wireName());
    m.put("name", optional(a.name()));
    m.put("log", a.log());
    m.put("severity", optional(a.severity()));
    m.put("meter", optional(a.meter()));
    m.put("options", a.options());
    m.put("external_ids", a.externalIds());
    if (tier) {
      m.put("tier", (long) a.tier());
    }
    return m;
  }

  private static Set<Object> optional(String s) {
    return s == null ? Set.of() : Set.of(s);
  }

  // ---- Logical_Router_Policy -------------------------------------------------------------------------------------

  /**
   * One policy: the owned rows with its id are matched to the desired row by router. A new policy is inserted with a
   * named UUID together with the mutation of its router's {@code policies} (it is not a root row); a policy that is no
   * longer desired, or moved to another router, is removed from its router's {@code policies} and the server collects
   * it. {@code nexthops} change by mutate, the other columns by one update of the changed columns.
   */
  private void planRouterPolicy(String id) {
    LogicalRouterPolicy d = desired.routerPolicies().get(id);
    NbCache.LrRow router = d == null ? null : cache.router(d.router());
    if (d != null && router == null) {
      errors.add("Logical_Router_Policy " + id + " (" + owner(d) + "): Logical_Router " + d.router()
          + " does not exist: the policy is not programmed");
    }
    Uuid keep = null;
    List<Uuid> rows = new ArrayList<>(new TreeSet<>(cache.ownedRouterPolicies(id)));
    if (router != null) {
      for (Uuid u : rows) {
        if (cache.policyHolders(u).contains(router.uuid())) {
          keep = u;
          break;
        }
      }
    }
    for (Uuid u : rows) {
      if (u.equals(keep)) {
        continue;
      }
      if (!cache.inScope(cache.routerPolicy(u).externalIds())) {
        continue;
      }
      for (Uuid h : cache.policyHolders(u)) {
        ChangeCounts c = new ChangeCounts();
        c.add(NbCache.LRP, Kind.DELETED);
        units.add(new Unit(Phase.ROUTER_POLICY_DELETE,
            List.of(mutate(NbCache.LR, h, "policies", Operation.Mutator.DELETE, Set.of(u))), c));
      }
    }
    if (d == null || router == null) {
      return;
    }
    if (keep == null) {
      NamedUuid n = named("lrp");
      ChangeCounts c = new ChangeCounts();
      c.add(NbCache.LRP, Kind.CREATED);
      units.add(new Unit(Phase.ROUTER_POLICY_UPSERT,
          List.of(new Operation.Insert(NbCache.LRP, n, routerPolicyColumns(d)),
              mutate(NbCache.LR, router.uuid(), "policies", Operation.Mutator.INSERT, Set.of(n))), c));
      return;
    }
    NbCache.LrpRow have = cache.routerPolicy(keep);
    List<Operation> ops = new ArrayList<>();
    Map<String, Object> changed = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : routerPolicyColumns(d).entrySet()) {
      if (e.getKey().equals("nexthops")) {
        continue;
      }
      if (!Objects.equals(NbCache.normalize(e.getKey(), e.getValue()), have.columns().get(e.getKey()))) {
        changed.put(e.getKey(), e.getValue());
      }
    }
    if (!changed.isEmpty()) {
      ops.add(new Operation.Update(NbCache.LRP, keep, changed));
    }
    Set<String> del = minus(have.nexthops(), d.nexthops());
    Set<String> add = minus(d.nexthops(), have.nexthops());
    if (!del.isEmpty()) {
      ops.add(mutate(NbCache.LRP, keep, "nexthops", Operation.Mutator.DELETE, del));
    }
    if (!add.isEmpty()) {
      ops.add(mutate(NbCache.LRP, keep, "nexthops", Operation.Mutator.INSERT, add));
    }
    if (!ops.isEmpty()) {
      ChangeCounts c = new ChangeCounts();
      c.add(NbCache.LRP, Kind.UPDATED);
      units.add(new Unit(Phase.ROUTER_POLICY_UPSERT, ops, c));
    }
  }

  /** The policy's columns in wire form. */
  public static Map<String, Object> routerPolicyColumns(LogicalRouterPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("priority", (long) p.priority());
    m.put("match", p.match());
    m.put("action", p.action().wireName());
    m.put("nexthops", new TreeSet<Object>(p.nexthops()));
    m.put("options", p.options());
    m.put("external_ids", p.externalIds());
    return m;
  }

  // ---- Port_Group ----------------------------------------------------------------------------------------------------

  private void checkPortGroupName(String name) {
    PgRow a = cache.portGroup(name);
    if (a != null && !a.owned() && desired.portGroups().containsKey(name)) {
      errors.add("Port_Group " + name + " exists and is not netctl's (external_ids " + a.externalIds()
          + "): neither it nor its ACLs are programmed");
      blockedPgs.add(name);
    }
  }

  private void planPortGroup(String name, List<Acl> newAcls) {
    if (blockedPgs.contains(name)) {
      return;
    }
    PortGroup d = desired.portGroups().get(name);
    PgRow a = cache.portGroup(name);
    if (a != null && !a.owned()) {
      return;
    }
    ChangeCounts c = new ChangeCounts();
    if (d == null) {
      if (!newAcls.isEmpty()) {
        errors.add("Port_Group " + name + " is not in the desired state: its " + newAcls.size()
            + " ACL(s) are not programmed");
      }
      if (a != null) {
        c.add(NbCache.PORT_GROUP, Kind.DELETED);
        units.add(new Unit(Phase.PORT_GROUP_DELETE, List.of(new Operation.Delete(NbCache.PORT_GROUP, a.uuid())), c));
      }
      return;
    }
    List<Operation> ops = new ArrayList<>();
    Set<Object> aclRefs = new TreeSet<>(Comparator.comparing(Object::toString));
    List<Operation> aclInserts = new ArrayList<>();
    for (Acl acl : newAcls) {
      NamedUuid n = named("acl");
      aclRefs.add(n);
      aclInserts.add(new Operation.Insert(NbCache.ACL, n, aclColumns(acl, cache.aclTier())));
      c.add(NbCache.ACL, Kind.CREATED);
    }
    if (a == null) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", name);
      row.put("ports", new TreeSet<Object>(resolvePorts(d)));
      row.put("acls", aclRefs);
      row.put("external_ids", d.externalIds());
      ops.addAll(aclInserts);
      ops.add(new Operation.Insert(NbCache.PORT_GROUP, named("pg"), row));
      c.add(NbCache.PORT_GROUP, Kind.CREATED);
      units.add(new Unit(Phase.PORT_GROUP_UPSERT, ops, c));
      return;
    }
    boolean updated = false;
    MemberChange hint = memberHints.get(d.ref());
    Set<Uuid> add;
    Set<Uuid> del;
    if (hint != null) {
      add = new TreeSet<>(Comparator.comparing(Object::toString));
      List<String> missing = new ArrayList<>();
      for (String p : hint.added()) {
        if (!d.ports().contains(p)) {
          continue;
        }
        Uuid u = cache.lsp(p);
        if (u == null) {
          missing.add(p);
          missingPorts.computeIfAbsent(p, k -> new TreeSet<>()).add(d.name());
        } else if (!a.ports().contains(u)) {
          add.add(u);
        }
      }
      if (!missing.isEmpty()) {
        warnings.add("Port_Group " + d.name() + ": " + missing.size() + " logical switch port(s) do not exist yet"
            + " and are left out until they appear: " + abbreviate(missing));
      }
      del = new TreeSet<>(Comparator.comparing(Object::toString));
      for (String p : hint.removed()) {
        Uuid u = cache.lsp(p);
        if (u != null && !d.ports().contains(p) && a.ports().contains(u)) {
          del.add(u);
        }
      }
    } else {
      Set<Uuid> ports = resolvePorts(d);
      add = minus(ports, a.ports());
      del = minus(a.ports(), ports);
    }
    if (!del.isEmpty()) {
      ops.add(mutate(NbCache.PORT_GROUP, a.uuid(), "ports", Operation.Mutator.DELETE, del));
      updated = true;
    }
    if (!add.isEmpty()) {
      ops.add(mutate(NbCache.PORT_GROUP, a.uuid(), "ports", Operation.Mutator.INSERT, add));
      updated = true;
    }
    if (!a.externalIds().equals(d.externalIds())) {
      ops.add(new Operation.Update(NbCache.PORT_GROUP, a.uuid(), Map.of("external_ids", d.externalIds())));
      updated = true;
    }
    if (!aclInserts.isEmpty()) {
      ops.addAll(aclInserts);
      ops.add(mutate(NbCache.PORT_GROUP, a.uuid(), "acls", Operation.Mutator.INSERT, aclRefs));
    }
    if (updated) {
      c.add(NbCache.PORT_GROUP, Kind.UPDATED);
    }
    if (!ops.isEmpty()) {
      units.add(new Unit(Phase.PORT_GROUP_UPSERT, ops, c));
    }
  }

  private Set<Uuid> resolvePorts(PortGroup d) {
    Set<Uuid> out = new TreeSet<>();
    List<String> missing = new ArrayList<>();
    for (String p : d.ports()) {
      Uuid u = cache.lsp(p);
      if (u == null) {
        missing.add(p);
        missingPorts.computeIfAbsent(p, k -> new TreeSet<>()).add(d.name());
      } else {
        out.add(u);
      }
    }
    if (!missing.isEmpty()) {
      warnings.add("Port_Group " + d.name() + ": " + missing.size() + " logical switch port(s) do not exist yet and"
          + " are left out until they appear: " + abbreviate(missing));
    }
    return out;
  }

  private static String abbreviate(List<String> l) {
    if (l.size() <= 5) {
      return String.join(", ", l);
    }
    return String.join(", ", l.subList(0, 5)) + ", ... (" + (l.size() - 5) + " more)";
  }

  // ---- packing -------------------------------------------------------------------------------------------------------

  private Plan pack() {
    List<Unit> sorted = new ArrayList<>(units);
    sorted.sort(Comparator.comparingInt(u -> u.phase().ordinal()));
    List<Txn> txns = new ArrayList<>();
    List<Operation> ops = new ArrayList<>();
    ChangeCounts counts = new ChangeCounts();
    ChangeCounts total = new ChangeCounts();
    for (Unit u : sorted) {
      total.addAll(u.counts());
      if (!ops.isEmpty() && ops.size() + u.ops().size() > options.maxOps()) {
        txns.add(new Txn(ops, notes(ops), counts));
        ops = new ArrayList<>();
        counts = new ChangeCounts();
      }
      ops.addAll(u.ops());
      counts.addAll(u.counts());
    }
    if (!ops.isEmpty()) {
      txns.add(new Txn(ops, notes(ops), counts));
    } else if (!counts.isEmpty() && !txns.isEmpty()) {
      txns.get(txns.size() - 1).counts().addAll(counts);
    }
    return new Plan(
        Collections.unmodifiableList(txns),
        List.copyOf(warnings),
        List.copyOf(errors),
        Collections.unmodifiableMap(missingPorts),
        total);
  }

  // ---- notes -------------------------------------------------------------------------------------------------------

  private List<String> notes(List<Operation> ops) {
    Map<String, String> named = new java.util.HashMap<>();
    for (Operation op : ops) {
      if (op instanceof Operation.Insert ins && ins.uuidName() != null) {
        named.put(ins.uuidName().toString(), rowName(ins.table(), ins.row()));
      }
    }
    List<String> out = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      out.add(note(op, named));
    }
    return out;
  }

  private static String rowName(String table, Map<String, Object> row) {
    if (table.equals(NbCache.ACL) || table.equals(NbCache.LRP)) {
      Object ids = row.get("external_ids");
      return ids instanceof Map<?, ?> m ? String.valueOf(m.get(Ownership.ID)) : "?";
    }
    return String.valueOf(row.get("name"));
  }

  private String name(String table, Uuid u) {
    return switch (table) {
      case NbCache.PORT_GROUP -> {
        PgRow r = cache.portGroup(u);
        yield r == null ? u.toString() : r.name();
      }
      case NbCache.ADDRESS_SET -> {
        AsRow r = cache.addressSetByUuid(u);
        yield r == null ? u.toString() : r.name();
      }
      case NbCache.ACL -> {
        AclRow r = cache.acl(u);
        yield r == null || r.id() == null ? u.toString() : r.id();
      }
      case NbCache.LSP -> {
        String n = cache.lspName(u);
        yield n == null ? u.toString() : n;
      }
      case NbCache.LR -> {
        NbCache.LrRow r = cache.router(u);
        yield r == null ? u.toString() : r.name();
      }
      case NbCache.LRP -> {
        NbCache.LrpRow r = cache.routerPolicy(u);
        yield r == null || r.id() == null ? u.toString() : r.id();
      }
      default -> u.toString();
    };
  }

  private String element(Object o, String refTable, Map<String, String> named) {
    if (o instanceof Uuid u) {
      return name(refTable, u);
    }
    if (o instanceof NamedUuid n) {
      return named.getOrDefault(n.toString(), n.toString());
    }
    return String.valueOf(o);
  }

  private String note(Operation op, Map<String, String> named) {
    if (op instanceof Operation.Insert ins) {
      Map<String, Object> r = ins.row();
      String n = rowName(ins.table(), r);
      return switch (ins.table()) {
        case NbCache.ACL -> "create ACL " + n + ": " + r.get("direction") + " priority " + r.get("priority")
            + (r.containsKey("tier") ? " tier " + r.get("tier") : "") + " " + r.get("action") + " '" + r.get("match")
            + "'";
        case NbCache.PORT_GROUP -> "create Port_Group " + n + " (" + ((Set<?>) r.get("ports")).size() + " ports, "
            + ((Set<?>) r.get("acls")).size() + " ACLs)";
        case NbCache.ADDRESS_SET -> "create Address_Set " + n + " " + elements((Set<?>) r.get("addresses"), "", named);
        case NbCache.LRP -> "create Logical_Router_Policy " + n + ": priority " + r.get("priority") + " "
            + r.get("action") + " '" + r.get("match") + "' nexthops " + elements((Set<?>) r.get("nexthops"), "", named);
        default -> op.describe();
      };
    }
    if (op instanceof Operation.Update up) {
      return "update " + up.table() + " " + name(up.table(), up.uuid()) + ": " + up.row();
    }
    if (op instanceof Operation.Mutate mu) {
      String ref = switch (mu.column()) {
        case "ports" -> NbCache.LSP;
        case "acls" -> NbCache.ACL;
        case "policies" -> NbCache.LRP;
        default -> "";
      };
      return mu.table() + " " + name(mu.table(), mu.uuid()) + ": " + mu.column()
          + (mu.mutator() == Operation.Mutator.INSERT ? " += " : " -= ") + elements(mu.elements(), ref, named);
    }
    Operation.Delete d = (Operation.Delete) op;
    return "delete " + d.table() + " " + name(d.table(), d.uuid());
  }

  private String elements(Set<?> s, String refTable, Map<String, String> named) {
    List<String> l = new ArrayList<>();
    for (Object o : s) {
      l.add(element(o, refTable, named));
    }
    Collections.sort(l);
    return "[" + (l.size() <= 8 ? String.join(", ", l) : String.join(", ", l.subList(0, 8)) + ", ... ("
        + (l.size() - 8) + " more)") + "]";
  }

  // ---- helpers -------------------------------------------------------------------------------------------------------

  private NamedUuid named(String prefix) {
    return new NamedUuid(prefix + nextName++);
  }

  private static Operation.Mutate mutate(String table, Uuid u, String column, Operation.Mutator m, Set<?> elements) {
    return new Operation.Mutate(table, u, column, m, sortable(elements));
  }

  @SuppressWarnings("unchecked")
  private static Set<Object> sortable(Set<?> s) {
    Set<Object> t = new TreeSet<>(Comparator.comparing(Object::toString));
    t.addAll((Set<Object>) s);
    return t;
  }

  private static <T> Set<T> minus(Set<T> a, Set<T> b) {
    Set<T> r = new TreeSet<>(Comparator.comparing(Object::toString));
    for (T x : a) {
      if (!b.contains(x)) {
        r.add(x);
      }
    }
    return r;
  }
}

package io.netctl.ovn.ovsdb;

import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.AclAction;
import io.netctl.ovn.nb.AclDirection;
import io.netctl.ovn.nb.AddressSet;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.nb.PortGroup;
import java.util.SortedSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * netctl's replica of the Northbound rows it reads: every Port_Group, Address_Set and ACL (owned or not: names are
 * unique across owners) and the names of the Logical_Switch_Ports, kept current by the monitor and by the effects of
 * netctl's own committed transactions.
 *
 * <p>The two big member columns, {@code Port_Group.ports} and {@code Address_Set.addresses} ({@link #MEMBER_COLUMNS}),
 * are <em>not</em> monitored: an RFC 7047 monitor sends the whole new row for every change, i.e. thousands of members
 * per changed set, which cost more than the transaction itself. They are loaded with a {@code select} when the
 * session starts ({@link #loadMembers}), kept current from netctl's own committed operations
 * ({@link #applyCommitted}), and reloaded by the reconciler's periodic resync. A monitor update of such a row (its
 * name, {@code acls} or {@code external_ids} changed) keeps the members the cache has. A deleted Logical_Switch_Port
 * is removed from every Port_Group's {@code ports}, as the server does with this weak reference.
 *
 * <p>Monitor updates and committed transactions both apply idempotently (a row's monitored columns are replaced
 * whole; set mutations are unions and differences), so it does not matter whether the server sends the update of a
 * transaction before or after its reply. Callers synchronize on the cache while they read it.
 */
public final class NbCache {
  public static final String LSP = "Logical_Switch_Port";
  public static final String PORT_GROUP = "Port_Group";
  public static final String ADDRESS_SET = "Address_Set";
  public static final String ACL = "ACL";
  public static final String LR = "Logical_Router";
  public static final String LRP = "Logical_Router_Policy";

  /** Logical_Router_Policy columns netctl writes and compares. */
  public static final List<String> LRP_COLUMNS =
      List.of("priority", "match", "action", "nexthops", "options", "external_ids");

  /** ACL columns netctl writes and compares ({@code tier} only where the schema has it). */
  public static final List<String> ACL_COLUMNS =
      List.of(
          "priority", "direction", "match", "action", "name", "log", "severity", "meter", "options", "external_ids",
          "tier");

  /** A Port_Group row. */
  public record PgRow(Uuid uuid, String name, Set<Uuid> ports, Set<Uuid> acls, Map<String, String> externalIds) {
    public boolean owned() {
      return Ownership.isOwned(externalIds);
    }
  }

  /** An Address_Set row. */
  public record AsRow(Uuid uuid, String name, Set<String> addresses, Map<String, String> externalIds) {
    public boolean owned() {
      return Ownership.isOwned(externalIds);
    }
  }

  /** An ACL row: the {@link #ACL_COLUMNS} in wire form. */
  public record AclRow(Uuid uuid, Map<String, Object> columns, Map<String, String> externalIds) {
    public boolean owned() {
      return Ownership.isOwned(externalIds);
    }

    /** {@link Ownership#ID}, or null. */
    public String id() {
      return externalIds.get(Ownership.ID);
    }
  }

  /** A Logical_Router: netctl only reads its name and adds or removes its own policies in {@code policies}. */
  public record LrRow(Uuid uuid, String name, Set<Uuid> policies) {}

  /** A Logical_Router_Policy row: the {@link #LRP_COLUMNS} in wire form. */
  public record LrpRow(Uuid uuid, Map<String, Object> columns, Map<String, String> externalIds) {
    public boolean owned() {
      return Ownership.isOwned(externalIds);
    }

    /** {@link Ownership#ID}, or null. */
    public String id() {
      return externalIds.get(Ownership.ID);
    }

    @SuppressWarnings("unchecked")
    public Set<String> nexthops() {
      return (Set<String>) columns.getOrDefault("nexthops", Set.of());
    }
  }

  private final Map<Uuid, LrRow> lrs = new HashMap<>();
  private final Map<String, Uuid> lrByName = new HashMap<>();
  private final Map<Uuid, LrpRow> lrps = new HashMap<>();
  private final Map<String, Set<Uuid>> ownedLrpsById = new HashMap<>();
  private final Map<Uuid, Set<Uuid>> lrpHolders = new HashMap<>();
  /**
   * Which owned rows this replica's reconciler manages (by their {@code external_ids}): the policy reconciler and the
   * egress reconciler share an NB but not their rows ({@link Ownership#isPolicy}, {@link Ownership#isEgress}). Rows
   * outside the scope are never listed as owned orphans, so one reconciler never deletes the other's rows.
   */
  private final java.util.function.Predicate<Map<String, String>> scope;
  private final Map<Uuid, String> lspNames = new HashMap<>();
  private final Map<String, Uuid> lspByName = new HashMap<>();
  private final Map<Uuid, PgRow> pgs = new HashMap<>();
  private final Map<String, Uuid> pgByName = new HashMap<>();
  private final Map<Uuid, AsRow> ases = new HashMap<>();
  private final Map<String, Uuid> asByName = new HashMap<>();
  private final Map<Uuid, AclRow> acls = new HashMap<>();
  private final Map<String, Set<Uuid>> ownedAclsById = new HashMap<>();
  private final Map<Uuid, Set<Uuid>> aclHolders = new HashMap<>();
  /** Members selected for rows the monitor has not delivered yet. */
  private final Map<Uuid, Object> pendingMembers = new HashMap<>();
  private final boolean aclTier;
  private Consumer<String> portAdded = n -> {};

  public NbCache(boolean aclTier) {
    this(aclTier, Ownership::isPolicy);
  }

  /** @param scope which owned rows the reconciler using this replica manages (see {@link Ownership#isPolicy}) */
  public NbCache(boolean aclTier, java.util.function.Predicate<Map<String, String>> scope) {
    this.aclTier = aclTier;
    this.scope = scope;
  }

  /** Whether an owned row with these {@code external_ids} is managed by this replica's reconciler. */
  public boolean inScope(Map<String, String> externalIds) {
    return scope.test(externalIds);
  }

  /** The member columns that are read with {@code select} and kept by netctl's own operations, not monitored. */
  public static final Map<String, String> MEMBER_COLUMNS = Map.of(PORT_GROUP, "ports", ADDRESS_SET, "addresses");

  /** The columns to monitor (without the {@link #MEMBER_COLUMNS}). */
  public static Map<String, Set<String>> monitoredColumns(boolean aclTier) {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    m.put(LSP, Set.of("name"));
    m.put(PORT_GROUP, Set.of("name", "acls", "external_ids"));
    m.put(ADDRESS_SET, Set.of("name", "external_ids"));
    Set<String> acl = new TreeSet<>(ACL_COLUMNS);
    if (!aclTier) {
      acl.remove("tier");
    }
    m.put(ACL, acl);
    m.put(LR, Set.of("name", "policies"));
    m.put(LRP, new TreeSet<>(LRP_COLUMNS));
    return m;
  }

  /**
   * A replica of the NB as {@code s} sees it now: the monitor's initial rows plus the members read with
   * {@code select}. Later monitor updates keep it current (members only through {@link #applyCommitted}).
   */
  public static NbCache load(OvsdbSession s) throws OvsdbException {
    return load(s, Ownership::isPolicy);
  }

  /** {@link #load(OvsdbSession)} for a reconciler that manages the owned rows {@code scope} accepts. */
  public static NbCache load(OvsdbSession s, java.util.function.Predicate<Map<String, String>> scope)
      throws OvsdbException {
    boolean tier = s.tables().getOrDefault(ACL, Set.of()).contains("tier");
    NbCache c = new NbCache(tier, scope);
    c.apply(s.monitor(monitoredColumns(tier), c::apply));
    for (Map.Entry<String, String> e : MEMBER_COLUMNS.entrySet()) {
      c.loadMembers(e.getKey(), s.select(e.getKey(), Set.of(e.getValue())));
    }
    return c;
  }

  /** Called (on the monitor's thread, without the cache's lock held by the caller) when a new LSP name appears. */
  public synchronized void onPortAdded(Consumer<String> c) {
    portAdded = c;
  }

  public boolean aclTier() {
    return aclTier;
  }

  // ---- reads ---------------------------------------------------------------------------------------------------------

  public synchronized Uuid lsp(String name) {
    return lspByName.get(name);
  }

  public synchronized String lspName(Uuid u) {
    return lspNames.get(u);
  }

  public synchronized int lspCount() {
    return lspByName.size();
  }

  public synchronized PgRow portGroup(String name) {
    Uuid u = pgByName.get(name);
    return u == null ? null : pgs.get(u);
  }

  public synchronized PgRow portGroup(Uuid u) {
    return pgs.get(u);
  }

  public synchronized AsRow addressSet(String name) {
    Uuid u = asByName.get(name);
    return u == null ? null : ases.get(u);
  }

  public synchronized AsRow addressSetByUuid(Uuid u) {
    return ases.get(u);
  }

  public synchronized AclRow acl(Uuid u) {
    return acls.get(u);
  }

  /** Owned ACL rows carrying this {@link Ownership#ID}: normally zero or one. */
  public synchronized Set<Uuid> ownedAcls(String id) {
    Set<Uuid> s = ownedAclsById.get(id);
    return s == null ? Set.of() : Collections.unmodifiableSet(s);
  }

  /** The Port_Groups whose {@code acls} hold this ACL. */
  public synchronized Set<Uuid> holders(Uuid acl) {
    Set<Uuid> s = aclHolders.get(acl);
    return s == null ? Set.of() : Collections.unmodifiableSet(s);
  }

  public synchronized Set<String> ownedPortGroupNames() {
    Set<String> out = new TreeSet<>();
    for (PgRow r : pgs.values()) {
      if (r.owned() && scope.test(r.externalIds())) {
        out.add(r.name());
      }
    }
    return out;
  }

  public synchronized Set<String> ownedAddressSetNames() {
    Set<String> out = new TreeSet<>();
    for (AsRow r : ases.values()) {
      if (r.owned() && scope.test(r.externalIds())) {
        out.add(r.name());
      }
    }
    return out;
  }

  public synchronized Set<String> ownedAclIds() {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, Set<Uuid>> e : ownedAclsById.entrySet()) {
      for (Uuid u : e.getValue()) {
        if (scope.test(acls.get(u).externalIds())) {
          out.add(e.getKey());
          break;
        }
      }
    }
    return out;
  }

  public synchronized LrRow router(String name) {
    Uuid u = lrByName.get(name);
    return u == null ? null : lrs.get(u);
  }

  public synchronized LrRow router(Uuid u) {
    return lrs.get(u);
  }

  public synchronized LrpRow routerPolicy(Uuid u) {
    return lrps.get(u);
  }

  /** Owned Logical_Router_Policy rows carrying this {@link Ownership#ID}: normally zero or one. */
  public synchronized Set<Uuid> ownedRouterPolicies(String id) {
    Set<Uuid> s = ownedLrpsById.get(id);
    return s == null ? Set.of() : Set.copyOf(s);
  }

  /** The Logical_Routers whose {@code policies} hold this policy. */
  public synchronized Set<Uuid> policyHolders(Uuid lrp) {
    Set<Uuid> s = lrpHolders.get(lrp);
    return s == null ? Set.of() : Set.copyOf(s);
  }

  public synchronized Set<String> ownedRouterPolicyIds() {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, Set<Uuid>> e : ownedLrpsById.entrySet()) {
      for (Uuid u : e.getValue()) {
        if (scope.test(lrps.get(u).externalIds())) {
          out.add(e.getKey());
          break;
        }
      }
    }
    return out;
  }

  /**
   * netctl's rows as they are in the NB, as a desired state would name them: Port_Group members by logical switch
   * port name, each ACL under the owned Port_Group that holds it. Owned ACLs held by no owned Port_Group are left out.
   */
  public synchronized NbState ownedState() {
    NbState.Builder b = new NbState.Builder();
    for (PgRow r : pgs.values()) {
      if (r.owned() && scope.test(r.externalIds())) {
        SortedSet<String> ports = new TreeSet<>();
        for (Uuid p : r.ports()) {
          String n = lspNames.get(p);
          if (n != null) {
            ports.add(n);
          }
        }
        b.put(new PortGroup(r.name(), ports, new TreeMap<>(r.externalIds())));
      }
    }
    for (AsRow r : ases.values()) {
      if (r.owned() && scope.test(r.externalIds())) {
        b.put(new AddressSet(r.name(), new TreeSet<>(r.addresses()), new TreeMap<>(r.externalIds())));
      }
    }
    for (AclRow r : acls.values()) {
      if (!r.owned() || r.id() == null || !scope.test(r.externalIds())) {
        continue;
      }
      for (Uuid h : holders(r.uuid())) {
        PgRow pg = pgs.get(h);
        if (pg != null && pg.owned()) {
          b.put(toAcl(r, pg.name()));
          break;
        }
      }
    }
    for (LrpRow r : lrps.values()) {
      if (!r.owned() || r.id() == null || !scope.test(r.externalIds())) {
        continue;
      }
      for (Uuid h : policyHolders(r.uuid())) {
        LrRow lr = lrs.get(h);
        if (lr != null) {
          Map<String, Object> c = r.columns();
          b.put(new io.netctl.ovn.nb.LogicalRouterPolicy(
              lr.name(),
              (int) (long) (Long) c.get("priority"),
              (String) c.get("match"),
              io.netctl.ovn.nb.LogicalRouterPolicy.Action.fromWire((String) c.get("action")),
              new TreeSet<>(r.nexthops()),
              new TreeMap<>(strMap(c.get("options"))),
              new TreeMap<>(r.externalIds())));
          break;
        }
      }
    }
    return b.build();
  }

  private static Acl toAcl(AclRow r, String portGroup) {
    Map<String, Object> c = r.columns();
    return new Acl(
        portGroup,
        AclDirection.fromWire((String) c.get("direction")),
        c.containsKey("tier") ? (int) (long) (Long) c.get("tier") : 0,
        (int) (long) (Long) c.get("priority"),
        (String) c.get("match"),
        AclAction.fromWire((String) c.get("action")),
        one(c.get("name")),
        (Boolean) c.get("log"),
        one(c.get("severity")),
        one(c.get("meter")),
        new TreeMap<>(strMap(c.get("options"))),
        new TreeMap<>(r.externalIds()));
  }

  private static String one(Object v) {
    Set<String> s = strings(v);
    return s.isEmpty() ? null : s.iterator().next();
  }

  /** Row counts per table, owned and total, for reports. */
  public synchronized Map<String, int[]> counts() {
    Map<String, int[]> m = new TreeMap<>();
    m.put(LSP, new int[] {0, lspNames.size()});
    m.put(PORT_GROUP, new int[] {(int) pgs.values().stream().filter(PgRow::owned).count(), pgs.size()});
    m.put(ADDRESS_SET, new int[] {(int) ases.values().stream().filter(AsRow::owned).count(), ases.size()});
    m.put(ACL, new int[] {(int) acls.values().stream().filter(AclRow::owned).count(), acls.size()});
    m.put(LRP, new int[] {(int) lrps.values().stream().filter(LrpRow::owned).count(), lrps.size()});
    return m;
  }

  // ---- writes --------------------------------------------------------------------------------------------------------

  /** Applies monitor updates (initial contents or changes). */
  public void apply(List<RowUpdate> updates) {
    List<String> added = new java.util.ArrayList<>();
    Consumer<String> cb;
    synchronized (this) {
      for (RowUpdate u : updates) {
        if (u.isDelete()) {
          remove(u.table(), u.uuid());
        } else {
          String n = put(u.table(), u.uuid(), u.row());
          if (n != null) {
            added.add(n);
          }
        }
      }
      cb = portAdded;
    }
    for (String n : added) {
      cb.accept(n);
    }
  }

  /**
   * Replaces the {@link #MEMBER_COLUMNS member column} of {@code table} with what a {@code select} of it returned
   * (rows with {@code _uuid} and that column). Rows the replica lacks keep their members until the monitor delivers
   * them; rows the select did not return keep theirs (they were deleted and the monitor will say so).
   *
   * @return how many rows' members differed from the replica's
   */
  public synchronized int loadMembers(String table, List<RowUpdate> rows) {
    String col = MEMBER_COLUMNS.get(table);
    if (col == null) {
      throw new IllegalArgumentException("no member column in " + table);
    }
    int changed = 0;
    for (RowUpdate r : rows) {
      Object v = r.row().get(col);
      switch (table) {
        case PORT_GROUP -> {
          PgRow old = pgs.get(r.uuid());
          if (old == null) {
            pendingMembers.put(r.uuid(), v);
          } else if (!old.ports().equals(uuids(v))) {
            changed++;
            pgs.put(old.uuid(), new PgRow(old.uuid(), old.name(), uuids(v), old.acls(), old.externalIds()));
          }
        }
        case ADDRESS_SET -> {
          AsRow old = ases.get(r.uuid());
          if (old == null) {
            pendingMembers.put(r.uuid(), v);
          } else if (!old.addresses().equals(strings(v))) {
            changed++;
            ases.put(old.uuid(), new AsRow(old.uuid(), old.name(), strings(v), old.externalIds()));
          }
        }
        default -> {}
      }
    }
    return changed;
  }

  /** Applies the effects of a committed transaction: {@code results} as {@link OvsdbSession#transact} returned them. */
  public synchronized void applyCommitted(List<Operation> ops, List<Object> results) {
    Map<String, Uuid> named = new HashMap<>();
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof Operation.Insert ins && ins.uuidName() != null) {
        named.put(ins.uuidName().name(), (Uuid) results.get(i));
      }
    }
    Set<Uuid> maybeGarbage = new HashSet<>();
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      if (op instanceof Operation.Insert ins) {
        Map<String, Object> row = new LinkedHashMap<>();
        ins.row().forEach((k, v) -> row.put(k, resolve(v, named)));
        put(ins.table(), (Uuid) results.get(i), row);
      } else if (op instanceof Operation.Update up) {
        Map<String, Object> row = current(up.table(), up.uuid());
        if (row != null) {
          up.row().forEach((k, v) -> row.put(k, resolve(v, named)));
          put(up.table(), up.uuid(), row);
        }
      } else if (op instanceof Operation.Mutate mu && mu.column().equals(MEMBER_COLUMNS.get(mu.table()))) {
        mutateMembers(mu, resolve(mu.elements(), named));
      } else if (op instanceof Operation.Mutate mu) {
        Map<String, Object> row = current(mu.table(), mu.uuid());
        if (row != null) {
          Object resolved = resolve(mu.elements(), named);
          Set<Object> s = new HashSet<>((Set<?>) row.getOrDefault(mu.column(), Set.of()));
          if (mu.mutator() == Operation.Mutator.INSERT) {
            s.addAll((Set<?>) resolved);
          } else {
            s.removeAll((Set<?>) resolved);
            if (mu.table().equals(PORT_GROUP) && mu.column().equals("acls")
                || mu.table().equals(LR) && mu.column().equals("policies")) {
              for (Object o : (Set<?>) resolved) {
                maybeGarbage.add((Uuid) o);
              }
            }
          }
          row.put(mu.column(), s);
          put(mu.table(), mu.uuid(), row);
        }
      } else if (op instanceof Operation.Delete del) {
        if (del.table().equals(PORT_GROUP)) {
          PgRow pg = pgs.get(del.uuid());
          if (pg != null) {
            maybeGarbage.addAll(pg.acls());
          }
        }
        remove(del.table(), del.uuid());
      }
    }
    // ACLs are not root rows: the server drops one that no Port_Group refers to any more. netctl's ACLs are only ever
    // referred to by Port_Groups, so an owned ACL without a holder is gone.
    for (Uuid a : maybeGarbage) {
      AclRow r = acls.get(a);
      if (r != null && r.owned() && holders(a).isEmpty()) {
        remove(ACL, a);
      }
      LrpRow p = lrps.get(a);
      if (p != null && policyHolders(a).isEmpty()) {
        remove(LRP, a); // not a root row either: collected once no router holds it
      }
    }
  }

  /**
   * Applies again, in order, member mutations netctl committed while a {@link #loadMembers select} ran: set
   * insert/delete are idempotent, so those the select's snapshot already has change nothing, and the others bring the
   * snapshot up to what the server has.
   */
  public synchronized void replayMembers(List<Operation.Mutate> mutations) {
    for (Operation.Mutate m : mutations) {
      mutateMembers(m, m.elements());
    }
  }

  /** A committed mutation of a member column: one copy of the set, no re-indexing. */
  private void mutateMembers(Operation.Mutate mu, Object elements) {
    boolean insert = mu.mutator() == Operation.Mutator.INSERT;
    if (mu.table().equals(PORT_GROUP)) {
      PgRow r = pgs.get(mu.uuid());
      if (r != null) {
        Set<Uuid> s = new HashSet<>(r.ports());
        for (Object o : (Set<?>) elements) {
          if (insert) {
            s.add((Uuid) o);
          } else {
            s.remove(o);
          }
        }
        pgs.put(r.uuid(), new PgRow(r.uuid(), r.name(), Collections.unmodifiableSet(s), r.acls(), r.externalIds()));
      }
    } else {
      AsRow r = ases.get(mu.uuid());
      if (r != null) {
        Set<String> s = new HashSet<>(r.addresses());
        for (Object o : (Set<?>) elements) {
          if (insert) {
            s.add((String) o);
          } else {
            s.remove(o);
          }
        }
        ases.put(r.uuid(), new AsRow(r.uuid(), r.name(), Collections.unmodifiableSet(s), r.externalIds()));
      }
    }
  }

  private Map<String, Object> current(String table, Uuid u) {
    switch (table) {
      case PORT_GROUP -> {
        PgRow r = pgs.get(u);
        if (r == null) {
          return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("ports", new HashSet<Object>(r.ports()));
        m.put("acls", new HashSet<Object>(r.acls()));
        m.put("external_ids", r.externalIds());
        return m;
      }
      case ADDRESS_SET -> {
        AsRow r = ases.get(u);
        if (r == null) {
          return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("addresses", new HashSet<Object>(r.addresses()));
        m.put("external_ids", r.externalIds());
        return m;
      }
      case ACL -> {
        AclRow r = acls.get(u);
        return r == null ? null : new LinkedHashMap<>(r.columns());
      }
      case LR -> {
        LrRow r = lrs.get(u);
        if (r == null) {
          return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("policies", new HashSet<Object>(r.policies()));
        return m;
      }
      case LRP -> {
        LrpRow r = lrps.get(u);
        return r == null ? null : new LinkedHashMap<>(r.columns());
      }
      default -> {
        return null;
      }
    }
  }

  private static Object resolve(Object v, Map<String, Uuid> named) {
    if (v instanceof NamedUuid n) {
      Uuid u = named.get(n.name());
      if (u == null) {
        throw new IllegalStateException("named-uuid " + n + " not inserted in this transaction");
      }
      return u;
    }
    if (v instanceof Set<?> s) {
      Set<Object> out = new HashSet<>();
      for (Object o : s) {
        out.add(resolve(o, named));
      }
      return out;
    }
    return v;
  }

  /** Puts a row; returns the LSP name when a new logical switch port appeared. */
  private String put(String table, Uuid u, Map<String, Object> row) {
    switch (table) {
      case LSP -> {
        String name = (String) row.get("name");
        String old = lspNames.put(u, name);
        if (old != null && !old.equals(name)) {
          lspByName.remove(old, u);
        }
        Uuid prev = lspByName.put(name, u);
        return prev == null || !prev.equals(u) ? name : null;
      }
      case PORT_GROUP -> {
        PgRow old = pgs.get(u);
        Set<Uuid> ports;
        if (row.containsKey("ports")) {
          ports = uuids(row.get("ports"));
          pendingMembers.remove(u);
        } else if (old != null) {
          ports = old.ports(); // a monitor update: the members are not monitored
        } else {
          ports = uuids(pendingMembers.remove(u));
        }
        PgRow r = new PgRow(u, (String) row.get("name"), ports, uuids(row.get("acls")), strMap(row.get("external_ids")));
        if (old != null) {
          unindex(old);
        }
        pgs.put(u, r);
        pgByName.put(r.name(), u);
        for (Uuid a : r.acls()) {
          aclHolders.computeIfAbsent(a, k -> new HashSet<>()).add(u);
        }
      }
      case ADDRESS_SET -> {
        AsRow old = ases.get(u);
        if (old != null) {
          asByName.remove(old.name(), u);
        }
        Set<String> addresses;
        if (row.containsKey("addresses")) {
          addresses = strings(row.get("addresses"));
          pendingMembers.remove(u);
        } else if (old != null) {
          addresses = old.addresses(); // a monitor update: the members are not monitored
        } else {
          addresses = strings(pendingMembers.remove(u));
        }
        AsRow r = new AsRow(u, (String) row.get("name"), addresses, strMap(row.get("external_ids")));
        ases.put(u, r);
        asByName.put(r.name(), u);
      }
      case ACL -> {
        AclRow old = acls.get(u);
        if (old != null) {
          unindex(old);
        }
        Map<String, Object> cols = new LinkedHashMap<>();
        for (String c : ACL_COLUMNS) {
          if (c.equals("tier") && !aclTier) {
            continue;
          }
          cols.put(c, normalize(c, row.get(c)));
        }
        AclRow r = new AclRow(u, Collections.unmodifiableMap(cols), strMap(row.get("external_ids")));
        acls.put(u, r);
        if (r.owned() && r.id() != null) {
          ownedAclsById.computeIfAbsent(r.id(), k -> new HashSet<>()).add(u);
        }
      }
      case LR -> {
        LrRow old = lrs.get(u);
        if (old != null) {
          unindex(old);
        }
        LrRow r = new LrRow(u, (String) row.get("name"), uuids(row.get("policies")));
        lrs.put(u, r);
        lrByName.put(r.name(), u);
        for (Uuid p : r.policies()) {
          lrpHolders.computeIfAbsent(p, k -> new HashSet<>()).add(u);
        }
      }
      case LRP -> {
        LrpRow old = lrps.get(u);
        if (old != null) {
          unindex(old);
        }
        Map<String, Object> cols = new LinkedHashMap<>();
        for (String c : LRP_COLUMNS) {
          cols.put(c, normalize(c, row.get(c)));
        }
        LrpRow r = new LrpRow(u, Collections.unmodifiableMap(cols), strMap(row.get("external_ids")));
        lrps.put(u, r);
        if (r.owned() && r.id() != null) {
          ownedLrpsById.computeIfAbsent(r.id(), k -> new HashSet<>()).add(u);
        }
      }
      default -> {}
    }
    return null;
  }

  private void remove(String table, Uuid u) {
    switch (table) {
      case LSP -> {
        String name = lspNames.remove(u);
        if (name != null) {
          lspByName.remove(name, u);
        }
        // Port_Group.ports is a weak reference the server clears, and it is not monitored: clear it here.
        for (PgRow pg : List.copyOf(pgs.values())) {
          if (pg.ports().contains(u)) {
            Set<Uuid> ports = new HashSet<>(pg.ports());
            ports.remove(u);
            pgs.put(pg.uuid(), new PgRow(pg.uuid(), pg.name(), Collections.unmodifiableSet(ports), pg.acls(),
                pg.externalIds()));
          }
        }
      }
      case PORT_GROUP -> {
        pendingMembers.remove(u);
        PgRow old = pgs.remove(u);
        if (old != null) {
          unindex(old);
        }
      }
      case ADDRESS_SET -> {
        pendingMembers.remove(u);
        AsRow old = ases.remove(u);
        if (old != null) {
          asByName.remove(old.name(), u);
        }
      }
      case ACL -> {
        AclRow old = acls.remove(u);
        if (old != null) {
          unindex(old);
        }
      }
      case LR -> {
        LrRow old = lrs.remove(u);
        if (old != null) {
          unindex(old);
        }
      }
      case LRP -> {
        LrpRow old = lrps.remove(u);
        if (old != null) {
          unindex(old);
        }
      }
      default -> {}
    }
  }

  private void unindex(LrRow old) {
    lrByName.remove(old.name(), old.uuid());
    for (Uuid p : old.policies()) {
      Set<Uuid> h = lrpHolders.get(p);
      if (h != null) {
        h.remove(old.uuid());
        if (h.isEmpty()) {
          lrpHolders.remove(p);
        }
      }
    }
  }

  private void unindex(LrpRow old) {
    if (old.id() != null) {
      Set<Uuid> s = ownedLrpsById.get(old.id());
      if (s != null) {
        s.remove(old.uuid());
        if (s.isEmpty()) {
          ownedLrpsById.remove(old.id());
        }
      }
    }
  }

  private void unindex(PgRow old) {
    pgByName.remove(old.name(), old.uuid());
    for (Uuid a : old.acls()) {
      Set<Uuid> h = aclHolders.get(a);
      if (h != null) {
        h.remove(old.uuid());
        if (h.isEmpty()) {
          aclHolders.remove(a);
        }
      }
    }
  }

  private void unindex(AclRow old) {
    if (old.id() != null) {
      Set<Uuid> s = ownedAclsById.get(old.id());
      if (s != null) {
        s.remove(old.uuid());
        if (s.isEmpty()) {
          ownedAclsById.remove(old.id());
        }
      }
    }
  }

  /** The canonical wire form of an ACL column, as the monitor delivers it. */
  static Object normalize(String column, Object v) {
    return switch (column) {
      case "name", "severity", "meter", "nexthops" -> strings(v);
      case "options", "external_ids" -> strMap(v);
      case "priority", "tier" -> v == null ? 0L : ((Number) v).longValue();
      case "log" -> Boolean.TRUE.equals(v);
      default -> v;
    };
  }

  static Set<Uuid> uuids(Object v) {
    if (v == null) {
      return Set.of();
    }
    Set<Uuid> out = new HashSet<>();
    for (Object o : (Set<?>) v) {
      out.add((Uuid) o);
    }
    return Collections.unmodifiableSet(out);
  }

  static Set<String> strings(Object v) {
    if (v == null) {
      return Set.of();
    }
    if (v instanceof String s) {
      return Set.of(s);
    }
    Set<String> out = new HashSet<>();
    for (Object o : (Set<?>) v) {
      out.add((String) o);
    }
    return Collections.unmodifiableSet(out);
  }

  static Map<String, String> strMap(Object v) {
    if (v == null) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
      out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }
}

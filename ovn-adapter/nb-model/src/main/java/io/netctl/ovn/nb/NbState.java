package io.netctl.ovn.nb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A whole desired (or observed) Northbound state: every row netctl owns, keyed by {@link NbRow#key()}, sorted so that
 * anything printed from it is deterministic.
 */
public record NbState(
    SortedMap<String, PortGroup> portGroups,
    SortedMap<String, AddressSet> addressSets,
    SortedMap<String, Acl> acls,
    SortedMap<String, LogicalRouterPolicy> routerPolicies) {

  public static final NbState EMPTY = new NbState(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());

  public NbState {
    portGroups = Collections.unmodifiableSortedMap(new TreeMap<>(portGroups));
    addressSets = Collections.unmodifiableSortedMap(new TreeMap<>(addressSets));
    acls = Collections.unmodifiableSortedMap(new TreeMap<>(acls));
    routerPolicies = Collections.unmodifiableSortedMap(new TreeMap<>(routerPolicies));
  }

  /** A state without Logical_Router_Policy rows (what the policy compiler produces). */
  public NbState(
      SortedMap<String, PortGroup> portGroups, SortedMap<String, AddressSet> addressSets, SortedMap<String, Acl> acls) {
    this(portGroups, addressSets, acls, new TreeMap<>());
  }

  /** Builds a state from rows; a later row with the same key replaces an earlier one. */
  public static NbState of(Iterable<? extends NbRow> rows) {
    Builder b = new Builder();
    for (NbRow r : rows) {
      b.put(r);
    }
    return b.build();
  }

  /** All rows: Port_Groups, then Address_Sets, then ACLs, then Logical_Router_Policies, each sorted by key. */
  public List<NbRow> rows() {
    List<NbRow> all = new ArrayList<>(size());
    all.addAll(portGroups.values());
    all.addAll(addressSets.values());
    all.addAll(acls.values());
    all.addAll(routerPolicies.values());
    return all;
  }

  public int size() {
    return portGroups.size() + addressSets.size() + acls.size() + routerPolicies.size();
  }

  /** The ACLs attached to each Port_Group, by group name. */
  public SortedMap<String, List<Acl>> aclsByPortGroup() {
    SortedMap<String, List<Acl>> m = new TreeMap<>();
    for (Acl a : acls.values()) {
      m.computeIfAbsent(a.portGroup(), k -> new ArrayList<>()).add(a);
    }
    return m;
  }

  /** This state with {@code delta} applied. Member changes on rows that do not exist are an error. */
  public NbState apply(NbDelta delta) {
    Builder b = new Builder(this);
    for (RowRef r : delta.deletes()) {
      b.remove(r);
    }
    for (NbRow r : delta.upserts()) {
      b.put(r);
    }
    for (MemberChange m : delta.memberChanges()) {
      b.mutate(m);
    }
    return b.build();
  }

  /** The delta that turns {@code from} into {@code to}: member changes where only a set column differs. */
  public static NbDelta diff(NbState from, NbState to) {
    List<NbRow> upserts = new ArrayList<>();
    List<RowRef> deletes = new ArrayList<>();
    List<MemberChange> members = new ArrayList<>();
    diffTable(from.portGroups, to.portGroups, upserts, deletes, members);
    diffTable(from.addressSets, to.addressSets, upserts, deletes, members);
    diffTable(from.acls, to.acls, upserts, deletes, members);
    diffTable(from.routerPolicies, to.routerPolicies, upserts, deletes, members);
    return new NbDelta(upserts, deletes, members);
  }

  private static <R extends NbRow> void diffTable(
      Map<String, R> from, Map<String, R> to, List<NbRow> upserts, List<RowRef> deletes, List<MemberChange> members) {
    for (Map.Entry<String, R> e : to.entrySet()) {
      R old = from.get(e.getKey());
      R now = e.getValue();
      if (old == null) {
        upserts.add(now);
      } else if (!old.equals(now)) {
        MemberChange m = memberChange(old, now);
        if (m != null) {
          members.add(m);
        } else {
          upserts.add(now);
        }
      }
    }
    for (Map.Entry<String, R> e : from.entrySet()) {
      if (!to.containsKey(e.getKey())) {
        deletes.add(e.getValue().ref());
      }
    }
  }

  private static MemberChange memberChange(NbRow old, NbRow now) {
    if (old instanceof AddressSet a && now instanceof AddressSet b && a.externalIds().equals(b.externalIds())) {
      return new MemberChange(a.ref(), minus(b.addresses(), a.addresses()), minus(a.addresses(), b.addresses()));
    }
    if (old instanceof PortGroup a && now instanceof PortGroup b && a.externalIds().equals(b.externalIds())) {
      return new MemberChange(a.ref(), minus(b.ports(), a.ports()), minus(a.ports(), b.ports()));
    }
    return null;
  }

  private static SortedSet<String> minus(SortedSet<String> a, SortedSet<String> b) {
    TreeSet<String> r = new TreeSet<>(a);
    r.removeAll(b);
    return r;
  }

  /** Mutable builder. */
  public static final class Builder {
    private final TreeMap<String, PortGroup> portGroups;
    private final TreeMap<String, AddressSet> addressSets;
    private final TreeMap<String, Acl> acls;
    private final TreeMap<String, LogicalRouterPolicy> routerPolicies;

    public Builder() {
      this(EMPTY);
    }

    public Builder(NbState base) {
      portGroups = new TreeMap<>(base.portGroups);
      addressSets = new TreeMap<>(base.addressSets);
      acls = new TreeMap<>(base.acls);
      routerPolicies = new TreeMap<>(base.routerPolicies);
    }

    public Builder put(NbRow row) {
      switch (row.table()) {
        case PORT_GROUP -> portGroups.put(row.key(), (PortGroup) row);
        case ADDRESS_SET -> addressSets.put(row.key(), (AddressSet) row);
        case ACL -> acls.put(row.key(), (Acl) row);
        case LOGICAL_ROUTER_POLICY -> routerPolicies.put(row.key(), (LogicalRouterPolicy) row);
        default -> throw new IllegalArgumentException("table " + row.table() + " is not part of NbState");
      }
      return this;
    }

    public Builder remove(RowRef ref) {
      switch (ref.table()) {
        case PORT_GROUP -> portGroups.remove(ref.key());
        case ADDRESS_SET -> addressSets.remove(ref.key());
        case ACL -> acls.remove(ref.key());
        case LOGICAL_ROUTER_POLICY -> routerPolicies.remove(ref.key());
        default -> throw new IllegalArgumentException("table " + ref.table() + " is not part of NbState");
      }
      return this;
    }

    public Builder mutate(MemberChange m) {
      String key = m.row().key();
      switch (m.row().table()) {
        case ADDRESS_SET -> {
          AddressSet as = required(addressSets.get(key), m);
          addressSets.put(key, as.withAddresses(applied(as.addresses(), m)));
        }
        case PORT_GROUP -> {
          PortGroup pg = required(portGroups.get(key), m);
          portGroups.put(key, pg.withPorts(applied(pg.ports(), m)));
        }
        default -> throw new IllegalArgumentException("member change on " + m.row());
      }
      return this;
    }

    private static <T> T required(T row, MemberChange m) {
      if (row == null) {
        throw new IllegalStateException("member change on missing row " + m.row());
      }
      return row;
    }

    private static SortedSet<String> applied(SortedSet<String> base, MemberChange m) {
      TreeSet<String> r = new TreeSet<>(base);
      r.removeAll(m.removed());
      r.addAll(m.added());
      return r;
    }

    public NbState build() {
      return new NbState(portGroups, addressSets, acls, routerPolicies);
    }
  }
}

package io.netctl.ovn.ovsdb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An in-memory OVSDB with the few NB rules the reconciler relies on: atomic transactions, named UUIDs, unique
 * {@code name} indexes on Port_Group and Address_Set, ACLs garbage-collected when no Port_Group refers to them, weak
 * references from Port_Group {@code ports} to Logical_Switch_Ports, the ACL {@code severity} enum, and monitors that
 * see every committed change. Sessions can be killed to test reconnects.
 */
final class FakeOvsdb {
  static final Set<String> SEVERITIES = Set.of("alert", "warning", "notice", "info", "debug");

  private final boolean aclTier;
  private Map<String, Map<Uuid, Map<String, Object>>> db = new TreeMap<>();
  private final List<Session> sessions = new ArrayList<>();
  private final AtomicInteger uuids = new AtomicInteger();
  int transactions;
  /** Called after a select took its snapshot and before it returns it (on the caller's thread); null: none. */
  volatile Consumer<String> afterSelectSnapshot;
  /** Transactions that came through {@link OvsdbSession#transactDirect}. */
  final AtomicInteger directTransactions = new AtomicInteger();
  /** Called with each transaction's operations before it is applied (on the caller's thread); null: none. */
  volatile Consumer<List<Operation>> beforeTransact;
  /** Fail the next transaction with a connection error after committing it (true) or before (false); null: no. */
  Boolean breakNext;

  FakeOvsdb(boolean aclTier) {
    this.aclTier = aclTier;
    for (String t : NbCache.monitoredColumns(true).keySet()) {
      db.put(t, new LinkedHashMap<>());
    }
  }

  synchronized Uuid addLsp(String name) {
    Uuid u = newUuid();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", name);
    commit(Map.of(NbCache.LSP, Map.of(u, row)), Set.of());
    return u;
  }

  synchronized void deleteLsp(String name) {
    for (Map.Entry<Uuid, Map<String, Object>> e : db.get(NbCache.LSP).entrySet()) {
      if (name.equals(e.getValue().get("name"))) {
        Map<String, Map<Uuid, Map<String, Object>>> next = copy();
        next.get(NbCache.LSP).remove(e.getKey());
        for (Map<String, Object> pg : next.get(NbCache.PORT_GROUP).values()) {
          Set<Object> p = new HashSet<>((Set<?>) pg.get("ports"));
          p.remove(e.getKey());
          pg.put("ports", p);
        }
        publish(next);
        return;
      }
    }
  }

  /** Writes a row as someone else would (no ownership, or any external_ids). */
  synchronized Uuid insertRaw(String table, Map<String, Object> row) {
    Uuid u = newUuid();
    Map<String, Map<Uuid, Map<String, Object>>> next = copy();
    next.get(table).put(u, new LinkedHashMap<>(row));
    publish(next);
    return u;
  }

  /** Sets one column of the row named {@code name}, as someone else (ovn-nbctl, another controller) would. */
  synchronized void setColumn(String table, String name, String column, Object value) {
    Map<String, Map<Uuid, Map<String, Object>>> next = copy();
    for (Map<String, Object> row : next.get(table).values()) {
      if (name.equals(row.get("name"))) {
        row.put(column, value);
        publish(next);
        return;
      }
    }
    throw new IllegalArgumentException("no " + table + " " + name);
  }

  synchronized Map<String, Map<Uuid, Map<String, Object>>> snapshot() {
    return copy();
  }

  synchronized OvsdbSession connect() {
    Session s = new Session();
    sessions.add(s);
    return s;
  }

  synchronized void killAll() {
    for (Session s : new ArrayList<>(sessions)) {
      s.kill();
    }
  }

  private Uuid newUuid() {
    return new Uuid(String.format("00000000-0000-4000-8000-%012d", uuids.incrementAndGet()));
  }

  private Map<String, Map<Uuid, Map<String, Object>>> copy() {
    Map<String, Map<Uuid, Map<String, Object>>> c = new TreeMap<>();
    for (Map.Entry<String, Map<Uuid, Map<String, Object>>> t : db.entrySet()) {
      Map<Uuid, Map<String, Object>> rows = new LinkedHashMap<>();
      for (Map.Entry<Uuid, Map<String, Object>> r : t.getValue().entrySet()) {
        rows.put(r.getKey(), new LinkedHashMap<>(r.getValue()));
      }
      c.put(t.getKey(), rows);
    }
    return c;
  }

  private void commit(Map<String, Map<Uuid, Map<String, Object>>> inserts, Set<Uuid> unused) {
    Map<String, Map<Uuid, Map<String, Object>>> next = copy();
    inserts.forEach((t, rows) -> rows.forEach((u, r) -> next.get(t).put(u, new LinkedHashMap<>(r))));
    publish(next);
  }

  /** Installs {@code next} and sends every session the rows that changed. */
  private void publish(Map<String, Map<Uuid, Map<String, Object>>> next) {
    List<RowUpdate> updates = new ArrayList<>();
    List<Map<String, Object>> olds = new ArrayList<>();
    for (String t : next.keySet()) {
      Map<Uuid, Map<String, Object>> before = db.get(t);
      Map<Uuid, Map<String, Object>> after = next.get(t);
      for (Map.Entry<Uuid, Map<String, Object>> e : after.entrySet()) {
        if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
          updates.add(new RowUpdate(t, e.getKey(), e.getValue()));
          olds.add(before.get(e.getKey()));
        }
      }
      for (Uuid u : before.keySet()) {
        if (!after.containsKey(u)) {
          updates.add(new RowUpdate(t, u, null));
          olds.add(before.get(u));
        }
      }
    }
    db = next;
    if (!updates.isEmpty()) {
      for (Session s : sessions) {
        s.deliver(updates, olds);
      }
    }
  }

  private synchronized List<Object> transact(List<Operation> ops) throws OvsdbException {
    Map<String, Map<Uuid, Map<String, Object>>> next = copy();
    Map<String, Uuid> named = new HashMap<>();
    List<Object> results = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      Map<Uuid, Map<String, Object>> table = next.get(op.table());
      if (table == null) {
        throw new TransactionFailedException("unknown table", op.table(), i, ops);
      }
      if (op instanceof Operation.Insert ins) {
        Uuid u = newUuid();
        if (ins.uuidName() != null) {
          named.put(ins.uuidName().name(), u);
        }
        Map<String, Object> row = defaults(op.table());
        ins.row().forEach((k, v) -> row.put(k, resolve(v, named)));
        check(op.table(), row, i, ops);
        table.put(u, row);
        results.add(u);
      } else if (op instanceof Operation.Update up) {
        Map<String, Object> row = table.get(up.uuid());
        if (row != null) {
          up.row().forEach((k, v) -> row.put(k, resolve(v, named)));
          check(op.table(), row, i, ops);
        }
        results.add(row == null ? 0L : 1L);
      } else if (op instanceof Operation.Mutate mu) {
        Map<String, Object> row = table.get(mu.uuid());
        if (row != null) {
          Set<Object> s = new HashSet<>((Set<?>) row.get(mu.column()));
          Set<?> el = (Set<?>) resolve(mu.elements(), named);
          if (mu.mutator() == Operation.Mutator.INSERT) {
            s.addAll(el);
          } else {
            s.removeAll(el);
          }
          row.put(mu.column(), s);
        }
        results.add(row == null ? 0L : 1L);
      } else if (op instanceof Operation.Delete d) {
        results.add(table.remove(d.uuid()) == null ? 0L : 1L);
      }
    }
    // commit checks: unique names, referential integrity, garbage collection of unreferenced ACLs
    for (String t : List.of(NbCache.PORT_GROUP, NbCache.ADDRESS_SET)) {
      Set<Object> names = new HashSet<>();
      for (Map<String, Object> r : next.get(t).values()) {
        if (!names.add(r.get("name"))) {
          throw new TransactionFailedException(
              "constraint violation", "duplicate " + t + " name " + r.get("name"), -1, ops);
        }
      }
    }
    Set<Object> referenced = new HashSet<>();
    for (Map<String, Object> pg : next.get(NbCache.PORT_GROUP).values()) {
      for (Object a : (Set<?>) pg.get("acls")) {
        if (!next.get(NbCache.ACL).containsKey(a)) {
          throw new TransactionFailedException("referential integrity violation", "ACL " + a, -1, ops);
        }
        referenced.add(a);
      }
      Set<Object> ports = new HashSet<>((Set<?>) pg.get("ports"));
      ports.removeIf(p -> !next.get(NbCache.LSP).containsKey(p));
      pg.put("ports", ports);
    }
    next.get(NbCache.ACL).keySet().removeIf(a -> !referenced.contains(a));
    if (Boolean.FALSE.equals(breakNext)) {
      breakNext = null;
      killAll();
      throw new OvsdbException("connection lost (before commit)");
    }
    transactions++;
    publish(next);
    if (Boolean.TRUE.equals(breakNext)) {
      breakNext = null;
      killAll();
      throw new OvsdbException("connection lost (after commit)");
    }
    return results;
  }

  private void check(String table, Map<String, Object> row, int i, List<Operation> ops)
      throws TransactionFailedException {
    if (table.equals(NbCache.ACL)) {
      for (Object s : (Set<?>) row.get("severity")) {
        if (!SEVERITIES.contains(s)) {
          throw new TransactionFailedException(
              "constraint violation", s + " is not one of the allowed values (" + SEVERITIES + ")", i, ops);
        }
      }
      if (!aclTier && row.containsKey("tier")) {
        throw new TransactionFailedException("unknown column", "tier", i, ops);
      }
    }
  }

  private Map<String, Object> defaults(String table) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (table) {
      case NbCache.PORT_GROUP -> {
        m.put("name", "");
        m.put("ports", Set.of());
        m.put("acls", Set.of());
        m.put("external_ids", Map.of());
      }
      case NbCache.ADDRESS_SET -> {
        m.put("name", "");
        m.put("addresses", Set.of());
        m.put("external_ids", Map.of());
      }
      case NbCache.ACL -> {
        m.put("name", Set.of());
        m.put("severity", Set.of());
        m.put("meter", Set.of());
        m.put("log", false);
        m.put("options", Map.of());
        m.put("external_ids", Map.of());
        if (aclTier) {
          m.put("tier", 0L);
        }
      }
      default -> {}
    }
    return m;
  }

  private static Object resolve(Object v, Map<String, Uuid> named) {
    if (v instanceof NamedUuid n) {
      return Objects.requireNonNull(named.get(n.name()), n.toString());
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

  final class Session implements OvsdbSession {
    private volatile boolean alive = true;
    private Consumer<List<RowUpdate>> listener;
    private Map<String, Set<String>> columns = Map.of();
    private final List<Runnable> onDisconnect = new ArrayList<>();

    /** Like ovsdb-server: a modified row is sent only when one of the monitored columns changed. */
    void deliver(List<RowUpdate> updates, List<Map<String, Object>> olds) {
      if (listener == null || !alive) {
        return;
      }
      List<RowUpdate> mine = new ArrayList<>();
      for (int i = 0; i < updates.size(); i++) {
        RowUpdate u = updates.get(i);
        Map<String, Object> old = olds.get(i);
        if (!columns.containsKey(u.table())) {
          continue;
        }
        if (u.row() != null && old != null && project(u).row().equals(project(new RowUpdate(u.table(), u.uuid(), old)).row())) {
          continue;
        }
        mine.add(project(u));
      }
      if (!mine.isEmpty()) {
        listener.accept(mine);
      }
    }

    private RowUpdate project(RowUpdate u) {
      if (u.row() == null) {
        return u;
      }
      Map<String, Object> r = new LinkedHashMap<>();
      for (String c : columns.get(u.table())) {
        if (u.row().containsKey(c)) {
          r.put(c, u.row().get(c));
        }
      }
      return new RowUpdate(u.table(), u.uuid(), r);
    }

    void kill() {
      if (alive) {
        alive = false;
        synchronized (FakeOvsdb.this) {
          sessions.remove(this);
        }
        onDisconnect.forEach(Runnable::run);
      }
    }

    @Override
    public String database() {
      return "OVN_Northbound";
    }

    @Override
    public String remote() {
      return "fake:0";
    }

    @Override
    public String schemaVersion() {
      return aclTier ? "7.11.0" : "7.0.0";
    }

    @Override
    public Map<String, Set<String>> tables() {
      Map<String, Set<String>> m = new TreeMap<>();
      NbCache.monitoredColumns(aclTier).forEach((t, c) -> m.put(t, new java.util.TreeSet<>(c)));
      NbCache.MEMBER_COLUMNS.forEach((t, c) -> m.get(t).add(c));
      return m;
    }

    @Override
    public List<RowUpdate> select(String table, Set<String> cols) throws OvsdbException {
      List<RowUpdate> out = new ArrayList<>();
      synchronized (FakeOvsdb.this) {
        if (!alive) {
          throw new OvsdbException("not connected");
        }
        for (Map.Entry<Uuid, Map<String, Object>> e : db.get(table).entrySet()) {
          Map<String, Object> r = new LinkedHashMap<>();
          for (String c : cols) {
            r.put(c, e.getValue().get(c));
          }
          out.add(new RowUpdate(table, e.getKey(), r));
        }
      }
      Consumer<String> hook = afterSelectSnapshot;
      if (hook != null) {
        hook.accept(table);
      }
      return out;
    }

    @Override
    public List<RowUpdate> monitor(Map<String, Set<String>> cols, Consumer<List<RowUpdate>> l) throws OvsdbException {
      synchronized (FakeOvsdb.this) {
        if (!alive) {
          throw new OvsdbException("not connected");
        }
        columns = cols;
        listener = l;
        List<RowUpdate> init = new ArrayList<>();
        for (String t : cols.keySet()) {
          for (Map.Entry<Uuid, Map<String, Object>> e : db.get(t).entrySet()) {
            init.add(project(new RowUpdate(t, e.getKey(), e.getValue())));
          }
        }
        return init;
      }
    }

    @Override
    public List<Object> transact(List<Operation> ops) throws OvsdbException {
      if (!alive) {
        throw new OvsdbException("not connected");
      }
      Consumer<List<Operation>> hook = beforeTransact;
      if (hook != null) {
        hook.accept(ops);
      }
      return FakeOvsdb.this.transact(ops);
    }

    @Override
    public List<Object> transactDirect(List<Operation> ops) throws OvsdbException {
      directTransactions.incrementAndGet();
      return transact(ops);
    }

    @Override
    public boolean isConnected() {
      return alive;
    }

    @Override
    public void onDisconnect(Runnable r) {
      onDisconnect.add(r);
    }

    @Override
    public void close() {
      alive = false;
      synchronized (FakeOvsdb.this) {
        sessions.remove(this);
      }
    }
  }
}

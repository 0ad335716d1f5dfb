package io.netctl.ovn.ovsdb;

import com.google.common.util.concurrent.ListenableFuture;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.opendaylight.aaa.cert.api.ICertificateManager;
import org.opendaylight.ovsdb.lib.MonitorCallBack;
import org.opendaylight.ovsdb.lib.OvsdbClient;
import org.opendaylight.ovsdb.lib.message.MonitorRequest;
import org.opendaylight.ovsdb.lib.message.MonitorRequestBuilder;
import org.opendaylight.ovsdb.lib.message.MonitorSelect;
import org.opendaylight.ovsdb.lib.message.TableUpdate;
import org.opendaylight.ovsdb.lib.message.TableUpdates;
import org.opendaylight.ovsdb.lib.notation.Column;
import org.opendaylight.ovsdb.lib.notation.Condition;
import org.opendaylight.ovsdb.lib.notation.Function;
import org.opendaylight.ovsdb.lib.notation.Mutator;
import org.opendaylight.ovsdb.lib.notation.Row;
import org.opendaylight.ovsdb.lib.notation.UUID;
import org.opendaylight.ovsdb.lib.operations.Delete;
import org.opendaylight.ovsdb.lib.operations.Insert;
import org.opendaylight.ovsdb.lib.operations.Mutate;
import org.opendaylight.ovsdb.lib.operations.OperationResult;
import org.opendaylight.ovsdb.lib.operations.Select;
import org.opendaylight.ovsdb.lib.operations.Update;
import org.opendaylight.ovsdb.lib.schema.ColumnSchema;
import org.opendaylight.ovsdb.lib.schema.ColumnType;
import org.opendaylight.ovsdb.lib.schema.DatabaseSchema;
import org.opendaylight.ovsdb.lib.schema.GenericTableSchema;

/** {@link OvsdbSession} on the OpenDaylight OVSDB library: the only class that sees its types. */
@SuppressWarnings({"rawtypes", "unchecked"})
final class OdlSession implements OvsdbSession {
  private final OdlRuntime runtime;
  private final OvsdbClient client;
  private final Remote remote;
  private final String database;
  private final DatabaseSchema schema;
  private final long timeoutMillis;
  private final TlsFiles tls;
  private volatile DirectTransactChannel direct;
  private final Set<CompletableFuture<?>> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final List<Runnable> disconnectListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean disconnected;

  private OdlSession(OdlRuntime runtime, OvsdbClient client, Remote remote, TlsFiles tls, String database,
      long timeoutMillis) throws OvsdbException {
    this.runtime = runtime;
    this.tls = tls;
    this.client = client;
    this.remote = remote;
    this.database = database;
    this.timeoutMillis = timeoutMillis;
    runtime.onDisconnect(client, this::disconnected);
    try {
      List<String> dbs = await(client.getDatabases(), "list_dbs");
      if (dbs == null || !dbs.contains(database)) {
        throw new OvsdbException(remote + ": no database " + database + " (the server has " + dbs + ")");
      }
      this.schema = await(client.getSchema(database), "get_schema " + database);
      if (schema == null) {
        throw new OvsdbException(remote + ": could not read the schema of " + database);
      }
    } catch (OvsdbException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Connects to one remote (no leader check: {@link OvsdbConnector} does that). */
  static OdlSession connect(Remote remote, TlsFiles tls, String database, long timeoutMillis) throws OvsdbException {
    OdlRuntime rt = OdlRuntime.get((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
    InetAddress addr;
    try {
      addr = InetAddress.getByName(remote.host());
    } catch (UnknownHostException e) {
      throw new OvsdbException(remote + ": unknown host", e);
    }
    OvsdbClient c;
    try {
      if (remote.scheme() == Remote.Scheme.SSL) {
        if (tls == null) {
          throw new OvsdbException(remote + ": an ssl remote needs a private key, certificate and CA certificate");
        }
        SSLContext ctx;
        try {
          ctx = tls.sslContext();
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
          throw new OvsdbException(remote + ": cannot load the SSL files: " + e.getMessage(), e);
        }
        c = rt.service.connectWithSsl(addr, remote.port(), new PemCertificateManager(ctx));
      } else {
        c = rt.service.connect(addr, remote.port());
      }
    } catch (OvsdbException e) {
      throw e;
    } catch (Throwable t) { // the library rethrows Netty's connect failure undeclared
      throw new OvsdbException(remote + ": cannot connect: " + t.getMessage(), t);
    }
    if (c == null) {
      throw new OvsdbException(remote + ": cannot connect");
    }
    return new OdlSession(rt, c, remote, tls, database, timeoutMillis);
  }

  /** Reads {@code _Server.Database} for {@code db}: model, connected, leader. Null when the server has no _Server. */
  ServerStatus serverStatus() throws OvsdbException {
    List<String> dbs = await(client.getDatabases(), "list_dbs");
    if (dbs == null || !dbs.contains("_Server")) {
      return null;
    }
    DatabaseSchema server = await(client.getSchema("_Server"), "get_schema _Server");
    GenericTableSchema t = server.table("Database", GenericTableSchema.class);
    Select sel = new Select(t);
    sel.column(t.column("name"));
    sel.column(t.column("model"));
    sel.column(t.column("connected"));
    sel.column(t.column("leader"));
    sel.addCondition(new Condition("name", Function.EQUALS, database));
    List<OperationResult> res =
        await(client.transact(server, List.of(sel)), "select _Server.Database");
    if (res.isEmpty() || res.get(0).getRows() == null || res.get(0).getRows().isEmpty()) {
      return null;
    }
    Map<String, Object> row = fromRow(res.get(0).getRows().get(0), t);
    return new ServerStatus(
        String.valueOf(row.get("model")),
        Boolean.TRUE.equals(row.get("connected")),
        Boolean.TRUE.equals(row.get("leader")));
  }

  /** One row of {@code _Server.Database}. */
  record ServerStatus(String model, boolean connected, boolean leader) {
    boolean usable() {
      return connected && (!"clustered".equals(model) || leader);
    }
  }

  @Override
  public String database() {
    return database;
  }

  @Override
  public String remote() {
    return remote.toString();
  }

  @Override
  public String schemaVersion() {
    return String.valueOf(schema.getVersion());
  }

  @Override
  public Map<String, Set<String>> tables() {
    Map<String, Set<String>> m = new TreeMap<>();
    for (String t : schema.getTables()) {
      Set<String> cols = new TreeSet<>();
      for (String c : schema.table(t, GenericTableSchema.class).getColumns()) {
        if (!c.startsWith("_")) {
          cols.add(c);
        }
      }
      m.put(t, cols);
    }
    return m;
  }

  @Override
  public List<RowUpdate> monitor(Map<String, Set<String>> columns, Consumer<List<RowUpdate>> listener)
      throws OvsdbException {
    List<MonitorRequest> reqs = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : columns.entrySet()) {
      GenericTableSchema t = table(e.getKey());
      reqs.add(
          new MonitorRequestBuilder<>(t)
              .addColumns(new ArrayList<>(e.getValue()))
              .with(new MonitorSelect(true, true, true, true))
              .build());
    }
    MonitorCallBack cb =
        new MonitorCallBack() {
          @Override
          public void update(TableUpdates result, DatabaseSchema dbSchema) {
            listener.accept(convert(result, columns));
          }

          @Override
          public void exception(Throwable t) {
            // the library reports nothing through it for RFC 7047 monitors
          }
        };
    int seconds = (int) Math.max(1, (timeoutMillis + 999) / 1000);
    TableUpdates initial;
    try {
      initial = client.monitor(schema, reqs, cb, seconds);
    } catch (RuntimeException e) {
      throw new OvsdbException(remote + ": monitor failed: " + e, e);
    }
    if (initial == null) {
      throw new OvsdbException(remote + ": monitor failed (no reply within " + seconds + " s, or connection lost)");
    }
    return convert(initial, columns);
  }

  private List<RowUpdate> convert(TableUpdates updates, Map<String, Set<String>> columns) {
    List<RowUpdate> out = new ArrayList<>();
    if (updates == null) {
      return out;
    }
    for (Map.Entry<String, TableUpdate> e : updates.getUpdates().entrySet()) {
      String table = e.getKey();
      GenericTableSchema t = table(table);
      Map<UUID, TableUpdate.RowUpdate> rows = e.getValue().getRows();
      for (Map.Entry<UUID, TableUpdate.RowUpdate> r : rows.entrySet()) {
        Row n = r.getValue().getNew();
        Map<String, Object> row = null;
        if (n != null) {
          row = fromRow(n, t);
          for (String c : columns.getOrDefault(table, Set.of())) {
            row.computeIfAbsent(c, k -> emptyValue(t, k));
          }
        }
        out.add(new RowUpdate(table, new Uuid(r.getKey().toString()), row));
      }
    }
    return out;
  }

  private static Object emptyValue(GenericTableSchema t, String column) {
    ColumnSchema cs = t.column(column);
    if (cs == null) {
      return null;
    }
    ColumnType ct = cs.getType();
    if (ct.getClass().getSimpleName().startsWith("KeyValued")) { // the class is package-private
      return Map.of();
    }
    return ct.isMultiValued() ? Set.of() : null;
  }

  private static Map<String, Object> fromRow(Row row, GenericTableSchema t) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Object o : row.getColumns()) {
      Column c = (Column) o;
      String name = c.getSchema().getName();
      if (name.startsWith("_")) {
        continue;
      }
      Object d = c.getData();
      if (d == null) {
        d = emptyValue(t, name);
      }
      m.put(name, fromOdl(d));
    }
    return m;
  }

  private static Object fromOdl(Object v) {
    if (v instanceof UUID u) {
      return new Uuid(u.toString());
    }
    if (v instanceof Set<?> s) {
      Set<Object> out = new LinkedHashSet<>();
      for (Object o : s) {
        out.add(fromOdl(o));
      }
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(fromOdl(e.getKey()), fromOdl(e.getValue()));
      }
      return out;
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    return v;
  }

  private static Object toOdl(Object v) {
    if (v instanceof Uuid u) {
      return new UUID(u.value());
    }
    if (v instanceof NamedUuid n) {
      return new UUID(n.name());
    }
    if (v instanceof Set<?> s) {
      Set<Object> out = new LinkedHashSet<>();
      for (Object o : s) {
        out.add(toOdl(o));
      }
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(toOdl(e.getKey()), toOdl(e.getValue()));
      }
      return out;
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    return v;
  }

  private GenericTableSchema table(String name) {
    GenericTableSchema t = schema.table(name, GenericTableSchema.class);
    if (t == null) {
      throw new IllegalArgumentException(database + " has no table " + name);
    }
    return t;
  }

  private ColumnSchema column(GenericTableSchema t, String name) {
    ColumnSchema c = t.column(name);
    if (c == null) {
      throw new IllegalArgumentException(t.getName() + " has no column " + name);
    }
    return c;
  }

  private static Condition byUuid(Uuid u) {
    return new Condition("_uuid", Function.EQUALS, new UUID(u.value()));
  }

  private org.opendaylight.ovsdb.lib.operations.Operation toOdl(Operation op) {
    GenericTableSchema t = table(op.table());
    if (op instanceof Operation.Insert ins) {
      Insert i = new Insert(t);
      if (ins.uuidName() != null) {
        i.withId(ins.uuidName().name());
      }
      for (Map.Entry<String, Object> e : ins.row().entrySet()) {
        i.value(column(t, e.getKey()), toOdl(e.getValue()));
      }
      return i;
    }
    if (op instanceof Operation.Update up) {
      Update u = new Update(t);
      for (Map.Entry<String, Object> e : up.row().entrySet()) {
        u.set(column(t, e.getKey()), toOdl(e.getValue()));
      }
      u.addCondition(byUuid(up.uuid()));
      return u;
    }
    if (op instanceof Operation.Mutate mu) {
      Mutate m = new Mutate(t);
      m.addMutation(
          column(t, mu.column()),
          mu.mutator() == Operation.Mutator.INSERT ? Mutator.INSERT : Mutator.DELETE,
          toOdl(mu.elements()));
      m.addCondition(byUuid(mu.uuid()));
      return m;
    }
    Operation.Delete del = (Operation.Delete) op;
    Delete d = new Delete(t);
    d.addCondition(byUuid(del.uuid()));
    return d;
  }

  @Override
  public List<Object> transact(List<Operation> ops) throws OvsdbException {
    if (ops.isEmpty()) {
      return List.of();
    }
    List<org.opendaylight.ovsdb.lib.operations.Operation> odl = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      odl.add(toOdl(op));
    }
    List<OperationResult> res = await(client.transact(schema, odl), "transact");
    if (res == null) {
      throw new OvsdbException(remote + ": transact: no reply");
    }
    for (int i = 0; i < res.size(); i++) {
      OperationResult r = res.get(i);
      if (r != null && r.getError() != null) {
        throw new TransactionFailedException(r.getError(), r.getDetails(), i < ops.size() ? i : -1, ops);
      }
    }
    if (res.size() < ops.size()) {
      throw new OvsdbException(remote + ": transact: " + res.size() + " results for " + ops.size() + " operations");
    }
    List<Object> out = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      OperationResult r = res.get(i);
      if (ops.get(i) instanceof Operation.Insert) {
        if (r.getUuid() == null) {
          throw new OvsdbException(remote + ": insert without a uuid in the reply");
        }
        out.add(new Uuid(r.getUuid().toString()));
      } else {
        out.add((long) r.getCount());
      }
    }
    return out;
  }

  @Override
  public synchronized void openDirect() throws OvsdbException {
    if (closed.get() || disconnected) {
      throw new OvsdbException(remote + ": direct transact channel: not connected");
    }
    if (direct == null || !direct.isOpen()) {
      direct = DirectTransactChannel.open(remote, tls, database, OdlRuntime.CONNECT_TIMEOUT_MILLIS);
      if (closed.get()) {
        direct.close();
      }
    }
  }

  @Override
  public List<Object> transactDirect(List<Operation> ops) throws OvsdbException {
    if (!DirectTransactChannel.supports(ops)) {
      return transact(ops);
    }
    DirectTransactChannel d = direct;
    if (d == null || !d.isOpen()) {
      openDirect();
      d = direct;
    }
    return d.transact(ops, timeoutMillis);
  }

  @Override
  public long[] lastDirectTiming() {
    DirectTransactChannel d = direct;
    return d == null ? null : d.lastTiming();
  }

  @Override
  public List<RowUpdate> select(String table, Set<String> columns) throws OvsdbException {
    GenericTableSchema t = table(table);
    Select sel = new Select(t);
    sel.column(t.column("_uuid"));
    for (String c : columns) {
      sel.column(column(t, c));
    }
    List<OperationResult> res = await(client.transact(schema, List.of(sel)), "select " + table);
    if (res == null || res.isEmpty()) {
      throw new OvsdbException(remote + ": select " + table + ": no reply");
    }
    if (res.get(0).getError() != null) {
      throw new OvsdbException(remote + ": select " + table + ": " + res.get(0).getError() + " "
          + res.get(0).getDetails());
    }
    List<RowUpdate> out = new ArrayList<>();
    List<Row<GenericTableSchema>> rows = res.get(0).getRows();
    if (rows == null) {
      return out;
    }
    for (Row<GenericTableSchema> r : rows) {
      Uuid uuid = null;
      for (Object o : r.getColumns()) {
        Column c = (Column) o;
        if (c.getSchema().getName().equals("_uuid")) {
          uuid = new Uuid(c.getData().toString());
        }
      }
      if (uuid == null) {
        throw new OvsdbException(remote + ": select " + table + ": a row without _uuid");
      }
      Map<String, Object> row = fromRow(r, t);
      for (String c : columns) {
        row.computeIfAbsent(c, k -> emptyValue(t, k));
      }
      out.add(new RowUpdate(table, uuid, row));
    }
    return out;
  }

  /** Waits for a library future, failing fast when the connection drops (the library would wait for its reaper). */
  private <T> T await(ListenableFuture<T> f, String what) throws OvsdbException {
    if (disconnected) {
      f.cancel(false);
      throw new OvsdbException(remote + ": " + what + ": not connected");
    }
    CompletableFuture<T> cf = new CompletableFuture<>();
    f.addListener(
        () -> {
          try {
            cf.complete(f.get());
          } catch (ExecutionException e) {
            cf.completeExceptionally(e.getCause());
          } catch (CancellationException e) {
            cf.completeExceptionally(new TimeoutException("no reply within " + timeoutMillis + " ms"));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cf.completeExceptionally(e);
          }
        },
        Runnable::run);
    inFlight.add(cf);
    if (disconnected) {
      cf.completeExceptionally(new OvsdbException("connection lost"));
    }
    try {
      return cf.get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OvsdbException(remote + ": " + what + ": interrupted", e);
    } catch (TimeoutException e) {
      throw new OvsdbException(remote + ": " + what + ": no reply within " + timeoutMillis + " ms", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw new OvsdbException(remote + ": " + what + ": " + (c.getMessage() == null ? c : c.getMessage()), c);
    } finally {
      inFlight.remove(cf);
    }
  }

  private void disconnected() {
    disconnected = true;
    for (CompletableFuture<?> f : inFlight) {
      f.completeExceptionally(new OvsdbException("connection lost"));
    }
    if (!closed.get()) {
      for (Runnable r : disconnectListeners) {
        r.run();
      }
    }
  }

  @Override
  public boolean isConnected() {
    return !disconnected && client.isActive();
  }

  @Override
  public void onDisconnect(Runnable r) {
    disconnectListeners.add(r);
    if (disconnected && !closed.get()) {
      r.run();
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    runtime.forget(client);
    disconnected = true;
    DirectTransactChannel d = direct;
    if (d != null) {
      d.close();
    }
    for (CompletableFuture<?> f : inFlight) {
      f.completeExceptionally(new OvsdbException("session closed"));
    }
    try {
      runtime.service.disconnect(client);
    } finally {
      client.disconnect();
    }
  }

  /** The one method of aaa-cert's certificate manager the library calls for a client connection. */
  private record PemCertificateManager(SSLContext context) implements ICertificateManager {
    @Override
    public SSLContext getServerContext() {
      return context;
    }

    @Override
    public KeyStore getODLKeyStore() {
      return null;
    }

    @Override
    public KeyStore getTrustKeyStore() {
      return null;
    }

    @Override
    public String[] getCipherSuites() {
      return null;
    }

    @Override
    public String[] getTlsProtocols() {
      return null;
    }

    @Override
    public String getCertificateTrustStore(String a, String b, boolean c) {
      return null;
    }

    @Override
    public String getODLKeyStoreCertificate(String a, boolean b) {
      return null;
    }

    @Override
    public String genODLKeyStoreCertificateReq(String a, boolean b) {
      return null;
    }

    @Override
    public boolean importSslDataKeystores(
        String a, String b, String c, String d, String e, String[] f, String g) {
      return false;
    }

    @Override
    public void exportSslDataKeystores() {}
  }
}

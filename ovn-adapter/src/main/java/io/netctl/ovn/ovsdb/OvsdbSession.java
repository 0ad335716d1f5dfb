package io.netctl.ovn.ovsdb;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One connection to one database of an OVSDB server: the seam between netctl and the OVSDB library, so that the
 * reconciler can be tested against a fake and nothing else sees the library's types.
 */
public interface OvsdbSession extends AutoCloseable {

  /** The database, e.g. {@code OVN_Northbound}. */
  String database();

  /** The remote this session is connected to, e.g. {@code tcp:127.0.0.1:6641}. */
  String remote();

  /** The database schema's version, e.g. {@code 7.11.0}. */
  String schemaVersion();

  /** The columns of each table in the server's schema (without {@code _uuid} and {@code _version}). */
  Map<String, Set<String>> tables();

  /**
   * Starts an RFC 7047 monitor of these columns; returns the initial rows once the server sent them. Later changes
   * go to {@code listener}, one call per update notification, on the connection's I/O thread, in the order the
   * server sent them.
   */
  List<RowUpdate> monitor(Map<String, Set<String>> columns, Consumer<List<RowUpdate>> listener)
      throws OvsdbException;

  /**
   * Runs one transaction and returns one result per operation: the new row's {@link Uuid} for an insert, the
   * number of rows touched for the others.
   *
   * @throws TransactionFailedException the server rejected it: nothing was committed
   * @throws OvsdbException the connection broke or timed out: it may or may not have been committed
   */
  List<Object> transact(List<Operation> ops) throws OvsdbException;

  /**
   * Reads these columns of every row of {@code table} with a transaction of one {@code select} (a snapshot, not a
   * monitor): one {@link RowUpdate} per row, its row holding exactly {@code columns} (empty sets and maps for empty
   * columns).
   */
  List<RowUpdate> select(String table, Set<String> columns) throws OvsdbException;

  /**
   * Opens what {@link #transactDirect} needs (a second connection), so that the first failover does not pay for it.
   * The default has nothing to open.
   */
  default void openDirect() throws OvsdbException {}

  /**
   * {@link #transact} for a small transaction of {@code mutate}s of set columns, on the lowest-latency path the
   * session has (see {@code DirectTransactChannel}): the calling thread writes the request itself. The default is
   * {@link #transact}. Same results and exceptions.
   */
  default List<Object> transactDirect(List<Operation> ops) throws OvsdbException {
    return transact(ops);
  }

  /**
   * {@link System#nanoTime()} stamps of the last {@link #transactDirect}: started, request written to the socket,
   * reply read; null if unknown.
   */
  default long[] lastDirectTiming() {
    return null;
  }

  boolean isConnected();

  /** Runs {@code r} (once) when the connection closes for any reason other than {@link #close()}. */
  void onDisconnect(Runnable r);

  @Override
  void close();
}

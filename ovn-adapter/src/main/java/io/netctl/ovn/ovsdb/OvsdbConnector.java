package io.netctl.ovn.ovsdb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Opens {@link OvsdbSession}s to one database over several remotes (a clustered NB: {@code tcp:A:6641,tcp:B:6641}),
 * preferring the Raft leader: after connecting, it reads the server's {@code _Server.Database} row of the database and
 * moves on when that member is a follower or not connected to the cluster. When no member says it leads, it settles
 * for the first connected one (writes through a follower are forwarded to the leader by ovsdb-server anyway).
 */
public final class OvsdbConnector {
  public static final String NB_DATABASE = "OVN_Northbound";

  private final List<Remote> remotes;
  private final TlsFiles tls;
  private final String database;
  private final Duration rpcTimeout;
  private final Consumer<String> log;
  private int next;

  /**
   * @param remotes one or more remotes of the same database
   * @param tls PEM files for ssl remotes, or null
   * @param database the database, e.g. {@link #NB_DATABASE}
   * @param rpcTimeout how long one request (a large transaction, the initial monitor reply) may take
   * @param log where to report skipped remotes
   */
  public OvsdbConnector(List<Remote> remotes, TlsFiles tls, String database, Duration rpcTimeout, Consumer<String> log) {
    if (remotes.isEmpty()) {
      throw new IllegalArgumentException("no OVSDB remote");
    }
    this.remotes = List.copyOf(remotes);
    this.tls = tls;
    this.database = Objects.requireNonNull(database, "database");
    this.rpcTimeout = Objects.requireNonNull(rpcTimeout, "rpcTimeout");
    this.log = log == null ? s -> {} : log;
  }

  public List<Remote> remotes() {
    return remotes;
  }

  /** Connects to the leader if one answers, else to any member that is connected to its cluster. */
  public OvsdbSession connect() throws OvsdbException {
    List<String> failures = new ArrayList<>();
    OvsdbSession fallback = null;
    for (int k = 0; k < remotes.size(); k++) {
      int i = (next + k) % remotes.size();
      Remote r = remotes.get(i);
      OdlSession s;
      try {
        s = OdlSession.connect(r, tls, database, rpcTimeout.toMillis());
      } catch (OvsdbException e) {
        failures.add(e.getMessage());
        continue;
      }
      OdlSession.ServerStatus st;
      try {
        st = s.serverStatus();
      } catch (OvsdbException e) {
        s.close();
        failures.add(r + ": reading _Server: " + e.getMessage());
        continue;
      }
      if (st == null || st.usable()) {
        next = i;
        if (fallback != null) {
          fallback.close();
        }
        return s;
      }
      if (st.connected() && fallback == null && remotes.size() > 1) {
        log.accept(r + ": " + database + " is a " + st.model() + " follower; looking for the leader");
        fallback = s;
        continue;
      }
      failures.add(r + ": " + database + " is not connected to its cluster");
      s.close();
    }
    if (fallback != null) {
      log.accept(fallback.remote() + ": no leader answered; using this follower");
      return fallback;
    }
    throw new OvsdbException("cannot connect to " + database + ": " + String.join("; ", failures));
  }
}

package io.netctl.ovn.ovsdb;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opendaylight.ovsdb.lib.OvsdbClient;
import org.opendaylight.ovsdb.lib.OvsdbConnectionListener;
import org.opendaylight.ovsdb.lib.impl.NetctlBootstrapFactory;
import org.opendaylight.ovsdb.lib.impl.OvsdbConnectionService;

/**
 * The OpenDaylight library's process-wide state, created once: its connection service, listeners and reaper are
 * static, and closing the service stops a static executor for good (a second service in the same JVM fails with
 * {@code RejectedExecutionException}). So the service is never closed; sessions disconnect their clients instead,
 * which is what lets the JVM exit at once.
 */
final class OdlRuntime {
  /** The library's decoder limit (default 100,000 bytes) must hold the initial monitor reply of a large NB. */
  static final int MAX_FRAME_BYTES = 512 * 1024 * 1024;
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private static OdlRuntime instance;

  final OvsdbConnectionService service;
  private final Map<OvsdbClient, Runnable> disconnectHandlers = new ConcurrentHashMap<>();
  private int rpcTimeoutMillis;

  private OdlRuntime() {
    service = new OvsdbConnectionService(new NetctlBootstrapFactory(CONNECT_TIMEOUT_MILLIS), null);
    service.setJsonRpcDecoderMaxFrameLength(MAX_FRAME_BYTES);
    service.registerConnectionListener(
        new OvsdbConnectionListener() {
          @Override
          public void connected(OvsdbClient client) {}

          @Override
          public void disconnected(OvsdbClient client) {
            Runnable r = disconnectHandlers.remove(client);
            if (r != null) {
              r.run();
            }
          }
        });
  }

  static synchronized OdlRuntime get(int rpcTimeoutMillis) {
    if (instance == null) {
      instance = new OdlRuntime();
    }
    // The library's RPC timeout is one JVM-wide static: keep the largest any caller asked for.
    if (rpcTimeoutMillis > instance.rpcTimeoutMillis) {
      instance.rpcTimeoutMillis = rpcTimeoutMillis;
      instance.service.setOvsdbRpcTaskTimeout(rpcTimeoutMillis);
    }
    return instance;
  }

  void onDisconnect(OvsdbClient client, Runnable r) {
    disconnectHandlers.put(client, r);
    if (!client.isActive()) {
      Runnable again = disconnectHandlers.remove(client);
      if (again != null) {
        again.run();
      }
    }
  }

  void forget(OvsdbClient client) {
    disconnectHandlers.remove(client);
  }
}

package io.netctl.ovn.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netctl.ovn.nb.AclAction;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.sandbox.OvnSandbox;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OVSDB client on the OpenDaylight library against real ovsdb-servers: TCP, SSL, several remotes, old schemas. */
class OvsdbSessionIT {
  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static final List<Long> extraPids = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    try {
      sandbox = OvnSandbox.start(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.INSTALL_HINT + ": " + e.getMessage(), e);
    }
    sandbox.nbctl("ls-add", "ls1", "--", "lsp-add", "ls1", "p1", "--", "lsp-add", "ls1", "p2");
  }

  @AfterAll
  static void stop() throws Exception {
    for (long pid : extraPids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  static OvsdbConnector connector(String remotes, TlsFiles tls) {
    return new OvsdbConnector(Remote.parseList(remotes), tls, OvsdbConnector.NB_DATABASE, Duration.ofSeconds(10),
        s -> {});
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Another ovsdb-server in the sandbox directory on a fresh database of {@code schema}; returns its port. */
  static int extraServer(String name, Path schema, String... extraArgs) throws Exception {
    Path d = sandbox.dir();
    String db = d.resolve(name + ".db").toString();
    sandbox.run("ovsdb-tool", "create", db, schema.toString());
    int port = freePort();
    String scheme = extraArgs.length > 0 ? "pssl" : "ptcp";
    List<String> cmd = new java.util.ArrayList<>(List.of("ovsdb-server", "--detach", "--no-chdir", "-vconsole:off",
        "--pidfile=" + d + "/" + name + ".pid", "--log-file=" + d + "/" + name + ".log",
        "--unixctl=" + d + "/" + name + ".ctl", "--remote=" + scheme + ":" + port + ":127.0.0.1"));
    cmd.addAll(List.of(extraArgs));
    cmd.add(db);
    sandbox.run(cmd.toArray(new String[0]));
    extraPids.add(Long.parseLong(Files.readString(d.resolve(name + ".pid")).strip()));
    return port;
  }

  @Test
  void tcpSchemaMonitorTransact() throws Exception {
    try (OvsdbSession s = connector(sandbox.nbRemote(), null).connect()) {
      assertThat(s.schemaVersion()).startsWith("7.");
      assertThat(s.tables().get("ACL")).contains("tier", "match", "priority");
      List<List<RowUpdate>> updates = new CopyOnWriteArrayList<>();
      List<RowUpdate> initial = s.monitor(Map.of(NbCache.LSP, Set.of("name")), updates::add);
      assertThat(initial).extracting(u -> u.row().get("name")).contains("p1", "p2");
      List<Object> res = s.transact(List.of(new Operation.Insert(NbCache.ADDRESS_SET, new NamedUuid("a"),
          Map.of("name", "it_as", "addresses", Set.of("10.1.1.1")))));
      assertThat(res).singleElement().isInstanceOf(Uuid.class);
      s.transact(List.of(new Operation.Delete(NbCache.ADDRESS_SET, (Uuid) res.get(0))));
    }
  }

  @Test
  void directTransactCommitsMutatesAndReportsRejections() throws Exception {
    try (OvsdbSession s = connector(sandbox.nbRemote(), null).connect()) {
      List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
      s.monitor(Map.of(NbCache.ADDRESS_SET, Set.of("name", "addresses")), ups -> ups.forEach(u -> {
        if (u.row() != null && "it_direct".equals(u.row().get("name"))) {
          seen.add(u.row());
        }
      }));
      Uuid row = (Uuid) s.transact(List.of(new Operation.Insert(NbCache.ADDRESS_SET, new NamedUuid("a"),
          Map.of("name", "it_direct", "addresses", Set.of("10.1.1.1"))))).get(0);
      s.openDirect();
      List<Object> res = s.transactDirect(List.of(new Operation.Mutate(NbCache.ADDRESS_SET, row, "addresses",
          Operation.Mutator.INSERT, Set.of("10.1.1.2", "10.1.1.3"))));
      assertThat(res).containsExactly(1L);
      long[] t = s.lastDirectTiming();
      assertThat(t[0]).isLessThanOrEqualTo(t[1]);
      assertThat(t[1]).isLessThanOrEqualTo(t[2]);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty()
          && seen.get(seen.size() - 1).get("addresses").equals(Set.of("10.1.1.1", "10.1.1.2", "10.1.1.3")));
      s.transactDirect(List.of(new Operation.Mutate(NbCache.ADDRESS_SET, row, "addresses",
          Operation.Mutator.DELETE, Set.of("10.1.1.1"))));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(
          () -> seen.get(seen.size() - 1).get("addresses").equals(Set.of("10.1.1.2", "10.1.1.3")));
      // a rejected transaction: the error names the operation, nothing is committed, the channel keeps working
      assertThatThrownBy(() -> s.transactDirect(List.of(
          new Operation.Mutate(NbCache.ADDRESS_SET, row, "addresses", Operation.Mutator.INSERT, Set.of("10.9.9.9")),
          new Operation.Mutate(NbCache.ADDRESS_SET, row, "no_such_column", Operation.Mutator.INSERT, Set.of("x")))))
          .isInstanceOf(TransactionFailedException.class);
      assertThat(s.select(NbCache.ADDRESS_SET, Set.of("name", "addresses"))).filteredOn(
          u -> "it_direct".equals(u.row().get("name"))).singleElement()
          .satisfies(u -> assertThat(u.row().get("addresses")).isEqualTo(Set.of("10.1.1.2", "10.1.1.3")));
      assertThat(s.transactDirect(List.of(new Operation.Mutate(NbCache.ADDRESS_SET, row, "addresses",
          Operation.Mutator.DELETE, Set.of("10.1.1.2"))))).containsExactly(1L);
      s.transact(List.of(new Operation.Delete(NbCache.ADDRESS_SET, row)));
    }
  }

  @Test
  void directTransactInsertsWithNamedUuidsUpdatesAndDeletesLikeTheLibrary() throws Exception {
    try (OvsdbSession s = connector(sandbox.nbRemote(), null).connect()) {
      s.openDirect();
      Map<String, Object> acl = new java.util.LinkedHashMap<>();
      acl.put("priority", 1234L);
      acl.put("direction", "to-lport");
      acl.put("match", "outport == @it_direct_pg && tcp.dst == 80");
      acl.put("action", "allow-related");
      acl.put("log", Boolean.FALSE);
      acl.put("severity", Set.of());
      acl.put("external_ids", Map.of("netctl.io/owner", "it", "netctl.io/id", "it_direct_acl"));
      List<Object> res = s.transactDirect(List.of(
          new Operation.Insert(NbCache.ACL, new NamedUuid("acl0"), acl),
          new Operation.Insert(NbCache.PORT_GROUP, new NamedUuid("pg0"), Map.of("name", "it_direct_pg",
              "acls", Set.of(new NamedUuid("acl0")), "external_ids", Map.of("netctl.io/owner", "it")))));
      assertThat(res).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOf(Uuid.class));
      Uuid aclRow = (Uuid) res.get(0);
      Uuid pgRow = (Uuid) res.get(1);
      assertThat(s.select(NbCache.PORT_GROUP, Set.of("name", "acls"))).filteredOn(u -> u.uuid().equals(pgRow))
          .singleElement().satisfies(u -> assertThat(u.row().get("acls")).isEqualTo(Set.of(aclRow)));
      assertThat(s.select(NbCache.ACL, Set.of("priority", "log", "external_ids")))
          .filteredOn(u -> u.uuid().equals(aclRow)).singleElement().satisfies(u -> {
            assertThat(u.row().get("priority")).isEqualTo(1234L);
            assertThat(u.row().get("external_ids")).isEqualTo(Map.of("netctl.io/owner", "it", "netctl.io/id",
                "it_direct_acl"));
          });
      assertThat(s.transactDirect(List.of(new Operation.Update(NbCache.ACL, aclRow, Map.of("priority", 1235L,
          "log", Boolean.TRUE))))).containsExactly(1L);
      assertThat(s.select(NbCache.ACL, Set.of("priority", "log"))).filteredOn(u -> u.uuid().equals(aclRow))
          .singleElement().satisfies(u -> assertThat(u.row()).containsEntry("priority", 1235L)
              .containsEntry("log", Boolean.TRUE));
      // a rejected transaction (a second Port_Group of the same name breaks the name index) commits nothing
      assertThatThrownBy(() -> s.transactDirect(List.of(
          new Operation.Update(NbCache.ACL, aclRow, Map.of("priority", 1)),
          new Operation.Insert(NbCache.PORT_GROUP, null, Map.of("name", "it_direct_pg")))))
          .isInstanceOf(TransactionFailedException.class);
      assertThat(s.select(NbCache.ACL, Set.of("priority"))).filteredOn(u -> u.uuid().equals(aclRow))
          .singleElement().satisfies(u -> assertThat(u.row()).containsEntry("priority", 1235L));
      assertThat(s.transactDirect(List.of(new Operation.Delete(NbCache.PORT_GROUP, pgRow)))).containsExactly(1L);
      // the ACL is not a root row: the server collected it with its last holder
      assertThat(s.select(NbCache.ACL, Set.of("priority"))).noneMatch(u -> u.uuid().equals(aclRow));
    }
  }

  @Test
  void aDeadRemoteIsSkipped() throws Exception {
    String remotes = "tcp:127.0.0.1:" + freePort() + "," + sandbox.nbRemote();
    try (OvsdbSession s = connector(remotes, null).connect()) {
      assertThat(s.remote()).isEqualTo(sandbox.nbRemote());
    }
    assertThatThrownBy(() -> connector("tcp:127.0.0.1:" + freePort(), null).connect())
        .isInstanceOf(OvsdbException.class)
        .hasMessageContaining("cannot connect");
  }

  static void pki(Path pki, String prefix, String type) throws Exception {
    // ovs-pki writes NAME-privkey.pem etc. into the working directory and puts NAME into the certificate's CN (at
    // most 64 characters): run it in the sandbox directory with a short name
    sandbox.run("sh", "-c", "cd '" + sandbox.dir() + "' && ovs-pki --dir='" + pki + "' req+sign " + prefix + " " + type);
  }

  @Test
  void sslWithOvsPkiFiles() throws Exception {
    Path pki = sandbox.dir().resolve("pki");
    sandbox.run("ovs-pki", "--dir=" + pki, "--force", "init");
    String d = sandbox.dir().toString();
    pki(pki, "nbserver", "switch");
    pki(pki, "nbclient", "controller");
    Path schema = sandbox.dir().resolve("nb.ovsschema");
    Files.writeString(schema, sandbox.run("cat", "/usr/share/ovn/ovn-nb.ovsschema"));
    int port = extraServer("sslnb", schema,
        "--private-key=" + d + "/nbserver-privkey.pem", "--certificate=" + d + "/nbserver-cert.pem",
        "--ca-cert=" + pki + "/controllerca/cacert.pem");
    TlsFiles tls = new TlsFiles(Path.of(d, "nbclient-privkey.pem"), Path.of(d, "nbclient-cert.pem"),
        pki.resolve("switchca/cacert.pem"));
    try (OvsdbSession s = connector("ssl:127.0.0.1:" + port, tls).connect()) {
      assertThat(s.tables()).containsKey("ACL");
      s.monitor(NbCache.monitoredColumns(true), u -> {});
      Uuid row = (Uuid) s.transact(List.of(new Operation.Insert(NbCache.ADDRESS_SET, new NamedUuid("a"),
          Map.of("name", "over_ssl")))).get(0);
      // the direct channel speaks TLS too
      assertThat(s.transactDirect(List.of(new Operation.Mutate(NbCache.ADDRESS_SET, row, "addresses",
          Operation.Mutator.INSERT, Set.of("10.2.2.2"))))).containsExactly(1L);
      assertThat(s.select(NbCache.ADDRESS_SET, Set.of("addresses"))).extracting(u -> u.row().get("addresses"))
          .contains(Set.of("10.2.2.2"));
    }
    // the wrong CA is refused
    TlsFiles wrong = new TlsFiles(tls.privateKey(), tls.certificate(), pki.resolve("controllerca/cacert.pem"));
    assertThatThrownBy(() -> connector("ssl:127.0.0.1:" + port, wrong).connect()).isInstanceOf(OvsdbException.class);
  }

  @Test
  void anNbWithoutAclTiersGetsTheAdminTierOnly() throws Exception {
    ObjectMapper om = new ObjectMapper();
    ObjectNode schema = (ObjectNode) om.readTree(sandbox.run("cat", "/usr/share/ovn/ovn-nb.ovsschema"));
    schema.put("version", "7.0.0");
    ObjectNode acl = (ObjectNode) schema.get("tables").get("ACL").get("columns");
    acl.remove("tier");
    ArrayNode actions = (ArrayNode) acl.get("action").get("type").get("key").get("enum").get(1);
    for (int i = actions.size() - 1; i >= 0; i--) {
      if (actions.get(i).asText().equals("pass")) {
        actions.remove(i);
      }
    }
    Path file = sandbox.dir().resolve("old-nb.ovsschema");
    Files.writeString(file, om.writeValueAsString(schema));
    int port = extraServer("oldnb", file);
    OvsdbConnector c = connector("tcp:127.0.0.1:" + port, null);
    try (OvsdbSession s = c.connect()) {
      s.transact(List.of(new Operation.Insert(NbCache.LSP, new NamedUuid("p"), Map.of("name", "pod1.ns"))));
    }
    NbState desired =
        NbState.of(List.of(
            ReconcilerTest.pg("nc_p", "pod1.ns"),
            ReconcilerTest.acl("allow", "nc_p", 1, 300, AclAction.ALLOW_RELATED, null),
            ReconcilerTest.acl("pass", "nc_p", 1, 200, AclAction.PASS, null),
            ReconcilerTest.acl("banp", "nc_p", 3, 100, AclAction.DROP, null)));
    try (Reconciler r = Reconciler.on(c, Reconciler.Options.DEFAULT, s -> {})) {
      assertThat(r.aclTiers()).isFalse();
      ReconcileResult res = r.reconcile(desired);
      assertThat(res.errors()).singleElement().asString().contains("OVN 23.09 or newer").contains("7.0.0");
      NbCache cache = r.cache();
      synchronized (cache) {
        assertThat(cache.ownedState().acls().keySet()).containsExactly("allow");
      }
    }
  }
}

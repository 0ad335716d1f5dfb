package io.netctl.egress.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD in {@code deploy/crds/} is what fabric8's crd-generator makes of the classes now. It is generated here, in
 * a test, rather than by the Maven plugin (which needs Maven 3.9.16; the build uses Debian's 3.8.7): after a change of
 * the classes, regenerate it with
 * {@code mvn -pl egress-bfd -am test -Dtest=EgressGatewayCrdTest -Dcrd.update=true -Dsurefire.failIfNoSpecifiedTests=false}
 * and commit the file.
 */
class EgressGatewayCrdTest {
  static final String FILE = "egressgateways.netctl.io-v1.yml";

  @Test
  void committedCrdMatchesTheClasses(@TempDir Path tmp) throws Exception {
    int n = new CRDGenerator().customResourceClasses(EgressGateway.class).forCRDVersions("v1")
        .inOutputDir(tmp.toFile()).generate();
    assertThat(n).isEqualTo(1);
    String fresh = Files.readString(tmp.resolve(FILE));
    assertThat(fresh).contains("kind: \"EgressGateway\"", "scope: \"Namespaced\"", "status: {}", "shortNames:",
        "minimum: 10", "router");
    Path committed = repo().resolve("deploy/crds").resolve(FILE);
    if (Boolean.getBoolean("crd.update")) {
      Files.createDirectories(committed.getParent());
      Files.writeString(committed, fresh);
    }
    assertThat(committed).as("regenerate with -Dcrd.update=true (see the class comment)").exists();
    assertThat(Files.readString(committed))
        .as("deploy/crds/%s is stale: regenerate with -Dcrd.update=true (see the class comment)", FILE)
        .isEqualTo(fresh);
  }

  static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("deploy")) && !Files.isRegularFile(p.resolve("netctl"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new AssertionError("repository root not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}

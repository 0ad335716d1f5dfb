package io.netctl.controller;

import io.netctl.anp.api.ObjectRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Watch-dir mode's status: one line per change on the log, and one file per object in {@code DIR/status/}
 * ({@code AdminNetworkPolicy-<name>.yaml}), written atomically, in the shape of the object's {@code status} field.
 */
public final class FileStatusSink implements StatusSink {
  private final Path statusDir;
  private final Consumer<String> log;

  public FileStatusSink(Path statusDir, Consumer<String> log) {
    this.statusDir = statusDir;
    this.log = log == null ? s -> {} : log;
  }

  public static Path fileOf(Path statusDir, ObjectRef ref) {
    String ns = ref.namespace().isEmpty() ? "" : ref.namespace() + "-";
    return statusDir.resolve(ref.kind().kindName() + "-" + ns + ref.name() + ".yaml");
  }

  @Override
  public boolean write(ObjectRef ref, Conditions c) {
    log.accept("status " + ref + ": " + c);
    StringBuilder sb = new StringBuilder();
    sb.append("# status of ").append(ref).append(", written by netctl\n");
    sb.append("conditions:\n");
    String now = Instant.now().toString();
    for (Conditions.Condition x : c.conditions()) {
      sb.append("- type: ").append(x.type()).append('\n');
      sb.append("  status: \"").append(x.statusString()).append("\"\n");
      sb.append("  reason: ").append(x.reason()).append('\n');
      sb.append("  message: ").append(quote(x.message())).append('\n');
      sb.append("  lastTransitionTime: \"").append(now).append("\"\n");
    }
    return atomicWrite(fileOf(statusDir, ref), sb, ref.toString());
  }

  /** The status file of an EgressGateway. */
  public static Path egressFileOf(Path statusDir, String namespace, String name) {
    return statusDir.resolve(io.netctl.egress.api.EgressGateway.KIND + "-" + namespace + "-" + name + ".yaml");
  }

  /**
   * EgressGateway status in the same directory: {@code EgressGateway-<namespace>-<name>.yaml}, the whole
   * {@code status} (phase, instances with their BFD state, conditions) as YAML, and one line on the log.
   */
  public EgressStatusSink egress() {
    io.fabric8.kubernetes.client.utils.KubernetesSerialization ser =
        new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    return new EgressStatusSink() {
      @Override
      public boolean write(String namespace, String name, io.netctl.egress.api.EgressGatewayStatus status) {
        log.accept("status EgressGateway/" + namespace + "/" + name + ": " + KubeEgressStatusSink.summary(status));
        String text = "# status of EgressGateway/" + namespace + "/" + name + ", written by netctl\n"
            + ser.asYaml(status).replaceFirst("^---\\s*\n", "");
        return atomicWrite(egressFileOf(statusDir, namespace, name), text, "EgressGateway/" + namespace + "/" + name);
      }

      @Override
      public void forget(String namespace, String name) {
        try {
          Files.deleteIfExists(egressFileOf(statusDir, namespace, name));
        } catch (IOException e) {
          log.accept("status file for EgressGateway/" + namespace + "/" + name + ": " + e.getMessage());
        }
      }
    };
  }

  private boolean atomicWrite(Path f, CharSequence text, String what) {
    try {
      Files.createDirectories(statusDir);
      Path tmp = Files.createTempFile(statusDir, ".status", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      log.accept("status file for " + what + ": " + e.getMessage());
      return false;
    }
  }

  @Override
  public void forget(ObjectRef ref) {
    try {
      Files.deleteIfExists(fileOf(statusDir, ref));
    } catch (IOException e) {
      log.accept("status file for " + ref + ": " + e.getMessage());
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

package io.netctl.cli;

import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The YAML file of {@code netctl bfd run --config FILE}:
 *
 * <pre>
 * metricsPort: 9101            # optional; --metrics-port wins
 * defaults:                    # optional; any session key below
 *   txMs: 50
 * sessions:
 *   - local: 10.0.0.1
 *     peer: 10.0.0.2
 *     interface: eth0          # optional: SO_BINDTODEVICE
 *     multihop: false          # RFC 5883 on UDP 4784 when true
 *     minTtl: 254              # multihop only: smallest TTL accepted
 *     txMs: 300                # desired min TX, ms (fractions allowed)
 *     rxMs: 300                # required min RX, ms
 *     multiplier: 3
 *     passive: false
 *     listenPort: 3784         # optional, for tests
 *     peerPort: 3784           # optional, for tests
 *     auth:                    # optional
 *       type: meticulous-keyed-sha1   # simple, keyed-md5, meticulous-keyed-md5, keyed-sha1, meticulous-keyed-sha1
 *       keyId: 1               # the key sent with
 *       key: secret            # or keys: {1: old, 2: new} to accept several during a rotation
 * </pre>
 *
 * Errors name the field: {@code "sessions[0].txMs: -1 (expected: > 0)"}.
 */
final class BfdConfigFile {
  private static final Set<String> SESSION_KEYS =
      Set.of(
          "local", "peer", "interface", "multihop", "minTtl", "txMs", "rxMs", "multiplier", "passive",
          "listenPort", "peerPort", "auth");

  record Parsed(Optional<Integer> metricsPort, List<BfdSessionSpec> sessions) {}

  private BfdConfigFile() {}

  static Parsed read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  static Parsed parse(String yaml) {
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    if (!(root instanceof Map<?, ?> top)) {
      throw new IllegalArgumentException("config: not a mapping (expected: sessions: [...])");
    }
    for (Object k : top.keySet()) {
      if (!Set.of("metricsPort", "sessions", "defaults").contains(String.valueOf(k))) {
        throw new IllegalArgumentException(k + ": unknown key (expected: metricsPort, defaults, sessions)");
      }
    }
    Optional<Integer> metricsPort =
        top.containsKey("metricsPort")
            ? Optional.of(integer("metricsPort", top.get("metricsPort"), 0, 65535))
            : Optional.empty();
    Map<String, Object> defaults = map("defaults", top.containsKey("defaults") ? top.get("defaults") : Map.of());
    Object list = top.get("sessions");
    if (!(list instanceof List<?> items) || items.isEmpty()) {
      throw new IllegalArgumentException("sessions: " + list + " (expected: a non-empty list)");
    }
    List<BfdSessionSpec> sessions = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Map<String, Object> s = new LinkedHashMap<>(defaults);
      s.putAll(map("sessions[" + i + "]", items.get(i)));
      sessions.add(session("sessions[" + i + "].", s));
    }
    return new Parsed(metricsPort, List.copyOf(sessions));
  }

  private static BfdSessionSpec session(String at, Map<String, Object> s) {
    for (String k : s.keySet()) {
      if (!SESSION_KEYS.contains(k)) {
        throw new IllegalArgumentException(at + k + ": unknown key (expected one of " + SESSION_KEYS + ")");
      }
    }
    InetAddress local = address(at + "local", required(at + "local", s.get("local")));
    InetAddress peer = address(at + "peer", required(at + "peer", s.get("peer")));
    BfdSessionSpec.checkFamilies(local, peer);
    boolean multihop = bool(at + "multihop", s.getOrDefault("multihop", false));
    Optional<String> ifName = Optional.ofNullable(s.get("interface")).map(String::valueOf);
    if (multihop && ifName.isPresent()) {
      throw new IllegalArgumentException(at + "interface: " + ifName.get() + " (expected: none for multihop)");
    }
    int minTtl =
        integer(at + "minTtl", s.getOrDefault("minTtl", BfdSpeakerConfig.DEFAULT_MULTIHOP_MIN_TTL), 1, 255);
    int port = BfdSessionSpec.defaultPort(multihop);
    int listenPort = integer(at + "listenPort", s.getOrDefault("listenPort", port), 0, 65535);
    int peerPort = integer(at + "peerPort", s.getOrDefault("peerPort", port), 1, 65535);
    long txUs = micros(at + "txMs", s.getOrDefault("txMs", 300));
    long rxUs = micros(at + "rxMs", s.getOrDefault("rxMs", 300));
    int mult = integer(at + "multiplier", s.getOrDefault("multiplier", 3), 1, 255);
    boolean passive = bool(at + "passive", s.getOrDefault("passive", false));
    BfdSessionConfig config = new BfdSessionConfig(txUs, rxUs, mult, passive, false, Optional.empty());
    if (s.get("auth") != null) {
      config = config.withAuth(auth(at + "auth.", map(at + "auth", s.get("auth"))));
    }
    return new BfdSessionSpec(local, peer, ifName, multihop, minTtl, listenPort, peerPort, config);
  }

  private static io.netctl.bfd.codec.BfdAuthKeyring auth(String at, Map<String, Object> a) {
    String type = String.valueOf(required(at + "type", a.get("type")));
    int keyId = integer(at + "keyId", a.getOrDefault("keyId", 1), 0, 255);
    Map<Integer, String> secrets = new LinkedHashMap<>();
    if (a.containsKey("keys")) {
      map(at + "keys", a.get("keys"))
          .forEach((id, secret) -> secrets.put(integer(at + "keys", id, 0, 255), String.valueOf(secret)));
    }
    if (a.containsKey("key")) {
      secrets.put(keyId, String.valueOf(a.get("key")));
    }
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException(at + "key: missing (expected: key or keys)");
    }
    try {
      return BfdSessionSpec.keyring(type, keyId, secrets);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at.substring(0, at.length() - 1) + ": " + e.getMessage(), e);
    }
  }

  private static Object required(String at, Object v) {
    if (v == null) {
      throw new IllegalArgumentException(at + ": missing (expected: a value)");
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(String at, Object v) {
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(at + ": " + v + " (expected: a mapping)");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<Object, Object>) m).forEach((k, val) -> out.put(String.valueOf(k), val));
    return out;
  }

  static InetAddress address(String at, Object v) {
    String s = String.valueOf(v);
    if (!s.matches("[0-9a-fA-F:.]+")) { // literals only: never a DNS lookup
      throw new IllegalArgumentException(at + ": " + s + " (expected: an IPv4 or IPv6 address)");
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(at + ": " + s + " (expected: an IPv4 or IPv6 address)", e);
    }
  }

  private static int integer(String at, Object v, int min, int max) {
    long n;
    try {
      n = v instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(at + ": " + v + " (expected: an integer " + min + "-" + max + ")", e);
    }
    if (n < min || n > max || (v instanceof Double d && d != Math.floor(d))) {
      throw new IllegalArgumentException(at + ": " + v + " (expected: an integer " + min + "-" + max + ")");
    }
    return (int) n;
  }

  /** Milliseconds (fractions allowed) to microseconds. */
  static long micros(String at, Object v) {
    double ms;
    try {
      ms = v instanceof Number num ? num.doubleValue() : Double.parseDouble(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(at + ": " + v + " (expected: milliseconds > 0)", e);
    }
    long us = Math.round(ms * 1000);
    if (!(ms > 0) || us < 1 || us > 0xffff_ffffL) {
      throw new IllegalArgumentException(at + ": " + v + " (expected: milliseconds > 0, at most 4294967)");
    }
    return us;
  }

  private static boolean bool(String at, Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(at + ": " + v + " (expected: true or false)");
  }
}

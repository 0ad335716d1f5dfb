package io.netctl.cli;

import io.netctl.bfd.codec.AuthType;
import io.netctl.bfd.codec.BfdAuthKey;
import io.netctl.bfd.codec.BfdAuthKeyring;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One session of {@code netctl bfd run}, from the command line or a YAML file.
 *
 * @param listenPort where this side listens (3784 single hop, 4784 multihop in production)
 * @param peerPort where the peer listens (same defaults)
 * @param minTtl smallest TTL accepted on the multihop port (RFC 5883); ignored for single hop, which always needs 255
 */
record BfdSessionSpec(
    InetAddress local,
    InetAddress peer,
    Optional<String> interfaceName,
    boolean multihop,
    int minTtl,
    int listenPort,
    int peerPort,
    BfdSessionConfig config) {

  /** What identifies a session across reloads. */
  record Id(InetAddress local, InetAddress peer, boolean multihop, Optional<String> interfaceName) {}

  /** Sessions with the same speaker key share one speaker (sockets and event loop). */
  record SpeakerKey(InetAddress local, Optional<String> interfaceName) {}

  Id id() {
    return new Id(local, peer, multihop, interfaceName);
  }

  SpeakerKey speakerKey() {
    return new SpeakerKey(local, interfaceName);
  }

  static int defaultPort(boolean multihop) {
    return multihop ? BfdSpeakerConfig.MULTIHOP_PORT : BfdSpeakerConfig.SINGLE_HOP_PORT;
  }

  /** {@code simple}, {@code keyed-md5}, {@code meticulous-keyed-md5}, {@code keyed-sha1}, {@code meticulous-keyed-sha1}. */
  static AuthType authType(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "simple", "simple-password", "password" -> AuthType.SIMPLE_PASSWORD;
      case "keyed-md5", "md5" -> AuthType.KEYED_MD5;
      case "meticulous-keyed-md5", "meticulous-md5" -> AuthType.METICULOUS_KEYED_MD5;
      case "keyed-sha1", "sha1" -> AuthType.KEYED_SHA1;
      case "meticulous-keyed-sha1", "meticulous-sha1" -> AuthType.METICULOUS_KEYED_SHA1;
      default ->
          throw new IllegalArgumentException(
              "auth type: "
                  + name
                  + " (expected: simple, keyed-md5, meticulous-keyed-md5, keyed-sha1, meticulous-keyed-sha1)");
    };
  }

  static BfdAuthKeyring keyring(String type, int activeKeyId, Map<Integer, String> secrets) {
    List<BfdAuthKey> keys = new ArrayList<>();
    secrets.forEach((id, secret) -> keys.add(new BfdAuthKey(id, secret.getBytes(StandardCharsets.UTF_8))));
    return BfdAuthKeyring.of(authType(type), activeKeyId, keys);
  }

  static void checkFamilies(InetAddress local, InetAddress peer) {
    if ((local instanceof Inet6Address) != (peer instanceof Inet6Address)) {
      throw new IllegalArgumentException(
          "peer: "
              + peer.getHostAddress()
              + " (expected: the address family of local "
              + local.getHostAddress()
              + ")");
    }
  }
}

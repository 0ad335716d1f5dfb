package io.netctl.ovn.ovsdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An OVSDB remote in {@code ovn-nbctl --db} syntax: {@code tcp:HOST:PORT} or {@code ssl:HOST:PORT} (IPv6 hosts in
 * brackets). Unix sockets are not supported: the OVSDB library speaks TCP and SSL only.
 */
public record Remote(Scheme scheme, String host, int port) {

  /** Transport. */
  public enum Scheme {
    TCP,
    SSL
  }

  public Remote {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("OVSDB remote port: " + port + " (expected: 1-65535)");
    }
  }

  /** Parses one remote. */
  public static Remote parse(String s) {
    String t = s.trim();
    int colon = t.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("OVSDB remote: " + s + " (expected: tcp:HOST:PORT or ssl:HOST:PORT)");
    }
    String scheme = t.substring(0, colon);
    String rest = t.substring(colon + 1);
    Scheme sc =
        switch (scheme) {
          case "tcp" -> Scheme.TCP;
          case "ssl" -> Scheme.SSL;
          case "unix" -> throw new IllegalArgumentException(
              "OVSDB remote: " + s + " (unix sockets are not supported: use tcp:HOST:PORT or ssl:HOST:PORT)");
          default -> throw new IllegalArgumentException(
              "OVSDB remote: " + s + " (expected: tcp:HOST:PORT or ssl:HOST:PORT)");
        };
    String host;
    String port;
    if (rest.startsWith("[")) {
      int end = rest.indexOf(']');
      if (end < 0 || end + 1 >= rest.length() || rest.charAt(end + 1) != ':') {
        throw new IllegalArgumentException("OVSDB remote: " + s + " (expected: " + scheme + ":[IPV6]:PORT)");
      }
      host = rest.substring(1, end);
      port = rest.substring(end + 2);
    } else {
      int c = rest.lastIndexOf(':');
      if (c <= 0) {
        throw new IllegalArgumentException("OVSDB remote: " + s + " (expected: " + scheme + ":HOST:PORT)");
      }
      host = rest.substring(0, c);
      port = rest.substring(c + 1);
    }
    try {
      return new Remote(sc, host, Integer.parseInt(port));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("OVSDB remote: " + s + " (port is not a number)");
    }
  }

  /** Parses a comma-separated list, e.g. {@code tcp:10.0.0.1:6641,tcp:10.0.0.2:6641}. */
  public static List<Remote> parseList(String s) {
    List<Remote> out = new ArrayList<>();
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        out.add(parse(part));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("OVSDB remote: empty");
    }
    return out;
  }

  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return scheme.name().toLowerCase(java.util.Locale.ROOT) + ":" + h + ":" + port;
  }
}

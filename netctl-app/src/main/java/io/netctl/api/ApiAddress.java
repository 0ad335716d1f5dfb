package io.netctl.api;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the API is served: a unix socket ({@code unix:/run/netctl/api.sock}, or a path starting with {@code /}) or a
 * TCP address ({@code 127.0.0.1:9650}, {@code [::1]:9650}, {@code localhost:9650}).
 */
public sealed interface ApiAddress {

  /** The socket the daemon serves on by default and the CLI clients try by default. */
  String DEFAULT = "unix:/run/netctl/api.sock";

  /** The environment variable that overrides {@link #DEFAULT} for the clients. */
  String ENV = "NETCTL_SERVER";

  record Unix(Path path) implements ApiAddress {
    public Unix {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String toString() {
      return "unix:" + path;
    }
  }

  record Tcp(String host, int port) implements ApiAddress {
    public Tcp {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
      }
    }

    public InetSocketAddress socketAddress() {
      return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** Parses an address; {@link IllegalArgumentException} naming what is wrong. */
  static ApiAddress parse(String s) {
    Objects.requireNonNull(s, "address");
    String t = s.trim();
    if (t.startsWith("unix://")) {
      t = "unix:" + t.substring("unix://".length());
    }
    if (t.startsWith("unix:")) {
      String p = t.substring("unix:".length());
      if (p.isEmpty()) {
        throw new IllegalArgumentException("address: \"" + s + "\" (expected: unix:PATH)");
      }
      return new Unix(Path.of(p));
    }
    if (t.startsWith("/") || t.startsWith("./")) {
      return new Unix(Path.of(t));
    }
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException(
          "address: \"" + s + "\" (expected: unix:PATH, HOST:PORT or [IPv6]:PORT)");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("address: \"" + s + "\" (expected: an IPv6 address in brackets)");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: \"" + s + "\": port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("address: \"" + s + "\": port " + port + " (expected: 0-65535)");
    }
    return new Tcp(host, port);
  }

  /** The clients' default: {@value #ENV} when set, else {@link #DEFAULT}. */
  static String clientDefault() {
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? DEFAULT : env;
  }
}

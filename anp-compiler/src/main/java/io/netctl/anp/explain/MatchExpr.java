package io.netctl.anp.explain;

import io.netctl.anp.api.IpAddresses;
import io.netctl.anp.api.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed OVN match expression: the subset netctl writes (port group and address set references, IP and port
 * comparisons with sets and ranges, {@code ip}/{@code ip4}/{@code ip6}/{@code tcp}/{@code udp}/{@code sctp}/
 * {@code arp}/{@code nd}, {@code &&}, {@code ||}, {@code !} and parentheses).
 */
public sealed interface MatchExpr {

  /** What a match needs to know about names it refers to. */
  interface Env {
    /** Members of a Port_Group, or null when there is no such group. */
    Set<String> portGroup(String name);

    /** Elements of an Address_Set, or null when there is no such set. */
    Set<String> addressSet(String name);
  }

  boolean eval(Packet p, Env env);

  record And(List<MatchExpr> parts) implements MatchExpr {
    @Override
    public boolean eval(Packet p, Env env) {
      for (MatchExpr e : parts) {
        if (!e.eval(p, env)) {
          return false;
        }
      }
      return true;
    }
  }

  record Or(List<MatchExpr> parts) implements MatchExpr {
    @Override
    public boolean eval(Packet p, Env env) {
      for (MatchExpr e : parts) {
        if (e.eval(p, env)) {
          return true;
        }
      }
      return false;
    }
  }

  record Not(MatchExpr e) implements MatchExpr {
    @Override
    public boolean eval(Packet p, Env env) {
      return !e.eval(p, env);
    }
  }

  /** {@code ip}, {@code ip4}, {@code tcp}, ... */
  record Symbol(String name) implements MatchExpr {
    @Override
    public boolean eval(Packet p, Env env) {
      return switch (name) {
        case "ip" -> true;
        case "ip4" -> p.family() == IpAddresses.Family.V4;
        case "ip6" -> p.family() == IpAddresses.Family.V6;
        case "tcp" -> p.protocol() == Protocol.TCP;
        case "udp" -> p.protocol() == Protocol.UDP;
        case "sctp" -> p.protocol() == Protocol.SCTP;
        case "arp", "nd" -> false; // the packets evaluated here are IP unicast
        default -> throw new IllegalArgumentException("unknown symbol " + name);
      };
    }
  }

  /** {@code field == values} or {@code field != values}, values being literals or one set reference. */
  record Compare(String field, boolean equal, List<String> values) implements MatchExpr {
    @Override
    public boolean eval(Packet p, Env env) {
      if (!prerequisite(field, p)) {
        return false; // OVN: a field's prerequisites hold in both == and != (ip4.src != X implies ip4)
      }
      boolean any = false;
      for (String v : values) {
        if (matchesOne(p, env, v)) {
          any = true;
          break;
        }
      }
      return equal == any;
    }

    private boolean matchesOne(Packet p, Env env, String v) {
      switch (field) {
        case "inport", "outport" -> {
          String port = field.equals("inport") ? p.inport() : p.outport();
          if (v.startsWith("@")) {
            Set<String> members = env.portGroup(v.substring(1));
            return members != null && members.contains(port);
          }
          return v.equals("\"" + port + "\"");
        }
        case "ip4.src", "ip4.dst", "ip6.src", "ip6.dst" -> {
          String ip = field.endsWith("src") ? p.src() : p.dst();
          if (v.startsWith("$")) {
            Set<String> members = env.addressSet(v.substring(1));
            if (members == null) {
              return false;
            }
            for (String m : members) {
              if (contains(m, ip)) {
                return true;
              }
            }
            return false;
          }
          return contains(v, ip);
        }
        default -> {
          return Integer.parseInt(v) == p.dstPort();
        }
      }
    }
  }

  /** {@code low <= field <= high}. */
  record Range(String field, int low, int high) implements MatchExpr {
    @Override
    public boolean eval(Packet p, Env env) {
      return prerequisite(field, p) && p.dstPort() >= low && p.dstPort() <= high;
    }
  }

  private static boolean prerequisite(String field, Packet p) {
    return switch (field) {
      case "inport", "outport" -> true;
      case "ip4.src", "ip4.dst" -> p.family() == IpAddresses.Family.V4;
      case "ip6.src", "ip6.dst" -> p.family() == IpAddresses.Family.V6;
      case "tcp.dst" -> p.protocol() == Protocol.TCP;
      case "udp.dst" -> p.protocol() == Protocol.UDP;
      case "sctp.dst" -> p.protocol() == Protocol.SCTP;
      default -> throw new IllegalArgumentException("unknown field " + field);
    };
  }

  /** Whether a CIDR or address contains an address. */
  static boolean contains(String cidrOrAddress, String ip) {
    var a = IpAddresses.parseAddress(ip).orElseThrow();
    var c =
        cidrOrAddress.indexOf('/') >= 0
            ? IpAddresses.parseCidr(cidrOrAddress).orElse(null)
            : IpAddresses.parseAddress(cidrOrAddress).orElse(null);
    if (c == null || c.family() != a.family()) {
      return false;
    }
    byte[] x = a.bytes();
    byte[] y = c.bytes();
    for (int bit = 0; bit < c.prefix(); bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** Parses a match expression; throws {@link IllegalArgumentException} on what it does not understand. */
  static MatchExpr parse(String s) {
    Parser p = new Parser(tokenize(s));
    MatchExpr e = p.or();
    if (p.pos != p.tokens.size()) {
      throw new IllegalArgumentException("match: unexpected '" + p.tokens.get(p.pos) + "' in " + s);
    }
    return e;
  }

  private static List<String> tokenize(String s) {
    List<String> t = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (s.startsWith("&&", i) || s.startsWith("||", i) || s.startsWith("==", i) || s.startsWith("!=", i)
          || s.startsWith("<=", i) || s.startsWith(">=", i)) {
        t.add(s.substring(i, i + 2));
        i += 2;
      } else if ("(){},!".indexOf(c) >= 0) {
        t.add(String.valueOf(c));
        i++;
      } else if (c == '"') {
        int j = s.indexOf('"', i + 1);
        t.add(s.substring(i, j + 1));
        i = j + 1;
      } else {
        int j = i;
        while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && "(){},!&|=<>\"".indexOf(s.charAt(j)) < 0) {
          j++;
        }
        t.add(s.substring(i, j));
        i = j;
      }
    }
    return t;
  }

  /** Recursive descent over the tokens. */
  final class Parser {
    final List<String> tokens;
    int pos;

    Parser(List<String> tokens) {
      this.tokens = tokens;
    }

    private String peek() {
      return pos < tokens.size() ? tokens.get(pos) : "";
    }

    private String next() {
      if (pos >= tokens.size()) {
        throw new IllegalArgumentException("match: unexpected end");
      }
      return tokens.get(pos++);
    }

    private void expect(String t) {
      String n = next();
      if (!n.equals(t)) {
        throw new IllegalArgumentException("match: '" + n + "' (expected: '" + t + "')");
      }
    }

    MatchExpr or() {
      List<MatchExpr> parts = new ArrayList<>();
      parts.add(and());
      while (peek().equals("||")) {
        next();
        parts.add(and());
      }
      return parts.size() == 1 ? parts.get(0) : new Or(parts);
    }

    MatchExpr and() {
      List<MatchExpr> parts = new ArrayList<>();
      parts.add(unary());
      while (peek().equals("&&")) {
        next();
        parts.add(unary());
      }
      return parts.size() == 1 ? parts.get(0) : new And(parts);
    }

    MatchExpr unary() {
      if (peek().equals("!")) {
        next();
        return new Not(unary());
      }
      if (peek().equals("(")) {
        next();
        MatchExpr e = or();
        expect(")");
        return e;
      }
      String a = next();
      if (peek().equals("<=") && Character.isDigit(a.charAt(0))) {
        next();
        String field = next();
        expect("<=");
        String hi = next();
        return new Range(field, Integer.parseInt(a), Integer.parseInt(hi));
      }
      if (peek().equals("==") || peek().equals("!=")) {
        boolean eq = next().equals("==");
        return new Compare(a, eq, values());
      }
      return new Symbol(a);
    }

    List<String> values() {
      List<String> vs = new ArrayList<>();
      if (peek().equals("{")) {
        next();
        while (!peek().equals("}")) {
          vs.add(next());
          if (peek().equals(",")) {
            next();
          }
        }
        next();
      } else {
        vs.add(next());
      }
      return vs;
    }
  }
}

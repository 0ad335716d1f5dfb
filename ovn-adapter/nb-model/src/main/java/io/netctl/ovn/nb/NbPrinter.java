package io.netctl.ovn.nb;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Prints a desired state as JSON, YAML or an {@code ovn-nbctl} script. Output is a pure function of the state: the
 * same rows always print the same bytes.
 */
public final class NbPrinter {
  /** At most this many commands per {@code ovn-nbctl} invocation. */
  static final int NBCTL_BATCH = 1000;
  /** At most about this many bytes of commands per invocation: far below the kernel's 2 MiB ARG_MAX. */
  static final int NBCTL_BYTES = 256 * 1024;
  /** At most this many addresses per command argument list: far below the kernel's 128 KiB per argument. */
  static final int NBCTL_ELEMENTS = 1000;

  private NbPrinter() {}

  // ---- JSON ---------------------------------------------------------------------------------------------------------

  public static String json(NbState s) {
    StringBuilder sb = new StringBuilder("{\n");
    table(sb, "Port_Group", s.portGroups().values(), NbPrinter::portGroupFields, true);
    table(sb, "Address_Set", s.addressSets().values(), NbPrinter::addressSetFields, true);
    // Logical_Router_Policy only when there are any: policy-only output stays byte-identical to before.
    boolean lrps = !s.routerPolicies().isEmpty();
    table(sb, "ACL", s.acls().values(), NbPrinter::aclFields, lrps);
    if (lrps) {
      table(sb, "Logical_Router_Policy", s.routerPolicies().values(), NbPrinter::routerPolicyFields, false);
    }
    return sb.append("}\n").toString();
  }

  private interface Fields<R> {
    List<Map.Entry<String, Object>> of(R row);
  }

  private static <R> void table(StringBuilder sb, String name, Collection<R> rows, Fields<R> f, boolean comma) {
    sb.append("  ").append(quote(name)).append(": [");
    int i = 0;
    for (R r : rows) {
      sb.append(i++ == 0 ? "\n" : ",\n").append("    {");
      int j = 0;
      for (Map.Entry<String, Object> e : f.of(r)) {
        sb.append(j++ == 0 ? "" : ", ").append(quote(e.getKey())).append(": ");
        value(sb, e.getValue());
      }
      sb.append('}');
    }
    sb.append(rows.isEmpty() ? "]" : "\n  ]").append(comma ? ",\n" : "\n");
  }

  private static void value(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      sb.append(quote(s));
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(i++ == 0 ? "" : ", ").append(quote(String.valueOf(e.getKey()))).append(": ");
        value(sb, e.getValue());
      }
      sb.append('}');
    } else if (v instanceof Collection<?> c) {
      sb.append('[');
      int i = 0;
      for (Object o : c) {
        sb.append(i++ == 0 ? "" : ", ");
        value(sb, o);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("cannot print " + v.getClass());
    }
  }

  /** JSON string literal (also a valid YAML double-quoted scalar). */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static List<Map.Entry<String, Object>> portGroupFields(PortGroup pg) {
    return List.of(Map.entry("name", pg.name()), Map.entry("ports", pg.ports()), Map.entry("external_ids", pg.externalIds()));
  }

  private static List<Map.Entry<String, Object>> addressSetFields(AddressSet as) {
    return List.of(
        Map.entry("name", as.name()), Map.entry("addresses", as.addresses()), Map.entry("external_ids", as.externalIds()));
  }

  private static List<Map.Entry<String, Object>> aclFields(Acl a) {
    List<Map.Entry<String, Object>> l = new ArrayList<>();
    l.add(Map.entry("port_group", a.portGroup()));
    l.add(Map.entry("tier", a.tier()));
    l.add(Map.entry("direction", a.direction().wireName()));
    l.add(Map.entry("priority", a.priority()));
    l.add(Map.entry("match", a.match()));
    l.add(Map.entry("action", a.action().wireName()));
    l.add(Map.entry("name", a.name() == null ? "" : a.name()));
    l.add(Map.entry("log", a.log()));
    if (a.severity() != null) {
      l.add(Map.entry("severity", a.severity()));
    }
    if (a.meter() != null) {
      l.add(Map.entry("meter", a.meter()));
    }
    l.add(Map.entry("options", a.options()));
    l.add(Map.entry("external_ids", a.externalIds()));
    return l;
  }

  private static List<Map.Entry<String, Object>> routerPolicyFields(LogicalRouterPolicy p) {
    List<Map.Entry<String, Object>> l = new ArrayList<>();
    l.add(Map.entry("router", p.router()));
    l.add(Map.entry("priority", p.priority()));
    l.add(Map.entry("match", p.match()));
    l.add(Map.entry("action", p.action().wireName()));
    l.add(Map.entry("nexthops", p.nexthops()));
    l.add(Map.entry("options", p.options()));
    l.add(Map.entry("external_ids", p.externalIds()));
    return l;
  }

  // ---- YAML ---------------------------------------------------------------------------------------------------------

  public static String yaml(NbState s) {
    StringBuilder sb = new StringBuilder();
    yamlTable(sb, "Port_Group", s.portGroups().values(), NbPrinter::portGroupFields);
    yamlTable(sb, "Address_Set", s.addressSets().values(), NbPrinter::addressSetFields);
    yamlTable(sb, "ACL", s.acls().values(), NbPrinter::aclFields);
    if (!s.routerPolicies().isEmpty()) {
      yamlTable(sb, "Logical_Router_Policy", s.routerPolicies().values(), NbPrinter::routerPolicyFields);
    }
    return sb.toString();
  }

  private static <R> void yamlTable(StringBuilder sb, String name, Collection<R> rows, Fields<R> f) {
    sb.append(name).append(':');
    if (rows.isEmpty()) {
      sb.append(" []\n");
      return;
    }
    sb.append('\n');
    for (R r : rows) {
      boolean first = true;
      for (Map.Entry<String, Object> e : f.of(r)) {
        sb.append(first ? "- " : "  ").append(e.getKey()).append(':');
        first = false;
        Object v = e.getValue();
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
          sb.append('\n');
          for (Map.Entry<?, ?> me : m.entrySet()) {
            sb.append("    ").append(quote(String.valueOf(me.getKey()))).append(": ");
            value(sb, me.getValue());
            sb.append('\n');
          }
        } else if (v instanceof Collection<?> c && !c.isEmpty()) {
          sb.append('\n');
          for (Object o : c) {
            sb.append("  - ");
            value(sb, o);
            sb.append('\n');
          }
        } else {
          sb.append(' ');
          value(sb, v);
          sb.append('\n');
        }
      }
    }
  }

  // ---- ovn-nbctl ----------------------------------------------------------------------------------------------------

  /**
   * A POSIX shell script that creates the rows with {@code ovn-nbctl}: Port_Groups first (their member ports are
   * named, so the logical switch ports must exist), then Address_Sets, then ACLs with the reference from their
   * Port_Group. Commands are batched into invocations of at most {@value #NBCTL_BATCH} commands and
   * {@value #NBCTL_BYTES} bytes (the kernel limits one command line to 2 MiB and one argument to 128 KiB), and large
   * Address_Sets are filled {@value #NBCTL_ELEMENTS} addresses at a time. It expects none of the rows to exist yet;
   * {@code netctl apply} reconciles a database that already has some.
   */
  public static String nbctl(NbState s) {
    StringBuilder sb = new StringBuilder();
    sb.append("#!/bin/sh\n")
        .append("# Generated by netctl: ")
        .append(s.portGroups().size()).append(" Port_Groups, ")
        .append(s.addressSets().size()).append(" Address_Sets, ")
        .append(s.acls().size()).append(" ACLs")
        .append(s.routerPolicies().isEmpty() ? "" : ", " + s.routerPolicies().size() + " Logical_Router_Policies")
        .append(".\n")
        .append("# Creates the rows in a Northbound database that has none of them yet; `netctl apply` reconciles one\n")
        .append("# that has. The logical switch ports named in the Port_Groups must exist. ovn-nbctl finds the database\n")
        .append("# through OVN_NB_DB; set NBCTL to run another binary or add options, e.g. NBCTL='ovn-nbctl --db=tcp:...'.\n")
        .append("set -eu\n")
        .append("NBCTL=${NBCTL:-ovn-nbctl}\n");
    Batch b = new Batch(sb);
    for (PortGroup pg : s.portGroups().values()) {
      StringBuilder c = new StringBuilder("pg-add ").append(shq(pg.name()));
      for (String p : pg.ports()) {
        c.append(' ').append(shq(p));
      }
      b.add(List.of(c.toString(), "set Port_Group " + shq(pg.name()) + externalIds(pg.externalIds())));
    }
    b.flush();
    for (AddressSet as : s.addressSets().values()) {
      List<String> addrs = new ArrayList<>(as.addresses());
      int first = Math.min(addrs.size(), NBCTL_ELEMENTS);
      StringBuilder c = new StringBuilder("create Address_Set name=").append(shq(ovsdbQuote(as.name())));
      c.append(" addresses=").append(shq(ovsdbSet(addrs.subList(0, first))));
      c.append(externalIds(as.externalIds()));
      b.add(List.of(c.toString()));
      for (int i = first; i < addrs.size(); i += NBCTL_ELEMENTS) {
        StringBuilder more = new StringBuilder("add Address_Set ").append(shq(as.name())).append(" addresses");
        for (String a : addrs.subList(i, Math.min(addrs.size(), i + NBCTL_ELEMENTS))) {
          more.append(' ').append(shq(ovsdbQuote(a)));
        }
        b.add(List.of(more.toString()));
      }
    }
    b.flush();
    // ids count through the whole script: one computed from the batch's size could repeat within a batch when a
    // group did not fit and the batch was flushed after the id was taken ("row id ... may only be specified on one
    // --id option")
    int seq = 0;
    for (Acl a : s.acls().values()) {
      String id = "@acl" + seq++;
      StringBuilder c = new StringBuilder("--id=").append(id).append(" create ACL");
      c.append(" direction=").append(a.direction().wireName());
      c.append(" tier=").append(a.tier());
      c.append(" priority=").append(a.priority());
      c.append(" match=").append(shq(ovsdbQuote(a.match())));
      c.append(" action=").append(a.action().wireName());
      if (a.name() != null) {
        c.append(" name=").append(shq(ovsdbQuote(a.name())));
      }
      if (a.log()) {
        c.append(" log=true");
      }
      if (a.severity() != null) {
        c.append(" severity=").append(a.severity());
      }
      if (a.meter() != null) {
        c.append(" meter=").append(shq(ovsdbQuote(a.meter())));
      }
      for (Map.Entry<String, String> e : a.options().entrySet()) {
        c.append(" options:").append(shq(ovsdbQuote(e.getKey()) + "=" + ovsdbQuote(e.getValue())));
      }
      c.append(externalIds(a.externalIds()));
      b.add(List.of(c.toString(), "add Port_Group " + shq(a.portGroup()) + " acls " + id));
    }
    b.flush();
    for (LogicalRouterPolicy p : s.routerPolicies().values()) {
      String id = "@lrp" + seq++;
      StringBuilder c = new StringBuilder("--id=").append(id).append(" create Logical_Router_Policy");
      c.append(" priority=").append(p.priority());
      c.append(" match=").append(shq(ovsdbQuote(p.match())));
      c.append(" action=").append(p.action().wireName());
      if (!p.nexthops().isEmpty()) {
        c.append(" nexthops=").append(shq(ovsdbSet(p.nexthops())));
      }
      for (Map.Entry<String, String> e : p.options().entrySet()) {
        c.append(" options:").append(shq(ovsdbQuote(e.getKey()) + "=" + ovsdbQuote(e.getValue())));
      }
      c.append(externalIds(p.externalIds()));
      b.add(List.of(c.toString(), "add Logical_Router " + shq(p.router()) + " policies " + id));
    }
    b.flush();
    return sb.toString();
  }

  /** Commands of one {@code ovn-nbctl} invocation; a group of commands never straddles two invocations. */
  private static final class Batch {
    private final StringBuilder out;
    private final List<String> cmds = new ArrayList<>();
    private int bytes;

    Batch(StringBuilder out) {
      this.out = out;
    }

    int size() {
      return cmds.size();
    }

    void add(List<String> group) {
      int len = 0;
      for (String c : group) {
        len += c.length() + 4;
      }
      if (!cmds.isEmpty() && (cmds.size() + group.size() > NBCTL_BATCH || bytes + len > NBCTL_BYTES)) {
        flush();
      }
      cmds.addAll(group);
      bytes += len;
    }

    void flush() {
      if (cmds.isEmpty()) {
        return;
      }
      out.append("$NBCTL");
      for (String c : cmds) {
        out.append(" \\\n  -- ").append(c);
      }
      // `create` prints each new row's UUID; errors still reach stderr.
      out.append(" >/dev/null\n");
      cmds.clear();
      bytes = 0;
    }
  }

  private static String externalIds(SortedMap<String, String> ids) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : ids.entrySet()) {
      sb.append(" external_ids:").append(shq(ovsdbQuote(e.getKey()) + "=" + ovsdbQuote(e.getValue())));
    }
    return sb.toString();
  }

  private static String ovsdbSet(Collection<String> items) {
    StringBuilder sb = new StringBuilder("[");
    for (String s : items) {
      sb.append(sb.length() > 1 ? "," : "").append(ovsdbQuote(s));
    }
    return sb.append(']').toString();
  }

  /** An OVSDB string atom as ovs-vsctl/ovn-nbctl parse it: double-quoted, with C escapes. */
  static String ovsdbQuote(String s) {
    return quote(s);
  }

  /** A single-quoted shell word. */
  static String shq(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}

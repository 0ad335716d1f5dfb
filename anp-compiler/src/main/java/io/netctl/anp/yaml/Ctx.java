package io.netctl.anp.yaml;

import io.netctl.anp.api.IpAddresses;
import io.netctl.anp.api.LabelSelector;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.diag.Code;
import io.netctl.anp.diag.Diagnostic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reading one object: typed accessors that report what is wrong and return a fallback. */
final class Ctx {
  final ObjectRef ref;
  final List<Diagnostic> diagnostics = new ArrayList<>();
  boolean failed;

  Ctx(ObjectRef ref) {
    this.ref = ref;
  }

  void error(Y at, String message) {
    failed = true;
    diagnostics.add(Diagnostic.error(Code.INVALID_SPEC, at.location(), ref, at.path, message));
  }

  void warn(Y at, String message) {
    diagnostics.add(Diagnostic.warning(Code.UNKNOWN_FIELD, at.location(), ref, at.path, message));
  }

  /** The mapping's fields; unknown ones are reported as warnings and ignored. */
  Map<String, Y> fields(Y y, String... known) {
    if (!y.isMap()) {
      if (!y.isNull()) {
        error(y, y.show() + " (expected: a mapping)");
      }
      return Map.of();
    }
    Set<String> k = new HashSet<>(Arrays.asList(known));
    Map<String, Y> out = new LinkedHashMap<>();
    for (Map.Entry<String, Y> e : y.fields().entrySet()) {
      if (k.contains(e.getKey())) {
        out.put(e.getKey(), e.getValue());
      } else {
        warn(e.getValue(), "unknown field, ignored");
      }
    }
    return out;
  }

  Y required(Map<String, Y> fields, Y parent, String name) {
    Y y = fields.get(name);
    if (y == null || y.isNull()) {
      Y at = new Y(parent.node, parent.path.isEmpty() ? name : parent.path + "." + name, parent.file);
      error(at, "required field is missing");
      return null;
    }
    return y;
  }

  String string(Y y) {
    if (y == null || y.isNull()) {
      return null;
    }
    if (!y.isScalar()) {
      error(y, y.show() + " (expected: a string)");
      return null;
    }
    return y.scalar();
  }

  Integer integer(Y y, long min, long max) {
    if (y == null || y.isNull()) {
      return null;
    }
    if (!y.isInt()) {
      error(y, y.show() + " (expected: an integer " + min + "-" + max + ")");
      return null;
    }
    long v;
    try {
      v = Long.parseLong(y.scalar().replace("_", ""));
    } catch (NumberFormatException e) {
      error(y, y.show() + " (expected: an integer " + min + "-" + max + ")");
      return null;
    }
    if (v < min || v > max) {
      error(y, v + " (expected: " + min + "-" + max + ")");
      return null;
    }
    return (int) v;
  }

  boolean bool(Y y) {
    if (y == null || y.isNull()) {
      return false;
    }
    if (!y.isBool()) {
      error(y, y.show() + " (expected: true or false)");
      return false;
    }
    return Boolean.parseBoolean(y.scalar());
  }

  List<Y> list(Y y, int min, int max) {
    if (y == null || y.isNull()) {
      return List.of();
    }
    if (!y.isSeq()) {
      error(y, y.show() + " (expected: a list)");
      return List.of();
    }
    List<Y> items = y.items();
    if (items.size() < min) {
      error(y, items.size() + " items (expected: at least " + min + ")");
    } else if (items.size() > max) {
      error(y, items.size() + " items (expected: at most " + max + ")");
    }
    return items;
  }

  TreeMap<String, String> stringMap(Y y) {
    TreeMap<String, String> m = new TreeMap<>();
    if (y == null || y.isNull()) {
      return m;
    }
    if (!y.isMap()) {
      error(y, y.show() + " (expected: a mapping of strings)");
      return m;
    }
    for (Map.Entry<String, Y> e : y.fields().entrySet()) {
      Y v = e.getValue();
      if (!v.isScalar() || v.isNull()) {
        error(v, v.show() + " (expected: a string)");
      } else {
        m.put(e.getKey(), v.scalar());
      }
    }
    return m;
  }

  LabelSelector selector(Y y) {
    if (y == null || y.isNull()) {
      return LabelSelector.ALL;
    }
    Map<String, Y> f = fields(y, "matchLabels", "matchExpressions");
    TreeMap<String, String> labels = stringMap(f.get("matchLabels"));
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    for (Y e : list(f.get("matchExpressions"), 0, Integer.MAX_VALUE)) {
      Map<String, Y> ef = fields(e, "key", "operator", "values");
      String key = string(required(ef, e, "key"));
      String op = string(required(ef, e, "operator"));
      LabelSelector.Operator operator = op == null ? null : LabelSelector.Operator.parse(op);
      if (op != null && operator == null) {
        error(ef.get("operator"), "\"" + op + "\" (expected: In, NotIn, Exists or DoesNotExist)");
      }
      TreeSet<String> values = new TreeSet<>();
      Y vy = ef.get("values");
      for (Y v : list(vy, 0, Integer.MAX_VALUE)) {
        String s = string(v);
        if (s != null) {
          values.add(s);
        }
      }
      if (operator != null) {
        boolean needsValues = operator == LabelSelector.Operator.IN || operator == LabelSelector.Operator.NOT_IN;
        if (needsValues && values.isEmpty()) {
          error(vy != null ? vy : e, "operator " + op + " needs at least one value");
        } else if (!needsValues && !values.isEmpty()) {
          error(vy, "operator " + op + " takes no values");
        }
      }
      if (key != null && operator != null) {
        reqs.add(new LabelSelector.Requirement(key, operator, values));
      }
    }
    return new LabelSelector(labels, reqs);
  }

  /** A CIDR in canonical form, or null after an error. */
  String cidr(Y y) {
    String s = string(y);
    if (s == null) {
      return null;
    }
    var c = IpAddresses.parseCidr(s.trim());
    if (c.isEmpty()) {
      error(y, "\"" + s + "\" (expected: a CIDR such as 10.0.0.0/8 or fd00::/8)");
      return null;
    }
    return c.get().canonical();
  }
}

package io.netctl.ovn.ovsdb;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One OVSDB operation on one row (RFC 7047 section 5.2), in netctl's own types so that nothing outside
 * {@link OdlSession} sees the OpenDaylight library.
 *
 * <p>Column values are atoms ({@link String}, {@link Long}, {@link Boolean}, {@link Double}, {@link Uuid},
 * {@link NamedUuid}), {@link Set}s of atoms for set and optional columns, and {@link Map}s for map columns.
 */
public sealed interface Operation {

  /** The table the operation works on. */
  String table();

  /** A one-line description for error messages. */
  String describe();

  /** {@code insert}: a new row, named {@code uuidName} within the transaction. */
  record Insert(String table, NamedUuid uuidName, Map<String, Object> row) implements Operation {
    public Insert {
      Objects.requireNonNull(table, "table");
      row = Collections.unmodifiableMap(new LinkedHashMap<>(row));
    }

    @Override
    public String describe() {
      return "insert " + table + " " + uuidName + " " + summary(row);
    }
  }

  /** {@code update}: set these columns of the row {@code uuid}. */
  record Update(String table, Uuid uuid, Map<String, Object> row) implements Operation {
    public Update {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(uuid, "uuid");
      row = Collections.unmodifiableMap(new LinkedHashMap<>(row));
    }

    @Override
    public String describe() {
      return "update " + table + " " + uuid + " " + summary(row);
    }
  }

  /** {@code mutate}: insert elements into, or delete them from, a set column of the row {@code uuid}. */
  record Mutate(String table, Uuid uuid, String column, Mutator mutator, Set<Object> elements) implements Operation {
    public Mutate {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(mutator, "mutator");
      elements = Collections.unmodifiableSet(new LinkedHashSet<>(elements));
    }

    @Override
    public String describe() {
      return "mutate " + table + " " + uuid + " " + column + " " + mutator.wireName() + " " + abbreviate(elements);
    }
  }

  /** {@code delete} the row {@code uuid}. */
  record Delete(String table, Uuid uuid) implements Operation {
    public Delete {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(uuid, "uuid");
    }

    @Override
    public String describe() {
      return "delete " + table + " " + uuid;
    }
  }

  /** Set mutators netctl uses. */
  enum Mutator {
    INSERT("insert"),
    DELETE("delete");

    private final String wireName;

    Mutator(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  private static String summary(Map<String, Object> row) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : row.entrySet()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(e.getKey()).append('=');
      Object v = e.getValue();
      sb.append(v instanceof Collection<?> c ? abbreviate(c) : String.valueOf(v));
    }
    return sb.append('}').toString();
  }

  private static String abbreviate(Collection<?> c) {
    if (c.size() <= 4) {
      return c.toString();
    }
    StringBuilder sb = new StringBuilder("[");
    int i = 0;
    for (Object o : c) {
      if (i++ == 3) {
        break;
      }
      sb.append(o).append(", ");
    }
    return sb.append("... (").append(c.size()).append(" elements)]").toString();
  }
}

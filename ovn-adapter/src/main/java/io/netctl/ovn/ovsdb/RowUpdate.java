package io.netctl.ovn.ovsdb;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a monitor update: the row's monitored columns after the change, or null when it was deleted.
 *
 * @param table table name
 * @param uuid the row
 * @param row every monitored column (RFC 7047 {@code update}: "new" carries all of them), or null when deleted
 */
public record RowUpdate(String table, Uuid uuid, Map<String, Object> row) {
  public RowUpdate {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(uuid, "uuid");
    row = row == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(row));
  }

  public boolean isDelete() {
    return row == null;
  }
}

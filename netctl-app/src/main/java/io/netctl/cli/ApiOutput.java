package io.netctl.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** How the client commands print: API messages as JSON or YAML (every field, proto3 JSON names), or aligned tables. */
final class ApiOutput {
  private static final JsonFormat.Printer PRETTY = JsonFormat.printer().includingDefaultValueFields();
  private static final JsonFormat.Printer COMPACT = PRETTY.omittingInsignificantWhitespace();

  private ApiOutput() {}

  /** {@code m} in the chosen format; {@code table} renders the table form. */
  static <M extends MessageOrBuilder> String render(ClientOptions.Format f, M m, Function<M, String> table) {
    return switch (f) {
      case json -> json(m);
      case yaml -> yaml(m);
      case table -> table.apply(m);
    };
  }

  /** Indented JSON, ending in a newline. */
  static String json(MessageOrBuilder m) {
    return print(PRETTY, m) + "\n";
  }

  /** One line of JSON (for streams: one object per line). */
  static String jsonLine(MessageOrBuilder m) {
    return print(COMPACT, m) + "\n";
  }

  /** Block-style YAML of the message's JSON form. */
  static String yaml(MessageOrBuilder m) {
    Object tree = new Yaml(new LoaderOptions()).load(print(COMPACT, m));
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndicatorIndent(0);
    o.setWidth(200);
    return new Yaml(o).dump(tree);
  }

  private static String print(JsonFormat.Printer p, MessageOrBuilder m) {
    try {
      return p.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A table in kubectl's style: upper-case headers, columns separated by three spaces, no borders. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... headers) {
      columns = headers.length;
      rows.add(headers);
    }

    Table row(Object... cells) {
      if (cells.length != columns) {
        throw new IllegalArgumentException("row: " + cells.length + " cells (expected: " + columns + ")");
      }
      String[] r = new String[columns];
      for (int i = 0; i < columns; i++) {
        r[i] = cells[i] == null || cells[i].toString().isEmpty() ? "-" : cells[i].toString();
      }
      rows.add(r);
      return this;
    }

    @Override
    public String toString() {
      return render(0);
    }

    /** Without the header row: a key/value list. */
    String withoutHeader() {
      return render(1);
    }

    private String render(int from) {
      int[] w = new int[columns];
      for (String[] r : rows) {
        for (int i = 0; i < columns; i++) {
          w[i] = Math.max(w[i], r[i].length());
        }
      }
      StringBuilder sb = new StringBuilder();
      for (String[] r : rows.subList(from, rows.size())) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns; i++) {
          line.append(r[i]);
          if (i < columns - 1) {
            line.append(" ".repeat(w[i] - r[i].length() + 3));
          }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
      }
      return sb.toString();
    }
  }

  /** Microseconds as kubectl-ish short durations: {@code 300ms}, {@code 1.5s}, {@code 250us}. */
  static String micros(long us) {
    if (us == 0) {
      return "0";
    }
    if (us < 1_000) {
      return us + "us";
    }
    if (us < 1_000_000) {
      return trim(us / 1_000.0) + "ms";
    }
    return trim(us / 1_000_000.0) + "s";
  }

  /** Milliseconds as an age: {@code 45s}, {@code 12m}, {@code 3h}, {@code 2d}. */
  static String age(long ms) {
    long s = ms / 1000;
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m";
    }
    if (s < 172_800) {
      return s / 3600 + "h";
    }
    return s / 86_400 + "d";
  }

  private static String trim(double v) {
    String s = String.format(java.util.Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}

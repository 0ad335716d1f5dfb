package io.netctl.metrics;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Just enough of a PromQL lexer to find the metric names an expression selects: identifiers that are not functions,
 * aggregation or set operators, keywords, label lists of {@code by}/{@code without}/{@code on}/{@code ignoring}/
 * {@code group_left}/{@code group_right}, label matchers ({@code {...}}), ranges ({@code [...]}), strings or numbers.
 * A name written as {@code {__name__="x"}} is not supported (the dashboards do not use it).
 */
final class PromQl {
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "bool", "and", "or", "unless", "offset", "atan2", "inf", "nan",
      // aggregation operators: "sum by (x) (...)" puts the label list between the name and its argument
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
      "limitk", "limit_ratio");
  private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right");

  private PromQl() {}

  /** The metric names {@code expr} selects; {@link IllegalArgumentException} on unbalanced brackets or quotes. */
  static Set<String> metricNames(String expr) {
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    int n = expr.length();
    int depth = 0;
    while (i < n) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
      } else if (c == '{') {
        i = skipTo(expr, i, '{', '}');
      } else if (c == '[') {
        i = skipTo(expr, i, '[', ']');
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
        i = skipNumber(expr, i);
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '_'
            || expr.charAt(j) == ':')) {
          j++;
        }
        String word = expr.substring(i, j);
        int k = j;
        while (k < n && Character.isWhitespace(expr.charAt(k))) {
          k++;
        }
        boolean call = k < n && expr.charAt(k) == '(';
        if (LABEL_LISTS.contains(word) && call) {
          i = skipTo(expr, k, '(', ')');
          continue;
        }
        if (!call && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
          names.add(word);
        }
        i = j;
      } else {
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
          if (depth < 0) {
            throw new IllegalArgumentException("unbalanced ')' at " + i + " in " + expr);
          }
        }
        i++;
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("unbalanced '(' in " + expr);
    }
    return names;
  }

  private static int skipString(String s, int i) {
    char q = s.charAt(i);
    int j = i + 1;
    while (j < s.length() && s.charAt(j) != q) {
      j += s.charAt(j) == '\\' && q != '`' ? 2 : 1;
    }
    if (j >= s.length()) {
      throw new IllegalArgumentException("unterminated string at " + i + " in " + s);
    }
    return j + 1;
  }

  private static int skipTo(String s, int i, char open, char close) {
    int depth = 0;
    for (int j = i; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '"' || c == '\'' || c == '`') {
        j = skipString(s, j) - 1;
      } else if (c == open) {
        depth++;
      } else if (c == close && --depth == 0) {
        return j + 1;
      }
    }
    throw new IllegalArgumentException("unbalanced '" + open + "' at " + i + " in " + s);
  }

  private static int skipNumber(String s, int i) {
    int j = i;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (Character.isLetterOrDigit(c) || c == '.') {
        j++;
      } else if ((c == '-' || c == '+') && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E')) {
        j++;
      } else {
        break;
      }
    }
    return j;
  }
}

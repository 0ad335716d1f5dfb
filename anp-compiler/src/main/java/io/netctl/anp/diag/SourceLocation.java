package io.netctl.anp.diag;

/**
 * Where an object or field came from: a file and a 1-based line, or {@link #UNKNOWN} (objects from the API server).
 */
public record SourceLocation(String file, int line) {
  public static final SourceLocation UNKNOWN = new SourceLocation("", 0);

  public SourceLocation {
    file = file == null ? "" : file;
  }

  public boolean known() {
    return !file.isEmpty();
  }

  @Override
  public String toString() {
    if (!known()) {
      return "";
    }
    return line > 0 ? file + ":" + line : file;
  }
}

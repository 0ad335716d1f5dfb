package io.netctl.egress.api;

/** What happens to the selected traffic when no instance is Up. */
public enum FailMode {
  /** Drop it (fail closed: it never leaves with a node's address instead of the gateway's). */
  Drop,
  /** Route it as if there were no gateway (the router's own routes). */
  Route
}

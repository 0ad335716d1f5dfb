package io.netctl.anp.api;

/** A rule's action. ANP/BANP say Allow, CNP says Accept: both are {@link #ALLOW}. */
public enum Action {
  ALLOW,
  DENY,
  PASS
}

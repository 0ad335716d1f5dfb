package io.netctl.anp.api;

import java.util.Map;
import java.util.Objects;

/**
 * ACL logging a policy asks for with the annotation {@value #ANNOTATION}, e.g.
 * {@code {"deny": "alert", "allow": "info", "pass": "notice", "meter": "acl-log-meter"}}: a severity per action
 * (actions not named are not logged) and an optional OVN Meter name that rate-limits the log.
 */
public record AclLogging(Map<Action, String> severities, String meter) {
  public static final String ANNOTATION = "netctl.io/acl-logging";
  public static final AclLogging NONE = new AclLogging(Map.of(), null);

  public AclLogging {
    Objects.requireNonNull(severities, "severities");
    severities = Map.copyOf(severities);
  }

  public String severity(Action action) {
    return severities.get(action);
  }
}

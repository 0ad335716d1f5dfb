package io.netctl.ovn.nb;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code external_ids} keys that mark a row as netctl's.
 *
 * <p>Every row netctl writes carries all four; the reconciler only ever updates or deletes rows whose
 * {@link #OWNER_CONTROLLER} is {@link #CONTROLLER}. The layout follows ovn-kubernetes' db object ids (owner
 * controller, owner type, owner name, primary id) so that operators who know one recognise the other.
 */
public final class Ownership {
  /** Who owns the row: always {@link #CONTROLLER} for netctl's rows. */
  public static final String OWNER_CONTROLLER = "netctl.io/owner-controller";
  /** The kind of the Kubernetes object the row was compiled from, e.g. {@code AdminNetworkPolicy}. */
  public static final String OWNER_TYPE = "netctl.io/owner-type";
  /** The object's name, {@code namespace/name} for namespaced objects. */
  public static final String OWNER_NAME = "netctl.io/owner-name";
  /** A stable id, unique among netctl's rows of one table. */
  public static final String ID = "netctl.io/id";

  public static final String CONTROLLER = "netctl";

  /**
   * The owner type of the rows egress gateways write (Address_Sets, Logical_Router_Policies). The egress engine
   * reconciles them on a connection of its own, so the policy reconciler leaves them alone ({@link #isPolicy}) and
   * the egress reconciler leaves the policy rows alone ({@link #isEgress}).
   */
  public static final String EGRESS_GATEWAY = "EgressGateway";

  private Ownership() {}

  /** The four ownership keys, plus {@code extra} key/value pairs. */
  public static SortedMap<String, String> ids(String ownerType, String ownerName, String id, String... extra) {
    if (extra.length % 2 != 0) {
      throw new IllegalArgumentException("extra: " + extra.length + " strings (expected: key/value pairs)");
    }
    TreeMap<String, String> m = new TreeMap<>();
    m.put(OWNER_CONTROLLER, CONTROLLER);
    m.put(OWNER_TYPE, ownerType);
    m.put(OWNER_NAME, ownerName);
    m.put(ID, id);
    for (int i = 0; i < extra.length; i += 2) {
      if (extra[i + 1] != null) {
        m.put(extra[i], extra[i + 1]);
      }
    }
    return m;
  }

  /** Whether a row is netctl's and was written for an egress gateway. */
  public static boolean isEgress(Map<String, String> externalIds) {
    return isOwned(externalIds) && EGRESS_GATEWAY.equals(externalIds.get(OWNER_TYPE));
  }

  /** Whether a row is netctl's and was not written for an egress gateway (the policy compiler's rows). */
  public static boolean isPolicy(Map<String, String> externalIds) {
    return isOwned(externalIds) && !EGRESS_GATEWAY.equals(externalIds.get(OWNER_TYPE));
  }

  /** Whether a row with these {@code external_ids} is netctl's. */
  public static boolean isOwned(Map<String, String> externalIds) {
    return CONTROLLER.equals(externalIds.get(OWNER_CONTROLLER));
  }
}

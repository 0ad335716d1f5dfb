/**
 * The OVN Northbound rows that netctl writes, as immutable values.
 *
 * <p>This package has no dependencies: the policy compiler, the egress logic and the OVSDB adapter all speak it, and
 * none of them needs to know how the others are built. Rows are keyed the way netctl finds them again in the
 * database: Address_Sets and Port_Groups by name (both tables have a unique name index), ACLs and router policies by
 * the stable id netctl writes into {@code external_ids}.
 */
package io.netctl.ovn.nb;

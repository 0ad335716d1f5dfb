/**
 * The policy compiler: Kubernetes objects in, OVN Northbound rows out, full or one event at a time.
 *
 * <p>See docs/compiler.md for the lowering rules and the priority allocation.
 */
package io.netctl.anp.compile;

/**
 * Evaluates compiled rows against a packet: which ACL decides and what the verdict is. It reads the same match
 * expressions OVN reads (the subset netctl writes) and applies OVN's tier semantics, so tests can check policy
 * semantics without a database, and the controller can explain a verdict. ovn-trace on a real OVN is the oracle this
 * is checked against.
 */
package io.netctl.anp.explain;

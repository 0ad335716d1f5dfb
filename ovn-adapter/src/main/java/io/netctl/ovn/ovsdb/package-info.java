/** The OVSDB client, cache and reconciler that write netctl's rows into the OVN Northbound database. */
package io.netctl.ovn.ovsdb;

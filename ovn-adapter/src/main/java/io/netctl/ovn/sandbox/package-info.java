/** Drives {@code scripts/ovn-sandbox} for integration tests, benchmarks and demos. */
package io.netctl.ovn.sandbox;

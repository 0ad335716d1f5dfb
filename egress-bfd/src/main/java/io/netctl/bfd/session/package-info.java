/**
 * The BFD session state machine (RFC 5880 §6.8) as a pure duty cycle with the time passed in, the demultiplexing
 * table, discriminator allocation, state-change events and RFC 9127 statistics. No I/O, no threads. See
 * {@code docs/bfd.md}.
 */
package io.netctl.bfd.session;

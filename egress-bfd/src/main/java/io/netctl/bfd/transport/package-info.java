/**
 * The Netty UDP transport (RFC 5881): one event-loop thread per speaker, one socket and one self-rescheduling timer
 * per session, events handed off through a JCTools queue. See {@code docs/bfd.md}.
 */
package io.netctl.bfd.transport;

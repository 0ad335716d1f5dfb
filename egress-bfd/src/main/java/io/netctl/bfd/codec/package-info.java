/**
 * BFD Control packet codec (RFC 5880 §4, §6.7, §6.8.6): one enum per wire field, the {@link
 * io.netctl.bfd.codec.BfdControlPacket} flyweight, stateless validation returning a {@link
 * io.netctl.bfd.codec.DropReason}, the encoder, and allocation-free authentication. See {@code docs/bfd.md}.
 */
package io.netctl.bfd.codec;

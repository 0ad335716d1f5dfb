/** BFD (RFC 5880/5881/5883) and egress gateways. */
package io.netctl.bfd;

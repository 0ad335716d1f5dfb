package io.netctl.bfd.transport;

import io.netctl.bfd.codec.DropReason;
import io.netctl.bfd.session.BfdSessionSnapshot;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * Everything an exporter needs from one speaker, copied on its event loop: the sessions' operational data and the
 * drops no session could be charged with.
 *
 * @param unattributedDrops drops before a session was found (stateless checks, no matching session, TTL failures
 *     from unknown senders), only non-zero reasons
 * @param droppedEvents state changes lost because the event queue was full
 */
public record BfdSpeakerSnapshot(InetAddress localAddress, boolean epoll, Map<DropReason, Long> unattributedDrops,
                                 long droppedEvents, List<BfdSessionSnapshot> sessions) {
}

package io.netctl.perf.bfd;

import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.locks.LockSupport;

/**
 * The netctl side of {@link DetectionLatency}, run as a child process in its own network namespace: one session,
 * printing {@code <epoch µs> <from> <to> <diag>} per state change on stdout (the event loop's timestamp, mapped onto
 * the wall clock when it is printed). Arguments: local peer intervalMs mult.
 */
public final class Detector {
    private Detector() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress local = InetAddress.getByName(args[0]);
        InetAddress peer = InetAddress.getByName(args[1]);
        long us = Long.parseLong(args[2]) * 1000;
        int mult = Integer.parseInt(args[3]);
        BfdSpeaker speaker = BfdSpeaker.start(BfdSpeakerConfig.of(local).withMultihopListenPort(-1));
        speaker.addSession(new InetSocketAddress(peer, BfdSpeakerConfig.SINGLE_HOP_PORT),
                BfdSessionConfig.of(us, us, mult));
        System.out.println("ready");
        System.out.flush();
        while (true) {
            int n = speaker.drainEvents(e -> System.out.println(WallClock.epochMicrosOf(e.timestampNs()) + " "
                    + e.from() + " " + e.to() + " " + e.diagnostic().ordinal()));
            if (n > 0) {
                System.out.flush();
            } else {
                LockSupport.parkNanos(200_000);
            }
        }
    }
}

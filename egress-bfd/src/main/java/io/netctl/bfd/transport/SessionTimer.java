package io.netctl.bfd.transport;

import io.netctl.bfd.session.BfdSession;
import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of a session (Netty IdleStateHandler style): it runs the session's duty cycle at its next deadline
 * and reschedules itself. A received packet only re-arms it when it moved a deadline earlier; a deadline that moved
 * later is simply rechecked when the timer fires. Event-loop thread only.
 */
final class SessionTimer implements Runnable {
    private final BfdSession session;
    private final EventLoop loop;
    private ScheduledFuture<?> future;
    private long armedForNs = BfdSession.NEVER;
    private boolean closed;

    SessionTimer(BfdSession session, EventLoop loop) {
        this.session = session;
        this.loop = loop;
    }

    void rearm(long nowNs) {
        if (closed) {
            return;
        }
        long next = session.nextDeadlineNs();
        if (future != null && armedForNs <= next) {
            return; // fires early enough; run() rechecks
        }
        if (future != null) {
            future.cancel(false);
            future = null;
        }
        armedForNs = next;
        if (next != BfdSession.NEVER) {
            future = loop.schedule(this, Math.max(0, next - nowNs), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void run() {
        future = null;
        armedForNs = BfdSession.NEVER;
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        session.doWork(now);
        rearm(now);
    }

    void close() {
        closed = true;
        if (future != null) {
            future.cancel(false);
            future = null;
        }
    }
}

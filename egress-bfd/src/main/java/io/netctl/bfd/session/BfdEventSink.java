package io.netctl.bfd.session;

/**
 * Receives state changes. Called on the session's thread (the speaker's event loop): implementations must not block;
 * the transport hands events off through a JCTools queue.
 */
@FunctionalInterface
public interface BfdEventSink {
    BfdEventSink NONE = change -> { };

    void onStateChange(BfdStateChange change);
}

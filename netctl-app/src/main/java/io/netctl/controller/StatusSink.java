package io.netctl.controller;

import io.netctl.anp.api.ObjectRef;

/** Where policy status goes: the API server's status subresource, or files and the log in watch-dir mode. */
public interface StatusSink {
  /**
   * Writes one object's conditions. Called only when they differ from the last successful write for that object;
   * runs on the controller's status thread.
   *
   * @return true when written (false: the object is gone or the write failed; it is tried again on the next change)
   */
  boolean write(ObjectRef ref, Conditions conditions);

  /** The object was deleted: forget it (a file sink removes its file). */
  default void forget(ObjectRef ref) {}

  /** Discards everything. */
  StatusSink NONE = (ref, c) -> true;
}

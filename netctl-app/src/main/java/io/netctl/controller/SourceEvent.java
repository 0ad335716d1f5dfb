package io.netctl.controller;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.diag.SourceLocation;
import java.util.List;
import java.util.Objects;

/** What a source (informers or the watch directory) tells the controller about one object. */
public sealed interface SourceEvent {

  /** The key the work queue coalesces on. */
  Object key();

  /** The latest valid version of an object. */
  record Upsert(ClusterObject object, SourceLocation at) implements SourceEvent {
    public Upsert {
      Objects.requireNonNull(object, "object");
      at = at == null ? SourceLocation.UNKNOWN : at;
    }

    @Override
    public Object key() {
      return object.ref();
    }
  }

  /** The latest version of an object is invalid: it is not programmed, and its status says why. */
  record Invalid(ObjectRef ref, List<Diagnostic> diagnostics) implements SourceEvent {
    public Invalid {
      Objects.requireNonNull(ref, "ref");
      diagnostics = List.copyOf(diagnostics);
    }

    @Override
    public Object key() {
      return ref;
    }
  }

  /** The object is gone. */
  record Deleted(ObjectRef ref) implements SourceEvent {
    public Deleted {
      Objects.requireNonNull(ref, "ref");
    }

    @Override
    public Object key() {
      return ref;
    }
  }

  /** A domain name resolved (from {@link DomainResolver}). */
  record Resolved(String domain, List<String> addresses) implements SourceEvent {
    public Resolved {
      Objects.requireNonNull(domain, "domain");
      addresses = List.copyOf(addresses);
    }

    @Override
    public Object key() {
      return "dns:" + domain;
    }
  }
}

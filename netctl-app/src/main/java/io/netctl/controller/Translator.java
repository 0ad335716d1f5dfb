package io.netctl.controller;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.yaml.YamlLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes objects as text (JSON from an informer, YAML from a file) to {@link SourceEvent}s, through the same
 * {@link YamlLoader} as {@code netctl compile}: the CRD validation and the diagnostics are the same on every path.
 */
final class Translator {
  private Translator() {}

  /** Every object in a loaded text: valid ones as upserts, objects with errors as {@link SourceEvent.Invalid}. */
  static Map<ObjectRef, SourceEvent> events(YamlLoader.LoadResult r) {
    Map<ObjectRef, SourceEvent> out = new LinkedHashMap<>();
    for (ClusterObject o : r.objects()) {
      out.put(o.ref(), new SourceEvent.Upsert(o, r.locations().get(o.ref())));
    }
    Map<ObjectRef, List<Diagnostic>> bad = new LinkedHashMap<>();
    for (Diagnostic d : r.diagnostics()) {
      if (d.isError() && d.object() != null && !out.containsKey(d.object())) {
        bad.computeIfAbsent(d.object(), k -> new ArrayList<>()).add(d);
      }
    }
    bad.forEach((ref, ds) -> out.put(ref, new SourceEvent.Invalid(ref, ds)));
    return out;
  }

  /** One object's text (an informer's object as JSON); null when it is not a kind netctl reads. */
  static SourceEvent event(String name, String text) {
    Map<ObjectRef, SourceEvent> m = events(YamlLoader.load(name, text));
    return m.isEmpty() ? null : m.values().iterator().next();
  }
}

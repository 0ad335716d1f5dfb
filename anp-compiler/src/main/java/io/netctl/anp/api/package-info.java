/**
 * The compiler's input: the parts of Kubernetes objects that network policy depends on, as immutable records.
 *
 * <p>No Kubernetes client types appear here: the YAML loader, the file watcher and the informers of the controller
 * all translate into these records, so the compiler stays a pure function that tests can drive directly.
 */
package io.netctl.anp.api;

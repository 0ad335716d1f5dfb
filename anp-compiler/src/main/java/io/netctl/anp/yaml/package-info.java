/**
 * Reads Kubernetes objects from YAML text into the compiler's records, checking the validation rules of their CRDs
 * and reporting every problem with file, line, object and field path.
 */
package io.netctl.anp.yaml;

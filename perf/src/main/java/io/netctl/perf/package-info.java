/** JMH benchmarks and measurement harnesses. Nothing depends on this module. */
package io.netctl.perf;

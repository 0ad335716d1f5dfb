/** Diagnostics: values, not exceptions, so that one bad object never stops the others from compiling. */
package io.netctl.anp.diag;

/** The {@code netctl} command line. */
package io.netctl.cli;

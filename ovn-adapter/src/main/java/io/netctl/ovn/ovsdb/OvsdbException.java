package io.netctl.ovn.ovsdb;

/** The OVSDB server could not be reached, or the connection broke: worth retrying after a reconnect. */
public class OvsdbException extends Exception {
  private static final long serialVersionUID = 1L;

  public OvsdbException(String message) {
    super(message);
  }

  public OvsdbException(String message, Throwable cause) {
    super(message, cause);
  }
}

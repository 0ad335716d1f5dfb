package io.netctl.api;

import io.grpc.Channel;
import java.util.List;

/** {@link ReflectionClient} for tests in other packages. */
public final class ReflectionTestAccess {
  private ReflectionTestAccess() {}

  public static List<String> services(Channel channel) throws Exception {
    return ReflectionClient.services(channel);
  }
}

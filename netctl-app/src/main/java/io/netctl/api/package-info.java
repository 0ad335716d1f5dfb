/**
 * The gRPC API ({@code netctl.v1.Netctl}, proto in {@code src/main/proto/netctl/v1/netctl.proto}): the
 * {@link io.netctl.api.ApiBackend} seam with plain records, its implementation on the compiler, reconciler and BFD
 * speakers ({@link io.netctl.api.CompiledBackend}), the server with health and reflection
 * ({@link io.netctl.api.ApiServer}) and the channel the CLI clients use ({@link io.netctl.api.ApiClient}).
 */
package io.netctl.api;

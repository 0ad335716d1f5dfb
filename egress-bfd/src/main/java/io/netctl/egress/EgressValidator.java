package io.netctl.egress;

import io.netctl.anp.api.IpAddresses;
import io.netctl.anp.api.LabelSelector;
import io.netctl.anp.api.PodSelection;
import io.netctl.egress.api.EgressBfd;
import io.netctl.egress.api.EgressGateway;
import io.netctl.egress.api.EgressGatewaySpec;
import io.netctl.egress.api.EgressInstance;
import io.netctl.egress.api.EgressPolicy;
import io.netctl.egress.api.EgressSelector;
import io.netctl.egress.api.FailMode;
import io.netctl.egress.api.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks an {@link EgressGateway} and turns it into an {@link EgressConfig}, or refuses it with one
 * {@link EgressDiagnostic} per problem (all of them, not only the first).
 */
public final class EgressValidator {
  /** OVN names a router anything, but netctl refuses names that cannot be a Kubernetes-style name or an OVN name. */
  private static final Pattern ROUTER = Pattern.compile("^[A-Za-z0-9_.:-]{1,253}$");
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  /** The result: a config, or diagnostics. */
  public record Result(Optional<EgressConfig> config, List<EgressDiagnostic> diagnostics) {
    public Result {
      diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() {
      return config.isPresent();
    }
  }

  private final String object;
  private final List<EgressDiagnostic> diags = new ArrayList<>();

  private EgressValidator(String object) {
    this.object = object;
  }

  public static Result validate(EgressGateway g) {
    String ns = g.getMetadata() == null ? null : g.getMetadata().getNamespace();
    String name = g.getMetadata() == null ? null : g.getMetadata().getName();
    EgressValidator v = new EgressValidator("EgressGateway/" + (ns == null ? "default" : ns) + "/" + name);
    return v.run(g, ns == null || ns.isEmpty() ? "default" : ns, name);
  }

  private void error(String field, String reason) {
    diags.add(new EgressDiagnostic(object, field, reason));
  }

  private Result run(EgressGateway g, String ns, String name) {
    if (name == null || name.isEmpty()) {
      error("metadata.name", "required field is missing");
    }
    EgressGatewaySpec s = g.getSpec();
    if (s == null) {
      error("spec", "required field is missing");
      return new Result(Optional.empty(), diags);
    }
    String router = s.getRouter();
    if (router == null || router.isEmpty()) {
      error("spec.router", "required field is missing");
    } else if (!ROUTER.matcher(router).matches()) {
      error("spec.router", quote(router) + " (expected: an OVN Logical_Router name: letters, digits, _ . : -)");
    }
    LabelSelector nodeSelector = s.getNodeSelector() == null ? null : selector("spec.nodeSelector", s.getNodeSelector());
    List<EgressConfig.InstanceSpec> instances = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> ips = new HashSet<>();
    List<EgressInstance> in = s.getInstances() == null ? List.of() : s.getInstances();
    for (int i = 0; i < in.size(); i++) {
      EgressInstance e = in.get(i);
      String f = "spec.instances[" + i + "]";
      if (e == null) {
        error(f, "null entry");
        continue;
      }
      if (e.getName() == null || e.getName().isEmpty()) {
        error(f + ".name", "required field is missing");
      } else if (!DNS_LABEL.matcher(e.getName()).matches() || e.getName().length() > 63) {
        error(f + ".name", quote(e.getName()) + " (expected: a lower-case DNS label)");
      } else if (!names.add(e.getName())) {
        error(f + ".name", quote(e.getName()) + " (expected: unique among the instances)");
      }
      String ip = null;
      if (e.getIp() == null || e.getIp().isEmpty()) {
        error(f + ".ip", "required field is missing");
      } else {
        ip = IpAddresses.canonicalAddress(e.getIp());
        if (ip == null) {
          error(f + ".ip", quote(e.getIp()) + " (expected: an IPv4 or IPv6 address)");
        } else if (!ips.add(ip)) {
          error(f + ".ip", quote(e.getIp()) + " (expected: unique among the instances)");
        }
      }
      if (ip != null && e.getName() != null) {
        instances.add(new EgressConfig.InstanceSpec(e.getName(), e.getNode() == null ? "" : e.getNode(), ip));
      }
    }
    if (nodeSelector == null && in.isEmpty()) {
      error("spec", "neither nodeSelector nor instances (expected: at least one, to place the gateway instances)");
    }
    List<PodSelection> sources = new ArrayList<>();
    List<EgressSelector> sel = s.getSelectors() == null ? List.of() : s.getSelectors();
    for (int i = 0; i < sel.size(); i++) {
      EgressSelector e = sel.get(i);
      String f = "spec.selectors[" + i + "]";
      if (e == null) {
        error(f, "null entry");
        continue;
      }
      LabelSelector nss = e.getNamespaceSelector() == null
          ? LabelSelector.ALL : selector(f + ".namespaceSelector", e.getNamespaceSelector());
      LabelSelector pods = e.getPodSelector() == null
          ? LabelSelector.ALL : selector(f + ".podSelector", e.getPodSelector());
      if (nss != null && pods != null) {
        sources.add(PodSelection.of(nss, pods));
      }
    }
    SortedSet<String> cidrs = new TreeSet<>();
    List<EgressPolicy> pol = s.getPolicies() == null ? List.of() : s.getPolicies();
    for (int i = 0; i < pol.size(); i++) {
      EgressPolicy p = pol.get(i);
      if (p == null) {
        error("spec.policies[" + i + "]", "null entry");
        continue;
      }
      cidrs(cidrs, "spec.policies[" + i + "].ipBlocks", p.getIpBlocks());
      cidrs(cidrs, "spec.policies[" + i + "].subnets", p.getSubnets());
    }
    if (sel.isEmpty() && pol.isEmpty()) {
      error("spec", "neither selectors nor policies (expected: at least one source)");
    }
    SortedSet<String> dst = new TreeSet<>();
    cidrs(dst, "spec.destinations", s.getDestinations());
    TrafficPolicy tp = s.getTrafficPolicy() == null ? TrafficPolicy.Cluster : s.getTrafficPolicy();
    FailMode fm = s.getFailMode() == null ? FailMode.Drop : s.getFailMode();
    long holdDown = EgressGatewaySpec.DEFAULT_HOLD_DOWN_MS;
    if (s.getHoldDownMillis() != null) {
      if (s.getHoldDownMillis() < 0) {
        error("spec.holdDownMillis", s.getHoldDownMillis() + " (expected: >= 0)");
      }
      holdDown = s.getHoldDownMillis();
    }
    EgressConfig.Bfd bfd = bfd(s.getBfd());
    if (!diags.isEmpty()) {
      return new Result(Optional.empty(), diags);
    }
    long gen = g.getMetadata().getGeneration() == null ? 0 : g.getMetadata().getGeneration();
    return new Result(Optional.of(new EgressConfig(ns, name, gen, router, nodeSelector, instances, sources, cidrs, dst,
        tp, bfd, fm, holdDown)), diags);
  }

  private EgressConfig.Bfd bfd(EgressBfd b) {
    if (b == null) {
      return EgressConfig.Bfd.OFF;
    }
    int rx = interval("spec.bfd.minRX", b.getMinRX());
    int tx = interval("spec.bfd.minTX", b.getMinTX());
    int mult = b.getMultiplier() == null ? EgressBfd.DEFAULT_MULTIPLIER : b.getMultiplier();
    if (mult < 2 || mult > 255) {
      error("spec.bfd.multiplier", mult + " (expected: 2-255)");
    }
    return new EgressConfig.Bfd(Boolean.TRUE.equals(b.getEnabled()), rx, tx, mult);
  }

  private int interval(String field, Integer v) {
    int ms = v == null ? EgressBfd.DEFAULT_INTERVAL_MS : v;
    if (ms < EgressBfd.MIN_INTERVAL_MS || ms > 60_000) {
      error(field, ms + " (expected: " + EgressBfd.MIN_INTERVAL_MS + "-60000 milliseconds)");
    }
    return ms;
  }

  private void cidrs(Set<String> out, String field, List<String> in) {
    if (in == null) {
      return;
    }
    for (int i = 0; i < in.size(); i++) {
      String c = in.get(i);
      Optional<IpAddresses.Cidr> p = c == null ? Optional.empty()
          : c.indexOf('/') >= 0 ? IpAddresses.parseCidr(c) : IpAddresses.parseAddress(c);
      if (p.isEmpty()) {
        error(field + "[" + i + "]", quote(c) + " (expected: a CIDR such as 10.0.0.0/16 or an address)");
      } else {
        out.add(p.get().canonical());
      }
    }
  }

  /** A fabric8 label selector in the compiler's form, or null after an error. */
  private LabelSelector selector(String field, io.fabric8.kubernetes.api.model.LabelSelector s) {
    TreeMap<String, String> labels = new TreeMap<>(s.getMatchLabels() == null ? Map.of() : s.getMatchLabels());
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    boolean ok = true;
    var exprs = s.getMatchExpressions() == null ? List.<io.fabric8.kubernetes.api.model.LabelSelectorRequirement>of()
        : s.getMatchExpressions();
    for (int i = 0; i < exprs.size(); i++) {
      var e = exprs.get(i);
      String f = field + ".matchExpressions[" + i + "]";
      LabelSelector.Operator op = e.getOperator() == null ? null : LabelSelector.Operator.parse(e.getOperator());
      List<String> values = e.getValues() == null ? List.of() : e.getValues();
      if (e.getKey() == null || e.getKey().isEmpty()) {
        error(f + ".key", "required field is missing");
        ok = false;
      } else if (op == null) {
        error(f + ".operator", quote(e.getOperator()) + " (expected: In, NotIn, Exists or DoesNotExist)");
        ok = false;
      } else if ((op == LabelSelector.Operator.IN || op == LabelSelector.Operator.NOT_IN) == values.isEmpty()) {
        error(f + ".values", values.isEmpty() ? "empty (expected: at least one value with " + e.getOperator() + ")"
            : values + " (expected: none with " + e.getOperator() + ")");
        ok = false;
      } else {
        reqs.add(new LabelSelector.Requirement(e.getKey(), op, new TreeSet<>(values)));
      }
    }
    return ok ? new LabelSelector(labels, reqs) : null;
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}

package io.netctl.anp.yaml;

import io.netctl.anp.api.AclLogging;
import io.netctl.anp.api.Action;
import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.ContainerPort;
import io.netctl.anp.api.Direction;
import io.netctl.anp.api.IpAddresses;
import io.netctl.anp.api.Kind;
import io.netctl.anp.api.LabelSelector;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Node;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.api.Peer;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.PodSelection;
import io.netctl.anp.api.Policy;
import io.netctl.anp.api.PolicyKind;
import io.netctl.anp.api.PortSpec;
import io.netctl.anp.api.Protocol;
import io.netctl.anp.api.Rule;
import io.netctl.anp.diag.Code;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.diag.SourceLocation;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads Namespaces, Pods, Nodes, AdminNetworkPolicies, BaselineAdminNetworkPolicies, ClusterNetworkPolicies and
 * NetworkPolicies from multi-document YAML (also {@code kind: List}), enforcing the validation rules of their CRDs.
 *
 * <p>An object with an error is left out and reported; every other object is still returned. Pure: the caller reads
 * files and passes their text.
 */
public final class YamlLoader {

  /** Upstream caps (network-policy-api v0.1.8 for v1alpha1, v1alpha2 for ClusterNetworkPolicy). */
  static final int ANP_MAX_RULES = 100;
  static final int ANP_MAX_PEERS = 100;
  static final int ANP_MAX_PORTS = 100;
  static final int CNP_MAX_RULES = 25;
  static final int CNP_MAX_PEERS = 25;
  static final int CNP_MAX_PROTOCOLS = 25;
  static final int MAX_NETWORKS = 25;
  static final int MAX_DOMAIN_NAMES = 25;
  static final int MAX_RULE_NAME = 100;
  static final int MAX_PRIORITY = 1000;

  /** The CRD's pattern for domainNames: {@code *.} only as a prefix. */
  static final Pattern DOMAIN_NAME =
      Pattern.compile(
          "^(\\*\\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.?$");

  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern PORT_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  /** One input text, named for diagnostics (a file path, or {@code <stdin>}). */
  public record Source(String name, String text) {}

  /** The objects read, in input order, with where each came from, and every diagnostic. */
  public record LoadResult(
      List<ClusterObject> objects, Map<ObjectRef, SourceLocation> locations, List<Diagnostic> diagnostics) {
    public LoadResult {
      objects = List.copyOf(objects);
      locations = Map.copyOf(locations);
      diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
  }

  private final LinkedHashMap<ObjectRef, ClusterObject> objects = new LinkedHashMap<>();
  private final Map<ObjectRef, SourceLocation> locations = new TreeMap<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  private YamlLoader() {}

  public static LoadResult load(String name, String text) {
    return load(List.of(new Source(name, text)));
  }

  public static LoadResult load(List<Source> sources) {
    YamlLoader l = new YamlLoader();
    for (Source s : sources) {
      l.read(s);
    }
    return new LoadResult(new ArrayList<>(l.objects.values()), l.locations, l.diagnostics);
  }

  private void read(Source s) {
    LoaderOptions opts = new LoaderOptions();
    opts.setAllowDuplicateKeys(false);
    opts.setCodePointLimit(64 * 1024 * 1024);
    Yaml yaml = new Yaml(opts);
    List<org.yaml.snakeyaml.nodes.Node> docs = new ArrayList<>();
    try {
      for (org.yaml.snakeyaml.nodes.Node n : yaml.composeAll(new StringReader(s.text()))) {
        docs.add(n);
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = m == null ? 0 : m.getLine() + 1;
      String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
      diagnostics.add(
          Diagnostic.error(Code.YAML_SYNTAX, new SourceLocation(s.name(), line), null, "", oneLine(what)));
      return; // documents before the error are not trusted either: the file is read whole or not at all
    } catch (YAMLException e) {
      diagnostics.add(Diagnostic.error(Code.YAML_SYNTAX, new SourceLocation(s.name(), 0), null, "", oneLine(e.getMessage())));
      return;
    }
    for (org.yaml.snakeyaml.nodes.Node n : docs) {
      readDocument(new Y(n, "", s.name()));
    }
  }

  private static String oneLine(String s) {
    return s == null ? "invalid YAML" : s.replaceAll("\\s+", " ").trim();
  }

  private void readDocument(Y doc) {
    if (doc.isNull()) {
      return;
    }
    if (!doc.isMap()) {
      diagnostics.add(
          Diagnostic.error(Code.INVALID_SPEC, doc.location(), null, "", doc.show() + " (expected: a Kubernetes object)"));
      return;
    }
    Y kindY = doc.get("kind");
    Y apiY = doc.get("apiVersion");
    String kind = kindY != null && kindY.isScalar() ? kindY.scalar() : null;
    String api = apiY != null && apiY.isScalar() ? apiY.scalar() : null;
    if (kind == null || api == null) {
      diagnostics.add(
          Diagnostic.error(
              Code.INVALID_SPEC, doc.location(), null, kind == null ? "kind" : "apiVersion", "required field is missing"));
      return;
    }
    if (kind.equals("List") || kind.endsWith("List") && doc.get("items") != null) {
      Y items = doc.get("items");
      if (items != null) {
        for (Y item : items.items()) {
          readDocument(item);
        }
      }
      return;
    }
    Kind k = kindOf(kind, api);
    if (k == null) {
      diagnostics.add(
          Diagnostic.warning(
              Code.UNSUPPORTED_KIND,
              doc.location(),
              null,
              "kind",
              api + " " + kind + " is not an object netctl reads; skipped"));
      return;
    }
    Y meta = doc.get("metadata");
    String name = meta == null ? null : stringOrNull(meta.get("name"));
    String ns = k.namespaced() ? stringOrNull(meta == null ? null : meta.get("namespace")) : "";
    if (k.namespaced() && (ns == null || ns.isEmpty())) {
      ns = "default";
    }
    ObjectRef ref = new ObjectRef(k, ns, name == null ? "" : name);
    Ctx ctx = new Ctx(ref);
    if (name == null || name.isEmpty()) {
      ctx.error(new Y(doc.node, "metadata.name", doc.file), "required field is missing");
    } else if (!(k == Kind.NAMESPACE ? DNS_LABEL : DNS_SUBDOMAIN).matcher(name).matches()) {
      ctx.error(meta.get("name"), "\"" + name + "\" (expected: a lower-case DNS " + (k == Kind.NAMESPACE ? "label" : "subdomain") + ")");
    }
    ClusterObject o = null;
    if (!ctx.failed) {
      o =
          switch (k) {
            case NAMESPACE -> new Namespace(name, ctx.stringMap(meta.get("labels")));
            case POD -> readPod(ctx, doc, ns, name);
            case NODE -> readNode(ctx, doc, name);
            case ADMIN_NETWORK_POLICY -> readAdminPolicy(ctx, doc, PolicyKind.ADMIN_NETWORK_POLICY);
            case BASELINE_ADMIN_NETWORK_POLICY -> readAdminPolicy(ctx, doc, PolicyKind.BASELINE_ADMIN_NETWORK_POLICY);
            case CLUSTER_NETWORK_POLICY -> readClusterNetworkPolicy(ctx, doc);
            case NETWORK_POLICY -> readNetworkPolicy(ctx, doc, ns);
          };
    }
    diagnostics.addAll(ctx.diagnostics);
    if (ctx.failed || o == null) {
      return;
    }
    if (objects.containsKey(ref)) {
      diagnostics.add(
          Diagnostic.warning(
              Code.DUPLICATE_OBJECT, doc.location(), ref, "", "defined again (first at " + locations.get(ref) + "); this one wins"));
      objects.remove(ref);
    }
    objects.put(ref, o);
    locations.put(ref, doc.location());
  }

  private static String stringOrNull(Y y) {
    return y != null && y.isScalar() && !y.isNull() ? y.scalar() : null;
  }

  private static Kind kindOf(String kind, String api) {
    for (Kind k : Kind.values()) {
      if (k.kindName().equals(kind) && k.apiVersion().equals(api)) {
        return k;
      }
    }
    return null;
  }

  // ---- core objects ------------------------------------------------------------------------------------------------

  private Pod readPod(Ctx ctx, Y doc, String ns, String name) {
    Y meta = doc.get("metadata");
    Y spec = doc.get("spec");
    Y status = doc.get("status");
    String nodeName = spec == null ? "" : stringOrNull(spec.get("nodeName"));
    boolean hostNetwork = spec != null && ctx.bool(spec.get("hostNetwork"));
    List<ContainerPort> ports = new ArrayList<>();
    if (spec != null) {
      for (String containers : List.of("containers", "initContainers")) {
        for (Y c : ctx.list(spec.get(containers), 0, Integer.MAX_VALUE)) {
          for (Y p : ctx.list(c.get("ports"), 0, Integer.MAX_VALUE)) {
            String pname = stringOrNull(p.get("name"));
            Integer port = ctx.integer(p.get("containerPort"), 1, 65535);
            String proto = stringOrNull(p.get("protocol"));
            Protocol protocol = proto == null ? Protocol.TCP : Protocol.parse(proto);
            if (protocol == null) {
              ctx.error(p.get("protocol"), "\"" + proto + "\" (expected: TCP, UDP or SCTP)");
            } else if (port != null) {
              ports.add(new ContainerPort(pname == null ? "" : pname, port, protocol));
            }
          }
        }
      }
    }
    List<String> ips = new ArrayList<>();
    boolean terminated = false;
    if (status != null) {
      for (Y ip : ctx.list(status.get("podIPs"), 0, Integer.MAX_VALUE)) {
        address(ctx, ip.get("ip"), ips);
      }
      if (ips.isEmpty() && status.get("podIP") != null) {
        address(ctx, status.get("podIP"), ips);
      }
      String phase = stringOrNull(status.get("phase"));
      terminated = "Succeeded".equals(phase) || "Failed".equals(phase);
    }
    return new Pod(ns, name, ctx.stringMap(meta.get("labels")), nodeName, hostNetwork, ports, ips, terminated);
  }

  private static void address(Ctx ctx, Y y, List<String> out) {
    String s = ctx.string(y);
    if (s == null) {
      return;
    }
    String c = IpAddresses.canonicalAddress(s.trim());
    if (c == null) {
      ctx.error(y, "\"" + s + "\" (expected: an IP address)");
    } else if (!out.contains(c)) {
      out.add(c);
    }
  }

  private Node readNode(Ctx ctx, Y doc, String name) {
    Y meta = doc.get("metadata");
    Y status = doc.get("status");
    List<String> addrs = new ArrayList<>();
    if (status != null) {
      for (Y a : ctx.list(status.get("addresses"), 0, Integer.MAX_VALUE)) {
        String type = stringOrNull(a.get("type"));
        if ("InternalIP".equals(type) || "ExternalIP".equals(type)) {
          address(ctx, a.get("address"), addrs);
        }
      }
    }
    return new Node(name, ctx.stringMap(meta.get("labels")), addrs);
  }

  private static AclLogging logging(Ctx ctx, Y doc) {
    Y meta = doc.get("metadata");
    Y ann = meta == null ? null : meta.get("annotations");
    Y a = ann == null ? null : ann.get(AclLogging.ANNOTATION);
    if (a == null) {
      return AclLogging.NONE;
    }
    String json = ctx.string(a);
    if (json == null) {
      return AclLogging.NONE;
    }
    Object parsed;
    try {
      parsed = new Yaml().load(json);
    } catch (YAMLException e) {
      ctx.error(a, "not a JSON object: " + oneLine(e.getMessage()));
      return AclLogging.NONE;
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      ctx.error(a, "\"" + json + "\" (expected: a JSON object such as {\"deny\": \"alert\", \"allow\": \"info\"})");
      return AclLogging.NONE;
    }
    Map<Action, String> sev = new EnumMap<>(Action.class);
    String meter = null;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      String val = String.valueOf(e.getValue());
      switch (key) {
        case "allow", "accept" -> sev.put(Action.ALLOW, severity(ctx, a, key, val));
        case "deny" -> sev.put(Action.DENY, severity(ctx, a, key, val));
        case "pass" -> sev.put(Action.PASS, severity(ctx, a, key, val));
        case "meter" -> meter = val;
        default -> ctx.error(a, "key \"" + key + "\" (expected: allow, deny, pass or meter)");
      }
    }
    return new AclLogging(sev, meter);
  }

  private static String severity(Ctx ctx, Y at, String key, String val) {
    if (!List.of("alert", "warning", "notice", "info", "debug").contains(val)) {
      ctx.error(at, key + ": \"" + val + "\" (expected: alert, warning, notice, info or debug)");
    }
    return val;
  }

  // ---- AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) ------------------------------------------------

  private Policy readAdminPolicy(Ctx ctx, Y doc, PolicyKind pk) {
    boolean banp = pk == PolicyKind.BASELINE_ADMIN_NETWORK_POLICY;
    if (banp && !"default".equals(ctx.ref.name())) {
      ctx.error(doc.get("metadata").get("name"), "\"" + ctx.ref.name() + "\" (expected: \"default\": BaselineAdminNetworkPolicy is a singleton)");
    }
    Map<String, Y> top = ctx.fields(doc, "apiVersion", "kind", "metadata", "spec", "status");
    Y spec = ctx.required(top, doc, "spec");
    if (spec == null) {
      return null;
    }
    Map<String, Y> f =
        banp ? ctx.fields(spec, "subject", "ingress", "egress") : ctx.fields(spec, "priority", "subject", "ingress", "egress");
    int priority = 0;
    if (!banp) {
      Integer p = ctx.integer(ctx.required(f, spec, "priority"), 0, MAX_PRIORITY);
      priority = p == null ? 0 : p;
    }
    PodSelection subject = subject(ctx, ctx.required(f, spec, "subject"));
    List<Rule> ingress = new ArrayList<>();
    List<Rule> egress = new ArrayList<>();
    for (Direction d : Direction.values()) {
      List<Y> rules = ctx.list(f.get(d.field()), 0, ANP_MAX_RULES);
      for (int i = 0; i < rules.size(); i++) {
        Rule r = anpRule(ctx, rules.get(i), i, d, banp);
        if (r != null) {
          (d == Direction.INGRESS ? ingress : egress).add(r);
        }
      }
    }
    return new Policy(ctx.ref, pk, priority, subject, ingress, egress, List.of(), logging(ctx, doc));
  }

  private static PodSelection subject(Ctx ctx, Y y) {
    if (y == null) {
      return PodSelection.of(LabelSelector.ALL, LabelSelector.ALL);
    }
    Map<String, Y> f = ctx.fields(y, "namespaces", "pods");
    if (f.size() != 1) {
      ctx.error(y, "exactly one of namespaces or pods must be set (found " + f.size() + ")");
      return PodSelection.of(LabelSelector.ALL, LabelSelector.ALL);
    }
    if (f.containsKey("namespaces")) {
      return PodSelection.of(ctx.selector(f.get("namespaces")), LabelSelector.ALL);
    }
    return namespacedPod(ctx, f.get("pods"));
  }

  private static PodSelection namespacedPod(Ctx ctx, Y y) {
    Map<String, Y> f = ctx.fields(y, "namespaceSelector", "podSelector");
    Y nsSel = ctx.required(f, y, "namespaceSelector");
    Y podSel = ctx.required(f, y, "podSelector");
    return PodSelection.of(ctx.selector(nsSel), ctx.selector(podSel));
  }

  private static Action action(Ctx ctx, Y y, boolean cnp, boolean allowPass) {
    String s = ctx.string(y);
    if (s == null) {
      return null;
    }
    String allow = cnp ? "Accept" : "Allow";
    if (s.equals(allow)) {
      return Action.ALLOW;
    }
    if (s.equals("Deny")) {
      return Action.DENY;
    }
    if (s.equals("Pass") && allowPass) {
      return Action.PASS;
    }
    ctx.error(y, "\"" + s + "\" (expected: " + allow + ", Deny" + (allowPass ? " or Pass" : "") + ")");
    return null;
  }

  private static String ruleName(Ctx ctx, Y y) {
    String n = ctx.string(y);
    if (n != null && n.length() > MAX_RULE_NAME) {
      ctx.error(y, n.length() + " characters (expected: at most " + MAX_RULE_NAME + ")");
    }
    return n;
  }

  private static Rule anpRule(Ctx ctx, Y y, int index, Direction d, boolean banp) {
    String peersField = d == Direction.INGRESS ? "from" : "to";
    Map<String, Y> f = ctx.fields(y, "name", "action", peersField, "ports");
    String name = ruleName(ctx, f.get("name"));
    Action action = action(ctx, ctx.required(f, y, "action"), false, !banp);
    Y peersY = ctx.required(f, y, peersField);
    List<Peer> peers = new ArrayList<>();
    boolean nonPodPeer = false;
    for (Y p : ctx.list(peersY, 1, ANP_MAX_PEERS)) {
      Peer peer = peer(ctx, p, d, banp, false, action);
      if (peer != null) {
        peers.add(peer);
        nonPodPeer |= peer instanceof Peer.Nodes || peer instanceof Peer.Networks || peer instanceof Peer.DomainNames;
      }
    }
    List<PortSpec> ports = new ArrayList<>();
    Y portsY = f.get("ports");
    for (Y p : ctx.list(portsY, 1, ANP_MAX_PORTS)) {
      PortSpec ps = anpPort(ctx, p);
      if (ps != null) {
        ports.add(ps);
      }
    }
    if (nonPodPeer && ports.stream().anyMatch(p -> p instanceof PortSpec.Named)) {
      ctx.error(portsY, "namedPort cannot be used with networks, nodes or domainNames peers, which have no named ports");
    }
    return action == null ? null : new Rule(index, name, action, peers, ports);
  }

  private static PortSpec anpPort(Ctx ctx, Y y) {
    Map<String, Y> f = ctx.fields(y, "portNumber", "namedPort", "portRange");
    if (f.size() != 1) {
      ctx.error(y, "exactly one of portNumber, namedPort or portRange must be set (found " + f.size() + ")");
      return null;
    }
    if (f.containsKey("namedPort")) {
      return namedPort(ctx, f.get("namedPort"), null);
    }
    if (f.containsKey("portNumber")) {
      Y pn = f.get("portNumber");
      Map<String, Y> pf = ctx.fields(pn, "protocol", "port");
      Protocol proto = protocol(ctx, pf.get("protocol"));
      Integer port = ctx.integer(ctx.required(pf, pn, "port"), 1, 65535);
      return proto == null || port == null ? null : new PortSpec.Number(proto, port);
    }
    Y pr = f.get("portRange");
    Map<String, Y> rf = ctx.fields(pr, "protocol", "start", "end");
    Protocol proto = protocol(ctx, rf.get("protocol"));
    return range(ctx, pr, proto, rf.get("start"), rf.get("end"), rf);
  }

  private static PortSpec range(Ctx ctx, Y at, Protocol proto, Y startY, Y endY, Map<String, Y> f) {
    Integer start = ctx.integer(ctx.required(f, at, "start"), 1, 65535);
    Integer end = ctx.integer(ctx.required(f, at, "end"), 1, 65535);
    if (start != null && end != null && start >= end) {
      ctx.error(at, "start " + start + " >= end " + end + " (expected: start < end)");
      return null;
    }
    return proto == null || start == null || end == null ? null : new PortSpec.Range(proto, start, end);
  }

  private static PortSpec namedPort(Ctx ctx, Y y, Protocol proto) {
    String n = ctx.string(y);
    if (n == null) {
      return null;
    }
    if (n.isEmpty() || n.length() > 15 || !PORT_NAME.matcher(n).matches()) {
      ctx.error(y, "\"" + n + "\" (expected: an IANA service name: 1-15 lower-case letters, digits and '-')");
      return null;
    }
    return new PortSpec.Named(n, proto);
  }

  private static Protocol protocol(Ctx ctx, Y y) {
    if (y == null || y.isNull()) {
      return Protocol.TCP;
    }
    String s = ctx.string(y);
    Protocol p = s == null ? null : Protocol.parse(s);
    if (p == null && s != null) {
      ctx.error(y, "\"" + s + "\" (expected: TCP, UDP or SCTP)");
    }
    return p;
  }

  /** A peer of ANP, BANP or CNP. Unknown-only peers fail closed; an empty peer is an error. */
  private static Peer peer(Ctx ctx, Y y, Direction d, boolean banp, boolean cnp, Action action) {
    if (!y.isMap()) {
      ctx.error(y, y.show() + " (expected: a mapping)");
      return null;
    }
    List<String> known = new ArrayList<>(List.of("namespaces", "pods"));
    if (d == Direction.EGRESS) {
      known.add("nodes");
      known.add("networks");
      if (!banp) {
        known.add("domainNames");
      }
    }
    Map<String, Y> all = y.fields();
    Map<String, Y> f = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, Y> e : all.entrySet()) {
      if (known.contains(e.getKey())) {
        f.put(e.getKey(), e.getValue());
      } else {
        unknown.add(e.getKey());
      }
    }
    if (f.isEmpty() && !unknown.isEmpty()) {
      // A newer CRD's peer type that netctl does not know: fail closed, as the API asks implementations to.
      ctx.warn(y, "no peer field netctl understands (found " + String.join(", ", unknown) + "); the rule fails closed: "
          + (action == Action.ALLOW ? "this peer matches nothing" : "it matches all traffic"));
      return new Peer.Unknown(String.join(",", unknown));
    }
    for (String u : unknown) {
      ctx.warn(all.get(u), "unknown field, ignored");
    }
    if (f.size() != 1) {
      ctx.error(y, "exactly one of " + String.join(", ", known) + " must be set (found " + f.size() + ")");
      return null;
    }
    Map.Entry<String, Y> e = f.entrySet().iterator().next();
    Y v = e.getValue();
    return switch (e.getKey()) {
      case "namespaces" -> new Peer.Pods(PodSelection.of(ctx.selector(v), LabelSelector.ALL));
      case "pods" -> new Peer.Pods(namespacedPod(ctx, v));
      case "nodes" -> new Peer.Nodes(ctx.selector(v));
      case "networks" -> {
        List<String> cidrs = new ArrayList<>();
        for (Y c : ctx.list(v, 1, MAX_NETWORKS)) {
          String s = ctx.cidr(c);
          if (s != null && !cidrs.contains(s)) {
            cidrs.add(s);
          }
        }
        yield new Peer.Networks(cidrs, List.of());
      }
      case "domainNames" -> {
        if (action != null && action != Action.ALLOW) {
          ctx.error(v, "domainNames is only supported in " + (cnp ? "Accept" : "Allow") + " rules");
        }
        List<String> names = new ArrayList<>();
        for (Y n : ctx.list(v, 1, MAX_DOMAIN_NAMES)) {
          String s = ctx.string(n);
          if (s == null) {
            continue;
          }
          if (!DOMAIN_NAME.matcher(s).matches()) {
            ctx.error(n, "\"" + s + "\" (expected: a domain name, with '*.' only as a prefix)");
            continue;
          }
          String canon = s.toLowerCase(java.util.Locale.ROOT);
          canon = canon.endsWith(".") ? canon.substring(0, canon.length() - 1) : canon;
          if (!names.contains(canon)) {
            names.add(canon);
          }
        }
        yield new Peer.DomainNames(names);
      }
      default -> throw new IllegalStateException(e.getKey());
    };
  }

  // ---- ClusterNetworkPolicy (v1alpha2) -------------------------------------------------------------------------------

  private Policy readClusterNetworkPolicy(Ctx ctx, Y doc) {
    Map<String, Y> top = ctx.fields(doc, "apiVersion", "kind", "metadata", "spec", "status");
    Y spec = ctx.required(top, doc, "spec");
    if (spec == null) {
      return null;
    }
    Map<String, Y> f = ctx.fields(spec, "tier", "priority", "subject", "ingress", "egress");
    String tier = ctx.string(ctx.required(f, spec, "tier"));
    PolicyKind pk = null;
    if ("Admin".equals(tier)) {
      pk = PolicyKind.CLUSTER_NETWORK_POLICY_ADMIN;
    } else if ("Baseline".equals(tier)) {
      pk = PolicyKind.CLUSTER_NETWORK_POLICY_BASELINE;
    } else if (tier != null) {
      ctx.error(f.get("tier"), "\"" + tier + "\" (expected: Admin or Baseline)");
    }
    Integer p = ctx.integer(ctx.required(f, spec, "priority"), 0, MAX_PRIORITY);
    PodSelection subject = subject(ctx, ctx.required(f, spec, "subject"));
    List<Rule> ingress = new ArrayList<>();
    List<Rule> egress = new ArrayList<>();
    for (Direction d : Direction.values()) {
      List<Y> rules = ctx.list(f.get(d.field()), 0, CNP_MAX_RULES);
      for (int i = 0; i < rules.size(); i++) {
        Rule r = cnpRule(ctx, rules.get(i), i, d, pk);
        if (r != null) {
          (d == Direction.INGRESS ? ingress : egress).add(r);
        }
      }
    }
    if (pk == null) {
      return null;
    }
    return new Policy(ctx.ref, pk, p == null ? 0 : p, subject, ingress, egress, List.of(), logging(ctx, doc));
  }

  private static Rule cnpRule(Ctx ctx, Y y, int index, Direction d, PolicyKind pk) {
    String peersField = d == Direction.INGRESS ? "from" : "to";
    Map<String, Y> f = ctx.fields(y, "name", "action", peersField, "protocols");
    String name = ruleName(ctx, f.get("name"));
    Y actionY = ctx.required(f, y, "action");
    Action action = action(ctx, actionY, true, true);
    if (action == Action.PASS && pk == PolicyKind.CLUSTER_NETWORK_POLICY_BASELINE) {
      // Pass hands the connection to the next tier; after Baseline there is none, so the API's own docs reserve it
      // for the Admin tier. BANP, which Baseline replaces, had no Pass either.
      ctx.error(actionY, "\"Pass\" is not allowed in the Baseline tier (expected: Accept or Deny)");
    }
    Y peersY = ctx.required(f, y, peersField);
    List<Peer> peers = new ArrayList<>();
    boolean nonPodPeer = false;
    for (Y p : ctx.list(peersY, 1, CNP_MAX_PEERS)) {
      Peer peer = peer(ctx, p, d, false, true, action);
      if (peer != null) {
        peers.add(peer);
        nonPodPeer |= peer instanceof Peer.Nodes || peer instanceof Peer.Networks || peer instanceof Peer.DomainNames;
      }
    }
    List<PortSpec> ports = new ArrayList<>();
    Y protosY = f.get("protocols");
    for (Y p : ctx.list(protosY, 1, CNP_MAX_PROTOCOLS)) {
      PortSpec ps = cnpProtocol(ctx, p);
      if (ps != null) {
        ports.add(ps);
      }
    }
    if (nonPodPeer && ports.stream().anyMatch(p -> p instanceof PortSpec.Named)) {
      ctx.error(protosY, "destinationNamedPort cannot be used with networks, nodes or domainNames peers, which have no named ports");
    }
    return action == null ? null : new Rule(index, name, action, peers, ports);
  }

  private static PortSpec cnpProtocol(Ctx ctx, Y y) {
    Map<String, Y> f = ctx.fields(y, "tcp", "udp", "sctp", "destinationNamedPort");
    if (f.size() != 1) {
      ctx.error(y, "exactly one of tcp, udp, sctp or destinationNamedPort must be set (found " + f.size() + ")");
      return null;
    }
    Map.Entry<String, Y> e = f.entrySet().iterator().next();
    if (e.getKey().equals("destinationNamedPort")) {
      return namedPort(ctx, e.getValue(), null);
    }
    Protocol proto = Protocol.parse(e.getKey().toUpperCase(java.util.Locale.ROOT));
    Y pv = e.getValue();
    Map<String, Y> pf = ctx.fields(pv, "destinationPort");
    if (pf.isEmpty()) {
      ctx.error(pv, "destinationPort is required (at least one property must be set)");
      return null;
    }
    Y dp = pf.get("destinationPort");
    Map<String, Y> df = ctx.fields(dp, "number", "range");
    if (df.size() != 1) {
      ctx.error(dp, "exactly one of number or range must be set (found " + df.size() + ")");
      return null;
    }
    if (df.containsKey("number")) {
      Integer n = ctx.integer(df.get("number"), 1, 65535);
      return n == null ? null : new PortSpec.Number(proto, n);
    }
    Y r = df.get("range");
    Map<String, Y> rf = ctx.fields(r, "start", "end");
    return range(ctx, r, proto, rf.get("start"), rf.get("end"), rf);
  }

  // ---- NetworkPolicy (networking.k8s.io/v1) ----------------------------------------------------------------------

  private Policy readNetworkPolicy(Ctx ctx, Y doc, String ns) {
    Map<String, Y> top = ctx.fields(doc, "apiVersion", "kind", "metadata", "spec", "status");
    Y spec = ctx.required(top, doc, "spec");
    if (spec == null) {
      return null;
    }
    Map<String, Y> f = ctx.fields(spec, "podSelector", "policyTypes", "ingress", "egress");
    Y podSel = f.get("podSelector");
    PodSelection subject = PodSelection.inNamespace(ns, ctx.selector(podSel));
    List<Direction> isolates = new ArrayList<>();
    Y typesY = f.get("policyTypes");
    if (typesY == null || typesY.isNull()) {
      isolates.add(Direction.INGRESS);
      if (f.containsKey("egress")) {
        isolates.add(Direction.EGRESS);
      }
    } else {
      for (Y t : ctx.list(typesY, 0, 2)) {
        String s = ctx.string(t);
        if ("Ingress".equals(s) && !isolates.contains(Direction.INGRESS)) {
          isolates.add(Direction.INGRESS);
        } else if ("Egress".equals(s) && !isolates.contains(Direction.EGRESS)) {
          isolates.add(Direction.EGRESS);
        } else if (s != null) {
          ctx.error(t, "\"" + s + "\" (expected: Ingress or Egress, once each)");
        }
      }
    }
    List<Rule> ingress = new ArrayList<>();
    List<Rule> egress = new ArrayList<>();
    for (Direction d : Direction.values()) {
      List<Y> rules = ctx.list(f.get(d.field()), 0, Integer.MAX_VALUE);
      for (int i = 0; i < rules.size(); i++) {
        Rule r = npRule(ctx, rules.get(i), i, d, ns);
        if (r != null) {
          (d == Direction.INGRESS ? ingress : egress).add(r);
        }
      }
    }
    return new Policy(ctx.ref, PolicyKind.NETWORK_POLICY, 0, subject, ingress, egress, isolates, logging(ctx, doc));
  }

  private static Rule npRule(Ctx ctx, Y y, int index, Direction d, String ns) {
    String peersField = d == Direction.INGRESS ? "from" : "to";
    Map<String, Y> f = ctx.fields(y, peersField, "ports");
    List<Peer> peers = new ArrayList<>();
    List<Y> peerYs = ctx.list(f.get(peersField), 0, Integer.MAX_VALUE);
    if (peerYs.isEmpty()) {
      peers.add(new Peer.Any());
    }
    for (Y p : peerYs) {
      Map<String, Y> pf = ctx.fields(p, "podSelector", "namespaceSelector", "ipBlock");
      if (pf.containsKey("ipBlock")) {
        if (pf.size() != 1) {
          ctx.error(p, "ipBlock cannot be combined with podSelector or namespaceSelector");
          continue;
        }
        Y ib = pf.get("ipBlock");
        Map<String, Y> bf = ctx.fields(ib, "cidr", "except");
        String cidr = ctx.cidr(ctx.required(bf, ib, "cidr"));
        List<String> except = new ArrayList<>();
        for (Y e : ctx.list(bf.get("except"), 0, Integer.MAX_VALUE)) {
          String c = ctx.cidr(e);
          if (c != null && cidr != null && IpAddresses.familyOf(c) != IpAddresses.familyOf(cidr)) {
            ctx.error(e, "\"" + c + "\" is not of the same address family as cidr " + cidr);
          } else if (c != null) {
            except.add(c);
          }
        }
        if (cidr != null) {
          peers.add(new Peer.Networks(List.of(cidr), except));
        }
      } else if (pf.isEmpty()) {
        ctx.error(p, "one of podSelector, namespaceSelector or ipBlock must be set");
      } else {
        Y nsSel = pf.get("namespaceSelector");
        LabelSelector pods = ctx.selector(pf.get("podSelector"));
        peers.add(new Peer.Pods(nsSel == null ? PodSelection.inNamespace(ns, pods) : PodSelection.of(ctx.selector(nsSel), pods)));
      }
    }
    List<PortSpec> ports = new ArrayList<>();
    for (Y p : ctx.list(f.get("ports"), 0, Integer.MAX_VALUE)) {
      Map<String, Y> pf = ctx.fields(p, "protocol", "port", "endPort");
      Protocol proto = protocol(ctx, pf.get("protocol"));
      Y portY = pf.get("port");
      Y endY = pf.get("endPort");
      if (proto == null) {
        continue;
      }
      if (portY == null || portY.isNull()) {
        if (endY != null) {
          ctx.error(endY, "endPort needs port");
        }
        ports.add(new PortSpec.AnyPort(proto));
      } else if (portY.isInt()) {
        Integer port = ctx.integer(portY, 1, 65535);
        if (endY != null && !endY.isNull()) {
          Integer end = ctx.integer(endY, 1, 65535);
          if (port != null && end != null && end < port) {
            ctx.error(endY, end + " (expected: >= port " + port + ")");
          } else if (port != null && end != null) {
            ports.add(end.equals(port) ? new PortSpec.Number(proto, port) : new PortSpec.Range(proto, port, end));
          }
        } else if (port != null) {
          ports.add(new PortSpec.Number(proto, port));
        }
      } else {
        if (endY != null) {
          ctx.error(endY, "endPort cannot be used with a named port");
        }
        PortSpec named = namedPort(ctx, portY, proto);
        if (named != null) {
          ports.add(named);
        }
      }
    }
    return new Rule(index, "", Action.ALLOW, peers, ports);
  }
}

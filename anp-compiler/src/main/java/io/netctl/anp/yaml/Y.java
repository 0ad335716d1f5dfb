package io.netctl.anp.yaml;

import io.netctl.anp.diag.SourceLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** A YAML node with the field path that led to it, for diagnostics. */
final class Y {
  final Node node;
  final String path;
  final String file;

  Y(Node node, String path, String file) {
    this.node = node;
    this.path = path;
    this.file = file;
  }

  SourceLocation location() {
    return new SourceLocation(file, node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1);
  }

  boolean isMap() {
    return node instanceof MappingNode;
  }

  boolean isSeq() {
    return node instanceof SequenceNode;
  }

  boolean isScalar() {
    return node instanceof ScalarNode;
  }

  boolean isNull() {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  boolean isInt() {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.INT);
  }

  boolean isString() {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.STR);
  }

  boolean isBool() {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL);
  }

  String scalar() {
    return ((ScalarNode) node).getValue();
  }

  /** The fields of a mapping in document order; keys that are not scalars are skipped. */
  Map<String, Y> fields() {
    Map<String, Y> m = new LinkedHashMap<>();
    if (node instanceof MappingNode mn) {
      for (NodeTuple t : mn.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          String key = k.getValue();
          m.put(key, new Y(t.getValueNode(), path.isEmpty() ? key : path + "." + key, file));
        }
      }
    }
    return m;
  }

  Y get(String key) {
    if (node instanceof MappingNode mn) {
      for (NodeTuple t : mn.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
          return new Y(t.getValueNode(), path.isEmpty() ? key : path + "." + key, file);
        }
      }
    }
    return null;
  }

  List<Y> items() {
    List<Y> l = new ArrayList<>();
    if (node instanceof SequenceNode sn) {
      int i = 0;
      for (Node n : sn.getValue()) {
        l.add(new Y(n, path + "[" + i++ + "]", file));
      }
    }
    return l;
  }

  /** A short rendering of a scalar value for messages. */
  String show() {
    if (node instanceof ScalarNode s) {
      return s.getTag().equals(Tag.STR) ? "\"" + s.getValue() + "\"" : s.getValue();
    }
    return node instanceof MappingNode ? "a mapping" : "a list";
  }
}

package io.netctl.ovn.nb;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SortedSet;

/**
 * An immutable sorted set of strings over a sorted array: a row of 10,000 addresses costs one array of references
 * instead of 10,000 tree nodes, and is built by one sort instead of 10,000 tree insertions.
 */
final class SortedArraySet extends AbstractSet<String> implements SortedSet<String> {
  static final SortedArraySet EMPTY = new SortedArraySet(new String[0], 0, 0);

  private final String[] a;
  private final int from;
  private final int to;

  private SortedArraySet(String[] a, int from, int to) {
    this.a = a;
    this.from = from;
    this.to = to;
  }

  /** A set of the distinct strings in {@code items}, sorted. */
  static SortedArraySet of(java.util.Collection<String> items) {
    String[] arr = items.toArray(new String[0]);
    if (!(items instanceof SortedSet<?> s && s.comparator() == null)) {
      Arrays.sort(arr);
      int n = 0;
      for (int i = 0; i < arr.length; i++) {
        if (arr[i] == null) {
          throw new NullPointerException("null element");
        }
        if (n == 0 || !arr[n - 1].equals(arr[i])) {
          arr[n++] = arr[i];
        }
      }
      return n == 0 ? EMPTY : new SortedArraySet(arr, 0, n);
    }
    return arr.length == 0 ? EMPTY : new SortedArraySet(arr, 0, arr.length);
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public boolean contains(Object o) {
    return o instanceof String s && Arrays.binarySearch(a, from, to, s) >= 0;
  }

  @Override
  public Iterator<String> iterator() {
    return new Iterator<>() {
      int i = from;

      @Override
      public boolean hasNext() {
        return i < to;
      }

      @Override
      public String next() {
        if (i >= to) {
          throw new NoSuchElementException();
        }
        return a[i++];
      }
    };
  }

  @Override
  public Comparator<? super String> comparator() {
    return null;
  }

  private int lowerBound(String s) {
    int i = Arrays.binarySearch(a, from, to, s);
    return i >= 0 ? i : -i - 1;
  }

  @Override
  public SortedSet<String> subSet(String fromElement, String toElement) {
    if (fromElement.compareTo(toElement) > 0) {
      throw new IllegalArgumentException("fromElement > toElement");
    }
    return new SortedArraySet(a, lowerBound(fromElement), Math.max(lowerBound(fromElement), lowerBound(toElement)));
  }

  @Override
  public SortedSet<String> headSet(String toElement) {
    return new SortedArraySet(a, from, lowerBound(toElement));
  }

  @Override
  public SortedSet<String> tailSet(String fromElement) {
    return new SortedArraySet(a, lowerBound(fromElement), to);
  }

  @Override
  public String first() {
    if (from == to) {
      throw new NoSuchElementException();
    }
    return a[from];
  }

  @Override
  public String last() {
    if (from == to) {
      throw new NoSuchElementException();
    }
    return a[to - 1];
  }

  @Override
  public Object[] toArray() {
    return Arrays.copyOfRange(a, from, to);
  }
}

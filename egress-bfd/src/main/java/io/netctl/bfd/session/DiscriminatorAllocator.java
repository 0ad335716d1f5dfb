package io.netctl.bfd.session;

import java.util.random.RandomGenerator;
import org.agrona.collections.IntHashSet;

/**
 * Hands out random, unique, non-zero local discriminators (RFC 5880 §6.3, §6.8.1 bfd.LocalDiscr). Random rather than
 * sequential so that a restarted speaker almost surely picks new ones, which lets peers tell the new session from the
 * old (and lets {@link BfdSession}'s stale-discriminator handling do its job). Not thread-safe.
 */
public final class DiscriminatorAllocator {
    private final IntHashSet inUse = new IntHashSet();
    private final RandomGenerator random;

    public DiscriminatorAllocator(RandomGenerator random) {
        this.random = random;
    }

    /** A discriminator not currently allocated, never 0. */
    public int allocate() {
        while (true) {
            int candidate = random.nextInt();
            if (candidate != 0 && inUse.add(candidate)) {
                return candidate;
            }
        }
    }

    /** Marks a specific discriminator as used (e.g. restored state); false if it was already taken or is 0. */
    public boolean reserve(int discriminator) {
        return discriminator != 0 && inUse.add(discriminator);
    }

    public boolean release(int discriminator) {
        return inUse.remove(discriminator);
    }

    public boolean isAllocated(int discriminator) {
        return inUse.contains(discriminator);
    }

    public int size() {
        return inUse.size();
    }
}

package io.netctl.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class DiscriminatorAllocatorTest {

    @Test
    void neverZeroNeverTwice() {
        int[] script = {0, 5, 5, 0, 7, 5, 9};
        RandomGenerator scripted = new RandomGenerator() {
            private int i;

            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public int nextInt() {
                return script[i++];
            }
        };
        DiscriminatorAllocator alloc = new DiscriminatorAllocator(scripted);
        assertThat(alloc.allocate()).isEqualTo(5);
        assertThat(alloc.allocate()).isEqualTo(7);
        assertThat(alloc.allocate()).isEqualTo(9);
        assertThat(alloc.release(5)).isTrue();
        assertThat(alloc.isAllocated(5)).isFalse();
        assertThat(alloc.reserve(7)).isFalse();
        assertThat(alloc.reserve(0)).isFalse();
    }

    @Test
    void manyAreUniqueAndRandom() {
        DiscriminatorAllocator alloc = new DiscriminatorAllocator(new SplittableRandom(1));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            int d = alloc.allocate();
            assertThat(d).isNotZero();
            assertThat(seen.add(d)).isTrue();
        }
        assertThat(alloc.size()).isEqualTo(100_000);
        // Random, not sequential: a restarted speaker does not reuse its predecessor's discriminators.
        assertThat(seen).doesNotContain(1, 2, 3);
    }
}

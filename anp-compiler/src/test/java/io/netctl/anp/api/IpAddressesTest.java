package io.netctl.anp.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.1, 10.0.0.1",
    "FD00:0:0:0:0:0:0:1, fd00::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "::, ::",
    "::1, ::1",
    "::ffff:10.0.0.1, ::ffff:a00:1",
    "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1"
  })
  void addressesPrintInCanonicalForm(String in, String out) {
    assertThat(IpAddresses.canonicalAddress(in)).isEqualTo(out);
  }

  @ParameterizedTest
  @CsvSource({
    "10.1.2.3/8, 10.0.0.0/8",
    "10.0.0.1/32, 10.0.0.1",
    "0.0.0.0/0, 0.0.0.0/0",
    "fd00::1/64, fd00::/64",
    "::/0, ::/0",
    "2001:db8::1/128, 2001:db8::1"
  })
  void cidrsClearHostBits(String in, String out) {
    assertThat(IpAddresses.parseCidr(in)).get().extracting(IpAddresses.Cidr::canonical).isEqualTo(out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.256", "10.0.0", "10.0.0.01", "1.2.3.4.5", "::1::", "fd00:::1", "12345::", "g::1", "", "10.0.0.1/"})
  void garbageIsRejected(String s) {
    assertThat(IpAddresses.parseAddress(s)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "fd00::/129", "10.0.0.0", "10.0.0.0/x"})
  void badCidrsAreRejected(String s) {
    assertThat(IpAddresses.parseCidr(s)).isEmpty();
  }
}

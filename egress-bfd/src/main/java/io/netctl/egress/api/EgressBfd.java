package io.netctl.egress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** BFD to the instances (defaults as Kube-OVN's: 1000 ms / 1000 ms / 3; intervals down to 10 ms). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressBfd {
  public static final int MIN_INTERVAL_MS = 10;
  public static final int DEFAULT_INTERVAL_MS = 1000;
  public static final int DEFAULT_MULTIPLIER = 3;

  @Default("false")
  @JsonPropertyDescription("Run BFD; without it every instance is a nexthop all the time.")
  private Boolean enabled = false;

  @Min(MIN_INTERVAL_MS)
  @Max(60000)
  @Default("1000")
  @JsonPropertyDescription("Required minimum receive interval, milliseconds.")
  private Integer minRX = DEFAULT_INTERVAL_MS;

  @Min(MIN_INTERVAL_MS)
  @Max(60000)
  @Default("1000")
  @JsonPropertyDescription("Desired minimum transmit interval, milliseconds.")
  private Integer minTX = DEFAULT_INTERVAL_MS;

  @Min(2)
  @Max(255)
  @Default("3")
  @JsonPropertyDescription("Detection multiplier.")
  private Integer multiplier = DEFAULT_MULTIPLIER;

  public EgressBfd() {}

  public EgressBfd(boolean enabled, int minRX, int minTX, int multiplier) {
    this.enabled = enabled;
    this.minRX = minRX;
    this.minTX = minTX;
    this.multiplier = multiplier;
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Integer getMinRX() {
    return minRX;
  }

  public void setMinRX(Integer minRX) {
    this.minRX = minRX;
  }

  public Integer getMinTX() {
    return minTX;
  }

  public void setMinTX(Integer minTX) {
    this.minTX = minTX;
  }

  public Integer getMultiplier() {
    return multiplier;
  }

  public void setMultiplier(Integer multiplier) {
    this.multiplier = multiplier;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EgressBfd b && Objects.equals(enabled, b.enabled) && Objects.equals(minRX, b.minRX)
        && Objects.equals(minTX, b.minTX) && Objects.equals(multiplier, b.multiplier);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, minRX, minTX, multiplier);
  }

  @Override
  public String toString() {
    return "{enabled=" + enabled + ", minRX=" + minRX + ", minTX=" + minTX + ", multiplier=" + multiplier + "}";
  }
}

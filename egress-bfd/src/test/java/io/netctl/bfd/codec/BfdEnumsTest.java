package io.netctl.bfd.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BfdEnumsTest {

    @Test
    void stateCodesEqualOrdinals() {
        assertThat(BfdState.ADMIN_DOWN.byteValue()).isEqualTo((byte) 0);
        assertThat(BfdState.DOWN.byteValue()).isEqualTo((byte) 1);
        assertThat(BfdState.INIT.byteValue()).isEqualTo((byte) 2);
        assertThat(BfdState.UP.byteValue()).isEqualTo((byte) 3);
        for (BfdState s : BfdState.values()) {
            assertThat(BfdState.valueOf(s.byteValue())).isSameAs(s);
            assertThat(s.byteValue()).isEqualTo((byte) s.ordinal());
        }
        assertThat(BfdState.UP).hasToString("Up");
        assertThatThrownBy(() -> BfdState.valueOf(4)).hasMessage("state: 4 (expected: 0-3)");
    }

    @Test
    void diagnosticsFollowRfc5880Section41() {
        assertThat(BfdDiagnostic.valueOf(0)).isEqualTo(BfdDiagnostic.NO_DIAGNOSTIC);
        assertThat(BfdDiagnostic.valueOf(1)).isEqualTo(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(BfdDiagnostic.valueOf(2)).isEqualTo(BfdDiagnostic.ECHO_FUNCTION_FAILED);
        assertThat(BfdDiagnostic.valueOf(3)).isEqualTo(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(BfdDiagnostic.valueOf(4)).isEqualTo(BfdDiagnostic.FORWARDING_PLANE_RESET);
        assertThat(BfdDiagnostic.valueOf(5)).isEqualTo(BfdDiagnostic.PATH_DOWN);
        assertThat(BfdDiagnostic.valueOf(6)).isEqualTo(BfdDiagnostic.CONCATENATED_PATH_DOWN);
        assertThat(BfdDiagnostic.valueOf(7)).isEqualTo(BfdDiagnostic.ADMINISTRATIVELY_DOWN);
        assertThat(BfdDiagnostic.valueOf(8)).isEqualTo(BfdDiagnostic.REVERSE_CONCATENATED_PATH_DOWN);
        assertThat(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN).hasToString("neighbor signaled session down");
        for (BfdDiagnostic d : BfdDiagnostic.values()) {
            assertThat(BfdDiagnostic.valueOf(d.byteValue())).isSameAs(d);
        }
        assertThat(BfdDiagnostic.describe(9)).isEqualTo("reserved (9)");
        assertThatThrownBy(() -> BfdDiagnostic.valueOf(9)).hasMessage("diagnostic: 9 (expected: 0-8)");
    }

    @Test
    void authTypes() {
        assertThat(AuthType.valueOf(1)).isEqualTo(AuthType.SIMPLE_PASSWORD);
        assertThat(AuthType.valueOf(2)).isEqualTo(AuthType.KEYED_MD5);
        assertThat(AuthType.valueOf(3)).isEqualTo(AuthType.METICULOUS_KEYED_MD5);
        assertThat(AuthType.valueOf(4)).isEqualTo(AuthType.KEYED_SHA1);
        assertThat(AuthType.valueOf(5)).isEqualTo(AuthType.METICULOUS_KEYED_SHA1);
        for (AuthType t : AuthType.values()) {
            assertThat(AuthType.valueOf(t.byteValue())).isSameAs(t);
        }
        assertThat(AuthType.KEYED_MD5.fixedAuthLength()).isEqualTo(24);
        assertThat(AuthType.METICULOUS_KEYED_SHA1.fixedAuthLength()).isEqualTo(28);
        assertThat(AuthType.SIMPLE_PASSWORD.fixedAuthLength()).isEqualTo(-1);
        assertThatThrownBy(() -> AuthType.valueOf(0)).hasMessage("auth type: 0 (expected: 1-5)");
        assertThatThrownBy(() -> AuthType.valueOf(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dropReasonsKnowWhichAreAuthFailures() {
        assertThat(DropReason.AUTH_FAILED.isAuthFailure()).isTrue();
        assertThat(DropReason.AUTH_SEQUENCE.isAuthFailure()).isTrue();
        assertThat(DropReason.BAD_VERSION.isAuthFailure()).isFalse();
        assertThat(DropReason.valueOf(DropReason.TTL.ordinal())).isEqualTo(DropReason.TTL);
    }
}

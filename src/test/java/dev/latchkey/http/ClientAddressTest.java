package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Where a request came from: forwarding headers count only when the connection is a trusted proxy's. */
class ClientAddressTest {
    private final ClientAddress trusting = ClientAddress.trusting("10.0.0.0/8, 127.0.0.1, ::1");

    @Test
    void anUntrustedClientCannotChooseItsAddress() {
        assertThat(ClientAddress.DIRECT.resolve("203.0.113.9", "81.2.69.142", "81.2.69.142")).isEqualTo("203.0.113.9");
        assertThat(trusting.resolve("203.0.113.9", "81.2.69.142", "89.160.20.112")).isEqualTo("203.0.113.9");
    }

    @Test
    void aTrustedProxyForwardsTheClient() {
        assertThat(trusting.resolve("127.0.0.1", null, "81.2.69.142")).isEqualTo("81.2.69.142");
        assertThat(trusting.resolve("10.1.2.3", "89.160.20.112", "81.2.69.142")).as("X-Origin-IP first").isEqualTo("89.160.20.112");
        assertThat(trusting.resolve("127.0.0.1", null, null)).isEqualTo("127.0.0.1");
        assertThat(trusting.resolve("0:0:0:0:0:0:0:1", null, "2001:db8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void theRightMostUntrustedHopWins() {
        // The client wrote "1.2.3.4" itself; the trusted proxies appended what they saw.
        assertThat(trusting.resolve("127.0.0.1", null, "1.2.3.4, 81.2.69.142, 10.0.0.7")).isEqualTo("81.2.69.142");
        assertThat(trusting.resolve("127.0.0.1", null, "10.0.0.8, 10.0.0.7")).as("only proxies: the farthest").isEqualTo("10.0.0.8");
    }

    @Test
    void garbageIsNeverAnAddress() {
        assertThat(trusting.resolve("127.0.0.1", "not-an-ip", "example.com")).isEqualTo("127.0.0.1");
        assertThat(trusting.resolve("127.0.0.1", "", "1.2.3.4, nonsense, 10.0.0.7")).as("the last hop known good").isEqualTo("10.0.0.7");
        assertThat(trusting.resolve("127.0.0.1", null, "[2001:db8::5]")).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(ClientAddress.literal("1.2.3")).isNull();
        assertThat(ClientAddress.literal("localhost")).isNull();
    }

    @Test
    void badConfigurationIsRefused() {
        assertThatThrownBy(() -> ClientAddress.trusting("10.0.0.0/33")).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> ClientAddress.trusting("proxy.internal")).hasMessageContaining("proxy.internal");
    }
}

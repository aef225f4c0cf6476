package dev.latchkey.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.http.HttpCookieStore;
import org.junit.jupiter.api.Test;

/**
 * The delivery client's settings and the resolver hook it connects through, without connecting anywhere: which
 * addresses of a name a delivery may use (a public address beside a refused one is kept, the refused one dropped).
 */
class WebhookDispatcherTest {
    static final Map<String, List<String>> NAMES = Map.of(
            "mixed.hooks.test", List.of("10.0.0.7", "93.184.216.34", "::1", "2606:2800:220:1::1"),
            "private.hooks.test", List.of("127.0.0.1", "169.254.169.254"),
            "empty.hooks.test", List.of());

    static List<InetAddress> resolve(String host) throws UnknownHostException {
        List<String> literals = NAMES.get(host);
        if (literals == null) {
            if (host.contains(":") || host.matches("[0-9.]+")) {
                return List.of(InetAddress.getByName(host));
            }
            throw new UnknownHostException(host);
        }
        List<InetAddress> out = new ArrayList<>();
        for (String l : literals) {
            out.add(InetAddress.getByName(l));
        }
        return out;
    }

    static final WebhookDispatcher.CheckedResolver STRICT = new WebhookDispatcher.CheckedResolver(WebhookDispatcherTest::resolve,
            new TargetAddresses(false), Runnable::run);

    @Test
    void onlyTheAllowedAddressesOfANameAreConnectedTo() throws Exception {
        assertThat(STRICT.allowed("mixed.hooks.test", 443)).containsExactly(new InetSocketAddress("93.184.216.34", 443),
                new InetSocketAddress("2606:2800:220:1::1", 443));
        WebhookDispatcher.CheckedResolver allowing = new WebhookDispatcher.CheckedResolver(WebhookDispatcherTest::resolve,
                new TargetAddresses(true), Runnable::run);
        assertThat(allowing.allowed("mixed.hooks.test", 80)).hasSize(4);
        assertThat(allowing.allowed("[::1]", 8080)).containsExactly(new InetSocketAddress("::1", 8080));
    }

    @Test
    void aNameWithNoAllowedAddressFailsSayingWhy() {
        assertThatThrownBy(() -> STRICT.allowed("private.hooks.test", 80)).isInstanceOf(WebhookDispatcher.RefusedTarget.class)
                .hasMessage("not sent: every address of private.hooks.test is refused (127.0.0.1 is a loopback address; private "
                        + "and local addresses are refused unless the operator starts Latchkey with --webhooks-allow-private-targets), "
                        + "(169.254.169.254 is a link-local address; private and local addresses are refused unless the operator "
                        + "starts Latchkey with --webhooks-allow-private-targets)");
        assertThatThrownBy(() -> STRICT.allowed("[::1]", 80)).isInstanceOf(WebhookDispatcher.RefusedTarget.class);
        assertThatThrownBy(() -> STRICT.allowed("empty.hooks.test", 80)).isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> STRICT.allowed("nowhere.hooks.test", 80)).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void theClientVerifiesCertificatesFollowsNoRedirectsAndKeepsNoCookies() {
        HttpClient client = WebhookDispatcher.client(WebhookDispatcherTest::resolve, new TargetAddresses(false));
        assertThat(client.getSslContextFactory().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(client.getSslContextFactory().isTrustAll()).isFalse();
        assertThat(client.isFollowRedirects()).isFalse();
        assertThat(client.getProtocolHandlers().remove(RedirectProtocolHandler.NAME)).isNull(); // already removed
        assertThat(client.getHttpCookieStore()).isInstanceOf(HttpCookieStore.Empty.class);
        assertThat(client.getSocketAddressResolver()).isInstanceOf(WebhookDispatcher.CheckedResolver.class);
    }
}

package dev.latchkey.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where webhooks may be sent: http or https URLs with a host, every address of which {@link TargetAddresses} allows.
 * This is checked when a subscription is saved, to tell the tenant at once; the delivery checks each connection again
 * ({@link WebhookDispatcher}), because a name may answer differently by then.
 */
public final class TargetUrls {
    private final HostResolver resolver;
    private final TargetAddresses addresses;

    public TargetUrls(HostResolver resolver, TargetAddresses addresses) {
        this.resolver = resolver;
        this.addresses = addresses;
    }

    /** The problem with {@code url}, or null when it is acceptable. */
    public String problem(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "The TargetUrl is not a valid URL.";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "The TargetUrl must be an http or https URL.";
        }
        if (uri.getHost() == null || uri.getHost().isBlank() || uri.getUserInfo() != null) {
            return "The TargetUrl must name a host (and no user information).";
        }
        String host = uri.getHost();
        List<InetAddress> resolved;
        try {
            resolved = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return "The TargetUrl's host does not resolve.";
        }
        if (resolved.isEmpty()) {
            return "The TargetUrl's host does not resolve.";
        }
        for (InetAddress a : resolved) {
            String refusal = addresses.refusal(a);
            if (refusal != null) {
                return "The TargetUrl's host " + host.replaceAll("^\\[|]$", "") + " is not allowed: " + refusal + ".";
            }
        }
        return null;
    }
}

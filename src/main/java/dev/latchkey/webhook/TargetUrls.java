package dev.latchkey.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where webhooks may be sent: http or https URLs with a host; private, loopback and link-local addresses only when the
 * operator allows them (a tenant must not be able to make the server call into its own network).
 */
public final class TargetUrls {
    private TargetUrls() {}

    /** The problem with {@code url}, or null when it is acceptable. */
    public static String problem(String url, boolean allowPrivate) {
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
        if (!allowPrivate) {
            try {
                for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                    if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                            || a.isMulticastAddress() || isUniqueLocalV6(a)) {
                        return "The TargetUrl points to a private or loopback address, which this server does not allow.";
                    }
                }
            } catch (UnknownHostException e) {
                return "The TargetUrl's host does not resolve.";
            }
        }
        return null;
    }

    private static boolean isUniqueLocalV6(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 && (b[0] & 0xfe) == 0xfc;
    }
}

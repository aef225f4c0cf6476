package dev.latchkey.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a request really came from. The connection's address, unless it belongs to a proxy the operator trusts
 * ({@code --trusted-proxies}): then the {@code X-Origin-IP} header that LoginRadius's SDKs send from an application's
 * backend, else the right-most address of {@code X-Forwarded-For} that is not itself a trusted proxy. A client that is
 * not a trusted proxy cannot choose its address by sending these headers.
 */
public final class ClientAddress {
    /** A network in CIDR notation (an address alone is a /32 or /128). */
    record Cidr(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private final List<Cidr> trusted;

    private ClientAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    public static final ClientAddress DIRECT = new ClientAddress(List.of());

    /**
     * Parses {@code --trusted-proxies}: comma-separated addresses or CIDR networks, e.g. {@code 10.0.0.0/8,127.0.0.1}.
     * Throws IllegalArgumentException naming the bad entry.
     */
    public static ClientAddress trusting(String list) {
        List<Cidr> cidrs = new ArrayList<>();
        if (list != null) {
            for (String raw : list.split(",")) {
                String entry = raw.trim();
                if (entry.isEmpty()) {
                    continue;
                }
                int slash = entry.indexOf('/');
                byte[] addr = literal(slash < 0 ? entry : entry.substring(0, slash));
                if (addr == null) {
                    throw new IllegalArgumentException("not an IP address or CIDR network: " + entry);
                }
                int bits = addr.length * 8;
                if (slash >= 0) {
                    try {
                        bits = Integer.parseInt(entry.substring(slash + 1));
                    } catch (NumberFormatException e) {
                        bits = -1;
                    }
                    if (bits < 0 || bits > addr.length * 8) {
                        throw new IllegalArgumentException("bad prefix length in " + entry);
                    }
                }
                cidrs.add(new Cidr(addr, bits));
            }
        }
        return new ClientAddress(cidrs);
    }

    /** The bytes of an IP literal (never a DNS lookup), or null when {@code s} is not one. */
    static byte[] literal(String s) {
        String t = s.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty() || !LITERAL.matcher(t).matches() || (t.indexOf(':') < 0 && t.chars().filter(c -> c == '.').count() != 3)) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private boolean isTrusted(String address) {
        byte[] b = literal(address);
        return b != null && trusted.stream().anyMatch(c -> c.contains(b));
    }

    /** The canonical text of an IP literal ({@code ::ffff:1.2.3.4} becomes {@code 1.2.3.4}), or null. */
    static String canonical(String s) {
        byte[] b = s == null ? null : literal(s);
        if (b == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The client's address, given the connection's peer and the request's forwarding headers. */
    public String resolve(String peer, String originIp, String forwardedFor) {
        String direct = canonical(peer);
        if (direct == null || trusted.isEmpty() || !isTrusted(direct)) {
            return direct;
        }
        String origin = canonical(originIp);
        if (origin != null) {
            return origin;
        }
        String nearest = direct;
        if (forwardedFor != null) {
            String[] hops = forwardedFor.split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = canonical(hops[i]);
                if (hop == null) {
                    break; // a garbled hop: nothing to its left can be trusted
                }
                if (!isTrusted(hop)) {
                    return hop;
                }
                nearest = hop; // a chain of trusted proxies: keep walking left
            }
        }
        return nearest;
    }
}

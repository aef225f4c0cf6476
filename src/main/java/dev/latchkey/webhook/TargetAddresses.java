package dev.latchkey.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The one place that says which addresses a webhook may be sent to, at subscription and at every connection a
 * delivery makes. A tenant chooses the target, so without this a tenant could make the server call into its own
 * network (an admin port on loopback, a cloud metadata service) and read the answer's status in its delivery log.
 *
 * <p>Three ranges: public addresses; private and local networks (loopback, RFC 1918, link-local, shared carrier-grade
 * NAT, benchmarking, IPv6 unique-local and site-local), refused unless the operator allows private targets
 * ({@code --webhooks-allow-private-targets}, for development); and special-purpose addresses that never receive a
 * webhook (unspecified, "this network", multicast, broadcast, reserved, documentation, IETF protocol assignments),
 * refused always. IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by
 * the IPv4 address they carry: {@code 64:ff9b::7f00:1} reaches 127.0.0.1 through a NAT64 gateway.
 */
public final class TargetAddresses {
    /** Where an address leads. */
    public enum Range {
        PUBLIC, PRIVATE, SPECIAL
    }

    /** A range and what to call it in a refusal ("a loopback address"). */
    record Verdict(Range range, String kind) {}

    private record Block(byte[] prefix, int bits, Range range, String kind) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    private static final List<Block> IPV4 = List.of(
            block("0.0.0.0/8", Range.SPECIAL, "a \"this network\""),
            block("127.0.0.0/8", Range.PRIVATE, "a loopback"),
            block("10.0.0.0/8", Range.PRIVATE, "a private network"),
            block("172.16.0.0/12", Range.PRIVATE, "a private network"),
            block("192.168.0.0/16", Range.PRIVATE, "a private network"),
            block("169.254.0.0/16", Range.PRIVATE, "a link-local"),
            block("100.64.0.0/10", Range.PRIVATE, "a shared (carrier-grade NAT)"),
            block("198.18.0.0/15", Range.PRIVATE, "a benchmarking network"),
            block("192.0.0.0/24", Range.SPECIAL, "an IETF protocol assignment"),
            block("192.0.2.0/24", Range.SPECIAL, "a documentation (TEST-NET)"),
            block("198.51.100.0/24", Range.SPECIAL, "a documentation (TEST-NET)"),
            block("203.0.113.0/24", Range.SPECIAL, "a documentation (TEST-NET)"),
            block("192.88.99.0/24", Range.SPECIAL, "a 6to4 relay anycast"),
            block("224.0.0.0/4", Range.SPECIAL, "a multicast"),
            block("255.255.255.255/32", Range.SPECIAL, "a broadcast"),
            block("240.0.0.0/4", Range.SPECIAL, "a reserved"));

    private static final List<Block> IPV6 = List.of(
            block("fe80::/10", Range.PRIVATE, "a link-local"),
            block("fec0::/10", Range.PRIVATE, "a site-local"),
            block("fc00::/7", Range.PRIVATE, "a unique local"),
            block("ff00::/8", Range.SPECIAL, "a multicast"),
            block("2001:db8::/32", Range.SPECIAL, "a documentation"),
            block("100::/64", Range.SPECIAL, "a discard-only"),
            block("2001::/23", Range.SPECIAL, "an IETF protocol assignment (Teredo included)"));

    /** Built from bytes: Java reads the literal {@code ::ffff:0:0} as the IPv4 address 0.0.0.0. */
    private static final Block IPV4_MAPPED = new Block(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0},
            96, Range.PUBLIC, "IPv4-mapped");
    private static final Block IPV4_COMPATIBLE = block("::/96", Range.PUBLIC, "IPv4-compatible");
    private static final Block NAT64 = block("64:ff9b::/96", Range.PUBLIC, "NAT64");
    private static final Block NAT64_LOCAL_USE = block("64:ff9b:1::/48", Range.PRIVATE, "a local-use NAT64");
    private static final Block SIX_TO_FOUR = block("2002::/16", Range.PUBLIC, "6to4");

    private final boolean allowPrivate;

    /** {@code allowPrivate}: the operator lets webhooks reach private and local networks. */
    public TargetAddresses(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Why a webhook must not be sent to {@code address}, or null when it may be. */
    public String refusal(InetAddress address) {
        Verdict v = verdict(address);
        return switch (v.range()) {
            case PUBLIC -> null;
            case PRIVATE -> allowPrivate ? null : address.getHostAddress() + " is " + v.kind() + " address; private and local "
                    + "addresses are refused unless the operator starts Latchkey with --webhooks-allow-private-targets";
            case SPECIAL -> address.getHostAddress() + " is " + v.kind() + " address, which never receives webhooks";
        };
    }

    public static Range range(InetAddress address) {
        return verdict(address).range();
    }

    static Verdict verdict(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? ipv4(b) : ipv6(b);
    }

    private static Verdict ipv4(byte[] b) {
        for (Block block : IPV4) {
            if (block.contains(b)) {
                return new Verdict(block.range(), block.kind());
            }
        }
        return new Verdict(Range.PUBLIC, "a public");
    }

    private static Verdict ipv6(byte[] b) {
        if (IPV4_MAPPED.contains(b)) {
            return ipv4(Arrays.copyOfRange(b, 12, 16));
        }
        if (IPV4_COMPATIBLE.contains(b)) {
            if (b[15] == 1 && b[14] == 0 && b[13] == 0 && b[12] == 0) {
                return new Verdict(Range.PRIVATE, "a loopback");
            }
            if (b[15] == 0 && b[14] == 0 && b[13] == 0 && b[12] == 0) {
                return new Verdict(Range.SPECIAL, "an unspecified");
            }
            return ipv4(Arrays.copyOfRange(b, 12, 16));
        }
        if (NAT64.contains(b)) {
            return ipv4(Arrays.copyOfRange(b, 12, 16));
        }
        if (NAT64_LOCAL_USE.contains(b)) {
            // The local-use prefix translates into the operator's own network, whatever public address it carries;
            // where it carries a special-purpose one, that one decides.
            Verdict carried = ipv4(Arrays.copyOfRange(b, 12, 16));
            return carried.range() == Range.SPECIAL ? carried : new Verdict(Range.PRIVATE, NAT64_LOCAL_USE.kind());
        }
        if (SIX_TO_FOUR.contains(b)) {
            return ipv4(Arrays.copyOfRange(b, 2, 6));
        }
        for (Block block : IPV6) {
            if (block.contains(b)) {
                return new Verdict(block.range(), block.kind());
            }
        }
        return new Verdict(Range.PUBLIC, "a public");
    }

    private static Block block(String cidr, Range range, String kind) {
        int slash = cidr.indexOf('/');
        try {
            return new Block(InetAddress.getByName(cidr.substring(0, slash)).getAddress(), Integer.parseInt(cidr.substring(slash + 1)),
                    range, kind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(cidr, e);
        }
    }
}

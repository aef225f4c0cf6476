package dev.latchkey.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.webhook.TargetAddresses.Range;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which addresses a webhook may be delivered to, both families: public ones always; private, loopback, link-local and
 * shared networks only when the operator allows private targets; special-purpose ones never. IPv6 forms that carry an
 * IPv4 address are judged by that address.
 */
class TargetAddressesTest {
    /** Address literal → its range. Literals only: nothing here is looked up. */
    static final Object[][] TABLE = {
        // IPv4, public, including the neighbours of every refused block.
        {"8.8.8.8", Range.PUBLIC}, {"1.1.1.1", Range.PUBLIC}, {"93.184.216.34", Range.PUBLIC},
        {"1.0.0.0", Range.PUBLIC}, {"9.255.255.255", Range.PUBLIC}, {"11.0.0.0", Range.PUBLIC},
        {"100.63.255.255", Range.PUBLIC}, {"100.128.0.0", Range.PUBLIC}, {"126.255.255.255", Range.PUBLIC},
        {"128.0.0.0", Range.PUBLIC}, {"169.253.255.255", Range.PUBLIC}, {"169.255.0.0", Range.PUBLIC},
        {"172.15.255.255", Range.PUBLIC}, {"172.32.0.0", Range.PUBLIC}, {"191.255.255.255", Range.PUBLIC},
        {"192.0.1.0", Range.PUBLIC}, {"192.0.3.0", Range.PUBLIC}, {"192.88.98.255", Range.PUBLIC},
        {"192.88.100.0", Range.PUBLIC}, {"192.167.255.255", Range.PUBLIC}, {"192.169.0.0", Range.PUBLIC},
        {"198.17.255.255", Range.PUBLIC}, {"198.20.0.0", Range.PUBLIC}, {"198.51.99.255", Range.PUBLIC},
        {"198.51.101.0", Range.PUBLIC}, {"203.0.112.255", Range.PUBLIC}, {"203.0.114.0", Range.PUBLIC},
        {"223.255.255.255", Range.PUBLIC},
        // IPv4, private and local networks.
        {"127.0.0.1", Range.PRIVATE}, {"127.255.255.254", Range.PRIVATE}, {"10.0.0.0", Range.PRIVATE},
        {"10.255.255.255", Range.PRIVATE}, {"172.16.0.1", Range.PRIVATE}, {"172.31.255.255", Range.PRIVATE},
        {"192.168.0.1", Range.PRIVATE}, {"192.168.255.255", Range.PRIVATE}, {"169.254.0.1", Range.PRIVATE},
        {"169.254.169.254", Range.PRIVATE}, {"100.64.0.0", Range.PRIVATE}, {"100.127.255.255", Range.PRIVATE},
        {"198.18.0.1", Range.PRIVATE}, {"198.19.255.255", Range.PRIVATE},
        // IPv4, special purpose: never a receiver.
        {"0.0.0.0", Range.SPECIAL}, {"0.1.2.3", Range.SPECIAL}, {"0.255.255.255", Range.SPECIAL},
        {"192.0.0.1", Range.SPECIAL}, {"192.0.0.255", Range.SPECIAL}, {"192.0.2.1", Range.SPECIAL},
        {"198.51.100.7", Range.SPECIAL}, {"203.0.113.255", Range.SPECIAL}, {"192.88.99.1", Range.SPECIAL},
        {"224.0.0.1", Range.SPECIAL}, {"239.255.255.255", Range.SPECIAL}, {"240.0.0.1", Range.SPECIAL},
        {"255.255.255.254", Range.SPECIAL}, {"255.255.255.255", Range.SPECIAL},
        // IPv6, public; and the IPv4-carrying forms of public IPv4 addresses.
        {"2606:4700::1111", Range.PUBLIC}, {"2001:4860:4860::8888", Range.PUBLIC}, {"2a00:1450:4001::1", Range.PUBLIC},
        {"2001:200::1", Range.PUBLIC}, {"2001:db7:ffff::1", Range.PUBLIC}, {"2001:db9::1", Range.PUBLIC},
        {"2002:808:808::1", Range.PUBLIC}, {"64:ff9b::808:808", Range.PUBLIC}, {"::8.8.8.8", Range.PUBLIC},
        {"::ffff:8.8.8.8", Range.PUBLIC}, {"mapped:8.8.8.8", Range.PUBLIC}, {"100:0:0:1::1", Range.PUBLIC},
        {"fbff:ffff::1", Range.PUBLIC}, {"fe7f::1", Range.PUBLIC}, {"2003::1", Range.PUBLIC},
        // IPv6, private and local networks; the IPv4-carrying forms of private IPv4 addresses.
        {"::1", Range.PRIVATE}, {"fe80::1", Range.PRIVATE}, {"fe80::1%1", Range.PRIVATE}, {"febf:ffff::1", Range.PRIVATE},
        {"fc00::1", Range.PRIVATE}, {"fd12:3456:789a::1", Range.PRIVATE}, {"fdff:ffff::1", Range.PRIVATE},
        {"fec0::1", Range.PRIVATE}, {"feff:ffff::1", Range.PRIVATE},
        {"::ffff:127.0.0.1", Range.PRIVATE}, {"mapped:127.0.0.1", Range.PRIVATE}, {"mapped:10.0.0.1", Range.PRIVATE},
        {"mapped:169.254.169.254", Range.PRIVATE}, {"::127.0.0.1", Range.PRIVATE}, {"::10.1.2.3", Range.PRIVATE},
        {"::192.168.1.1", Range.PRIVATE}, {"64:ff9b::7f00:1", Range.PRIVATE}, {"64:ff9b::a9fe:a9fe", Range.PRIVATE},
        {"64:ff9b::6440:1", Range.PRIVATE}, {"2002:7f00:1::1", Range.PRIVATE}, {"2002:c0a8:101::", Range.PRIVATE},
        {"2002:a00:1:ffff:ffff:ffff:ffff:ffff", Range.PRIVATE}, {"2002:6440:1::1", Range.PRIVATE},
        // The local-use NAT64 prefix translates into the operator's own network: private whatever it carries.
        {"64:ff9b:1::808:808", Range.PRIVATE}, {"64:ff9b:1:ffff::a00:1", Range.PRIVATE},
        // IPv6, special purpose; the IPv4-carrying forms of special-purpose IPv4 addresses.
        {"::", Range.SPECIAL}, {"ff02::1", Range.SPECIAL}, {"ff0e::1", Range.SPECIAL}, {"ffff::1", Range.SPECIAL},
        {"2001:db8::1", Range.SPECIAL}, {"2001:db8:ffff:ffff::1", Range.SPECIAL}, {"100::1", Range.SPECIAL},
        {"100::ffff:ffff:ffff:ffff", Range.SPECIAL}, {"2001::1", Range.SPECIAL}, {"2001:0:4136:e378::1", Range.SPECIAL},
        {"2001:1ff:ffff::1", Range.SPECIAL}, {"mapped:0.0.0.0", Range.SPECIAL}, {"mapped:255.255.255.255", Range.SPECIAL},
        {"::ffff:224.0.0.1", Range.SPECIAL}, {"::0.0.0.2", Range.SPECIAL}, {"::240.0.0.1", Range.SPECIAL},
        {"64:ff9b::e000:1", Range.SPECIAL}, {"64:ff9b::c000:201", Range.SPECIAL}, {"64:ff9b::ffff:ffff", Range.SPECIAL},
        {"64:ff9b:1::e000:1", Range.SPECIAL}, {"2002:e000:1::1", Range.SPECIAL}, {"2002::1", Range.SPECIAL},
        {"2002:c000:201::1", Range.SPECIAL}, {"2002:c058:6301::1", Range.SPECIAL},
    };

    /**
     * {@code mapped:a.b.c.d}: an IPv4-mapped IPv6 address held as an {@link Inet6Address} (Java turns the literal
     * {@code ::ffff:a.b.c.d} into an IPv4 address, but an address built from 16 bytes stays IPv6).
     */
    static InetAddress address(String literal) throws UnknownHostException {
        if (literal.startsWith("mapped:")) {
            byte[] v4 = InetAddress.getByName(literal.substring("mapped:".length())).getAddress();
            byte[] v6 = new byte[16];
            v6[10] = (byte) 0xff;
            v6[11] = (byte) 0xff;
            System.arraycopy(v4, 0, v6, 12, 4);
            InetAddress a = Inet6Address.getByAddress(null, v6, -1);
            assertThat(a).isInstanceOf(Inet6Address.class);
            return a;
        }
        return InetAddress.getByName(literal);
    }

    @Test
    void everyAddressOfTheTableIsInItsRange() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Object[] row : TABLE) {
            Range got = TargetAddresses.range(address((String) row[0]));
            if (got != row[1]) {
                wrong.add(row[0] + " expected " + row[1] + " got " + got);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void privateTargetsOnlyWhenTheOperatorAllowsThemSpecialOnesNever() throws Exception {
        TargetAddresses strict = new TargetAddresses(false);
        TargetAddresses allowing = new TargetAddresses(true);
        List<String> wrong = new ArrayList<>();
        for (Object[] row : TABLE) {
            InetAddress a = address((String) row[0]);
            boolean refusedStrict = strict.refusal(a) != null;
            boolean refusedAllowing = allowing.refusal(a) != null;
            if (refusedStrict != (row[1] != Range.PUBLIC) || refusedAllowing != (row[1] == Range.SPECIAL)) {
                wrong.add(row[0] + " (" + row[1] + "): refused " + refusedStrict + " / with private targets allowed " + refusedAllowing);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aRefusalSaysWhatTheAddressIsAndHowAnOperatorAllowsPrivateOnes() throws Exception {
        TargetAddresses strict = new TargetAddresses(false);
        assertThat(strict.refusal(address("127.0.0.1")))
                .isEqualTo("127.0.0.1 is a loopback address; private and local addresses are refused unless the operator "
                        + "starts Latchkey with --webhooks-allow-private-targets");
        assertThat(strict.refusal(address("64:ff9b::a00:1"))).startsWith("64:ff9b:0:0:0:0:a00:1 is a private network address");
        assertThat(new TargetAddresses(true).refusal(address("224.0.0.1")))
                .isEqualTo("224.0.0.1 is a multicast address, which never receives webhooks");
        assertThat(strict.refusal(address("2002:c000:201::1")))
                .isEqualTo("2002:c000:201:0:0:0:0:1 is a documentation (TEST-NET) address, which never receives webhooks");
        assertThat(strict.refusal(address("8.8.8.8"))).isNull();
    }
}

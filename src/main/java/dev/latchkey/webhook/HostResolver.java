package dev.latchkey.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a webhook target's host into addresses. The subscription check and every connection a delivery makes ask the
 * same resolver, and a delivery connects only to addresses it returned and {@link TargetAddresses} allowed, so a name
 * that answers differently later (DNS rebinding) cannot lead a delivery somewhere the check would have refused.
 * The system's resolver in production; tests give a node a map.
 */
@FunctionalInterface
public interface HostResolver {
    /** The addresses of {@code host} (a name or an address literal); throws when it has none. */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}

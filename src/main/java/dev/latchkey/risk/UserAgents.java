package dev.latchkey.risk;

import java.util.concurrent.ConcurrentHashMap;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Browser and device of a user agent, by ua-parser (the regexes of the uap-core project, through uap-java), with a
 * cache: logins repeat user agents, and a parse costs about half a millisecond. (uap-java's own CachingParser is not
 * safe for concurrent use.) Chosen over Yauaa, which
 * takes 2.5 s and about 150 MiB of heap to start on this project's 2-core machine (uap-java: 0.17 s, 7 MiB).
 *
 * <p>The browser signal compares the browser family ("Chrome", "Firefox", "Mobile Safari"), not its version, so an
 * update is not a new browser; the device signal compares the operating system family with the device model when the
 * user agent names one ("Windows", "Mac OS X", "Android / Samsung SM-S918B").
 */
public final class UserAgents {
    /** What a user agent says: the values the signals compare, and versions for display. */
    public record Agent(String browser, String browserDisplay, String device, String deviceDisplay) {}

    private static final int CACHE_SIZE = 10_000;
    private static final Agent NONE = new Agent(null, null, null, null);

    /** Loading the regexes takes about 0.2 s: done on first use, or ahead of it by {@link #warmUp} once the node has started, never on start-up's path. */
    private volatile Parser parser;
    private final ConcurrentHashMap<String, Agent> cache = new ConcurrentHashMap<>();

    public Agent parse(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return NONE;
        }
        String ua = userAgent.length() > 512 ? userAgent.substring(0, 512) : userAgent;
        Agent cached = cache.get(ua);
        if (cached != null) {
            return cached;
        }
        Agent parsed = parseUncached(ua);
        if (cache.size() >= CACHE_SIZE) {
            cache.clear();
        }
        cache.put(ua, parsed);
        return parsed;
    }

    private Parser parser() {
        Parser p = parser;
        if (p == null) {
            synchronized (this) {
                if (parser == null) {
                    parser = new Parser();
                }
                p = parser;
            }
        }
        return p;
    }

    /** Loads the regexes now (about 0.2 s), so that the first login RBA assesses does not wait for them: a warm-up after start. */
    public void warmUp() {
        parser();
    }

    private Agent parseUncached(String ua) {
        Client c = parser().parse(ua);
        String browser = c.userAgent == null || c.userAgent.family == null ? "Other" : c.userAgent.family;
        String browserDisplay = c.userAgent != null && c.userAgent.major != null ? browser + " " + c.userAgent.major : browser;
        String os = c.os == null || c.os.family == null ? "Other" : c.os.family;
        String model = c.device == null || c.device.family == null || c.device.family.equals("Other") ? null : c.device.family;
        String device = model == null || model.equals(os) ? os : os + " / " + model;
        String osDisplay = c.os != null && c.os.major != null ? os + " " + c.os.major : os;
        String deviceDisplay = model == null || model.equals(os) ? osDisplay : model + " (" + osDisplay + ")";
        return new Agent(browser, browserDisplay, device, deviceDisplay);
    }
}

package dev.latchkey.risk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the browser and device signals compare, for the user agents the risk tests use. */
class UserAgentsTest {
    static final String CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String CHROME_WINDOWS_UPDATED = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36";
    static final String FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    static final String CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private final UserAgents agents = new UserAgents();

    @Test
    void browserFamilyAndDevice() {
        assertThat(agents.parse(CHROME_WINDOWS)).isEqualTo(new UserAgents.Agent("Chrome", "Chrome 131", "Windows", "Windows 10"));
        assertThat(agents.parse(FIREFOX_WINDOWS)).isEqualTo(new UserAgents.Agent("Firefox", "Firefox 133", "Windows", "Windows 10"));
        assertThat(agents.parse(CHROME_MAC)).isEqualTo(new UserAgents.Agent("Chrome", "Chrome 131", "Mac OS X / Mac", "Mac (Mac OS X 10)"));
        assertThat(agents.parse(SAFARI_IPHONE)).isEqualTo(new UserAgents.Agent("Mobile Safari", "Mobile Safari 17", "iOS / iPhone", "iPhone (iOS 17)"));
    }

    @Test
    void aBrowserUpdateIsNotANewBrowser() {
        assertThat(agents.parse(CHROME_WINDOWS_UPDATED).browser()).isEqualTo(agents.parse(CHROME_WINDOWS).browser());
        assertThat(agents.parse(CHROME_WINDOWS_UPDATED).device()).isEqualTo(agents.parse(CHROME_WINDOWS).device());
    }

    @Test
    void noUserAgentIsUnknownNotRisky() {
        assertThat(agents.parse(null)).isEqualTo(new UserAgents.Agent(null, null, null, null));
        assertThat(agents.parse("  ")).isEqualTo(new UserAgents.Agent(null, null, null, null));
        assertThat(agents.parse("curl/8.5.0").browser()).isEqualTo("curl");
    }
}

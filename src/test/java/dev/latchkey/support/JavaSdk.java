package dev.latchkey.support;

import com.loginradius.sdk.util.LoginRadiusSDK;

/** The official Java SDK's static configuration, pointed at a test node as an app would with the custom-domain setting. */
public final class JavaSdk {
    private JavaSdk() {}

    /** The tenant's keys, the node's base URL (no trailing slash: the SDK appends "/" + path), no request signing. */
    public static void pointAt(TestServer s, TestServer.TestTenant t) {
        LoginRadiusSDK.Initialize.setApiKey(t.apiKey());
        LoginRadiusSDK.Initialize.setApiSecret(t.apiSecret());
        LoginRadiusSDK.Initialize.setCustomDomain(s.base);
        LoginRadiusSDK.Initialize.setRequestSigning(false);
    }
}

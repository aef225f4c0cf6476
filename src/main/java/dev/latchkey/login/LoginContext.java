package dev.latchkey.login;

import dev.latchkey.audit.Audit;
import java.util.Map;

/**
 * What a login request says beyond its credentials: webhook suppression and the RBA template names (both seeds), the
 * templates of the codes it may cause to be sent ({@code smstemplate2fa}, {@code emailtemplate2fa}), where it came from,
 * and Latchkey's remember-this-device extension: whether step 2 asks to remember the device ({@code remember_device}),
 * and the device token step 1 presents ({@link RememberedDevices}). Carried through the login so the webhook and risk features act on the same request.
 */
public record LoginContext(boolean preventWebhook, Map<String, String> rbaTemplates, String ip, String userAgent,
                           dev.latchkey.factor.CodeRequest codes, boolean rememberDevice, String deviceToken) {
    public static LoginContext none() {
        return new LoginContext(false, Map.of(), null, null, dev.latchkey.factor.CodeRequest.DEFAULT, false, null);
    }

    /** The same request, presenting {@code token} as its remembered device (step 1's body may carry it). */
    public LoginContext withDeviceToken(String token) {
        return new LoginContext(preventWebhook, rbaTemplates, ip, userAgent, codes, rememberDevice, token);
    }

    /** The user, from where the request came: for the audit trail. */
    public Audit.Origin origin() {
        return new Audit.Origin(Audit.Actor.USER, ip, userAgent);
    }
}

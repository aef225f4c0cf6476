package dev.latchkey.login;

import dev.latchkey.audit.Audit;
import java.util.Map;

/**
 * What a login request says beyond its credentials: webhook suppression and the RBA template names (both seeds), the
 * templates of the codes it may cause to be sent ({@code smstemplate2fa}, {@code emailtemplate2fa}), and where it came from. Carried through the login so the webhook and risk features act on the same request.
 */
public record LoginContext(boolean preventWebhook, Map<String, String> rbaTemplates, String ip, String userAgent,
                           dev.latchkey.factor.CodeRequest codes) {
    public static LoginContext none() {
        return new LoginContext(false, Map.of(), null, null, dev.latchkey.factor.CodeRequest.DEFAULT);
    }

    /** The user, from where the request came: for the audit trail. */
    public Audit.Origin origin() {
        return new Audit.Origin(Audit.Actor.USER, ip, userAgent);
    }
}

package dev.latchkey.webhook;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The events a webhook can subscribe to: LoginRadius's 31 and four of Latchkey's for second-factor changes, matched
 * case-insensitively.
 */
public final class WebhookEvents {
    public static final List<String> ALL = List.of(
            "Login", "Register", "UpdateProfile", "ResetPassword", "ChangePassword", "EmailVerification", "AddEmail",
            "RemoveEmail", "BlockAccount", "DeleteAccount", "SetUsername", "CreateTraditionalAccount", "AssignRoles",
            "UnassignRoles", "SetPassword", "LinkAccount", "UnlinkAccount", "UpdatePhoneId", "VerifyPhoneNumber",
            "InvalidateEmailVerification", "RemoveRoleContext", "CreateCustomObject", "UpdateCustomObject",
            "DeleteCustomObject", "InvalidatePhoneVerification", "RemovePhoneId", "ConsentProfileUpdate", "SetPIN",
            "ResetPIN", "ChangePIN", "UpdateUid",
            // Latchkey's own, for changes to second factors (LoginRadius has no MFA event):
            "BackupCodesGenerated", "BackupCodesReset", "PasskeyAdded", "PasskeyRemoved");

    /**
     * The events Latchkey actually sends (where {@code WebhookOutbox.enqueue} is called: logins, Management API account
     * changes, second-factor changes). The others can be subscribed to, for code written against LoginRadius, but a
     * subscription to one of them is flagged ({@code IsSentByLatchkey: false}) and logged: it never fires.
     */
    public static final Set<String> SENT = Set.of("Login", "CreateTraditionalAccount", "UpdateProfile", "SetPassword",
            "BlockAccount", "DeleteAccount", "BackupCodesGenerated", "BackupCodesReset", "PasskeyAdded", "PasskeyRemoved");

    private WebhookEvents() {}

    public static boolean isSent(String canonicalName) {
        return SENT.contains(canonicalName);
    }

    public static Optional<String> canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(e -> e.toLowerCase(Locale.ROOT).equals(n)).findFirst();
    }
}

package dev.latchkey.webhook;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The events a webhook can subscribe to: LoginRadius's 31 (reference §6) and four of Latchkey's for second-factor
 * changes, matched case-insensitively.
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

    private WebhookEvents() {}

    public static Optional<String> canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(e -> e.toLowerCase(Locale.ROOT).equals(n)).findFirst();
    }
}

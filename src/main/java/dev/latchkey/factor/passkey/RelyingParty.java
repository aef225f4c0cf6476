package dev.latchkey.factor.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.error.LrError;
import dev.latchkey.tenant.Tenant;
import java.util.LinkedHashSet;
import java.util.Set;

/** A tenant's WebAuthn relying party, from its {@code PassKeysConfig}: 1320 when passkeys are off, 1322 when half set up. */
public record RelyingParty(String id, String name, Set<String> origins, String userVerification) {

    public static RelyingParty of(Tenant tenant) {
        JsonNode cfg = tenant.settings().path("PassKeysConfig");
        if (!cfg.path("IsEnabled").asBoolean(false)) {
            throw LrError.PASSKEYS_DISABLED.error();
        }
        String rpId = cfg.path("RPID").asText(null);
        Set<String> origins = new LinkedHashSet<>();
        cfg.path("RPOrigins").forEach(o -> origins.add(o.asText()));
        if (rpId == null || rpId.isBlank() || origins.isEmpty()) {
            throw LrError.PASSKEY_CONFIGURATION.error();
        }
        String name = cfg.path("RPDisplayName").asText(null);
        return new RelyingParty(rpId, name == null || name.isBlank() ? tenant.name() : name, Set.copyOf(origins),
                cfg.path("UserVerification").asText("preferred"));
    }

    public boolean userVerificationRequired() {
        return userVerification.equals("required");
    }
}

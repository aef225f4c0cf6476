package dev.latchkey.login;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.token.IssuedTokens;

/**
 * What a login step comes to, for the wire layer to render in LoginRadius's shapes. A refusal is not an outcome: it is
 * thrown as the catalog's {@code ApiException} (its transaction having committed what it must keep).
 */
public sealed interface LoginOutcome {
    /**
     * Tokens issued; {@code profile} is the account's Profile as of this login; {@code device}: the remembered device's
     * token when the login asked for one after a second factor (else null).
     */
    record LoggedIn(ObjectNode profile, IssuedTokens tokens, RememberedDevices.Issued device) implements LoginOutcome {
        public LoggedIn(ObjectNode profile, IssuedTokens tokens) {
            this(profile, tokens, null);
        }
    }

    /**
     * A second factor is needed: the 2FA token and until when it works, and what the factors (and risk, when it asked)
     * say for {@code SecondFactorAuthentication}: each factor's flags, its enrollment data, what was sent.
     */
    record SecondFactorRequired(String token, long expiresAt, ObjectNode factors) implements LoginOutcome {}
}

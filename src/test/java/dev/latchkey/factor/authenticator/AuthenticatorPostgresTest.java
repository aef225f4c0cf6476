package dev.latchkey.factor.authenticator;

import dev.latchkey.support.Backend;

class AuthenticatorPostgresTest extends AuthenticatorContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}

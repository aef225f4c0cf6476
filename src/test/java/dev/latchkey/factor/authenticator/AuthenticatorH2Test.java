package dev.latchkey.factor.authenticator;

import dev.latchkey.support.Backend;

class AuthenticatorH2Test extends AuthenticatorContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

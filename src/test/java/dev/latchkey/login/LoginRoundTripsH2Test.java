package dev.latchkey.login;

import dev.latchkey.support.Backend;

class LoginRoundTripsH2Test extends LoginRoundTripsContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

package dev.latchkey.login;

import dev.latchkey.support.Backend;

class SessionH2Test extends SessionContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

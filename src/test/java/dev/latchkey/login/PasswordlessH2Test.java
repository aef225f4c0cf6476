package dev.latchkey.login;

import dev.latchkey.support.Backend;

class PasswordlessH2Test extends PasswordlessContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

package dev.latchkey.account;

import dev.latchkey.support.Backend;

class PasswordH2Test extends PasswordContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

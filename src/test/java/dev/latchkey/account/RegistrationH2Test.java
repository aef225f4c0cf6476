package dev.latchkey.account;

import dev.latchkey.support.Backend;

class RegistrationH2Test extends RegistrationContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

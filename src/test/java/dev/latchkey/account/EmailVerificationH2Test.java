package dev.latchkey.account;

import dev.latchkey.support.Backend;

class EmailVerificationH2Test extends EmailVerificationContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

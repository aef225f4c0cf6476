package dev.latchkey.account;

import dev.latchkey.support.Backend;

class ForgotPasswordH2Test extends ForgotPasswordContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

package dev.latchkey.account;

import dev.latchkey.support.Backend;

class PhoneAccountH2Test extends PhoneAccountContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

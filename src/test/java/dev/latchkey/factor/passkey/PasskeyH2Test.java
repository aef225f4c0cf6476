package dev.latchkey.factor.passkey;

import dev.latchkey.support.Backend;

class PasskeyH2Test extends PasskeyContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

package dev.latchkey.factor.passkey;

import dev.latchkey.support.Backend;

class PasskeyPostgresTest extends PasskeyContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}

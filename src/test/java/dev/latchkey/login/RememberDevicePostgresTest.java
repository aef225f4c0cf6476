package dev.latchkey.login;

import dev.latchkey.support.Backend;

class RememberDevicePostgresTest extends RememberDeviceContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}

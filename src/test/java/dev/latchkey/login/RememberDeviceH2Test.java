package dev.latchkey.login;

import dev.latchkey.support.Backend;

class RememberDeviceH2Test extends RememberDeviceContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

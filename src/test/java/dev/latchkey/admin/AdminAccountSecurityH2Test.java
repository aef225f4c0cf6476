package dev.latchkey.admin;

import dev.latchkey.support.Backend;

class AdminAccountSecurityH2Test extends AdminAccountSecurityContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

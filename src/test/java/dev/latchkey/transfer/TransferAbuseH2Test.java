package dev.latchkey.transfer;

import dev.latchkey.support.Backend;

class TransferAbuseH2Test extends TransferAbuseContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

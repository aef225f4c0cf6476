package dev.latchkey.transfer;

import dev.latchkey.support.Backend;

class TransferAbusePostgresTest extends TransferAbuseContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}

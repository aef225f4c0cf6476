package dev.latchkey.audit;

import dev.latchkey.support.Backend;

class AuditLogH2Test extends AuditLogContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

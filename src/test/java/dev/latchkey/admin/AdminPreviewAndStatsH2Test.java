package dev.latchkey.admin;

import dev.latchkey.support.Backend;

class AdminPreviewAndStatsH2Test extends AdminPreviewAndStatsContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}

module co.itest.app {
    requires co.api;
}

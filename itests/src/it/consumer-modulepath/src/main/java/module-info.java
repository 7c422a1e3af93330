/** A consumer application module: it needs co.api alone at compile time. */
module consumer {
    requires co.api;
}

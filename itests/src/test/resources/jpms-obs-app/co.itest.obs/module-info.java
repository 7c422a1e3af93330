/** A co application that reads co's observability through whatever the JVM resolved. */
module co.itest.obs {
    requires co.api;
    requires static java.management;
    requires static jdk.jfr;
}

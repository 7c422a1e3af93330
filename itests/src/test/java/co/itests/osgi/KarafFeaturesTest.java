package co.itests.osgi;

import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.ExamFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.container.internal.KarafTestContainerFactory;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The {@link CoInFramework} tests in Apache Karaf 4.4 (the minimal distribution), with co installed
 * the way a Karaf user does: {@code feature:install co-tls co-linux} from co's features repository
 * (module {@code co.karaf}, as the reactor built it), the affine flag and native access among the
 * JVM options. No SPI Fly.
 *
 * <p>The features name co's bundles by {@code mvn:} URL; Karaf resolves them from a repository
 * directory this test lays out from the reactor's jars ({@code target/co-reactor-repo}), never from
 * {@code ~/.m2}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@ExamFactory(KarafTestContainerFactory.class)
public class KarafFeaturesTest extends CoInFramework {

    /**
     * Karaf with {@code co-tls} (and through it {@code co} and {@code co-nio}) and {@code co-linux}.
     *
     * @return the options
     * @throws IOException if the repository directory cannot be made
     */
    @Configuration
    public Option[] karaf() throws IOException {
        Path osgi = Paths.get(System.getProperty("co.osgi"));
        Path work = Paths.get(System.getProperty("co.osgi.work"));
        Path repo = reactorRepository(Paths.get(System.getProperty("co.modules")), work.resolve("co-reactor-repo"));
        List<Option> o = new ArrayList<>(jvmOptions(true, false));
        o.add(karafDistributionConfiguration()
                .frameworkUrl(jar(osgi.resolve("karaf"), "apache-karaf-minimal", ".tar.gz").toUri().toString())
                .unpackDirectory(work.resolve("karaf").toFile())
                .useDeployFolder(false));
        o.add(configureConsole().ignoreLocalConsole().ignoreRemoteShell());
        o.add(logLevel(LogLevel.WARN));
        o.add(keepRuntimeFolder());
        o.add(editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.defaultRepositories",
                "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
                        + repo.toUri() + "@id=co.reactor@snapshots"));
        o.add(features(Paths.get(System.getProperty("co.features")).toUri().toString(), "co-tls", "co-linux"));
        return options(o.toArray(Option[]::new));
    }

    /** The co jars in Maven's layout ({@code io/github/cojava/A/V/A-V.jar}), for Karaf's mvn: URLs. */
    private static Path reactorRepository(Path modules, Path repo) throws IOException {
        try (var jars = Files.list(modules)) {
            for (Path jar : jars.toList()) {
                String file = jar.getFileName().toString();
                int dash = file.indexOf('-');
                String artifact = file.substring(0, dash);
                String version = file.substring(dash + 1, file.length() - ".jar".length());
                Path dir = repo.resolve("io/github/cojava").resolve(artifact).resolve(version);
                Files.createDirectories(dir);
                Files.copy(jar, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return repo;
    }
}

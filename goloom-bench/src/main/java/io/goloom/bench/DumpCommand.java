package io.goloom.bench;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.goloom.GoRuntimeMXBean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code dump <pid>}: the goroutine dump of every goloom runtime in a running JVM, Go's
 * SIGQUIT on demand. Attaches to the process (the JDK's Attach API: same user, a JDK that
 * allows attaching), starts its local JMX agent, and calls each runtime's
 * {@code GoRuntimeMXBean.dumpGoroutines()}.
 */
@Command(name = "dump", sortOptions = false,
        description = {"Prints the goroutine dump of every goloom runtime in a running JVM.",
                "%nLike Go's dump on SIGQUIT, on demand: attaches to the JVM (find its PID with jps or jcmd; same"
                        + " user), starts its local JMX agent and asks each runtime for its dump.%n"})
final class DumpCommand implements Callable<Integer>, Validated {

    @Spec
    private CommandSpec spec;

    // Text, not a long: picocli's failed conversion of a positional parameter also reports it missing.
    @Parameters(index = "0", paramLabel = "PID", description = "The process id of the JVM.")
    private String pid;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public List<String> problems() {
        return pid == null || pid.matches("[1-9][0-9]{0,18}") ? List.of()
                : List.of("PID must be a positive process id, was '" + pid + "'");
    }

    @Override
    public Integer call() throws Exception {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException | IOException e) {
            System.err.println(spec.qualifiedName() + ": cannot attach to process " + pid
                    + " (is it a JVM of this user, still running?): " + e.getMessage());
            return 1;
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            Set<ObjectName> names = new TreeSet<>(server.queryNames(new ObjectName("io.goloom:type=GoRuntime,*"), null));
            if (names.isEmpty()) {
                System.err.println(spec.qualifiedName() + ": process " + pid + " has no open goloom runtime");
                return 1;
            }
            for (ObjectName name : names) {
                System.out.println(JMX.newMXBeanProxy(server, name, GoRuntimeMXBean.class).dumpGoroutines());
            }
        }
        return 0;
    }
}

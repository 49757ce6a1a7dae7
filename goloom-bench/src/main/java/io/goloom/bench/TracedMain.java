package io.goloom.bench;

import io.goloom.GoRuntime;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The main class of the JVM that {@code ./goloom trace} starts: {@code TracedMain <main class>
 * [args...]} runs the program's main method as the java launcher would, and explains the one
 * failure that {@code ./goloom trace} itself causes, instead of printing its bare stack trace:
 * the program calling {@code GoRuntime.startTrace} on a runtime that {@code goloom.debug=trace}
 * already traces (a runtime records one trace at a time, so goloom-core throws
 * {@link IllegalStateException}). Every other uncaught exception is printed as the JVM prints it.
 */
public final class TracedMain {

    private TracedMain() {
    }

    public static void main(String[] args) throws Throwable {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            Optional<String> why = explanation(args[0], e);
            if (why.isPresent()) {
                System.err.println(why.get());
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace();
            }
        });
        Method main;
        try {
            main = mainMethod(Class.forName(args[0], true, ClassLoader.getSystemClassLoader()));
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            System.err.println("./goloom trace: cannot run " + args[0] + ": " + e);
            System.exit(1);
            return;
        }
        invoke(main, Arrays.copyOfRange(args, 1, args.length));
    }

    /**
     * The method the java launcher (JDK 25, JEP 512) runs: a non-private {@code main(String[])},
     * declared or inherited from a superclass, else a non-private {@code main()}; static or not.
     */
    static Method mainMethod(Class<?> program) throws NoSuchMethodException {
        for (Class<?>[] parameters : List.of(new Class<?>[] {String[].class}, new Class<?>[0])) {
            for (Class<?> c = program; c != null; c = c.getSuperclass()) {
                try {
                    Method m = c.getDeclaredMethod("main", parameters);
                    if (!Modifier.isPrivate(m.getModifiers())) {
                        return m;
                    }
                } catch (NoSuchMethodException e) {
                    // not declared here: try the superclass
                }
            }
        }
        throw new NoSuchMethodException("no main(String[]) or main() method in " + program.getName());
    }

    /** Runs {@code main} (on a new instance if it is not static), throwing what it throws. */
    static void invoke(Method main, String[] args) throws Throwable {
        main.setAccessible(true);
        Object target = null;
        if (!Modifier.isStatic(main.getModifiers())) {
            Constructor<?> constructor = main.getDeclaringClass().getDeclaredConstructor();
            constructor.setAccessible(true);
            target = constructor.newInstance();
        }
        try {
            main.invoke(target, main.getParameterCount() == 1 ? new Object[] {args} : new Object[0]);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** What to say instead of the stack trace of {@code e}, if {@code ./goloom trace} caused it. */
    static Optional<String> explanation(String program, Throwable e) {
        boolean ownTrace = e instanceof IllegalStateException && Arrays.stream(e.getStackTrace()).anyMatch(
                f -> f.getClassName().equals(GoRuntime.class.getName()) && f.getMethodName().equals("startTrace"));
        if (!ownTrace) {
            return Optional.empty();
        }
        return Optional.of("./goloom trace: " + program + " calls GoRuntime.startTrace, but ./goloom trace traces"
                + " every runtime from build() on and a runtime records one trace at a time (goloom-core: "
                + e.getMessage() + "). Run " + program + " with plain java for its own trace, or trace it with"
                + " ./goloom trace without its startTrace call.");
    }
}

package io.goloom.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** GOLOOM_DEBUG / -Dgoloom.debug parsing: Go's key=value syntax, unknown keys warned of, bad values rejected. */
class DebugSettingsTest {

    @Test
    void parsesSchedtraceAndScheddetail() {
        DebugSettings d = DebugSettings.parse("schedtrace=1000,scheddetail=1", "GOLOOM_DEBUG");
        assertEquals(Optional.of(Duration.ofSeconds(1)), d.schedtrace());
        assertEquals(Optional.of(true), d.scheddetail());
        assertEquals(Optional.empty(), d.warning());
    }

    /** Spaces, empty entries and a repeated key (the last wins, as in Go). */
    @Test
    void toleratesSpacesEmptyEntriesAndRepeats() {
        DebugSettings d = DebugSettings.parse(" schedtrace = 5 ,, scheddetail=0,schedtrace=7,", "GOLOOM_DEBUG");
        assertEquals(Optional.of(Duration.ofMillis(7)), d.schedtrace());
        assertEquals(Optional.of(false), d.scheddetail());
        assertEquals(Optional.empty(), d.warning());
    }

    @Test
    void emptyTextSetsNothing() {
        DebugSettings d = DebugSettings.parse("", "GOLOOM_DEBUG");
        assertEquals(Optional.empty(), d.schedtrace());
        assertEquals(Optional.empty(), d.scheddetail());
        assertEquals(Optional.empty(), d.warning());
    }

    /** Unknown keys and entries without '=' are ignored, all named in one warning line. */
    @Test
    void unknownKeysAreIgnoredWithOneWarning() {
        DebugSettings d = DebugSettings.parse("gctrace=1,schedtrace=10,foo,Schedtrace=3", "GOLOOM_DEBUG");
        assertEquals(Optional.of(Duration.ofMillis(10)), d.schedtrace());
        assertEquals(Optional.of("goloom: GOLOOM_DEBUG: ignoring unknown setting(s) \"gctrace=1\", \"foo\","
                + " \"Schedtrace=3\" (known: schedtrace, scheddetail, trace)"), d.warning());
    }

    /** A bad value names the source, the key, the value as given and the accepted range. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "schedtrace=abc     | schedtrace must be an integer number of milliseconds in [1, 3600000], was \"abc\"",
            "schedtrace=0       | schedtrace must be an integer number of milliseconds in [1, 3600000], was \"0\"",
            "schedtrace=-5      | schedtrace must be an integer number of milliseconds in [1, 3600000], was \"-5\"",
            "schedtrace=        | schedtrace must be an integer number of milliseconds in [1, 3600000], was \"\"",
            "schedtrace=3600001 | schedtrace must be an integer number of milliseconds in [1, 3600000], was \"3600001\"",
            "schedtrace=1.5     | schedtrace must be an integer number of milliseconds in [1, 3600000], was \"1.5\"",
            "schedtrace=1000ms  | schedtrace must be an integer number of milliseconds in [1, 3600000], was \"1000ms\"",
            "scheddetail=2      | scheddetail must be 0 or 1, was \"2\"",
            "scheddetail=yes    | scheddetail must be 0 or 1, was \"yes\"",
    })
    void badValueNamesValueAndRange(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DebugSettings.parse("scheddetail=1," + text, "GOLOOM_DEBUG"));
        assertEquals("GOLOOM_DEBUG: " + message, e.getMessage());
    }

    /** The property wins over the environment, even when empty; either alone is used; neither sets nothing. */
    @Test
    void propertyWinsOverEnvironment() {
        assertEquals(Optional.of(Duration.ofMillis(5)), DebugSettings.resolve("schedtrace=5", "schedtrace=9").schedtrace());
        assertEquals(Optional.empty(), DebugSettings.resolve("", "schedtrace=9").schedtrace());
        assertEquals(Optional.of(Duration.ofMillis(9)), DebugSettings.resolve(null, "schedtrace=9").schedtrace());
        assertEquals(Optional.empty(), DebugSettings.resolve(null, null).schedtrace());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DebugSettings.resolve(null, "schedtrace=x"));
        assertEquals("GOLOOM_DEBUG: schedtrace must be an integer number of milliseconds in [1, 3600000],"
                + " was \"x\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DebugSettings.resolve("schedtrace=0", "schedtrace=9"));
        assertEquals("-Dgoloom.debug: schedtrace must be an integer number of milliseconds in [1, 3600000],"
                + " was \"0\"", e.getMessage());
    }
}

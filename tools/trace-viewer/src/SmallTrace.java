import io.goloom.GoRuntime;
import io.goloom.GoHandle;
import io.goloom.chan.Chan;
import java.util.ArrayList;
import java.util.List;

/** ~20 goroutines: 10 ping-pong pairs over unbuffered Chans, with a Thread.sleep every 10 rounds. */
public class SmallTrace {
    public static void main(String[] args) throws Exception {
        int pairs = 10, rounds = 40;
        try (GoRuntime rt = GoRuntime.builder().name("small").procs(2).build()) {
            List<GoHandle> hs = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                Chan<Integer> ping = Chan.make(), pong = Chan.make();
                hs.add(rt.go("ping-" + i, () -> {
                    try {
                        for (int r = 0; r < rounds; r++) {
                            ping.send(r);
                            pong.receive();
                            if (r % 10 == 9) Thread.sleep(1);
                        }
                        ping.close();
                    } catch (InterruptedException e) { throw new RuntimeException(e); }
                }));
                hs.add(rt.go("pong-" + i, () -> {
                    try {
                        for (Integer v : ping) pong.send(v);
                    } catch (InterruptedException e) { throw new RuntimeException(e); }
                }));
            }
            for (GoHandle h : hs) h.join();
        }
        System.out.println("done");
    }
}

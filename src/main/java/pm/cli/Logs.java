package pm.cli;

import pm.core.PmException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code pm logs}: reads an app's log files directly (the daemon never carries log data), printing the
 * last lines and, with {@code --follow}, whatever is appended after.
 */
public final class Logs {
    private final Client client;
    private final PrintStream out;

    Logs(Client client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    int run(CommandLine.Parsed p) throws IOException, InterruptedException {
        int tail = CommandLine.count(p.value("tail", "20"), "--tail");
        var args = new LinkedHashMap<String, Object>();
        args.put("name", p.arg(0));
        pm.core.ProcessSpec.checkName(p.arg(0));
        var proc = Verbs.statuses(client.call("status", args)).getFirst();
        var files = new ArrayList<Path>();
        if (!p.has("err")) files.add(Path.of(proc.outLog()));
        if (!p.has("out")) files.add(Path.of(proc.errLog()));
        boolean headers = files.size() > 1;
        var positions = new LinkedHashMap<Path, Long>();
        for (Path f : files) {
            if (headers) out.println("==> " + f + " <==");
            long size = Files.exists(f) ? Files.size(f) : 0;
            byte[] last = lastLines(f, tail, size);
            out.write(last);
            if (last.length > 0 && last[last.length - 1] != '\n') out.write('\n');
            positions.put(f, size);
        }
        out.flush();
        if (p.has("follow")) follow(positions);
        return 0;
    }

    /** Polls the files and prints what was appended; a file that shrank was rotated or flushed. */
    private void follow(Map<Path, Long> positions) throws IOException, InterruptedException {
        byte[] buf = new byte[64 * 1024];
        while (!out.checkError()) {
            boolean any = false;
            for (var e : positions.entrySet()) {
                Path f = e.getKey();
                long size = Files.exists(f) ? Files.size(f) : 0;
                long pos = size < e.getValue() ? 0 : e.getValue();
                if (size == pos) continue;
                try (var raf = new RandomAccessFile(f.toFile(), "r")) {
                    raf.seek(pos);
                    int n;
                    while (pos < size && (n = raf.read(buf, 0, (int) Math.min(buf.length, size - pos))) > 0) {
                        out.write(buf, 0, n);
                        pos += n;
                    }
                }
                e.setValue(pos);
                any = true;
            }
            if (any) out.flush();
            else Thread.sleep(100);
        }
    }

    /**
     * The last {@code n} lines of the first {@code size} bytes of a file, read backwards in blocks: its bytes
     * as the app wrote them (not decoded: an app's output need not be UTF-8), the last newline included.
     */
    public static byte[] lastLines(Path file, int n, long size) throws IOException {
        if (n == 0 || size == 0) return new byte[0];
        try (var raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] block = new byte[8192];
            // A trailing newline ends the last line; it does not start a new one.
            raf.seek(size - 1);
            long start = raf.read() == '\n' ? size - 1 : size;
            int newlines = 0;
            outer:
            while (start > 0) {
                int len = (int) Math.min(block.length, start);
                raf.seek(start - len);
                raf.readFully(block, 0, len);
                for (int i = len - 1; i >= 0; i--) {
                    if (block[i] == '\n' && ++newlines == n) {
                        start = start - len + i + 1;
                        break outer;
                    }
                }
                start -= len;
            }
            byte[] bytes = new byte[(int) (size - start)];
            raf.seek(start);
            raf.readFully(bytes);
            return bytes;
        } catch (java.io.FileNotFoundException e) {
            throw PmException.invalid("cannot read " + file + ": " + e.getMessage());
        }
    }
}

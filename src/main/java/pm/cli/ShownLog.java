package pm.cli;

import pm.logs.Backlog;
import pm.logs.Follower;
import pm.logs.Lines;
import pm.logs.Stamps;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One log that {@code pm logs} shows: an app's stdout or stderr, read by a {@link Follower} and written
 * out as the app wrote it, or line by line behind a prefix that names the app and the stream.
 */
final class ShownLog implements Lines.Sink {
    /** Colours for apps' names, picked by name so an app keeps its colour; no red, which reads as an error. */
    private static final String[] COLOURS = {"36", "32", "33", "35", "34", "96", "92", "93", "95", "94"};

    final String app;
    final boolean err;
    private final Follower follower;
    private final long backlogEnd;
    private final OutputStream out;
    /** Written before each line; null to pass the bytes on as they are. */
    private final byte[] prefix;
    private final Pattern grep;
    private final boolean checkDates;
    private final Lines lines = new Lines();
    private long lostReported;
    /** Whether a line shown began with a timestamp, and whether any line was shown. */
    boolean dated, shown;

    /** Shows {@code backlog} first (its end: where following goes on), then what comes after it. */
    ShownLog(String app, boolean err, Path live, Backlog.Span backlog, OutputStream out, byte[] prefix, Pattern grep,
             boolean checkDates) {
        this.app = app;
        this.err = err;
        this.backlogEnd = backlog.to();
        this.follower = new Follower(live, backlog.from());
        this.out = out;
        this.prefix = prefix;
        this.grep = grep;
        this.checkDates = checkDates;
    }

    /** {@code NAME |} for stdout, {@code NAME !} for stderr, the name padded to {@code width} and coloured. */
    static byte[] prefix(String app, boolean err, int width, boolean colour) {
        String name = CommandLine.pad(app, width);
        String mark = err ? "!" : "|";
        if (!colour) return (name + " " + mark + " ").getBytes(StandardCharsets.UTF_8);
        String c = COLOURS[Math.floorMod(app.hashCode(), COLOURS.length)];
        String marked = err ? "\033[1;31m" + mark : mark;
        return ("\033[" + c + "m" + name + " " + marked + "\033[0m ").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads once and writes what came: the number of bytes read (0: nothing new). */
    int pump(byte[] buf) throws IOException {
        return show(buf, follower.read(buf));
    }

    /** Writes the {@code n} bytes just read into {@code buf}, after saying what was skipped: {@code n}. */
    private int show(byte[] buf, int n) throws IOException {
        if (follower.lost() > lostReported) {
            System.err.println("pm: " + (follower.lost() - lostReported) + " bytes of " + what()
                    + " were rotated away or flushed before they could be shown");
            lostReported = follower.lost();
        }
        if (n == 0) return 0;
        if (prefix == null) {
            out.write(buf, 0, n);
            shown = true;
        } else {
            lines.feed(buf, 0, n, this);
        }
        return n;
    }

    /** Shows the backlog: reads up to where the log ended when it was found (not on behind a fast writer). */
    void drain(byte[] buf) throws IOException {
        while (show(buf, Backlog.read(follower, backlogEnd, buf, 0, buf.length)) > 0) {
            // keep reading (through a rotation under way: these bytes were written)
        }
    }

    /**
     * Ends a line the app began and has not ended yet, once it has waited {@code nanos}. Bytes passed on as
     * they are need no such end: what came of the line is out already, and a read that stops inside a line
     * (one the app is still writing) has its rest in the next read, so a newline here would cut it in two.
     */
    void endWaitingLine(long nanos) throws IOException {
        if (prefix != null && lines.waiting(nanos)) lines.finish(this);
    }

    boolean hasUnendedLine() {
        return lines.waiting(0);
    }

    @Override
    public void line(byte[] b, int off, int len) throws IOException {
        if (grep != null && !grep.matcher(new String(b, off, len, StandardCharsets.UTF_8)).find()) return;
        if (checkDates && !dated) dated = Stamps.at(b, off, len) != Stamps.NONE;
        shown = true;
        out.write(prefix);
        out.write(b, off, len);
        out.write('\n');
    }

    String what() {
        return app + "'s " + (err ? "stderr" : "stdout");
    }

    void close() throws IOException {
        follower.close();
    }
}

package pm.logs;

import java.io.IOException;
import java.util.Arrays;

/**
 * Cuts the bytes of one log, as they come, into lines (without their newline), keeping a line that has
 * not ended yet until it does. Bytes are passed as written, never decoded. One per stream; not thread-safe.
 */
public final class Lines {
    /** A line so long is passed on in pieces of this size. */
    static final int LONGEST = 1 << 20;

    /** Receives each line: {@code len} bytes from {@code off}, valid only during the call. */
    public interface Sink {
        void line(byte[] b, int off, int len) throws IOException;
    }

    private byte[] partial = new byte[256];
    private int partialLength;
    private long partialSince;

    /** Passes on each line that {@code b[off, off + len)} ends, and keeps the rest. */
    public void feed(byte[] b, int off, int len, Sink sink) throws IOException {
        int start = off, end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] != '\n') continue;
            if (partialLength == 0) {
                sink.line(b, start, i - start);
            } else {
                append(b, start, i - start);
                sink.line(partial, 0, partialLength);
                partialLength = 0;
            }
            start = i + 1;
        }
        if (start < end) {
            if (partialLength == 0) partialSince = System.nanoTime();
            append(b, start, end - start);
            if (partialLength >= LONGEST) finish(sink);
        }
    }

    /** Whether a line has begun and not ended for at least {@code nanos}. */
    public boolean waiting(long nanos) {
        return partialLength > 0 && System.nanoTime() - partialSince >= nanos;
    }

    /** Passes on the line begun and not ended, if any, as a line. */
    public void finish(Sink sink) throws IOException {
        if (partialLength == 0) return;
        int n = partialLength;
        partialLength = 0;
        sink.line(partial, 0, n);
    }

    private void append(byte[] b, int off, int len) {
        if (partialLength + len > partial.length) partial = Arrays.copyOf(partial, Math.max(partialLength + len, partial.length * 2));
        System.arraycopy(b, off, partial, partialLength, len);
        partialLength += len;
    }
}

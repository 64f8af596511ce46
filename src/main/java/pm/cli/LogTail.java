package pm.cli;

import pm.logs.Backlog;
import pm.logs.Stamps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines of a log file as a screen can show them: decoded as UTF-8 (a byte that is not becomes
 * a replacement mark), tabs as spaces, and the app's escape sequences and other control characters
 * taken out, since they would move the cursor or change colours in pm top's view. An adapter over
 * {@link Backlog}, read afresh at each refresh: a rotated or flushed file simply shows its new end.
 */
final class LogTail {
    private LogTail() {}

    static List<String> lines(Path file, int n) {
        if (n <= 0) return List.of();
        byte[] bytes;
        try {
            bytes = Backlog.read(file, Backlog.find(file, n, null, Stamps.NONE));
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
        var out = new ArrayList<String>();
        String text = new String(bytes, StandardCharsets.UTF_8);
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            out.add(printable(text, start, end));
            start = end + 1;
        }
        return out;
    }

    /** A line without control characters: escape sequences (CSI, OSC) dropped whole, tabs to spaces. */
    static String printable(String text, int from, int to) {
        var sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\t') {
                sb.append(" ".repeat(8 - sb.length() % 8));
            } else if (c == '\033') {
                i = skipEscape(text, i, to);
            } else if (c >= ' ' && c != 0x7f && !(c >= 0x80 && c < 0xa0)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The index of an escape sequence's last character: CSI ends with a final byte, OSC with BEL or ST. */
    private static int skipEscape(String text, int at, int to) {
        if (at + 1 >= to) return at;
        char kind = text.charAt(at + 1);
        if (kind == '[') {
            int i = at + 2;
            while (i < to && (text.charAt(i) < 0x40 || text.charAt(i) > 0x7e)) i++;
            return Math.min(i, to - 1);
        }
        if (kind == ']') {
            for (int i = at + 2; i < to; i++) {
                if (text.charAt(i) == 0x07) return i;
                if (text.charAt(i) == '\033' && i + 1 < to && text.charAt(i + 1) == '\\') return i + 1;
            }
            return to - 1;
        }
        return at + 1;
    }
}

package pm.cli;

import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * pm top's terminal, through JLine (loaded only by pm top: the launcher puts it on the class path for
 * top alone). It switches to the alternate screen in raw mode and back, draws whole screens of ANSI
 * lines (JLine's Display sends only what changed, which keeps a refresh small over ssh), reads keys as
 * names, and turns Ctrl-C and a resize into flags the view's loop reads. Whatever ends the view, the
 * terminal is given back as it was found: by {@link #leave} on the way out, or by a shutdown hook when
 * the JVM is ended by a signal (SIGTERM, SIGHUP).
 */
final class TopScreen implements AutoCloseable {
    private final Terminal terminal;
    private final BindingReader reader;
    private final KeyMap<String> keys = new KeyMap<>();
    private Display display;
    private Attributes saved;
    private Thread restore;
    private volatile boolean interrupted;
    private volatile boolean resized;

    private TopScreen(Terminal terminal) {
        this.terminal = terminal;
        this.reader = new BindingReader(terminal.reader());
        bindKeys();
    }

    /**
     * The terminal pm runs in, not yet changed. The FFM provider calls libc directly (no native library
     * to unpack, no stty to run); exec (stty) is the fallback where FFM is refused. No grapheme-cluster
     * probe: it writes a query to the terminal, and pm top draws no emoji.
     */
    static TopScreen open() throws IOException {
        // Box-drawing characters as they are, not through the terminal's alternate character set: tmux
        // and some ssh clients showed them as letters (q for a line).
        System.setProperty(TerminalBuilder.PROP_DISABLE_ALTERNATE_CHARSET, "true");
        var terminal = TerminalBuilder.builder().system(true).providers("ffm,exec").dumb(true)
                .graphemeCluster(false).nativeSignals(true).build();
        return new TopScreen(terminal);
    }

    /** False for a dumb terminal (no cursor movement): pm top cannot draw there. */
    boolean capable() {
        return !terminal.getType().startsWith(Terminal.TYPE_DUMB) && terminal.getStringCapability(Capability.cursor_address) != null;
    }

    int columns() {
        return terminal.getWidth();
    }

    int rows() {
        return terminal.getHeight();
    }

    /** Whether the terminal shows UTF-8: the bars, arrows and box lines; else ASCII stand-ins. */
    boolean unicode() {
        return StandardCharsets.UTF_8.equals(terminal.outputEncoding());
    }

    /** Raw mode, the alternate screen, application keys, no cursor; Ctrl-C and resizes become flags. */
    void enter() {
        saved = terminal.enterRawMode();
        restore = new Thread(this::leave, "pm-top-restore");
        Runtime.getRuntime().addShutdownHook(restore);
        terminal.handle(Terminal.Signal.INT, s -> interrupted = true);
        terminal.handle(Terminal.Signal.WINCH, s -> resized = true);
        // Ctrl-Z would stop pm top with the terminal still raw and on the alternate screen.
        terminal.handle(Terminal.Signal.TSTP, s -> { });
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.cursor_invisible);
        terminal.puts(Capability.clear_screen);
        terminal.flush();
        display = new Display(terminal, true);
        display.resize(rows(), columns());
    }

    /** Gives the terminal back: the cursor, normal keys, the main screen and the modes it had. Idempotent. */
    synchronized void leave() {
        if (saved == null) return;
        terminal.puts(Capability.cursor_normal);
        terminal.puts(Capability.keypad_local);
        terminal.puts(Capability.exit_ca_mode);
        terminal.setAttributes(saved);
        terminal.flush();
        saved = null;
        try {
            if (restore != null && Thread.currentThread() != restore) Runtime.getRuntime().removeShutdownHook(restore);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it finds nothing left to do
        }
    }

    /** Whether the size changed since the last call; the next draw starts from a cleared screen. */
    boolean takeResize() {
        if (!resized) return false;
        resized = false;
        terminal.puts(Capability.clear_screen);
        display.clear();
        display.resize(rows(), columns());
        return true;
    }

    /** Shows these lines (with ANSI colours), each cut to the width by display columns. */
    void draw(List<String> lines) {
        int width = columns();
        var screen = new ArrayList<AttributedString>(lines.size());
        for (String line : lines) {
            var s = AttributedString.fromAnsi(line);
            screen.add(s.columnLength() > width ? s.columnSubSequence(0, width) : s);
        }
        display.update(screen, 0);
        terminal.flush();
    }

    /**
     * The next key, waiting at most this long: a name from {@link Board#press}, the character typed, or
     * null when none came. Ctrl-C (SIGINT, or the byte where signals are off) is {@code ctrl-c}; the end
     * of input (the terminal went away) is {@code eof}.
     */
    String readKey(long timeoutMillis) throws IOException {
        if (interrupted) return "ctrl-c";
        int c = reader.peekCharacter(timeoutMillis);
        if (interrupted) return "ctrl-c";
        if (c == NonBlockingReader.READ_EXPIRED) return null;
        if (c < 0) return "eof";
        String key = reader.readBinding(keys);
        if (key == null || key.equals("other")) return null;
        return key.equals("char") ? reader.getLastBinding() : key;
    }

    private void bindKeys() {
        for (char c = ' '; c < 0x7f; c++) keys.bind("char", String.valueOf(c));
        keys.setUnicode("char");
        keys.setNomatch("other");
        bind("up", Capability.key_up, "\033[A", "\033OA");
        bind("down", Capability.key_down, "\033[B", "\033OB");
        bind("home", Capability.key_home, "\033[H", "\033OH", "\033[1~");
        bind("end", Capability.key_end, "\033[F", "\033OF", "\033[4~");
        bind("backspace", Capability.key_backspace, "\177", "\b");
        keys.bind("enter", "\r", "\n");
        keys.bind("esc", KeyMap.esc());
        keys.bind("ctrl-c", KeyMap.ctrl('C'));
        keys.bind("eof", KeyMap.ctrl('D'));
    }

    /** A key by the terminal's own sequence (terminfo) and the usual ones, whichever the terminal sends. */
    private void bind(String name, Capability capability, String... usual) {
        String own = KeyMap.key(terminal, capability);
        if (own != null && !own.isEmpty()) keys.bind(name, own);
        keys.bind(name, usual);
    }

    @Override
    public void close() throws IOException {
        leave();
        terminal.close();
    }
}

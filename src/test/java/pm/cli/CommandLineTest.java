package pm.cli;

import org.junit.jupiter.api.Test;
import pm.cli.CommandLine.Command;
import pm.cli.CommandLine.Opt;
import pm.core.ErrorCode;
import pm.core.PmException;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {

    static final CommandLine.Handler NOTHING = p -> 0;

    static final Command REGISTER = new Command("register", "register SCRIPT [OPTIONS] [-- APP_ARGS...]",
            "Register a process",
            List.of(Opt.value("name", "NAME", "its name"),
                    Opt.value("env", "KEY=VALUE", "an environment variable (repeatable)"),
                    Opt.value("port", "PORT", "the port it listens on"),
                    Opt.flag("force", "kill at once")),
            1, 1, true, "pm register app.py --name api", NOTHING);

    static final Command STATUS = new Command("status", "status [NAME]", "Show the state", List.of(), 0, 1, false, "", NOTHING);

    static CommandLine.Parsed parse(Command c, String... words) {
        return CommandLine.parse(c, List.of(words));
    }

    static void assertUsage(Runnable r, String... fragments) {
        assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .message().contains(fragments);
    }

    @Test
    void readsAValueFromTheNextWordOrAfterEquals() {
        assertThat(parse(REGISTER, "app.py", "--name", "x").value("name", "")).isEqualTo("x");
        assertThat(parse(REGISTER, "app.py", "--name=x").value("name", "")).isEqualTo("x");
        assertThat(parse(REGISTER, "app.py", "--name=a=b").value("name", "")).isEqualTo("a=b");
        assertThat(parse(REGISTER, "app.py", "--name=").value("name", "fallback")).isEmpty();
    }

    @Test
    void positionalArgumentsMayComeBeforeOrAfterFlags() {
        var p = parse(REGISTER, "--name", "x", "app.py", "--force");
        assertThat(p.args()).containsExactly("app.py");
        assertThat(p.arg(0)).isEqualTo("app.py");
        assertThat(p.has("force")).isTrue();
        assertThat(p.value("force", null)).isEmpty();
    }

    @Test
    void singleDashWordsArePositional() {
        assertThat(parse(STATUS, "-").args()).containsExactly("-");
        assertThat(parse(STATUS, "-5").args()).containsExactly("-5");
    }

    @Test
    void dashIIsInstancesWhereTheCommandHasItAndDashFIsFile() {
        var copies = new Command("start", "start SCRIPT", "Start", List.of(Opt.value("instances", "N", "copies"), Opt.value("file", "FILE", "a file")),
                0, 1, true, "", NOTHING);
        var p = parse(copies, "app.py", "-i", "2", "-f", "pm.yaml", "--", "-i", "3");
        assertThat(p.value("instances", "")).isEqualTo("2");
        assertThat(p.value("file", "")).isEqualTo("pm.yaml");
        assertThat(p.rest()).containsExactly("-i", "3");
        assertThat(CommandLine.help(copies)).contains("-i, --instances N").contains("-f, --file FILE");
        assertThat(parse(STATUS, "-i").args()).containsExactly("-i");
    }

    @Test
    void absentFlagsTakeTheFallback() {
        var p = parse(REGISTER, "app.py");
        assertThat(p.has("name")).isFalse();
        assertThat(p.value("name", "dflt")).isEqualTo("dflt");
        assertThat(p.values("env")).isEmpty();
        assertThat(p.rest()).isEmpty();
    }

    @Test
    void repeatedFlagsKeepEveryValueAndTheLastWins() {
        var p = parse(REGISTER, "app.py", "--env", "A=1", "--env=B=2", "--name", "one", "--name", "two");
        assertThat(p.values("env")).containsExactly("A=1", "B=2");
        assertThat(p.value("name", "")).isEqualTo("two");
    }

    @Test
    void wordsAfterDoubleDashPassThroughUntouched() {
        var p = parse(REGISTER, "app.py", "--name", "x", "--", "--port", "80", "--help", "--", "extra");
        assertThat(p.rest()).containsExactly("--port", "80", "--help", "--", "extra");
        assertThat(p.has("port")).isFalse();
        assertThat(p.has("help")).isFalse();
        assertThat(p.args()).containsExactly("app.py");
    }

    @Test
    void doubleDashIsRejectedWhereTheCommandTakesNoPassthrough() {
        assertUsage(() -> parse(STATUS, "--", "x"), "pm status takes no arguments after --");
    }

    @Test
    void unknownFlagSuggestsTheNearestOne() {
        assertUsage(() -> parse(REGISTER, "app.py", "--nmae", "x"),
                "unknown flag --nmae for pm register", "did you mean --name?", "(see pm register --help)");
        assertUsage(() -> parse(REGISTER, "app.py", "--prot=80"), "did you mean --port?");
    }

    @Test
    void unknownFlagFarFromAnyGivesNoSuggestion() {
        assertThatThrownBy(() -> parse(REGISTER, "app.py", "--completely-different"))
                .hasMessageContaining("unknown flag --completely-different")
                .hasMessageNotContaining("did you mean");
    }

    @Test
    void aValueFlagAtTheEndNeedsItsValue() {
        assertUsage(() -> parse(REGISTER, "app.py", "--name"), "--name needs a value: --name NAME");
    }

    @Test
    void aSwitchTakesNoValue() {
        assertUsage(() -> parse(REGISTER, "app.py", "--force=yes"), "--force takes no value");
    }

    @Test
    void tooManyArgumentsAreRejectedWithAPassthroughHint() {
        assertUsage(() -> parse(REGISTER, "app.py", "extra"), "unexpected argument 'extra'", "put the app's own arguments after --");
        assertThatThrownBy(() -> parse(STATUS, "a", "b"))
                .hasMessageContaining("unexpected argument 'b'").hasMessageNotContaining("after --");
    }

    @Test
    void anUnknownFlagAfterTheScriptIsTakenForTheAppsOwnAndTheLineShownWithIt() {
        assertUsage(() -> parse(REGISTER, "/usr/bin/redis-server", "--save", ""),
                "unknown flag --save; put the app's own flags after --: pm register /usr/bin/redis-server -- --save ''");
        assertUsage(() -> parse(REGISTER, "--name", "r", "srv", "--save", "it's", "--", "x"),
                "put the app's own flags after --: pm register --name r srv -- --save 'it'\\''s' x");
        // Before the script it is pm's flag, mistyped.
        assertUsage(() -> parse(REGISTER, "--save", "x", "app.py"), "unknown flag --save for pm register", "(see pm register --help)");
    }

    @Test
    void aSlipAfterTheScriptIsStillAnsweredWithTheFlagMeant() {
        assertThatThrownBy(() -> parse(REGISTER, "app.py", "--prot", "80"))
                .hasMessageContaining("did you mean --port?").hasMessageNotContaining("after --");
    }

    @Test
    void anExtraArgumentAfterTheScriptShowsWhereItGoes() {
        assertUsage(() -> parse(REGISTER, "app.py", "serve", "--name", "x"),
                "unexpected argument 'serve'; put the app's own arguments after --: pm register app.py -- serve --name x");
        assertUsage(() -> parse(REGISTER, "app.py", "serve", "--bind", "0"), "unknown flag --bind; put the app's own flags after --: "
                + "pm register app.py -- serve --bind 0");
    }

    @Test
    void doubleDashIsRememberedEvenWithNothingAfterIt() {
        assertThat(parse(REGISTER, "app.py", "--").dashed()).isTrue();
        assertThat(parse(REGISTER, "app.py", "--").rest()).isEmpty();
        assertThat(parse(REGISTER, "app.py").dashed()).isFalse();
    }

    @Test
    void wordsAreQuotedAsAShellReadsThemBack() {
        assertThat(CommandLine.quote("plain-word_1.2:/x@y%z+w=v,")).isEqualTo("plain-word_1.2:/x@y%z+w=v,");
        assertThat(CommandLine.quote("")).isEqualTo("''");
        assertThat(CommandLine.quote("a b")).isEqualTo("'a b'");
        assertThat(CommandLine.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(CommandLine.quote("$HOME")).isEqualTo("'$HOME'");
    }

    @Test
    void aliasesAnswerForTheCommandAndAreListed() {
        var status = STATUS.aka("ls", "ps");
        assertThat(status.answers("status")).isTrue();
        assertThat(status.answers("ls")).isTrue();
        assertThat(status.answers("list")).isFalse();
        assertThat(CommandLine.help(status)).contains("Also: ls, ps\n");
        assertThat(CommandLine.overview(List.of(REGISTER, status)))
                .contains("  register         Register a process\n").contains("  status (ls, ps)  Show the state\n");
    }

    @Test
    void tooFewArgumentsShowTheUsage() {
        assertUsage(() -> parse(REGISTER, "--name", "x"), "missing argument: pm register SCRIPT [OPTIONS] [-- APP_ARGS...]");
    }

    @Test
    void helpAnywhereSkipsTheArgumentCountChecks() {
        assertThat(parse(REGISTER, "--help").has("help")).isTrue();
        assertThat(parse(REGISTER, "-h").has("help")).isTrue();
        assertThat(parse(REGISTER, "a", "b", "c", "--help").has("help")).isTrue();
        assertThat(parse(REGISTER, "--name", "x", "--help", "app.py").has("help")).isTrue();
        assertThat(parse(STATUS, "x", "y", "-h").has("help")).isTrue();
    }

    @Test
    void helpListsUsageSummaryEveryOptionAndTheExample() {
        String help = CommandLine.help(REGISTER);
        assertThat(help).startsWith("Usage: pm register SCRIPT [OPTIONS] [-- APP_ARGS...]\n\nRegister a process\n");
        for (Opt o : REGISTER.opts()) {
            assertThat(help).contains("--" + o.name() + (o.takesValue() ? " " + o.value() : "")).contains(o.help());
        }
        assertThat(help).contains("-h, --help").contains("show this help");
        assertThat(help).endsWith("\nExample:\n  pm register app.py --name api\n");
    }

    @Test
    void helpAlignsTheOptionDescriptions() {
        var lines = CommandLine.help(REGISTER).lines().filter(l -> l.startsWith("  --") || l.startsWith("  -h")).toList();
        assertThat(lines).hasSize(REGISTER.opts().size() + 1);
        int column = lines.getFirst().indexOf("its name");
        assertThat(lines.get(1).indexOf("an environment")).isEqualTo(column);
        assertThat(lines.getLast().indexOf("show this help")).isEqualTo(column);
    }

    @Test
    void helpAlignsEvenWhenEveryOptionIsShorterThanHelp() {
        var stop = new Command("stop", "stop NAME", "Stop it", List.of(Opt.flag("all", "every process")), 0, 1, false, "", NOTHING);
        var lines = CommandLine.help(stop).lines().filter(l -> l.startsWith("  -")).toList();
        assertThat(lines).containsExactly("  --all       every process", "  -h, --help  show this help");
    }

    @Test
    void helpOfACommandWithoutOptionsOrExampleIsShort() {
        assertThat(CommandLine.help(STATUS)).isEqualTo("Usage: pm status [NAME]\n\nShow the state\n");
    }

    @Test
    void overviewListsEveryCommand() {
        String text = CommandLine.overview(List.of(REGISTER, STATUS));
        assertThat(text).contains("  register  Register a process\n").contains("  status    Show the state\n");
    }
}

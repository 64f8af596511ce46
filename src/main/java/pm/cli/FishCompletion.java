package pm.cli;

import java.util.List;

import pm.cli.Completion.Arg;
import pm.cli.Completion.Flag;
import pm.cli.Completion.Verb;

/** pm's completion script for fish: {@code complete} lines made from the command table, with descriptions. */
final class FishCompletion {
    private FishCompletion() {}

    static String script(List<Verb> verbs) {
        var s = new StringBuilder();
        s.append("""
                # pm's completion for fish, made by pm completion fish from the commands pm --help lists.
                # Load it: pm completion fish | source; or save it: pm completion fish > ~/.config/fish/completions/pm.fish

                # The registered apps' names, from the pm being completed (a running daemon's; none when none runs):
                # the apps, or once a colon is typed (many:) the copies of those that have several.
                function __pm_names
                    set -l pm (commandline -opc)[1]
                    if string match -q -- '*:*' (commandline -ct)
                        $pm completion --names 2>/dev/null | string match -- '*:*'
                    else
                        $pm completion --names 2>/dev/null | string match -v -- '*:*'
                    end
                end

                # True when the word being completed is the command's first argument ($argv[1] is first) or a later
                # one (later), counted past flags and the values of those in $argv[2..].
                function __pm_arg
                    set -l n 0
                    set -l skip 0
                    set -l command 0
                    for word in (commandline -opc)[2..-1]
                        if test $command = 0
                            string match -q -- '-*' $word; or set command 1
                        else if test $skip = 1
                            set skip 0
                        else if string match -q -- '-*=*' $word
                        else if string match -q -- '-*' $word
                            contains -- $word $argv[2..-1]; and set skip 1
                        else
                            set n (math $n + 1)
                        end
                    end
                    if test $argv[1] = first
                        test $n = 0
                    else
                        test $n -gt 0
                    end
                end

                # True while no command is typed yet.
                function __pm_needs_command
                    for word in (commandline -opc)[2..-1]
                        string match -q -- '-*' $word; or return 1
                    end
                    return 0
                end

                # True when the command typed is one of the arguments.
                function __pm_using
                    for word in (commandline -opc)[2..-1]
                        string match -q -- '-*' $word; and continue
                        contains -- $word $argv
                        return
                    end
                    return 1
                end

                complete -c pm -f
                complete -c pm -n __pm_needs_command -l help -d 'show the help'
                complete -c pm -n __pm_needs_command -l version -d 'show the version'
                """);
        for (Verb v : verbs)
            for (String word : v.calledBy())
                s.append("complete -c pm -n __pm_needs_command -a ").append(word).append(" -d ").append(quote(Completion.brief(v.summary()))).append('\n');
        for (Verb v : verbs) verb(s, v);
        return s.toString();
    }

    private static void verb(StringBuilder s, Verb v) {
        String when = "complete -c pm -n " + quote("__pm_using " + String.join(" ", v.calledBy()));
        s.append('\n');
        for (Flag f : v.flags()) {
            s.append(when).append(" -l ").append(f.name());
            if (!f.shortName().isEmpty()) s.append(" -s ").append(f.shortName().substring(1));
            switch (f.values()) {
                case NONE -> { }
                case TEXT -> s.append(" -x");
                case WORDS -> s.append(" -x -a ").append(quote(String.join(" ", f.words())));
                case FILES -> s.append(" -r -F");
                case DIRS -> s.append(" -x -a '(__fish_complete_directories)'");
                case COMMANDS -> s.append(" -x -a '(__fish_complete_command)'");
            }
            s.append(" -d ").append(quote(Completion.brief(f.help()))).append('\n');
        }
        if (v.first().equals(v.later())) {
            offer(s, when, v.first());
        } else {
            String valued = v.valued().isEmpty() ? "" : " " + String.join(" ", v.valued());
            offer(s, when.substring(0, when.length() - 1) + "; and __pm_arg first" + valued + "'", v.first());
            offer(s, when.substring(0, when.length() - 1) + "; and __pm_arg later" + valued + "'", v.later());
        }
    }

    private static void offer(StringBuilder s, String when, Arg arg) {
        if (arg.names()) s.append(when).append(" -a '(__pm_names)'\n");
        if (!arg.words().isEmpty()) s.append(when).append(" -a ").append(quote(String.join(" ", arg.words()))).append('\n');
        if (arg.files()) s.append(when).append(" -F\n");
    }

    /** A fish single-quoted string: only backslash and the quote need escaping. */
    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

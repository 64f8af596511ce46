package pm.cli;

import java.util.ArrayList;
import java.util.List;

import pm.cli.Completion.Arg;
import pm.cli.Completion.Flag;
import pm.cli.Completion.Verb;

/**
 * pm's completion script for zsh: the commands and flags with their descriptions (through _describe), a
 * case per command made from the command table. Works sourced after compinit, or saved as {@code _pm} in
 * a folder of {@code $fpath}.
 */
final class ZshCompletion {
    private ZshCompletion() {}

    static String script(List<Verb> verbs) {
        var s = new StringBuilder();
        s.append("""
                #compdef pm
                # pm's completion for zsh, made by pm completion zsh from the commands pm --help lists.
                # Load it in ~/.zshrc after compinit: source <(pm completion zsh); or save it as _pm in a folder of $fpath.

                # The registered apps' names, from the pm being completed (a running daemon's; none when none runs):
                # the apps, or once a colon is typed (many:) the copies of those that have several.
                _pm_names() {
                    local pm=${words[1]} name
                    [[ $pm == "~/"* ]] && pm=$HOME/${pm#"~/"}
                    "$pm" completion --names 2>/dev/null | while IFS= read -r name; do
                        if [[ $cur == *:* ]]; then
                            [[ $name == *:* ]] && print -r -- "$name"
                        else
                            [[ $name == *:* ]] || print -r -- "$name"
                        fi
                    done
                }

                """);
        s.append(Completion.ARG_FUNCTION).append("""
                _pm() {
                    local cmd i at _pm_at cur=${words[CURRENT]} prev=${words[CURRENT-1]}
                    for ((i = 2; i < CURRENT; i++)); do
                        case ${words[i]} in
                            -*) ;;
                            *) cmd=${words[i]}; break ;;
                        esac
                    done
                    if [[ -z $cmd ]]; then
                        local -a commands
                """);
        s.append("        commands=(");
        for (Verb v : verbs)
            for (String word : v.calledBy()) s.append("\n            ").append(item(word, Completion.brief(v.summary())));
        s.append("\n        )\n");
        s.append("""
                        if [[ $cur == -* ]]; then
                            compadd -- --help --version
                        else
                            _describe -t commands 'pm command' commands
                        fi
                        return
                    fi
                    at=$i
                    # After --, the app's own arguments: files.
                    for ((i++; i < CURRENT; i++)); do
                        [[ ${words[i]} == -- ]] && { _files; return; }
                    done
                    case $cmd in
                """);
        for (Verb v : verbs) verb(s, v);
        s.append("""
                    esac
                }

                if [[ $funcstack[1] == _pm ]]; then
                    _pm "$@"
                else
                    compdef _pm pm
                fi
                """);
        return s.toString();
    }

    private static void verb(StringBuilder s, Verb v) {
        s.append("        ").append(String.join("|", v.calledBy())).append(")\n");
        s.append(Completion.afterFlag(v, f -> switch (f.values()) {
            case NONE, TEXT -> "";
            case WORDS -> "compadd -- " + String.join(" ", f.words());
            case FILES -> "_files";
            case DIRS -> "_files -/";
            case COMMANDS -> "_command_names -e";
        }));
        String indent = v.takesArguments() ? "                " : "            ";
        if (v.takesArguments()) s.append("            if [[ $cur == -* ]]; then\n");
        s.append(indent).append("local -a flags\n").append(indent).append("flags=(");
        for (Flag f : v.flags()) s.append('\n').append(indent).append("    ").append(item("--" + f.name(), Completion.brief(f.help())));
        s.append('\n').append(indent).append(")\n").append(indent).append("_describe -t options 'flag' flags\n");
        if (!v.takesArguments()) {
            s.append("            ;;\n");
            return;
        }
        s.append("                return\n            fi\n");
        s.append(Completion.byPosition(v, ZshCompletion::offer)).append("            ;;\n");
    }

    /** The lines that offer what an argument completes to (nothing for one pm cannot guess, such as a number). */
    private static String offer(Arg arg, String indent) {
        var s = new StringBuilder();
        var offered = new ArrayList<String>();
        if (arg.names()) offered.add("${(f)\"$(_pm_names)\"}");
        offered.addAll(arg.words());
        if (!offered.isEmpty()) s.append(indent).append("compadd -- ").append(String.join(" ", offered)).append('\n');
        if (arg.files()) s.append(indent).append("_files\n");
        if (arg.isEmpty()) s.append(indent).append(":\n");
        return s.toString();
    }

    /** {@code 'word:description'} for _describe: a colon in the word escaped, the whole in single quotes. */
    private static String item(String word, String description) {
        return quote(word.replace(":", "\\:") + ":" + description);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}

package pm.cli;

import java.util.ArrayList;
import java.util.List;

import pm.cli.Completion.Flag;
import pm.cli.Completion.Verb;

/**
 * pm's completion script for bash: one function, {@code _pm}, that reads COMP_WORDS and COMP_CWORD and
 * fills COMPREPLY, with a case per command made from the command table.
 */
final class BashCompletion {
    private BashCompletion() {}

    static String script(List<Verb> verbs) {
        var top = new ArrayList<String>();
        for (Verb v : verbs) top.addAll(v.calledBy());
        top.addAll(List.of("--help", "--version"));
        var s = new StringBuilder();
        s.append("""
                # pm's completion for bash, made by pm completion bash from the commands pm --help lists.
                # Load it in ~/.bashrc: source <(pm completion bash); or save it: pm completion bash > /etc/bash_completion.d/pm

                # The registered apps' names, from the pm being completed (a running daemon's; none when none runs).
                _pm_names() {
                    local pm=${COMP_WORDS[0]}
                    [[ $pm == "~/"* ]] && pm=$HOME/${pm#"~/"}
                    "$pm" completion --names 2>/dev/null
                }

                _pm_files() {
                    compopt -o filenames 2>/dev/null
                    COMPREPLY=($(compgen "$@" -- "$cur"))
                }

                _pm() {
                    local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i
                    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
                    COMPREPLY=()
                    for ((i = 1; i < COMP_CWORD; i++)); do
                        case ${COMP_WORDS[i]} in
                            -*) ;;
                            *) cmd=${COMP_WORDS[i]}; break ;;
                        esac
                    done
                    if [[ -z $cmd ]]; then
                """);
        s.append("        COMPREPLY=($(compgen -W \"").append(String.join(" ", top)).append("\" -- \"$cur\"))\n");
        s.append("""
                        return
                    fi
                    # After --, the app's own arguments: files.
                    for ((i++; i < COMP_CWORD; i++)); do
                        [[ ${COMP_WORDS[i]} == -- ]] && { _pm_files -f; return; }
                    done
                    case $cmd in
                """);
        for (Verb v : verbs) verb(s, v);
        s.append("""
                    esac
                }

                complete -F _pm pm
                """);
        return s.toString();
    }

    private static void verb(StringBuilder s, Verb v) {
        s.append("        ").append(String.join("|", v.calledBy())).append(")\n");
        s.append(Completion.afterFlag(v, f -> switch (f.values()) {
            case NONE, TEXT -> "";
            case WORDS -> "COMPREPLY=($(compgen -W \"" + String.join(" ", f.words()) + "\" -- \"$cur\"))";
            case FILES -> "_pm_files -f";
            case DIRS -> "_pm_files -d";
            case COMMANDS -> "COMPREPLY=($(compgen -c -- \"$cur\"))";
        }));
        var flags = new ArrayList<String>();
        for (Flag f : v.flags()) flags.add("--" + f.name());
        String flagReply = "COMPREPLY=($(compgen -W \"" + String.join(" ", flags) + "\" -- \"$cur\"))";
        if (!v.takesArguments()) {
            s.append("            ").append(flagReply).append(" ;;\n");
            return;
        }
        s.append("            if [[ $cur == -* ]]; then ").append(flagReply).append("; return; fi\n");
        String words = String.join(" ", v.words());
        if (v.names()) {
            s.append("            COMPREPLY=($(compgen -W \"$(_pm_names)").append(words.isEmpty() ? "" : " " + words).append("\" -- \"$cur\"))\n");
            if (v.files()) s.append("            [[ $cur == */* || ${#COMPREPLY[@]} -eq 0 ]] && _pm_files -f\n");
        } else if (v.files()) {
            s.append("            _pm_files -f\n");
        } else {
            s.append("            COMPREPLY=($(compgen -W \"").append(words).append("\" -- \"$cur\"))\n");
        }
        s.append("            ;;\n");
    }
}

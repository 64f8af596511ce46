package pm.cli;

import java.util.ArrayList;
import java.util.List;

import pm.cli.Completion.Arg;
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

                # The registered apps' names, from the pm being completed (a running daemon's; none when none runs):
                # the apps, or once a colon is typed (many:) the copies of those that have several.
                _pm_names() {
                    local pm=${COMP_WORDS[0]} name
                    [[ $pm == "~/"* ]] && pm=$HOME/${pm#"~/"}
                    while IFS= read -r name; do
                        if [[ $cur == *:* ]]; then
                            [[ $name == *:* ]] && printf '%s\\n' "$name"
                        else
                            [[ $name == *:* ]] || printf '%s\\n' "$name"
                        fi
                    done < <("$pm" completion --names 2>/dev/null)
                }

                _pm_files() {
                    compopt -o filenames 2>/dev/null
                    COMPREPLY=($(compgen "$@" -- "$cur"))
                }

                # bash breaks words at a colon (COMP_WORDBREAKS): many:1 comes as many, : and 1. Into words and CURRENT
                # (zsh's names, which _pm_arg reads), the words as typed: those the line shows with no space between
                # them, beside a colon, put back together (by hand, as the bash-completion package may not be there).
                _pm_words() {
                    words=() CURRENT=0
                    local i w rest=${COMP_LINE-} trimmed
                    for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
                        w=${COMP_WORDS[i]}
                        trimmed=${rest#"${rest%%[![:space:]]*}"}
                        if ((i > 2)) && [[ ${#trimmed} == "${#rest}" && ($w == :* || ${words[-1]} == *:) ]]; then
                            words[-1]+=$w
                        else
                            words+=("$w")
                        fi
                        rest=${trimmed#"$w"}
                        ((i == COMP_CWORD)) && CURRENT=$((${#words[@]} - 1))
                    done
                }

                """);
        s.append(Completion.ARG_FUNCTION).append("""
                _pm() {
                    local words CURRENT _pm_at
                    _pm_words
                    _pm_offer
                    # bash replaces only what follows the word's last colon: the offers are cut to match.
                    local typed=${words[CURRENT]} i
                    if [[ $typed == *:* && $COMP_WORDBREAKS == *:* ]]; then
                        typed=${typed%"${typed##*:}"}
                        for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$typed"}; done
                    fi
                }

                _pm_offer() {
                    local cur=${words[CURRENT]} prev= cmd= i at
                    ((CURRENT > 0)) && prev=${words[CURRENT-1]}
                    COMPREPLY=()
                    for ((i = 1; i < CURRENT; i++)); do
                        case ${words[i]} in
                            -*) ;;
                            *) cmd=${words[i]}; break ;;
                        esac
                    done
                    if [[ -z $cmd ]]; then
                """);
        s.append("        COMPREPLY=($(compgen -W \"").append(String.join(" ", top)).append("\" -- \"$cur\"))\n");
        s.append("""
                        return
                    fi
                    at=$i
                    # After --, the app's own arguments: files.
                    for ((i++; i < CURRENT; i++)); do
                        [[ ${words[i]} == -- ]] && { _pm_files -f; return; }
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
        s.append(Completion.byPosition(v, BashCompletion::offer)).append("            ;;\n");
    }

    /** The lines that offer what an argument completes to (nothing for one pm cannot guess, such as a number). */
    private static String offer(Arg arg, String indent) {
        var s = new StringBuilder();
        String words = String.join(" ", arg.words());
        if (arg.names()) {
            s.append(indent).append("COMPREPLY=($(compgen -W \"$(_pm_names)").append(words.isEmpty() ? "" : " " + words).append("\" -- \"$cur\"))\n");
            if (arg.files()) s.append(indent).append("[[ $cur == */* || ${#COMPREPLY[@]} -eq 0 ]] && _pm_files -f\n");
        } else if (arg.files()) {
            s.append(indent).append("_pm_files -f\n");
        } else if (!words.isEmpty()) {
            s.append(indent).append("COMPREPLY=($(compgen -W \"").append(words).append("\" -- \"$cur\"))\n");
        } else {
            s.append(indent).append(":\n");
        }
        return s.toString();
    }
}

package pm.daemon.engine;

/** What the machine asks the engine to do to the outside world. */
public sealed interface Effect {
    /** Spawn the process from its spec, then report {@link Event.Spawned} or {@link Event.SpawnFailed}. */
    record Spawn() implements Effect {}

    /** Send this signal to the whole process group. */
    record Signal(long pgid, int signal) implements Effect {}
}

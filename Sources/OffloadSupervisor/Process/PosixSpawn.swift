import CSystemShims
import Glibc

/// Starts the process described by `request` with `posix_spawn`. Call it only on the ``SpawnerThread``.
///
/// What the child gets, and why:
/// - **An empty signal mask and every signal at its default action** (`POSIX_SPAWN_SETSIGMASK |
///   POSIX_SPAWN_SETSIGDEF`). Threads of an async Swift program block SIGTERM, SIGHUP, SIGCHLD and
///   more, and a child inherits the mask of the thread that spawned it: a worker started without the
///   reset ignored both `kill <pid>` and its parent-death signal (platform notes §3, pitfall C).
///   The default set also holds glibc's internal signals 32 and 33: `sigfillset` omits them, and
///   posix_spawn would then leave them ignored in the child.
/// - **stdin from `/dev/null`**, stdout and stderr as ``SpawnRequest/OutputMode`` says.
/// - **Its own process group** when ``SpawnRequest/leadsProcessGroup`` is set, so that what it starts
///   can be killed with it.
/// - **Exactly the descriptors asked for**: 0, 1, 2 and the ``SpawnRequest/extraDescriptors``. Every other
///   descriptor is closed (`closefrom`), so a descriptor some library opened without `O_CLOEXEC` cannot
///   leak either. A leaked lifeline write end would keep another worker from ever seeing end-of-file.
/// - No fork of this (multithreaded) process image: glibc's `posix_spawn` uses `clone(CLONE_VFORK)` and
///   reports exec failures (ENOENT, EACCES, ENOEXEC) as its return value.
func posixSpawn(_ request: SpawnRequest) throws(ChildProcessError) -> LaunchedChild {
    var opened = DescriptorSet()
    defer { opened.closeAll() }

    var standardOutputPipe: FileDescriptorPipe?
    var standardErrorPipe: FileDescriptorPipe?
    if request.output == .pipe {
        let out = try FileDescriptorPipe(purpose: "the stdout pipe for \(request.executable)")
        opened.insert(out.readEnd); opened.insert(out.writeEnd)
        let err = try FileDescriptorPipe(purpose: "the stderr pipe for \(request.executable)")
        opened.insert(err.readEnd); opened.insert(err.writeEnd)
        standardOutputPipe = out
        standardErrorPipe = err
    }

    // child descriptor → parent descriptor, for every dup2 the child needs.
    var mappings = request.extraDescriptors
    if let standardOutputPipe, let standardErrorPipe {
        mappings[1] = standardOutputPipe.writeEnd
        mappings[2] = standardErrorPipe.writeEnd
    }
    if case .descriptors(let standardOutput, let standardError) = request.output {
        mappings[1] = standardOutput
        mappings[2] = standardError
    }
    // A source numbered like some target would be overwritten by an earlier dup2 (think 3 → 4 and
    // 4 → 3). Lifting every such source above all targets makes the order of the dup2s irrelevant.
    let highestTarget = max(2, mappings.keys.max() ?? 2)
    let targets = Set(mappings.keys).union([0, 1, 2])
    for (target, source) in mappings where targets.contains(source) {
        let lifted = fcntl(source, F_DUPFD_CLOEXEC, highestTarget + 1)
        guard lifted >= 0 else { throw .descriptorsExhausted("a copy of descriptor \(source)", systemError: errno) }
        opened.insert(lifted)
        mappings[target] = lifted
    }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // The file-action calls only record the actions (they fail only with ENOMEM or EBADF);
    // keep the first error.
    var failure: Int32 = 0
    func record(_ result: Int32) { if failure == 0 { failure = result } }
    record(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0))
    if request.output == .discard {
        record(posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0))
        record(posix_spawn_file_actions_adddup2(&actions, 1, 2))
    }
    for (target, source) in mappings.sorted(by: { $0.key < $1.key }) {
        record(posix_spawn_file_actions_adddup2(&actions, source, target))
    }
    if let directory = request.workingDirectory {
        record(offload_spawn_file_actions_addchdir(&actions, directory))
    }
    // Without closefrom (glibc < 2.34) close-on-exec still protects our own descriptors.
    let closeFrom = offload_spawn_file_actions_addclosefrom(&actions, highestTarget + 1)
    if closeFrom != ENOSYS { record(closeFrom) }
    guard failure == 0 else { throw .spawnFailed(request.executable, systemError: failure) }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var emptyMask = sigset_t()
    sigemptyset(&emptyMask)
    var allSignals = sigset_t()
    offload_sigset_fill_every_signal(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &emptyMask)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    if request.leadsProcessGroup {
        // Group id 0: the child's own pid, so the group can be signalled, and killed, as a whole.
        posix_spawnattr_setpgroup(&attributes, 0)
        flags |= POSIX_SPAWN_SETPGROUP
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))

    let argv = CStringArray([request.executable] + request.arguments)
    let envp = CStringArray(request.environment.map { "\($0.key)=\($0.value)" })
    defer { argv.free(); envp.free() }

    var pid: pid_t = 0
    let result = posix_spawn(&pid, request.executable, &actions, &attributes, argv.pointers, envp.pointers)
    guard result == 0 else {
        if result == ENOENT, request.workingDirectory == nil, access(request.executable, F_OK) != 0 {
            throw .executableNotFound(request.executable)
        }
        throw .spawnFailed(request.executable, systemError: result)
    }

    // The child has exec'd; nobody else reaps it, so its pid cannot be reused before pidfd_open.
    let pidfd = offload_pidfd_open(pid)
    guard pidfd >= 0 else {
        let error = errno
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        throw .exitWatchUnavailable(pid: pid, request.executable, systemError: error)
    }
    // Keep the parent's read ends; everything else we opened closes at `defer`.
    if let standardOutputPipe { opened.remove(standardOutputPipe.readEnd) }
    if let standardErrorPipe { opened.remove(standardErrorPipe.readEnd) }
    return LaunchedChild(pid: pid, pidfd: pidfd, standardOutput: standardOutputPipe?.readEnd, standardError: standardErrorPipe?.readEnd)
}

/// Descriptors to close when a spawn attempt ends, whichever way it ends.
private struct DescriptorSet {
    private var descriptors: Set<Int32> = []
    mutating func insert(_ descriptor: Int32) { descriptors.insert(descriptor) }
    mutating func remove(_ descriptor: Int32) { descriptors.remove(descriptor) }
    func closeAll() { for descriptor in descriptors { close(descriptor) } }
}

/// A NULL-terminated `char *[]` for argv and envp, owned until ``free()``.
private struct CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]
    init(_ strings: [String]) { pointers = strings.map { strdup($0) } + [nil] }
    func free() { for pointer in pointers { Glibc.free(pointer) } }
}

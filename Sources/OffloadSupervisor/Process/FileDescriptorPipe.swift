import CSystemShims
import Glibc

/// A pipe whose two ends are close-on-exec in this process.
///
/// Close-on-exec matters for every pipe a supervisor holds: the lifeline write end kept for worker A
/// must not end up in worker B, or A never sees end-of-file when the supervisor dies, because B
/// still holds a writer. To hand an end to one child, list it in ``SpawnRequest/extraDescriptors``;
/// the spawn duplicates it to the wanted number without close-on-exec, in that child only.
///
/// A plain value: nothing closes the ends automatically. Close each end you no longer need with
/// `close(_:)`, in particular the end you gave the child, right after the spawn.
public struct FileDescriptorPipe: Sendable {
    /// Read from this end.
    public let readEnd: Int32
    /// Write to this end.
    public let writeEnd: Int32

    /// Creates the pipe with `pipe2(O_CLOEXEC)`, atomic with respect to spawns on other threads.
    ///
    /// - Throws: ``ChildProcessError`` with code `.descriptorsExhausted` when the process is out of descriptors.
    public init() throws(ChildProcessError) {
        try self.init(purpose: "a pipe")
    }

    init(purpose: String) throws(ChildProcessError) {
        var ends: [Int32] = [-1, -1]
        guard offload_pipe_cloexec(&ends) == 0 else {
            throw .descriptorsExhausted(purpose, systemError: errno)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }
}

import Glibc

/// Why a child process could not be started or watched, with what a user needs to fix it.
///
/// Compare codes, not messages: `catch let error as ChildProcessError where error.code == .executableNotFound`.
public struct ChildProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new codes may be added, so switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String {
            case executableNotFound, notExecutable, workingDirectoryNotFound, invalidRequest
            case descriptorsExhausted, spawnFailed, exitWatchUnavailable
        }
        fileprivate let value: Value
        public var description: String { value.rawValue }

        /// Nothing exists at the executable path.
        public static let executableNotFound = Code(value: .executableNotFound)
        /// Something exists there but cannot be executed: a directory, no `x` bit, or not a program.
        public static let notExecutable = Code(value: .notExecutable)
        /// The requested working directory does not exist or is not a directory.
        public static let workingDirectoryNotFound = Code(value: .workingDirectoryNotFound)
        /// The request itself is malformed (relative path, NUL byte, clashing descriptor numbers…).
        public static let invalidRequest = Code(value: .invalidRequest)
        /// A pipe or pidfd could not be created: the process is out of file descriptors.
        public static let descriptorsExhausted = Code(value: .descriptorsExhausted)
        /// `posix_spawn` itself failed; `systemError` holds the errno.
        public static let spawnFailed = Code(value: .spawnFailed)
        /// The child started but `pidfd_open` failed, so it could not be watched; it was killed and reaped.
        public static let exitWatchUnavailable = Code(value: .exitWatchUnavailable)
    }

    public let code: Code
    /// A sentence saying what went wrong and what to do about it.
    public let message: String
    /// The executable or directory concerned, when there is one.
    public let path: String?
    /// The `errno` behind the failure, when there is one.
    public let systemError: Int32?

    public init(_ code: Code, _ message: String, path: String? = nil, systemError: Int32? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.systemError = systemError
    }

    public var description: String { message }
}

extension ChildProcessError {
    static func executableNotFound(_ path: String) -> Self {
        ChildProcessError(.executableNotFound, "Executable not found at \(path): the file does not exist. Check the configured path, or build the program first (for a worker: `swift build --product <worker>`).", path: path, systemError: ENOENT)
    }

    static func notExecutable(_ path: String, _ reason: String, systemError: Int32? = nil) -> Self {
        ChildProcessError(.notExecutable, "Cannot run \(path): \(reason).", path: path, systemError: systemError)
    }

    static func workingDirectoryNotFound(_ path: String) -> Self {
        ChildProcessError(.workingDirectoryNotFound, "Working directory \(path) does not exist or is not a directory. Create it or change the request's workingDirectory.", path: path, systemError: ENOENT)
    }

    static func invalidRequest(_ executable: String, _ detail: String) -> Self {
        ChildProcessError(.invalidRequest, "Invalid request to start \(executable): \(detail).", path: executable)
    }

    static func descriptorsExhausted(_ what: String, systemError: Int32) -> Self {
        ChildProcessError(.descriptorsExhausted, "Cannot create \(what): \(errorText(systemError)). The process is probably out of file descriptors: raise the limit (`ulimit -n`, or LimitNOFILE= in the systemd unit) or look for a descriptor leak.", systemError: systemError)
    }

    static func spawnFailed(_ path: String, systemError: Int32) -> Self {
        let hint = switch systemError {
        case ENOEXEC: " The file is not a program for this machine (wrong architecture, or a script without a #! line)."
        case ENOENT: " The file, or the interpreter named on its #! line, does not exist."
        case EACCES: " Permission denied: check the file's mode and the mount options (noexec)."
        case E2BIG: " The arguments and environment are too large."
        case EAGAIN, ENOMEM: " The system is out of processes or memory; check ulimit -u and memory use."
        default: ""
        }
        return ChildProcessError(.spawnFailed, "Starting \(path) failed: \(errorText(systemError)) (errno \(systemError)).\(hint)", path: path, systemError: systemError)
    }

    static func exitWatchUnavailable(pid: pid_t, _ path: String, systemError: Int32) -> Self {
        let hint = systemError == ENOSYS
            ? " This kernel has no pidfd_open; Linux 5.3 or later is required."
            : " Raise the open-file limit (`ulimit -n`, LimitNOFILE=) if this is EMFILE."
        return ChildProcessError(.exitWatchUnavailable, "Started \(path) as pid \(pid) but could not watch it for exit: pidfd_open failed with \(errorText(systemError)); the child was killed.\(hint)", path: path, systemError: systemError)
    }
}

/// `strerror` text for an errno value, e.g. "No such file or directory".
func errorText(_ systemError: Int32) -> String {
    String(cString: strerror(systemError))
}

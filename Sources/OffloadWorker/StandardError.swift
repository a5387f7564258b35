import Glibc

/// Writes to standard error without ever trapping.
///
/// `FileHandle.standardError.write` traps when the write fails, so a worker whose stderr is a closed
/// pipe (its reader gone with the supervisor) crashed with SIGILL on its last message instead of
/// exiting with the status that says why. A message nobody can read is simply lost.
enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}

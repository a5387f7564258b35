import Foundation

extension ConfigurationFile {
    /// Reads a whole file with plain POSIX calls.
    ///
    /// Foundation's `Data(contentsOf:)` would do, but its error wraps the `errno` in a sentence about "the file “…”",
    /// and the configuration error wants the bare reason ("No such file or directory", "Permission denied").
    static func readBytes(atPath path: String) throws(POSIXError) -> [UInt8] {
        try readBytesAndOwnership(atPath: path).bytes
    }

    /// Reads a whole file, with the owner and mode of the file actually read (`fstat` on the open descriptor,
    /// so a file swapped after a check cannot slip through).
    static func readBytesAndOwnership(atPath path: String) throws(POSIXError) -> (bytes: [UInt8], owner: uid_t, mode: mode_t) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw currentPOSIXError() }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw currentPOSIXError() }
        return (try readAll(fd), info.st_uid, info.st_mode)
    }

    private static func readAll(_ fd: Int32) throws(POSIXError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw currentPOSIXError()
            }
            bytes += chunk[0..<count]
        }
    }
}

private func currentPOSIXError() -> POSIXError {
    POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
}

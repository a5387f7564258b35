import Foundation

extension ConfigurationFile {
    /// Reads a whole file with plain POSIX calls.
    ///
    /// Foundation's `Data(contentsOf:)` would do, but its error wraps the `errno` in a sentence about "the file “…”",
    /// and the configuration error wants the bare reason ("No such file or directory", "Permission denied").
    static func readBytes(atPath path: String) throws(POSIXError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw currentPOSIXError() }
        defer { close(fd) }
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

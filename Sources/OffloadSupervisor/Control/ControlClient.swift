import Foundation

/// Talks to a running supervisor's control socket (`supervisor ctl status`, `supervisor ctl scale email=6`).
public enum ControlClient {
    public static func send(_ request: ControlRequest, to path: String) throws -> ControlResponse {
        let fd = try connect(to: path)
        defer { close(fd) }
        writeLine(request, to: fd)
        guard let line = readLine(from: fd) else {
            throw ControlSocketError("The supervisor at \(path) closed the connection without answering.")
        }
        do {
            return try JSONDecoder().decode(ControlResponse.self, from: Data(line.utf8))
        } catch {
            throw ControlSocketError("The supervisor at \(path) sent an answer that is not understood: \(line.prefix(200))")
        }
    }

    /// Whether a supervisor answers on `path` (used to refuse starting a second one on the same socket).
    static func isAnswering(path: String) -> Bool {
        guard let fd = try? connect(to: path) else { return false }
        close(fd)
        return true
    }

    private static func connect(to path: String) throws -> Int32 {
        var (address, length) = try UnixSocketAddress.make(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlSocketError("Cannot create a socket: \(String(cString: strerror(errno))).") }
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) } }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ControlSocketError("No supervisor answers on \(path) (\(message)). Is it running, and is this its control-socket?")
        }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func writeLine<Value: Encodable>(_ value: Value, to fd: Int32) {
        guard var data = try? JSONEncoder().encode(value) else { return }
        data.append(UInt8(ascii: "\n"))
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static func readLine(from fd: Int32, limit: Int = 1 << 20) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < limit {
            let count = read(fd, &byte, 1)
            if count <= 0 { break }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}

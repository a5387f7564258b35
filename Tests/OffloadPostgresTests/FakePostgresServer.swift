import Foundation
import Synchronization

/// A TCP listener on 127.0.0.1 that plays a hostile PostgreSQL server: it declines TLS, answers every
/// startup message with AuthenticationCleartextPassword, and keeps every byte clients send it, so a test
/// can check that no password reached it.
final class FakePostgresServer: Sendable {
    let port: Int
    private let listener: Int32
    private let received = Mutex<[UInt8]>([])
    private let connections = Atomic<Int>(0)

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(listener, socketAddress, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        // A thread, not a task: accept and read block, and the server must answer while the test awaits.
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Every byte any client sent.
    var bytesReceived: [UInt8] { received.withLock { $0 } }
    var connectionCount: Int { connections.load(ordering: .relaxed) }

    func contains(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        let haystack = bytesReceived
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            connections.add(1, ordering: .relaxed)
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var startupAnswered = false
        while true {
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { return }
            received.withLock { $0 += buffer[0..<count] }
            pending += buffer[0..<count]
            // Untyped messages (SSLRequest, StartupMessage): a 4-byte length, then a 4-byte code.
            while !startupAnswered, pending.count >= 8 {
                let length = Int(pending[0]) << 24 | Int(pending[1]) << 16 | Int(pending[2]) << 8 | Int(pending[3])
                guard length >= 8, pending.count >= length else { break }
                let code = Int(pending[4]) << 24 | Int(pending[5]) << 16 | Int(pending[6]) << 8 | Int(pending[7])
                pending.removeFirst(length)
                if code == 80_877_103 {
                    _ = write(client, [UInt8(ascii: "N")], 1)   // no TLS here
                } else {
                    // AuthenticationCleartextPassword: 'R', length 8, code 3.
                    _ = write(client, [UInt8(ascii: "R"), 0, 0, 0, 8, 0, 0, 0, 3], 9)
                    startupAnswered = true
                }
            }
        }
    }
}

import Foundation
import OffloadSupervisor
import OffloadTesting

/// A process of another user that binds a control-socket path and answers every request with a forged
/// "all good" carrying terminal escapes: what `ctl` meets when someone else bound the path first.
///
/// It is a few lines of Python run through `setpriv`, because the kernel records the uid of the process
/// that listens, and only another process can have another uid.
public final class ForgedControlServer: Sendable {
    /// The forged answer's message: a title change, the text, a screen clear.
    public static let forgedMessage = "\u{1B}]0;pwned\u{07}all good\u{1B}[2J"
    public let path: String
    private let process: ChildProcess

    /// Starts the listener as `user` and returns once the socket exists.
    public static func start(path: String, as user: UInt32 = nobodyUID) async throws -> ForgedControlServer {
        let answer = #"{"ok":true,"message":"\u001b]0;pwned\u0007all good\u001b[2J"}"# + "\n"
        let script = """
            import os, socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.bind(sys.argv[1])
            os.chmod(sys.argv[1], 0o666)
            s.listen(8)
            while True:
                c, _ = s.accept()
                try:
                    c.recv(4096)
                    c.sendall(sys.argv[2].encode())
                except OSError:
                    pass
                c.close()
            """
        let process = try await ChildProcess.spawn(SpawnRequest(
            executable: "/usr/bin/setpriv",
            arguments: ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", "/usr/bin/python3", "-c", script, path, answer],
            output: .inherit))
        let server = ForgedControlServer(path: path, process: process)
        try await waitUntil("the forged server to bind \(path)") { FileManager.default.fileExists(atPath: path) || process.hasExited }
        guard !process.hasExited else { throw ControlSocketError("the forged server did not start: \(String(describing: process.exitStatus))") }
        return server
    }

    private init(path: String, process: ChildProcess) {
        self.path = path
        self.process = process
    }

    deinit {
        _ = process.send(SIGKILL)
        unlink(path)
    }
}

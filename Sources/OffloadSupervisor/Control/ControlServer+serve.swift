import Foundation
import Offload
import Synchronization

extension ControlServer {
    /// Reads one request before its deadline, has the loop answer it, and sends the answer back.
    ///
    /// Runs on the connection's own thread, so blocking here holds up nobody else.
    func serve(_ connection: Int32) {
        defer { connections.close(connection) }
        let response: ControlResponse
        switch ControlLine.read(from: connection, before: .now + Self.requestDeadline, limit: Self.requestLimit) {
        case .closed, .timedOut:
            return
        case .tooLong:
            response = ControlResponse(ok: false, message: "malformed request: longer than \(Self.requestLimit) bytes")
        case .line(let line):
            connections.markAnswering(connection)
            if let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(line.utf8)) {
                response = answer(request)
            } else {
                response = ControlResponse(ok: false, message: "malformed request: \(TerminalSafe.escape(line.prefix(200)))")
            }
        }
        // A client that left before the answer costs this write, nothing more: MSG_NOSIGNAL, no SIGPIPE.
        ControlLine.write(response, to: connection, before: .now + Self.sendDeadline)
    }

    /// The loop's answer to `request`, or an error if it does not come within ``answerDeadline``.
    private func answer(_ request: ControlRequest) -> ControlResponse {
        let answer = Mutex<ControlResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        let handler = self.handler
        // The loop answers asynchronously; this connection's thread waits for it.
        Task {
            let result = await handler(request)
            answer.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + .seconds(Int(Self.answerDeadline.components.seconds))) == .success else {
            return ControlResponse(ok: false, message: "the supervisor did not answer within \(Self.answerDeadline.formatted)")
        }
        return answer.withLock { $0 } ?? ControlResponse(ok: false, message: "no answer")
    }
}

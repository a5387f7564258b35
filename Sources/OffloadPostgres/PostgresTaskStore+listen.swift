import Foundation
import Logging
import Offload
import PostgresNIO

/// The connection that LISTENs on the store's channel and rings ``WakeUpHub`` for each NOTIFY.
extension PostgresTaskStore {
    struct ListenerLost: Error, CustomStringConvertible {
        let description: String
    }

    /// Listens until cancelled, reconnecting with a growing delay (0.1 s doubling to 5 s) when the connection drops.
    func listenForNotifications() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await listenOnce { failures = 0 }
            } catch {
                if Task.isCancelled { break }
                failures += 1
                // Workers still poll at their poll interval meanwhile, so this is a warning, not an error.
                logger.warning("lost the connection listening for task notifications; reconnecting", metadata: [
                    "channel": "\(names.channel)", "error": "\(errors.translate(error))", "failures": "\(failures)",
                ])
            }
            wakeUpHub.setListening(false)
            let delay = min(0.1 * pow(2, Double(min(failures, 10))), 5)
            try? await Task.sleep(for: .seconds(delay))
        }
        wakeUpHub.setListening(false)
    }

    /// One connection's life: connect, LISTEN, forward notifications, and check the connection every
    /// ``PostgresStoreConfiguration/listenerKeepAlive`` (a host that vanished sends no RST: without the
    /// check the listener would wait forever on a dead socket).
    private func listenOnce(onListening: () -> Void) async throws {
        let connection = try await openConnection()
        let keepAlive = configuration.listenerKeepAlive
        let logger = self.logger
        let hub = wakeUpHub
        do {
            try await connection.listen(on: names.channel) { notifications in
                hub.setListening(true)
                onListening()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await _ in notifications { hub.ring() }
                        throw ListenerLost(description: "the notification stream ended")
                    }
                    group.addTask {
                        while true {
                            try await Task.sleep(for: keepAlive)
                            try await Self.ping(connection, within: keepAlive, logger: logger)
                        }
                    }
                    // Either child ends only by throwing (or by cancellation): take the first and stop the other.
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    /// `SELECT 1` with a deadline; on timeout the connection is closed, which fails the query.
    private static func ping(_ connection: PostgresConnection, within limit: Duration, logger: Logger) async throws {
        let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await connection.perform("SELECT 1", logger: logger)
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                // The pending query cannot be cancelled, only failed: closing the connection does that.
                let _: EventLoopFuture<Void> = connection.close()
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        if !answered {
            throw ListenerLost(description: "the server did not answer a keep-alive query within \(limit)")
        }
    }
}

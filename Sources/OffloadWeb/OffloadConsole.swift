import Foundation
import Hummingbird
import Logging
import Offload
import OffloadMetrics

/// The web console and its JSON API over a task store, as routes an app mounts (docs/console.md).
///
/// ```swift
/// let console = OffloadConsole(store: store, configuration: ConsoleConfiguration(basePath: "/admin"))
/// let admin = router.group("admin").add(middleware: MyAuthMiddleware())
/// console.addRoutes(to: admin)
/// ```
/// The console adds its security headers, CSRF check and Origin check itself; authentication is the app's.
public struct OffloadConsole: Sendable {
    public let store: any TaskStore
    public let configuration: ConsoleConfiguration
    /// A worker whose last heartbeat is older than this is shown as stale.
    public var staleAfter: Duration = .seconds(30)

    public init(store: any TaskStore, configuration: ConsoleConfiguration = ConsoleConfiguration()) {
        self.store = store
        self.configuration = configuration
    }

    /// Every route of the console, relative to the group's path: pages, assets, `/api/v1/…`.
    public func addRoutes<Context: RequestContext>(to parent: RouterGroup<Context>) {
        let group = parent.group().add(middleware: SecurityHeadersMiddleware<Context>())
        let pages = ConsolePages(console: self)
        group.get { request, _ in try await pages.overview(request) }
        group.get("tasks") { request, _ in try await pages.tasks(request) }
        group.get("tasks/:id") { _, context in try await pages.task(context.parameters.get("id") ?? "") }
        group.get("workers") { _, _ in try await pages.workers() }
        group.get("schedules") { _, _ in try await pages.schedules() }
        group.get("assets/console.css") { _, _ in ConsoleAssets.response(ConsoleAssets.css, type: "text/css; charset=utf-8") }
        group.get("assets/console.js") { _, _ in ConsoleAssets.response(ConsoleAssets.js, type: "text/javascript; charset=utf-8") }

        // Prometheus scrapes the same counters `offload metrics` prints (docs/metrics.md), behind the same auth.
        let metrics = OffloadMetricsExporter(store: store)
        group.get("metrics") { _, _ in
            do {
                return ConsoleAssets.response(try await metrics.exposition(), type: OffloadMetricsExporter.contentType)
            } catch {
                configuration.logger.error("metrics scrape failed: the task database could not be read", metadata: ["error": "\(error)"])
                var response = ConsoleAssets.response("# the task database could not be read; see the console's log\n", type: "text/plain; charset=utf-8")
                response.status = .serviceUnavailable
                return response
            }
        }

        let api = ConsoleAPI(console: self)
        group.get("api/v1/openapi.json") { _, _ in ConsoleAssets.response(ConsoleOpenAPI.document, type: "application/json; charset=utf-8") }
        group.get("api/v1/tasks") { request, _ in await api.answer { try await api.tasks(request) } }
        group.get("api/v1/tasks/:id") { _, context in await api.answer { try await api.task(context.parameters.get("id") ?? "") } }
        group.get("api/v1/queues") { _, _ in await api.answer { try await api.queues() } }
        group.get("api/v1/workers") { _, _ in await api.answer { try await api.workers() } }
        group.get("api/v1/schedules") { _, _ in await api.answer { try await api.schedules() } }
        for change in QueueChange.allCases {
            group.post("api/v1/queues/:name/\(change.rawValue)") { request, context in
                await api.answer { try await api.change(change, request: request, queue: context.parameters.get("name") ?? "") }
            }
        }
        for action in ConsoleAction.allCases {
            group.post("api/v1/tasks/:id/\(action.rawValue)") { request, context in
                await api.answer { try await api.act(action, request: request, id: context.parameters.get("id") ?? "") }
            }
            group.post("api/v1/tasks/bulk/\(action.rawValue)") { request, _ in
                await api.answer { try await api.bulk(action, request: request) }
            }
        }
    }

    /// A path inside the console, with the base path in front.
    func path(_ relative: String) -> String { configuration.basePath + relative }
}

/// What a person can do to a queue from the console.
enum QueueChange: String, CaseIterable, Sendable {
    /// No worker on any host starts its tasks until it is resumed; enqueueing still works.
    case pause
    case resume
}

/// What a person can do to tasks from the console.
enum ConsoleAction: String, CaseIterable, Sendable {
    /// A FAILED task back to PENDING with a fresh set of attempts.
    case retry
    /// A finished task's row deleted.
    case delete
    /// A delayed PENDING task made ready now.
    case run
    /// A PENDING task CANCELLED at once; a RUNNING one asked to stop, through its worker (docs/tasks.md).
    case cancel
}

extension Request {
    /// The query's parameters, `+` read as a space as HTML forms send it; the last of a repeated name wins.
    var consoleParameters: [String: String] {
        guard let query = uri.query else { return [:] }
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(parts[0])
            guard !key.isEmpty else { continue }
            parameters[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return parameters
    }
}

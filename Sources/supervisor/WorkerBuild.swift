import Foundation
import Logging
import OffloadSupervisor

/// Builds the worker product before the first workers start, showing the compiler's errors if that fails.
enum WorkerBuild {
    /// - Parameter always: build even when the product exists (development mode: the binary may be older
    ///   than the sources; an up-to-date build costs about a second).
    static func ensureBuilt(product: String, packagePath: String, always: Bool, logger: Logger) async throws {
        let builder = try PackageBuilder(packagePath: packagePath, product: product)
        guard always || !FileManager.default.fileExists(atPath: builder.productPath) else { return }
        logger.notice("building the worker: swift \(builder.arguments.joined(separator: " ")) in \(packagePath)")
        let result = try await builder.build(onLockWait: {
            logger.notice("waiting for the build lock: another swift command is using \(packagePath)/.build")
        })
        guard result.succeeded else {
            let diagnostics = result.diagnostics.prefix(20).joined(separator: "\n")
            throw SupervisorError("Building the worker product \(product) failed (\(result.status)):\n\(diagnostics.isEmpty ? result.output.suffix(20).map(\.text).joined(separator: "\n") : diagnostics)")
        }
        logger.notice("worker built in \(result.duration.formatted)")
    }
}

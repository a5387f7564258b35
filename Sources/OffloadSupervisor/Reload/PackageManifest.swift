import Foundation

/// The parts of a Swift package's manifest that development mode needs, read from
/// `swift package dump-package` (which evaluates `Package.swift` without resolving dependencies):
/// which executables there are, what each target depends on, where its sources are, and which
/// dependencies are local path packages.
public struct PackageManifest: Sendable, Equatable {
    public struct Product: Sendable, Equatable {
        public var name: String
        public var targets: [String]
        public var isExecutable: Bool
    }

    /// One entry of a target's `dependencies:`.
    public enum Reference: Sendable, Equatable {
        /// `"Name"`: a target of this package or a product of a dependency.
        case byName(String)
        /// `.target(name:)`.
        case target(String)
        /// `.product(name:package:)`; `package` is the dependency's identity (`nil`: same name as the product).
        case product(String, package: String?)
    }

    public struct Target: Sendable, Equatable {
        public var name: String
        /// `regular`, `executable`, `test`, `system`, `macro`, `plugin`, `binary`.
        public var type: String
        /// The custom `path:`, relative to the package, or `nil` for the conventional one.
        public var path: String?
        public var dependencies: [Reference]
    }

    /// The manifest's `name:`.
    public var name: String
    /// The directory holding `Package.swift`.
    public var packagePath: String
    public var products: [Product]
    public var targets: [Target]
    /// Local path dependencies (`.package(path:)`): identity → absolute path. Remote ones are left out.
    public var localDependencies: [String: String]

    /// The executables `swift build --product` accepts: the declared executable products, and the
    /// executable targets no declared product contains (SwiftPM gives those a product of their own name).
    public var executableProducts: [Product] {
        let declared = products.filter(\.isExecutable)
        let covered = Set(declared.flatMap(\.targets))
        let implicit = targets.filter { $0.type == "executable" && !covered.contains($0.name) }
            .map { Product(name: $0.name, targets: [$0.name], isExecutable: true) }
        return declared + implicit
    }

    public func target(named name: String) -> Target? {
        targets.first { $0.name == name }
    }

    /// Where a target's sources are: its `path:`, or the first of SwiftPM's conventional folders that exists.
    public func sourcePath(of target: Target) -> String {
        if let path = target.path {
            return path.hasPrefix("/") ? path : packagePath + "/" + path
        }
        let folders = target.type == "test" ? ["Tests", "Sources", "Source", "src", "srcs"] : ["Sources", "Source", "src", "srcs"]
        for folder in folders {
            let candidate = packagePath + "/" + folder + "/" + target.name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue { return candidate }
        }
        return packagePath + "/Sources/" + target.name
    }
}

extension PackageManifest {
    /// Reads the manifest of the package at `packagePath` with `swift package dump-package` (an argument
    /// array, no shell), without taking the package's build lock.
    ///
    /// - Throws: ``SupervisorError`` when `swift` cannot run, the manifest does not evaluate, or its JSON
    ///   is not what this code knows.
    public static func load(packagePath: String, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> PackageManifest {
        guard let swift = PackageBuilder.findExecutable("swift", path: environment["PATH"] ?? "/usr/bin:/bin") else {
            throw SupervisorError("Cannot read \(packagePath)/Package.swift: no `swift` executable on the PATH (\(environment["PATH"] ?? "unset")).")
        }
        // A scratch directory of its own: the package's `.build` lock may be held for minutes by a build
        // (or by the `swift test` running us), and reading the manifest needs none of `.build`.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("offload-manifest-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let request = SpawnRequest(
            executable: swift, arguments: ["package", "--package-path", packagePath, "--scratch-path", scratch, "dump-package"],
            workingDirectory: packagePath)
        let (status, output) = try await runToCompletion(request)
        let json = output.filter { $0.stream == .standardOutput }.map(\.text).joined(separator: "\n")
        guard status.isSuccess else {
            let errors = output.filter { $0.stream == .standardError }.suffix(10).map(\.text).joined(separator: "\n")
            throw SupervisorError("`swift package dump-package` failed in \(packagePath) (\(status)):\n\(errors)")
        }
        return try PackageManifest(json: Data(json.utf8), packagePath: packagePath)
    }

    /// Decodes `dump-package` output.
    init(json: Data, packagePath: String) throws {
        guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw SupervisorError("`swift package dump-package` in \(packagePath) printed no JSON object.")
        }
        name = root["name"] as? String ?? ""
        self.packagePath = packagePath
        products = (root["products"] as? [[String: Any]] ?? []).compactMap { product in
            guard let name = product["name"] as? String else { return nil }
            let type = product["type"] as? [String: Any] ?? [:]
            return Product(name: name, targets: product["targets"] as? [String] ?? [], isExecutable: type.keys.contains("executable"))
        }
        targets = (root["targets"] as? [[String: Any]] ?? []).compactMap { target in
            guard let name = target["name"] as? String else { return nil }
            let references = (target["dependencies"] as? [[String: Any]] ?? []).compactMap(Self.reference)
            return Target(name: name, type: target["type"] as? String ?? "regular", path: target["path"] as? String, dependencies: references)
        }
        var local: [String: String] = [:]
        for dependency in root["dependencies"] as? [[String: Any]] ?? [] {
            guard let fileSystem = (dependency["fileSystem"] as? [[String: Any]])?.first,
                  let identity = fileSystem["identity"] as? String, let path = fileSystem["path"] as? String else { continue }
            local[identity] = path.hasPrefix("/") ? path : URL(fileURLWithPath: packagePath).appendingPathComponent(path).standardizedFileURL.path
        }
        localDependencies = local
    }

    private static func reference(_ entry: [String: Any]) -> Reference? {
        if let values = entry["byName"] as? [Any], let name = values.first as? String { return .byName(name) }
        if let values = entry["target"] as? [Any], let name = values.first as? String { return .target(name) }
        if let values = entry["product"] as? [Any], let name = values.first as? String {
            return .product(name, package: values.count > 1 ? values[1] as? String : nil)
        }
        return nil
    }
}

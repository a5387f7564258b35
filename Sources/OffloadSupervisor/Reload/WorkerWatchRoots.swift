import Foundation

/// What development mode watches: the sources of the targets the worker product is built from,
/// including the targets of local path packages (`.package(path:)`) it uses, and the manifests that
/// declare them. Not remote packages (they change only with `Package.resolved`), and not the package's
/// other targets: editing the web app must not rebuild and swap the workers.
public enum WorkerWatchRoots {
    /// The directories and `Package.swift` files to watch for `product`, in a stable order: the
    /// package's manifest first, then source folders as the dependency walk meets them. Only paths that exist.
    ///
    /// - Parameter loadManifest: reads another package's manifest (a local path dependency).
    /// - Throws: ``SupervisorError`` when the package has no executable named `product`, or a local
    ///   dependency's manifest cannot be read.
    public static func roots(
        product: String, in manifest: PackageManifest,
        loadManifest: @escaping (String) async throws -> PackageManifest = { try await PackageManifest.load(packagePath: $0) }
    ) async throws -> [String] {
        guard let worker = manifest.executableProducts.first(where: { $0.name == product }) else {
            let names = manifest.executableProducts.map(\.name).joined(separator: ", ")
            throw SupervisorError("\(manifest.packagePath)/Package.swift has no executable product \(product) (it has: \(names.isEmpty ? "none" : names)).")
        }
        var walk = Walk(loadManifest: loadManifest)
        walk.add(manifest.packagePath + "/Package.swift")
        try await walk.visit(worker.targets, in: manifest)
        return walk.roots.filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// One walk over the target graph, across local packages.
    private struct Walk {
        let loadManifest: (String) async throws -> PackageManifest
        var roots: [String] = []
        var visitedTargets = Set<String>()
        var manifests: [String: PackageManifest] = [:]

        init(loadManifest: @escaping (String) async throws -> PackageManifest) {
            self.loadManifest = loadManifest
        }

        mutating func add(_ path: String) {
            if !roots.contains(path) { roots.append(path) }
        }

        mutating func visit(_ targetNames: [String], in manifest: PackageManifest) async throws {
            for name in targetNames {
                guard visitedTargets.insert(manifest.packagePath + "\u{0}" + name).inserted,
                      let target = manifest.target(named: name) else { continue }
                add(manifest.sourcePath(of: target))
                for reference in target.dependencies {
                    switch reference {
                    case .target(let other):
                        try await visit([other], in: manifest)
                    case .byName(let other) where manifest.target(named: other) != nil:
                        try await visit([other], in: manifest)
                    case .byName(let product):
                        // SwiftPM finds a product named alone in any dependency: look in the local ones.
                        for path in manifest.localDependencies.values.sorted() {
                            try await visitProduct(product, ofPackageAt: path)
                        }
                    case .product(let product, let package):
                        let identity = (package ?? product).lowercased()
                        if let path = manifest.localDependencies.first(where: { $0.key.lowercased() == identity })?.value {
                            try await visitProduct(product, ofPackageAt: path)
                        }
                    }
                }
            }
        }

        mutating func visitProduct(_ product: String, ofPackageAt path: String) async throws {
            let manifest: PackageManifest
            if let known = manifests[path] {
                manifest = known
            } else {
                manifest = try await loadManifest(path)
                manifests[path] = manifest
            }
            guard let found = manifest.products.first(where: { $0.name == product }) else { return }
            add(path + "/Package.swift")
            try await visit(found.targets, in: manifest)
        }
    }
}

/// Which product development mode builds and runs when `--worker-product` is not given: the package's
/// own worker, never a product of Offload's.
///
/// A worker is an executable of the package that depends on Offload's `OffloadWorker` product, directly
/// or through the package's own targets. Executables that depend on `OffloadSupervisor` are supervisors,
/// not workers, and are left out. In Offload's own repository the example worker stays the default.
public enum WorkerProductChoice {
    /// The default in Offload's own repository, where the README runs the example.
    public static let offloadExample = "example-worker"

    /// The package's only worker product.
    ///
    /// - Throws: ``ConfigurationError`` (exit 78) when the package has no worker, or several: the message
    ///   lists them and names `--worker-product`.
    public static func defaultProduct(in manifest: PackageManifest) throws(ConfigurationError) -> String {
        if manifest.name == "Offload", manifest.executableProducts.contains(where: { $0.name == offloadExample }) {
            return offloadExample
        }
        let workers = workerProducts(in: manifest).map(\.name)
        switch workers.count {
        case 1:
            return workers[0]
        case 0:
            let executables = manifest.executableProducts.map(\.name)
            let found = executables.isEmpty ? "it has no executable" : "none of its executables (\(executables.joined(separator: ", "))) depends on OffloadWorker"
            throw ConfigurationError(.invalidValue, "No worker product in \(manifest.packagePath)/Package.swift: \(found). Add an executable target that depends on .product(name: \"OffloadWorker\", package: …), or give --worker-product NAME or --worker PATH.")
        default:
            throw ConfigurationError(.invalidValue, "Several worker products in \(manifest.packagePath)/Package.swift: \(workers.joined(separator: ", ")). Choose one with --worker-product NAME (or `worker-product =` in the configuration file).")
        }
    }

    /// The executables whose targets reach the `OffloadWorker` product and not `OffloadSupervisor`.
    public static func workerProducts(in manifest: PackageManifest) -> [PackageManifest.Product] {
        manifest.executableProducts.filter { product in
            let reached = reachedProducts(from: product.targets, in: manifest)
            return reached.contains("OffloadWorker") && !reached.contains("OffloadSupervisor")
        }
    }

    /// The names of the products of other packages that `targets` depend on, directly or through
    /// targets of this package. A name that is not a target here (`"OffloadWorker"`) is a product.
    static func reachedProducts(from targets: [String], in manifest: PackageManifest) -> Set<String> {
        var products = Set<String>()
        var seen = Set<String>()
        var queue = targets
        while let name = queue.popLast() {
            guard seen.insert(name).inserted, let target = manifest.target(named: name) else { continue }
            for reference in target.dependencies {
                switch reference {
                case .target(let other):
                    queue.append(other)
                case .byName(let other):
                    if manifest.target(named: other) != nil { queue.append(other) } else { products.insert(other) }
                case .product(let product, _):
                    products.insert(product)
                }
            }
        }
        return products
    }
}

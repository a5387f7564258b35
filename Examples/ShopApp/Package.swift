// swift-tools-version:6.2
// A small shop: a Hummingbird web app that enqueues tasks, and the worker that runs them, sharing one task library.
// Its own package, so that Offload's build never compiles Hummingbird. In your own package, replace the path with
// `.package(url: "https://github.com/…/offload", from: "…")`.
import PackageDescription

let package = Package(
    name: "ShopApp",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shop-app", targets: ["ShopApp"]),
        .executable(name: "shop-worker", targets: ["ShopWorker"]),
    ],
    dependencies: [
        .package(name: "Offload", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // The tasks, and the shop's own tables: imported by the app (to enqueue) and by the worker (to run).
        .target(
            name: "ShopTasks",
            dependencies: [
                .product(name: "Offload", package: "Offload"),
                .product(name: "OffloadSQLite", package: "Offload"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // The web app: enqueues from its request handlers, never runs a task itself.
        .executableTarget(
            name: "ShopApp",
            dependencies: [
                "ShopTasks",
                .product(name: "Offload", package: "Offload"),
                .product(name: "OffloadSQLite", package: "Offload"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // Offload's console, mounted under /admin behind the shop's own authentication.
                .product(name: "OffloadWeb", package: "Offload"),
            ]),
        // The worker the supervisor runs: the only executable here that depends on OffloadWorker.
        .executableTarget(
            name: "ShopWorker",
            dependencies: [
                "ShopTasks",
                .product(name: "Offload", package: "Offload"),
                .product(name: "OffloadSQLite", package: "Offload"),
                .product(name: "OffloadWorker", package: "Offload"),
            ]),
    ]
)

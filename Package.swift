// swift-tools-version:6.2
import PackageDescription
import CompilerPluginSupport  // `.macro` targets (OffloadMacros, at the end)

/// Settings shared by every target: Swift 6 language mode (strict concurrency) comes with the tools version.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Offload",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Offload", targets: ["Offload"]),
        .library(name: "OffloadSQLite", targets: ["OffloadSQLite"]),
        .library(name: "OffloadPostgres", targets: ["OffloadPostgres"]),
        .library(name: "OffloadWorker", targets: ["OffloadWorker"]),
        .library(name: "OffloadSupervisor", targets: ["OffloadSupervisor"]),
        .executable(name: "supervisor", targets: ["supervisor"]),
        .executable(name: "offload", targets: ["offload"]),
        .executable(name: "example-worker", targets: ["ExampleWorker"]),
        .executable(name: "offload-benchmark", targets: ["OffloadBenchmark"]),
        .executable(name: "offload-benchmark-worker", targets: ["OffloadBenchmarkWorker"]),
        .executable(name: "offload-benchmark-postgres-worker", targets: ["OffloadBenchmarkPostgresWorker"]),
        // The web console (docs/console.md): its own library and executable, so that nothing else links Hummingbird.
        .library(name: "OffloadWeb", targets: ["OffloadWeb"]),
        .executable(name: "offload-web", targets: ["offload-web"]),
    ],
    // PostgreSQL is opt-in: without it, `supervisor`, `offload` and a SQLite worker build without postgres-nio,
    // SwiftNIO and BoringSSL (docs/performance.md, "Clean builds for a SQLite-only package"). Turn it on in
    // the dependency, `.package(url: …, from: …, traits: ["PostgreSQL"])`, or with `swift build --traits PostgreSQL`.
    traits: [
        .trait(name: "PostgreSQL", description: "Lets --database take a postgres:// URL in supervisor, offload and workers that open their store with OffloadStores."),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Metrics and tracing (docs/metrics.md): the APIs, and the Prometheus text format for OffloadMetrics.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
    ],
    targets: [
        // Core API: what a web app imports to define and enqueue tasks.
        .target(
            name: "Offload",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                // The trace context active at enqueue is stored with the task (docs/metrics.md, "Tracing").
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings),

        // SQLite (WAL) store, the default backend.
        .target(
            name: "OffloadSQLite",
            dependencies: ["Offload", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),

        // PostgreSQL store, for tasks, workers and supervisors spread over several hosts.
        .target(
            name: "OffloadPostgres",
            dependencies: [
                "Offload",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),

        // Opens the store a `--database` value names: a SQLite path, or a postgres:// URL (with the PostgreSQL
        // trait; without it such a URL is refused). Used by executables only.
        .target(
            name: "OffloadStores",
            dependencies: [
                "Offload", "OffloadSQLite",
                .target(name: "OffloadPostgres", condition: .when(traits: ["PostgreSQL"])),
            ],
            swiftSettings: strictSettings),

        // C shims for libc calls Swift cannot make (variadic prctl).
        .target(name: "CSystemShims"),

        // libinotifytools ships no pkg-config file, so the module map's `link` line does the linking.
        .systemLibrary(name: "CInotifyTools", providers: [.apt(["libinotifytools0-dev"])]),

        // Worker runtime: the claim/run loop a user's worker executable calls.
        .target(
            name: "OffloadWorker",
            dependencies: [
                "Offload", "CSystemShims",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings),

        // Prometheus exposition of the database's counters, histograms and gauges (docs/metrics.md). Never linked
        // by the worker or the supervisor; the console mounts it at /metrics, `offload metrics` prints it.
        .target(
            name: "OffloadMetrics",
            dependencies: [
                "Offload",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings),

        // Supervisor library: the arbiter that spawns, watches and replaces workers.
        .target(
            name: "OffloadSupervisor",
            dependencies: [
                "Offload", "OffloadWorker", "CSystemShims", "CInotifyTools",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings),

        // Thin executables.
        .executableTarget(
            name: "supervisor",
            dependencies: [
                "OffloadSupervisor", "OffloadStores",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "offload",
            dependencies: [
                "Offload", "OffloadSQLite", "OffloadStores", "OffloadMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "ExampleWorker",
            dependencies: ["Offload", "OffloadWorker", "OffloadSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),

        // The web console and its JSON API as a library an app can mount (docs/console.md). Hummingbird stays here:
        // the worker, the supervisor and `offload` never link it.
        .target(
            name: "OffloadWeb",
            dependencies: [
                "Offload", "OffloadMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        // `offload web …` runs this: the console over a `--database`, on 127.0.0.1:8089 by default.
        .executableTarget(
            name: "offload-web",
            dependencies: [
                "OffloadWeb", "OffloadStores",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings),

        // A worker with tasks that misbehave on purpose (crash, hang, fail), for the integration tests.
        .executableTarget(
            name: "TestWorker",
            dependencies: ["Offload", "OffloadWorker", "OffloadStores"],
            swiftSettings: strictSettings),

        // Throughput, latency, memory and scale against the SQLite and PostgreSQL limits: `Benchmarks/run` builds and runs it.
        // A normal target (built by a plain `swift build`), never a dependency of the tests.
        .executableTarget(
            name: "OffloadBenchmark",
            dependencies: [
                "Offload", "OffloadSQLite", "OffloadPostgres", "OffloadSupervisor",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                // Part 8's raw limit talks to the server with postgres-nio directly.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/OffloadBenchmark",
            swiftSettings: strictSettings),
        // The worker the benchmark's supervisor runs: one no-op task, SQLite only, as a small deployment's worker.
        .executableTarget(
            name: "OffloadBenchmarkWorker",
            dependencies: [
                "Offload", "OffloadWorker", "OffloadSQLite",
                // BENCHMARK_WORKER_METRICS=prometheus: the console part's drain with the worker's own metrics.
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Benchmarks/OffloadBenchmarkWorker",
            swiftSettings: strictSettings),
        // The same worker for the PostgreSQL part, apart so that linking PostgresNIO (+3.7 MB RSS) does not
        // change the SQLite worker's memory figures.
        .executableTarget(
            name: "OffloadBenchmarkPostgresWorker",
            dependencies: ["Offload", "OffloadWorker", "OffloadStores"],
            path: "Benchmarks/OffloadBenchmarkPostgresWorker",
            swiftSettings: strictSettings),

        // Test kit shared by every test target.
        .target(
            name: "OffloadTesting",
            dependencies: ["Offload"],
            swiftSettings: strictSettings),

        // Test kit for real processes: a supervisor on a scratch database, a held write lock, process checks.
        .target(
            name: "OffloadProcessTesting",
            dependencies: [
                "Offload", "OffloadSQLite", "OffloadSupervisor", "OffloadTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),

        .testTarget(
            name: "OffloadTests",
            dependencies: ["Offload", "OffloadTesting"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "OffloadSQLiteTests",
            dependencies: ["Offload", "OffloadSQLite", "OffloadTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "OffloadPostgresTests",
            dependencies: ["Offload", "OffloadPostgres", "OffloadSupervisor", "OffloadTesting"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "OffloadWorkerTests",
            dependencies: ["Offload", "OffloadSQLite", "OffloadWorker", "OffloadSupervisor", "OffloadTesting"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "OffloadSupervisorTests",
            dependencies: [
                "Offload", "OffloadSQLite", "OffloadSupervisor", "OffloadTesting", "OffloadProcessTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings),
        // Faults injected into real supervisors, workers and databases (docs/reliability.md): each test
        // audits the database, the processes left behind and the supervisor's liveness.
        .testTarget(
            name: "OffloadFaultInjectionTests",
            dependencies: [
                "Offload", "OffloadSQLite", "OffloadSupervisor", "OffloadTesting", "OffloadProcessTesting",
                "OffloadPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),
        // The console's routes, pages and security, over real stores; one test runs the real `offload-web`.
        .testTarget(
            name: "OffloadWebTests",
            dependencies: [
                "Offload", "OffloadSQLite", "OffloadWeb", "OffloadTesting", "OffloadProcessTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "OffloadMetricsTests",
            dependencies: [
                "Offload", "OffloadSQLite", "OffloadWorker", "OffloadMetrics", "OffloadTesting", "OffloadProcessTesting",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings),
        // The new user's path end to end (docs/getting-started.md): a package outside the repository that depends
        // on this one by path, really built, run by the supervisor in development mode, then edited.
        .testTarget(
            name: "OffloadAdoptionTests",
            dependencies: [
                "Offload", "OffloadSQLite", "OffloadSupervisor", "OffloadTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings),
    ]
)

// MARK: - OffloadMacros: `@OffloadTask` and `@TaskNamespace` (docs/tasks.md, "Declaring a task with a macro")
//
// Kept in a product of its own so that an app that does not import `OffloadMacros` never builds
// swift-syntax (a clean build of it and of the plugin costs minutes: docs/tasks.md gives the figure).
// `OFFLOAD_SKIP_MACROS=1` leaves these targets out of this package's own build, for a CI run that
// does not need them; a package that depends on Offload is not affected by it.
if Context.environment["OFFLOAD_SKIP_MACROS"] == nil {
    package.products.append(.library(name: "OffloadMacros", targets: ["OffloadMacros"]))
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"))
    package.targets.append(contentsOf: [
        // The compiler plugin: swift-syntax code that runs at compile time and expands the macros.
        .macro(
            name: "OffloadMacrosPlugin",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
            ],
            swiftSettings: strictSettings),
        // What a user imports: the macro declarations, next to `Offload`.
        .target(
            name: "OffloadMacros",
            dependencies: ["Offload", "OffloadMacrosPlugin"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "OffloadMacrosTests",
            dependencies: [
                "Offload", "OffloadMacros", "OffloadMacrosPlugin", "OffloadSQLite", "OffloadWorker", "OffloadTesting",
                .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacroExpansion", package: "swift-syntax"),
            ],
            swiftSettings: strictSettings),
    ])
}

import ArgumentParser
import Foundation
import Logging
import Offload
import OffloadSQLite
import OffloadStores
import OffloadSupervisor

/// `supervisor [run] --queue-name "*"`: the main command.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Spawn and supervise workers (the default subcommand).",
        discussion: """
            Settings come from flags, then OFFLOAD_* environment variables, then the configuration file \
            (--config, $OFFLOAD_CONFIG, or ./offload.conf if present and writable by this user only), then built-in defaults. \
            In a Swift package directory without --worker, the worker product is built with `swift build` \
            and development mode (rebuild on change) is on unless --no-reload.
            """)

    @Option(name: .long, help: "Queues to run workers for: \"*\" for every queue the worker's tasks declare plus the configured ones, or a comma list.")
    var queueName = "*"

    @Option(name: .long, help: "Configuration file.")
    var config: String?

    @Option(name: .long, help: "The task database: a SQLite file, or a postgres:// URL (keep the password out of it: $PGPASSWORD or a password file).")
    var database: String?

    @Option(name: .long, help: "Path of the worker executable.")
    var worker: String?

    @Option(name: .long, help: "In a Swift package: the worker product to build and run (default: the package's only executable that depends on OffloadWorker).")
    var workerProduct: String?

    @Option(name: .long, help: "The Swift package directory (default: the current directory).")
    var packagePath: String?

    @Option(name: .long, help: "Queues to serve besides the ones the worker's tasks declare, comma-separated (default: the configuration's).")
    var queues: String?

    @Option(name: .long, help: "Workers per queue: \"2\" or \"default=2,email=4\".")
    var workers: String?

    @Option(name: .long, help: "Tasks at once per worker process.")
    var concurrency: Int?

    @Option(name: .long, help: "Seconds running tasks get to finish when workers stop.")
    var gracefulTimeout: Double?

    @Option(name: .long, help: "Seconds between worker heartbeats.")
    var heartbeatInterval: Double?

    @Option(name: .long, help: "Seconds of silence after which a worker is hung and replaced.")
    var heartbeatTimeout: Double?

    @Option(name: .long, help: "Seconds after a task's timeout before its worker is killed.")
    var timeoutGrace: Double?

    @Option(name: .long, help: "Replace each worker after this many tasks.")
    var maxTasksPerWorker: Int?

    @Option(name: .long, help: "Replace a worker whose resident memory exceeds this many MiB.")
    var maxWorkerMemory: Int?

    @Option(name: .long, help: "Seconds of idleness after start-up before the supervisor and each worker hand their start-up code pages back to the kernel (once); 0: never.")
    var trimMemoryAfter: Double?

    @Option(name: .long, help: "Seconds of expected work each worker claims beyond its free slots, judged from how long its tasks have taken; 0: claim only for free slots.")
    var prefetchBudget: Double?

    @Option(name: .long, help: "The control socket for `supervisor ctl`.")
    var controlSocket: String?

    @Option(name: .long, help: "Seconds after which a registered worker that stopped heartbeating (another host's) has its tasks recovered.")
    var staleWorkerTimeout: Double?

    @Flag(inversion: .prefixedNo, help: "Watch the package's sources and rebuild the worker on change (development).")
    var reload: Bool?

    @Option(name: .long, help: ArgumentHelp(
        "Development mode: also watch this path (repeat, or a comma list; relative to the package).",
        discussion: "Replaces OFFLOAD_WATCH and `watch =` when given. The worker product's own sources, its local path packages' and Package.swift are always watched."))
    var watch: [String] = []

    @Option(name: .long, help: "Colour worker output prefixes: auto, always, never.")
    var logColor: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not \(logLevel).")
        }
    }

    func run() async throws {
        // A reader that goes away (a `ctl` client, a closed stdout) must cost a write, not the supervisor.
        signal(SIGPIPE, SIG_IGN)
        let logLevel = Logger.Level(rawValue: self.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = TerminalSafeLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "offload.supervisor")
        let environment = ProcessInfo.processInfo.environment
        for variable in ConfigurationFile.unrecognizedEnvironmentVariables(in: environment) {
            logger.warning("\(variable) matches no configuration key; is it misspelt?")
        }

        if let database, !TaskStoreLocation.handOff(database, environment: [:]).environment.isEmpty {
            logger.warning("--database holds a password, which every user of this host can read in ps: use OFFLOAD_DATABASE_PASSWORD_FILE or PGPASSWORD instead (docs/postgres.md)")
        }
        let settings: SupervisorSettings
        let defaultProduct: String?
        do {
            let choice = try ConfigurationFileChoice.locate(explicitPath: config, environment: environment, workingDirectory: FileManager.default.currentDirectoryPath)
            if let warning = choice.warning { logger.warning("\(warning)") }
            logger.notice("\(choice.notice)")
            defaultProduct = try await defaultWorkerProduct(file: choice.file, environment: environment)
            if let defaultProduct { logger.notice("worker product: \(defaultProduct) (the package's only executable that depends on OffloadWorker)") }
            settings = try resolveSettings(file: choice.file, environment: environment, defaultWorkerProduct: defaultProduct)
        } catch let error as ConfigurationError {
            logger.critical("\(error)")
            throw SupervisorExit.code(for: error)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }
        // Before any build or child: a URL this build cannot open is a configuration error, not a file name.
        do {
            try TaskStoreLocation.checkSupported(settings.configuration.database)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(SupervisorExit.configuration)
        }
        let store: any TaskStore
        do {
            if case .product(let product, let packagePath) = settings.workerSource {
                try await WorkerBuild.ensureBuilt(product: product, packagePath: packagePath, always: settings.reload != nil, logger: logger)
            }
            var storeConfiguration = SQLiteStoreConfiguration()
            storeConfiguration.watchesWAL = false
            store = try await TaskStoreLocation.open(settings.configuration.database, sqlite: storeConfiguration, environment: environment.merging(settings.configuration.workerEnvironment) { $1 })
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }
        let flagsSnapshot = self
        let supervisor = Supervisor(
            configuration: settings.configuration, store: store, logger: logger,
            reloadConfiguration: {
                // The start-up environment: the database password was taken out of the live one once read.
                let choice = try ConfigurationFileChoice.locate(explicitPath: flagsSnapshot.config, environment: environment, workingDirectory: FileManager.default.currentDirectoryPath)
                if let warning = choice.warning { logger.warning("\(warning)") }
                logger.notice("\(choice.notice)")
                return try flagsSnapshot.resolveSettings(file: choice.file, environment: environment, defaultWorkerProduct: defaultProduct).configuration
            })
        do {
            if let reload = settings.reload {
                try await DevelopmentMode(supervisor: supervisor, settings: reload, logger: logger).run()
            } else {
                try await supervisor.run()
            }
        } catch let error as ConfigurationError {
            logger.critical("\(error)")
            throw SupervisorExit.code(for: error)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }
    }

    func resolveSettings(file: ConfigurationFile, environment: [String: String], defaultWorkerProduct: String?) throws -> SupervisorSettings {
        let workingDirectory = FileManager.default.currentDirectoryPath
        var flags = SupervisorFlags()
        flags.queueSelection = queueName
        flags.database = database
        flags.worker = worker
        flags.workerProduct = workerProduct ?? defaultWorkerProduct
        flags.packagePath = packagePath
        flags.queues = queues
        flags.workers = workers
        flags.concurrency = concurrency
        flags.gracefulTimeout = gracefulTimeout
        flags.heartbeatInterval = heartbeatInterval
        flags.heartbeatTimeout = heartbeatTimeout
        flags.timeoutGrace = timeoutGrace
        flags.maxTasksPerWorker = maxTasksPerWorker
        flags.maxWorkerMemory = maxWorkerMemory
        flags.controlSocket = controlSocket
        flags.staleWorkerTimeout = staleWorkerTimeout
        flags.trimMemoryAfter = trimMemoryAfter
        flags.prefetchBudget = prefetchBudget
        flags.reload = reload
        flags.logColor = logColor
        var settings = try SupervisorSettings.resolve(flags: flags, file: file, environment: environment, workingDirectory: workingDirectory)
        try applyWatchFlag(to: &settings)
        // Workers get the URL without its password (their arguments show in `ps`), the password in their environment.
        let handOff = TaskStoreLocation.handOff(settings.configuration.database, environment: environment)
        settings.configuration.database = handOff.database
        settings.configuration.workerEnvironment.merge(handOff.environment) { $1 }
        return settings
    }
}

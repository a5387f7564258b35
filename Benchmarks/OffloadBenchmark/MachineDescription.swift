import Foundation

/// What the figures were measured on. A rate means little without it: SQLite's commit rate is
/// bound by `fsync`-free WAL appends, so the file system and the CPU matter more than anything else.
struct MachineDescription: Codable, Sendable {
    var cpuModel: String
    var cores: Int
    var memoryGiB: Double
    var kernel: String
    /// The file system holding the benchmark directory, as `/proc/self/mountinfo` names it.
    var fileSystem: String
    var benchmarkDirectory: String
    var sqliteVersion: String
    var swiftVersion: String
    var buildConfiguration: String
    var loadAverageAtStart: String
    var loadAverageAtEnd: String?
    var date: String
    /// The PostgreSQL server of part 8, its version and durability settings; `nil` when part 8 did not run.
    var postgresServer: String?

    static func current(directory: String, swiftVersion: String?) -> MachineDescription {
        MachineDescription(
            cpuModel: cpuModel(),
            cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            memoryGiB: memoryGiB(),
            kernel: kernel(),
            fileSystem: fileSystem(of: directory),
            benchmarkDirectory: directory,
            sqliteVersion: RawConnection.libraryVersion,
            swiftVersion: swiftVersion ?? compiledSwiftVersion,
            buildConfiguration: buildConfiguration,
            loadAverageAtStart: loadAverage(),
            loadAverageAtEnd: nil,
            date: Date().formatted(.iso8601),
            postgresServer: nil)
    }

    var summaryLines: [String] {
        [
            "Machine: \(cpuModel), \(cores) cores, \(String(format: "%.1f", memoryGiB)) GiB, Linux \(kernel)",
            "Benchmark directory: \(benchmarkDirectory) on \(fileSystem)",
            "SQLite \(sqliteVersion), \(swiftVersion), \(buildConfiguration) build",
            "Load average (1, 5, 15 min): \(loadAverageAtStart) at start, \(loadAverageAtEnd ?? "?") at end; \(date)",
        ] + (postgresServer.map { [$0] } ?? [])
    }

    #if DEBUG
    static let buildConfiguration = "DEBUG (figures are meaningless: use `swift build -c release`)"
    #else
    static let buildConfiguration = "release"
    #endif

    #if compiler(>=6.3)
    static let compiledSwiftVersion = "Swift 6.3 or later (pass --swift-version for the exact one)"
    #else
    static let compiledSwiftVersion = "Swift before 6.3 (pass --swift-version for the exact one)"
    #endif

    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    private static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown CPU"
    }

    private static func memoryGiB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let kibibytes = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
            return kibibytes / 1_048_576
        }
        return 0
    }

    private static func kernel() -> String {
        var name = utsname()
        guard uname(&name) == 0 else { return "unknown kernel" }
        return withUnsafeBytes(of: &name.release) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// The type and source of the mount that holds `directory`: the longest mount point that is a
    /// prefix of its real path. `mountinfo` fields: … mount-point … ` - ` type source options.
    static func fileSystem(of directory: String) -> String {
        let path = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return "unknown file system" }
        var best: (mountPoint: String, description: String)?
        for line in text.split(separator: "\n") {
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { continue }
            let fields = halves[0].split(separator: " ")
            let tail = halves[1].split(separator: " ")
            guard fields.count > 4, tail.count > 1 else { continue }
            let mountPoint = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
            let isPrefix = mountPoint == "/" || path == mountPoint || path.hasPrefix(mountPoint + "/")
            guard isPrefix, mountPoint.count >= (best?.mountPoint.count ?? 0) else { continue }
            best = (mountPoint, "\(tail[0]) (\(tail[1]), mounted at \(mountPoint))")
        }
        return best?.description ?? "unknown file system"
    }
}

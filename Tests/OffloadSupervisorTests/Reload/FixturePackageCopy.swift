import Foundation
import OffloadTesting

/// A copy of a fixture folder of `Tests/OffloadSupervisorTests/Fixtures` in a fresh temporary directory,
/// with every `Package.swift.template` made a `Package.swift` that depends on the Offload package under test.
/// Reading a manifest (`swift package dump-package`) needs no build, so these tests cost seconds.
struct FixturePackageCopy {
    private let directory = TemporaryDirectory("offload-fixture")
    /// The copy, spelled as inotify spells event paths (no `//`).
    let path: String

    init(_ fixture: String) throws {
        path = "/" + directory.path.split(separator: "/").joined(separator: "/")
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").path
        let fileManager = FileManager.default
        try fileManager.removeItem(atPath: path)
        try fileManager.copyItem(atPath: fixtures + "/" + fixture, toPath: path)
        let root = BuiltProducts.packageRoot
        let templates = (fileManager.enumerator(atPath: path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix("Package.swift.template") }
        for relative in templates {
            let template = path + "/" + relative
            let manifest = try String(contentsOfFile: template, encoding: .utf8)
                .replacingOccurrences(of: "__OFFLOAD_PATH__", with: root)
                .replacingOccurrences(of: "__OFFLOAD_IDENTITY__", with: URL(fileURLWithPath: root).lastPathComponent.lowercased())
            try manifest.write(toFile: String(template.dropLast(".template".count)), atomically: true, encoding: .utf8)
            try fileManager.removeItem(atPath: template)
        }
    }

    func file(_ relativePath: String) -> String { path + "/" + relativePath }

    /// Writes a file in place (one IN_CLOSE_WRITE).
    func write(_ relativePath: String, _ contents: String) throws {
        try contents.write(toFile: file(relativePath), atomically: false, encoding: .utf8)
    }
}

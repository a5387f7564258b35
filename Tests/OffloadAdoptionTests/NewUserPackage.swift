import Foundation

/// The new user's package (`Fixtures/NewUserShop`), written outside the repository with a path dependency on the
/// Offload checkout under test.
///
/// It lives at a fixed path in the system's temporary directory, one per checkout, and every run rewrites its
/// manifest and sources and removes everything else but `.build`: the package is the one the fixture describes,
/// while Offload and GRDB compiled for it survive between runs (the first run on a machine pays for the clean
/// build). Delete the directory to measure a clean build again.
struct NewUserPackage: Sendable {
    let path: String
    let offloadRoot: String

    /// The repository root, found from this file's path (`Tests/OffloadAdoptionTests/NewUserPackage.swift`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static var fixture: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/NewUserShop").path
    }

    init(offloadRoot: String = NewUserPackage.repositoryRoot) throws {
        self.offloadRoot = offloadRoot
        // One directory per checkout (and user), since the package's .build is only valid for one Offload path.
        let base = NSTemporaryDirectory() + "/offload-adoption-\(getuid())-\(stableHash(offloadRoot))"
        path = base + "/NewUserShop"
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for entry in try fileManager.contentsOfDirectory(atPath: path) where entry != ".build" {
            try fileManager.removeItem(atPath: path + "/" + entry)
        }
        try fileManager.copyItem(atPath: Self.fixture + "/Sources", toPath: path + "/Sources")
        let manifest = try String(contentsOfFile: Self.fixture + "/Package.swift.template", encoding: .utf8)
            .replacingOccurrences(of: "__OFFLOAD_PATH__", with: offloadRoot)
            .replacingOccurrences(of: "__OFFLOAD_IDENTITY__", with: URL(fileURLWithPath: offloadRoot).lastPathComponent.lowercased())
        try manifest.write(toFile: path + "/Package.swift", atomically: true, encoding: .utf8)
    }

    /// Replaces `old` with `new` in a source file, the way an editor saves (a new file renamed over the old one).
    func edit(_ relativePath: String, replacing old: String, with new: String) throws {
        let file = path + "/" + relativePath
        let text = try String(contentsOfFile: file, encoding: .utf8)
        precondition(text.contains(old), "\(relativePath) does not contain \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: file, atomically: true, encoding: .utf8)
    }
}

/// FNV-1a over UTF-8: the same in every process, unlike Swift's `Hasher`, which is seeded per process.
func stableHash(_ text: String) -> String {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return String(value, radix: 16)
}

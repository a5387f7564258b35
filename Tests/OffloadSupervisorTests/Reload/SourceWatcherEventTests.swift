import CInotifyTools
import Testing
@testable import OffloadSupervisor

@Suite("What each raw inotify event means (no inotify involved)")
struct SourceWatcherEventTests {
    let filter = WatchFilter()
    let sources = WatchedDirectory(path: "/pkg/Sources/App", root: "/pkg/Sources")
    /// The package directory, watched only for its `Package.swift` and `Sources` entries.
    let package = WatchedDirectory(path: "/pkg", root: nil, rootNames: ["Package.swift", "Sources"])

    func event(_ mask: Int32, _ name: String, in directory: WatchedDirectory?) -> SourceWatcherEvent {
        SourceWatcherEvent(mask: UInt32(bitPattern: mask), name: name, in: directory, filter: filter)
    }

    @Test("IN_Q_OVERFLOW maps to overflow, although its descriptor (-1) belongs to no directory")
    func overflow() {
        #expect(event(IN_Q_OVERFLOW, "", in: nil) == .overflow)
        #expect(event(IN_Q_OVERFLOW, "", in: sources) == .overflow)
    }

    @Test("a save, a rename-save, a new file and a deletion are changes at the entry's path")
    func fileEvents() {
        for mask in [IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_MOVED_FROM] {
            #expect(event(mask, "main.swift", in: sources) == .changed("/pkg/Sources/App/main.swift"))
        }
    }

    @Test("a directory created or moved in is to be watched under its root; one deleted or moved out is forgotten")
    func directoryEvents() {
        #expect(event(IN_CREATE | IN_ISDIR, "Models", in: sources) == .directoryAppeared("/pkg/Sources/App/Models", root: "/pkg/Sources"))
        #expect(event(IN_MOVED_TO | IN_ISDIR, "Models", in: sources) == .directoryAppeared("/pkg/Sources/App/Models", root: "/pkg/Sources"))
        #expect(event(IN_DELETE | IN_ISDIR, "Models", in: sources) == .directoryVanished("/pkg/Sources/App/Models", moved: false))
        #expect(event(IN_MOVED_FROM | IN_ISDIR, "Models", in: sources) == .directoryVanished("/pkg/Sources/App/Models", moved: true))
    }

    @Test("ignored names give nothing, whatever the event", arguments: [".build", ".git", "main.swift.swp", "main.swift~", "4913", ".#main.swift"])
    func ignoredNames(_ name: String) {
        #expect(event(IN_CLOSE_WRITE, name, in: sources) == .ignored)
        #expect(event(IN_CREATE | IN_ISDIR, name, in: sources) == .ignored)
    }

    @Test("beside a root only the root's own name counts: Package.swift is seen, README.md is not")
    func onlyRootNamesBesideRoots() {
        #expect(event(IN_MOVED_TO, "Package.swift", in: package) == .changed("/pkg/Package.swift"))
        #expect(event(IN_CLOSE_WRITE, "README.md", in: package) == .ignored)
        #expect(event(IN_CREATE | IN_ISDIR, ".build", in: package) == .ignored)
        #expect(event(IN_CREATE | IN_ISDIR, "Sources", in: package) == .directoryAppeared("/pkg/Sources", root: "/pkg/Sources"))
    }

    @Test("IN_IGNORED ends the watch; events from a descriptor we no longer know are dropped")
    func watchLifecycle() {
        #expect(event(IN_IGNORED, "", in: sources) == .watchEnded)
        #expect(event(IN_CLOSE_WRITE, "main.swift", in: nil) == .ignored)
    }

    @Test("a watched directory deleted or moved is itself a change; the parent of roots is not")
    func selfEvents() {
        #expect(event(IN_DELETE_SELF, "", in: sources) == .changed("/pkg/Sources/App"))
        #expect(event(IN_MOVE_SELF, "", in: sources) == .changed("/pkg/Sources/App"))
        #expect(event(IN_DELETE_SELF, "", in: package) == .ignored)
    }

    @Test("relative paths are taken from the root, including the file-system root")
    func relativePaths() {
        #expect(SourceWatcherEvent.relativePath(of: "/pkg/Sources/App/x.swift", under: "/pkg/Sources") == "App/x.swift")
        #expect(SourceWatcherEvent.relativePath(of: "/pkg/Sources", under: "/pkg/Sources") == "")
        #expect(SourceWatcherEvent.relativePath(of: "/etc/x", under: "/") == "etc/x")
    }
}

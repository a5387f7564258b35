import Testing
@testable import OffloadSupervisor

@Suite("Which paths never trigger a rebuild")
struct WatchFilterTests {
    let defaults = WatchFilter()

    @Test(
        "build output, git's files and editor scratch files are ignored by default",
        arguments: [
            ".build/debug/App.o", ".build-watcher/x", "App/.build/y", ".git/index", ".git",
            "foo.swift.swp", "App/.main.swift.swp", ".main.swift.swo", ".main.swift.swx",
            "foo~", "App/main.swift~", "4913", "App/4913", ".#foo", "#main.swift#",
        ])
    func defaultPatternsIgnore(_ path: String) {
        #expect(defaults.ignores(relativePath: path))
    }

    @Test(
        "sources, the manifest and look-alike names are not ignored",
        arguments: [
            "App/main.swift", "Package.swift", "App/build/x.swift", ".gitignore", ".github/ci.yml",
            "App/swp.swift", "Resources/4913.json", "", "App/config~backup.json",
        ])
    func sourcesAreKept(_ path: String) {
        #expect(!defaults.ignores(relativePath: path))
    }

    @Test("a pattern with a slash matches from the root and ignores everything below it")
    func pathPatternsAreAnchored() {
        let filter = WatchFilter(ignoring: ["App/Generated", "/Gen*/", "Fixtures/"])
        #expect(filter.ignores(relativePath: "App/Generated"))
        #expect(filter.ignores(relativePath: "App/Generated/Model.swift"))
        #expect(!filter.ignores(relativePath: "Other/App/Generated/Model.swift"))
        #expect(filter.ignores(relativePath: "Gen2/x.swift"))  // a leading slash anchors a name to the root
        #expect(!filter.ignores(relativePath: "App/Gen2/x.swift"))
        #expect(filter.ignores(relativePath: "App/Fixtures/x.json"))  // a trailing slash does not anchor
        #expect(!filter.ignores(relativePath: "App/main.swift"))
    }

    @Test("configured patterns extend the defaults")
    func extraPatterns() {
        let filter = WatchFilter(ignoring: WatchFilter.defaultIgnoredPatterns + ["*.generated.swift", "Fixtures"])
        #expect(filter.ignores(relativePath: "App/Model.generated.swift"))
        #expect(filter.ignores(relativePath: "App/Fixtures/big.json"))
        #expect(filter.ignores(relativePath: ".build/x"))
        #expect(!filter.ignores(relativePath: "App/Model.swift"))
    }

    @Test("with no patterns nothing is ignored")
    func noPatterns() {
        #expect(!WatchFilter(ignoring: []).ignores(relativePath: ".build/x"))
    }
}

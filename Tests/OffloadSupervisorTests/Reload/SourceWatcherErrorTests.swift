import Glibc
import Testing
@testable import OffloadSupervisor

@Suite("Watcher errors name the limit or path to fix")
struct SourceWatcherErrorTests {
    @Test("ENOSPC from inotify_add_watch names fs.inotify.max_user_watches and its value, not a full disk")
    func watchLimitMessage() {
        let error = SourceWatcherError.addingWatch(to: "/pkg/Sources/App", errno: ENOSPC) { name in
            name == "max_user_watches" ? 8192 : nil
        }
        #expect(error.code == .watchLimitReached)
        #expect(error.systemError == ENOSPC)
        #expect(error.path == "/pkg/Sources/App")
        #expect(error.description.contains("/pkg/Sources/App"))
        #expect(error.description.contains("inotify watch limit"))
        #expect(error.description.contains("fs.inotify.max_user_watches = 8192"))
        #expect(error.description.contains("The disk is not full"))
        #expect(error.description.contains("sysctl fs.inotify.max_user_watches=524288"))
        #expect(!error.description.contains("No space left on device"))
    }

    @Test("the suggested watch limit is at least double the current one")
    func watchLimitSuggestionGrows() {
        let error = SourceWatcherError.addingWatch(to: "/x", errno: ENOSPC) { _ in 1_000_000 }
        #expect(error.description.contains("max_user_watches=2000000"))
    }

    @Test("when the limit cannot be read the message still names it")
    func watchLimitUnreadable() {
        let error = SourceWatcherError.addingWatch(to: "/x", errno: ENOSPC) { _ in nil }
        #expect(error.code == .watchLimitReached)
        #expect(error.description.contains("(fs.inotify.max_user_watches, shared"))
    }

    @Test("EMFILE from inotify_init names fs.inotify.max_user_instances and its value")
    func instanceLimitMessage() {
        let error = SourceWatcherError.initializing(errno: EMFILE) { name in
            name == "max_user_instances" ? 128 : nil
        }
        #expect(error.code == .instanceLimitReached)
        #expect(error.description.contains("fs.inotify.max_user_instances = 128"))
        #expect(error.description.contains("sysctl fs.inotify.max_user_instances=512"))
    }

    @Test("ENOENT is a missing path, EACCES a permission problem, anything else keeps its errno")
    func otherErrnos() {
        #expect(SourceWatcherError.addingWatch(to: "/nope", errno: ENOENT).code == .pathNotFound)
        #expect(SourceWatcherError.addingWatch(to: "/nope", errno: ENOENT).description.contains("/nope: no such file or directory"))
        #expect(SourceWatcherError.addingWatch(to: "/root", errno: EACCES).code == .permissionDenied)
        let other = SourceWatcherError.addingWatch(to: "/x", errno: EINVAL)
        #expect(other.code == .watchFailed)
        #expect(other.systemError == EINVAL)
        #expect(other.description.contains("errno \(EINVAL)"))
    }

    @Test("the real limits are read from /proc/sys/fs/inotify")
    func readsRealLimits() throws {
        let watches = try #require(InotifyLimit.current(InotifyLimit.maxUserWatches))
        #expect(watches > 0)
        #expect(InotifyLimit.current("no_such_limit") == nil)
    }

    @Test("relative or missing roots are rejected before anything is watched")
    func configurationIsValidated() {
        #expect(throws: SourceWatcherError.self) { try SourceWatcherConfiguration(roots: []).validate() }
        do {
            try SourceWatcherConfiguration(roots: ["Sources"]).validate()
            Issue.record("a relative root was accepted")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.description.contains("\"Sources\" is relative"))
        }
    }

    @Test("a package configuration watches Sources and Package.swift, spelled like event paths")
    func packageConfiguration() {
        let configuration = SourceWatcherConfiguration.package(at: "/srv//app/", extraPaths: ["/srv/lib/Sources/"])
        #expect(configuration.normalizedRoots == ["/srv/app/Sources", "/srv/app/Package.swift", "/srv/lib/Sources"])
        #expect(configuration.ignoredPatterns == WatchFilter.defaultIgnoredPatterns)
    }
}

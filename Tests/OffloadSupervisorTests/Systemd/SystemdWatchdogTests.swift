import Foundation
import OffloadSupervisor
import Testing

@Suite("SystemdWatchdog")
struct SystemdWatchdogTests {
    @Test("the ping interval is half of WATCHDOG_USEC")
    func intervalIsHalfOfWatchdogUsec() {
        #expect(SystemdWatchdog.interval(environment: ["WATCHDOG_USEC": "30000000"]) == .seconds(15))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "3"]) == .nanoseconds(1500))
    }

    @Test("WATCHDOG_PID naming this process keeps the watchdog")
    func watchdogPIDNamingUsKeepsIt() {
        let environment = ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(getpid())"]

        #expect(SystemdWatchdog.interval(environment: environment) == .seconds(1))
        #expect(SystemdNotifier.watchdogInterval(environment: environment) == .seconds(1))
    }

    @Test("WATCHDOG_PID naming another process means the watchdog is not ours")
    func watchdogPIDNamingAnotherProcessDisablesIt() {
        let environment = ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(getpid() + 1)"]

        #expect(SystemdWatchdog.interval(environment: environment) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: environment) == nil)
        #expect(SystemdWatchdog(environment: environment) == nil)
    }

    @Test("no watchdog without a positive WATCHDOG_USEC", arguments: [[:], ["WATCHDOG_USEC": "0"], ["WATCHDOG_USEC": "-5"], ["WATCHDOG_USEC": "30s"], ["WATCHDOG_USEC": ""]])
    func noWatchdogWithoutUsableUsec(environment: [String: String]) {
        #expect(SystemdWatchdog.interval(environment: environment) == nil)
    }

    @Test("a ping is due at once, then again only after each interval")
    func pingSchedule() throws {
        var watchdog = try #require(SystemdWatchdog(environment: ["WATCHDOG_USEC": "10000000"], processID: 1))
        let start = ContinuousClock.now

        #expect(watchdog.isDue(at: start))
        #expect(watchdog.timeUntilDue(at: start) == .zero)

        watchdog.recordPing(at: start)
        #expect(!watchdog.isDue(at: start + .seconds(2)))
        #expect(watchdog.timeUntilDue(at: start + .seconds(2)) == .seconds(3))
        #expect(watchdog.isDue(at: start + .seconds(5)))
        #expect(watchdog.timeUntilDue(at: start + .seconds(7)) == .zero)
    }
}

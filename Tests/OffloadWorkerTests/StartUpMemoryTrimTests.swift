import Foundation
import OffloadWorker
import Testing

@Suite("Start-up memory trim: when it is due, and what it does", .serialized)
struct StartUpMemoryTrimTests {
    /// What `isDue` answers at each step: whether the process was busy, and seconds since the first step.
    static func answers(delay: Duration?, _ steps: [(busy: Bool, second: Int)]) -> [Bool] {
        var trim = StartUpMemoryTrim(after: delay)
        let start = ContinuousClock.now
        return steps.map { trim.isDue(busy: $0.busy, at: start + .seconds($0.second)) }
    }

    @Test("due once, after an unbroken idle stretch of the delay, and never again")
    func dueOnceAfterIdleStretch() {
        let answers = Self.answers(delay: .seconds(10), [(false, 0), (false, 9), (false, 10), (false, 30), (false, 3600)])
        #expect(answers == [false, false, true, false, false])
    }

    @Test("work during the stretch starts it over")
    func workRestartsTheStretch() {
        let answers = Self.answers(delay: .seconds(10), [(false, 0), (true, 8), (false, 12), (false, 21), (false, 22)])
        #expect(answers == [false, false, false, false, true])
    }

    @Test("without a delay it is never due")
    func offMeansNever() {
        let answers = Self.answers(delay: nil, (0..<100).map { (false, 60 * $0) })
        #expect(!answers.contains(true))
    }

    @Test("unmapping the read-only segments lowers this process's resident memory, and its code still runs")
    func unmappingLowersResidentMemory() throws {
        let outcome = try StartUpMemoryTrim.unmapReadOnlySegments()
        #expect(outcome.unmapped > 0)
        #expect(outcome.residentBefore > 0 && outcome.residentAfter > 0)
        #expect(outcome.residentAfter < outcome.residentBefore, "\(outcome)")
        // The code it unmapped comes back on first use.
        #expect([3, 1, 2].sorted() == [1, 2, 3])
    }

    @Test("a segment holding a private copy of a page is left mapped, so the copy survives")
    func privateCopiesSurvive() throws {
        // A debugger writes a breakpoint through /proc/PID/mem; the kernel gives the process a private copy
        // of that page. Writing back the byte that is there does the same without changing anything.
        let page = try #require(Self.firstPageOfExecutable())
        let memory = open("/proc/self/mem", O_RDWR)
        try #require(memory >= 0)
        defer { close(memory) }
        var byte: UInt8 = 0
        try #require(pread(memory, &byte, 1, off_t(page)) == 1)
        try #require(pwrite(memory, &byte, 1, off_t(page)) == 1)
        try #require(Self.privateKilobytes(mappingContaining: page) > 0)

        let outcome = try StartUpMemoryTrim.unmapReadOnlySegments()

        #expect(outcome.kept > 0, "\(outcome)")
        #expect(Self.privateKilobytes(mappingContaining: page) > 0, "MADV_DONTNEED would have thrown the copy away")
    }

    /// The start of this test executable's first mapping (its first read-only segment).
    static func firstPageOfExecutable() -> UInt? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
              let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
        let line = maps.split(separator: "\n").first { $0.hasSuffix(" " + executable) }
        return line.flatMap { UInt($0.prefix { $0 != "-" }, radix: 16) }
    }

    /// The "Anonymous" kilobytes of the mapping containing `address`: its pages that are private copies.
    static func privateKilobytes(mappingContaining address: UInt) -> Int {
        guard let smaps = try? String(contentsOfFile: "/proc/self/smaps", encoding: .utf8) else { return -1 }
        var inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let bounds = fields.first?.split(separator: "-").compactMap { UInt($0, radix: 16) } ?? []
            if bounds.count == 2, fields.count >= 5 {
                inside = bounds[0] <= address && address < bounds[1]
            } else if inside, fields.first == "Anonymous:", fields.count >= 2 {
                return Int(fields[1]) ?? -1
            }
        }
        return -1
    }
}
